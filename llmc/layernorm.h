// layernorm.h: LayerNorm (eps 1e-5, as GPT-2), forward and backward, and the residual add (CPU).
#pragma once
#include "profile.h"
#include <cmath>
#include <cstddef>
#include <vector>
#include <omp.h>

// out is (N,C), mean and rstd are (N) (saved for backward), inp is (N,C), weight and bias are (C)
template <class T>
void layernorm_forward(T* out, T* mean, T* rstd, const T* inp, const T* weight, const T* bias, int N, int C) {
    ProfScope prof_(PROF_LAYERNORM, 8.0 * N * C, 8.0 * N * C);
    #pragma omp parallel for
    for (int n = 0; n < N; n++) {
        const T* x = inp + (size_t)n * C;
        T m = 0;
        for (int i = 0; i < C; i++) m += x[i];
        m /= C;
        T v = 0;
        for (int i = 0; i < C; i++) v += (x[i] - m) * (x[i] - m);
        v /= C;
        T s = T(1) / std::sqrt(v + T(1e-5));
        T* o = out + (size_t)n * C;
        for (int i = 0; i < C; i++) o[i] = (x[i] - m) * s * weight[i] + bias[i];
        if (mean) mean[n] = m;
        if (rstd) rstd[n] = s;
    }
}

// accumulates dinp (N,C), dweight (C), dbias (C) (either may be NULL). Each thread sums dweight/dbias over its own
// rows; the partial sums are added in thread order so results are bit-identical run to run.
template <class T>
void layernorm_backward(T* dinp, T* dweight, T* dbias, const T* dout, const T* inp, const T* weight,
                        const T* mean, const T* rstd, int N, int C) {
    ProfScope prof_(PROF_LAYERNORM, 16.0 * N * C, 16.0 * N * C);
    int nt = omp_get_max_threads();
    std::vector<T> part((size_t)nt * 2 * C, T(0));
    #pragma omp parallel num_threads(nt)
    {
        T* dw = part.data() + (size_t)omp_get_thread_num() * 2 * C;
        T* db = dw + C;
        #pragma omp for schedule(static)
        for (int n = 0; n < N; n++) {
            const T* x = inp + (size_t)n * C;
            const T* d = dout + (size_t)n * C;
            T m = mean[n], s = rstd[n];
            T dnorm_mean = 0, dnorm_norm_mean = 0;
            for (int i = 0; i < C; i++) {
                T norm = (x[i] - m) * s, dnorm = weight[i] * d[i];
                dnorm_mean += dnorm;
                dnorm_norm_mean += dnorm * norm;
            }
            dnorm_mean /= C;
            dnorm_norm_mean /= C;
            T* di = dinp + (size_t)n * C;
            for (int i = 0; i < C; i++) {
                T norm = (x[i] - m) * s, dnorm = weight[i] * d[i];
                db[i] += d[i];
                dw[i] += norm * d[i];
                di[i] += (dnorm - dnorm_mean - norm * dnorm_norm_mean) * s;
            }
        }
    }
    for (int t = 0; t < nt; t++)  // dweight and dbias are NULL when the LayerNorm is frozen
        for (int i = 0; i < C; i++) {
            if (dweight) dweight[i] += part[(size_t)t * 2 * C + i];
            if (dbias) dbias[i] += part[(size_t)t * 2 * C + C + i];
        }
}

// out = a + b, all (N)
template <class T>
void residual_forward(T* out, const T* a, const T* b, size_t N) {
    ProfScope prof_(PROF_LAYERNORM, (double)N, 12.0 * N);
    #pragma omp parallel for
    for (size_t i = 0; i < N; i++) out[i] = a[i] + b[i];
}
