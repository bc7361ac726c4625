// adamw.h: AdamW update (decoupled weight decay), global gradient norm, and the learning-rate
// schedule (linear warmup, cosine decay to a floor).
#pragma once
#include "profile.h"
#include <cmath>
#include <cstddef>
#include <vector>
#include <omp.h>

// params, grads, m, v are (N); t is the 1-based step count for bias correction.
// p -= lr * (m / bc1 / (sqrt(v / bc2) + eps) + wd * p), written with one division and one square
// root per element (the bias corrections as reciprocals): with three of them the loop was bound by
// the divider (11 GB/s on an AVX-512 Xeon), with one it runs near memory bandwidth.
template <class T>
void adamw_update(T* params, const T* grads, T* m, T* v, size_t N, T lr, T beta1, T beta2, T eps,
                  T weight_decay, T grad_scale, int t) {
    ProfScope prof_(PROF_OPTIMIZER, 12.0 * N, 7.0 * sizeof(T) * N);  // reads p, g, m, v; writes p, m, v
    const T bc1 = T(1) - std::pow(beta1, t), bc2 = T(1) - std::pow(beta2, t);
    const T step = lr / bc1, inv_sqrt_bc2 = T(1) / std::sqrt(bc2);
    #pragma omp parallel for simd schedule(static)
    for (size_t i = 0; i < N; i++) {
        T g = grads[i] * grad_scale;
        T mi = beta1 * m[i] + (T(1) - beta1) * g;
        T vi = beta2 * v[i] + (T(1) - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] -= step * mi / (std::sqrt(vi) * inv_sqrt_bc2 + eps) + lr * weight_decay * params[i];
    }
}

// sum of squares of g (N) in double; each thread sums one contiguous chunk (vectorised: several
// partial sums), the threads' partials added in thread order (deterministic for a thread count)
template <class T>
double sum_squares(const T* g, size_t N) {
    int nt = omp_get_max_threads();
    std::vector<double> part(nt, 0.0);
    #pragma omp parallel num_threads(nt)
    {
        int id = omp_get_thread_num(), n = omp_get_num_threads();
        size_t lo = N * id / n, hi = N * (id + 1) / n;
        double s = 0;
        #pragma omp simd reduction(+ : s)
        for (size_t i = lo; i < hi; i++) s += (double)g[i] * g[i];
        part[id] = s;
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
