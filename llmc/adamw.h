// adamw.h: AdamW update (decoupled weight decay), global gradient norm, and the learning-rate
// schedule (linear warmup, cosine decay to a floor).
#pragma once
#include "profile.h"
#include <cmath>
#include <cstddef>
#include <vector>
#include <omp.h>

// params, grads, m, v are (N); t is the 1-based step count for bias correction
template <class T>
void adamw_update(T* params, const T* grads, T* m, T* v, size_t N, T lr, T beta1, T beta2, T eps,
                  T weight_decay, T grad_scale, int t) {
    ProfScope prof_(PROF_OPTIMIZER, 12.0 * N, 20.0 * N);
    const T bc1 = T(1) - std::pow(beta1, t), bc2 = T(1) - std::pow(beta2, t);
    #pragma omp parallel for
    for (size_t i = 0; i < N; i++) {
        T g = grads[i] * grad_scale;
        m[i] = beta1 * m[i] + (T(1) - beta1) * g;
        v[i] = beta2 * v[i] + (T(1) - beta2) * g * g;
        T mh = m[i] / bc1, vh = v[i] / bc2;
        params[i] -= lr * (mh / (std::sqrt(vh) + eps) + weight_decay * params[i]);
    }
}

// sum of squares of g (N) in double; per-thread partials added in thread order (deterministic)
template <class T>
double sum_squares(const T* g, size_t N) {
    int nt = omp_get_max_threads();
    std::vector<double> part(nt, 0.0);
    #pragma omp parallel num_threads(nt)
    {
        double s = 0;
        #pragma omp for schedule(static)
        for (size_t i = 0; i < N; i++) s += (double)g[i] * g[i];
        part[omp_get_thread_num()] = s;
    }
    double s = 0;
    for (double x : part) s += x;
    return s;
}

// linear warmup over `warmup` steps, then cosine from lr down to lr * min_frac at `total` steps
inline double lr_schedule(int step, int total, int warmup, double lr, double min_frac) {
    if (step < warmup) return lr * (step + 1) / warmup;
    if (total <= warmup) return lr;
    double p = (double)(step - warmup) / (total - warmup);
    if (p > 1) p = 1;
    return lr * (min_frac + (1 - min_frac) * 0.5 * (1 + std::cos(M_PI * p)));
}
