// rmsnorm.h: RMSNorm (Llama's norm: weight only, no mean, no bias), forward and backward (CPU).
//   out = x / sqrt(mean(x^2) + eps) * w, per row of C channels.
// The CUDA twin is rmsnorm.cuh. Tested by tests/test_llama_ops.cpp (finite differences in double,
// PyTorch vectors) and tests/test_cuda.cu ("cuda rmsnorm ...").
#pragma once
#include "profile.h"
#include <cmath>
#include <cstddef>
#include <vector>
#include <omp.h>

// out is (N,C), rstd is (N) (1/sqrt(mean(x^2)+eps), saved for backward; may be NULL), inp is (N,C),
// weight is (C). eps comes from the model (1e-5 for SmolLM2, GGUF's layer_norm_rms_epsilon).
template <class T>
void rmsnorm_forward(T* out, T* rstd, const T* inp, const T* weight, int N, int C, T eps) {
    ProfScope prof_(PROF_LAYERNORM, 4.0 * N * C, 8.0 * N * C);
    #pragma omp parallel for
    for (int n = 0; n < N; n++) {
        const T* x = inp + (size_t)n * C;
        T ss = 0;
        for (int i = 0; i < C; i++) ss += x[i] * x[i];
        const T s = T(1) / std::sqrt(ss / C + eps);
        T* o = out + (size_t)n * C;
        for (int i = 0; i < C; i++) o[i] = x[i] * s * weight[i];
        if (rstd) rstd[n] = s;
    }
}

// accumulates dinp (N,C) and dweight (C) (NULL when the norm is frozen) from dout (N,C), the
// forward's inp (N,C), weight (C) and rstd (N). With norm = x*s and dnorm = w*dout:
//   dx = s * (dnorm - norm * mean(dnorm * norm)),  dw += sum over rows of norm * dout.
// Each thread sums dweight over its own rows; the partials are added in thread order, so results
// are bit-identical run to run (as layernorm_backward).
template <class T>
void rmsnorm_backward(T* dinp, T* dweight, const T* dout, const T* inp, const T* weight, const T* rstd, int N, int C) {
    ProfScope prof_(PROF_LAYERNORM, 10.0 * N * C, 16.0 * N * C);
    const int nt = omp_get_max_threads();
    std::vector<T> part((size_t)nt * C, T(0));  // (nt, C) per-thread dweight partials
    #pragma omp parallel num_threads(nt)
    {
        T* dw = part.data() + (size_t)omp_get_thread_num() * C;
        #pragma omp for schedule(static)
        for (int n = 0; n < N; n++) {
            const T* x = inp + (size_t)n * C;
            const T* d = dout + (size_t)n * C;
            const T s = rstd[n];
            T dnorm_norm_mean = 0;
            for (int i = 0; i < C; i++) dnorm_norm_mean += weight[i] * d[i] * x[i] * s;
            dnorm_norm_mean /= C;
            T* di = dinp + (size_t)n * C;
            for (int i = 0; i < C; i++) {
                const T norm = x[i] * s;
                dw[i] += norm * d[i];
                di[i] += (weight[i] * d[i] - norm * dnorm_norm_mean) * s;
            }
        }
    }
    if (dweight)
        for (int t = 0; t < nt; t++)
            for (int i = 0; i < C; i++) dweight[i] += part[(size_t)t * C + i];
}
