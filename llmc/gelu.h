// gelu.h: GELU, tanh approximation (as GPT-2), forward and backward (CPU).
#pragma once
#include "fastmath.h"
#include "profile.h"
#include <cmath>
#include <cstddef>

template <class T> inline T gelu_scale() { return std::sqrt(T(2) / T(M_PI)); }

// out and inp are (N)
template <class T>
void gelu_forward(T* out, const T* inp, size_t N) {
    ProfScope prof_(PROF_GELU, 10.0 * N, 8.0 * N);
    const T s = gelu_scale<T>();
    #pragma omp parallel for simd
    for (size_t i = 0; i < N; i++) {
        T x = inp[i];
        out[i] = T(0.5) * x * (T(1) + fast_tanh(s * (x + T(0.044715) * x * x * x)));
    }
}

// accumulates dinp (N)
template <class T>
void gelu_backward(T* dinp, const T* inp, const T* dout, size_t N) {
    ProfScope prof_(PROF_GELU, 20.0 * N, 12.0 * N);
    const T s = gelu_scale<T>();
    #pragma omp parallel for simd
    for (size_t i = 0; i < N; i++) {
        T x = inp[i];
        T u = s * (x + T(0.044715) * x * x * x);
        T th = fast_tanh(u);
        T sech2 = T(1) - th * th;
        T grad = T(0.5) * (T(1) + th) + T(0.5) * x * sech2 * s * (T(1) + T(3) * T(0.044715) * x * x);
        dinp[i] += grad * dout[i];
    }
}
