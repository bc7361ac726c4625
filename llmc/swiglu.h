// swiglu.h: the SwiGLU activation of Llama's MLP, out = silu(gate) * up, forward and backward (CPU).
// The CUDA twin is swiglu.cuh. Tested by tests/test_llama_ops.cpp (finite differences, PyTorch
// vectors) and tests/test_cuda.cu ("cuda swiglu").
//
// Layout: one (N, 2F) buffer, each row [gate (F) | up (F)]. That is the output of ONE matmul with
// the gate and up weights stacked as a (2F, C) matrix (gate rows first): x is read once and one
// GEMM replaces two; and in backward the gradients of gate and up land in one (N, 2F) buffer, so one
// matmul backward gives dx (no second GEMM and no add) and the stacked weight's gradient.
#pragma once
#include "fastmath.h"
#include "profile.h"
#include <cmath>
#include <cstddef>

// out is (N,F); inp is (N,2F) = [gate | up] per row
template <class T>
void swiglu_forward(T* out, const T* inp, int N, int F) {
    ProfScope prof_(PROF_GELU, 6.0 * N * F, 12.0 * N * F);
    #pragma omp parallel for
    for (int n = 0; n < N; n++) {
        const T *g = inp + (size_t)n * 2 * F, *u = g + F;
        T* o = out + (size_t)n * F;
        for (int i = 0; i < F; i++) o[i] = g[i] / (T(1) + fast_exp(-g[i])) * u[i];
    }
}

// accumulates dinp (N,2F) = [dgate | dup] from dout (N,F) and the forward's inp (N,2F):
//   dgate = dout * up * sig(g) * (1 + g * (1 - sig(g))),  dup = dout * silu(g)
template <class T>
void swiglu_backward(T* dinp, const T* dout, const T* inp, int N, int F) {
    ProfScope prof_(PROF_GELU, 10.0 * N * F, 20.0 * N * F);
    #pragma omp parallel for
    for (int n = 0; n < N; n++) {
        const T *g = inp + (size_t)n * 2 * F, *u = g + F, *d = dout + (size_t)n * F;
        T *dg = dinp + (size_t)n * 2 * F, *du = dg + F;
        for (int i = 0; i < F; i++) {
            const T sig = T(1) / (T(1) + fast_exp(-g[i]));
            dg[i] += d[i] * u[i] * sig * (T(1) + g[i] * (T(1) - sig));
            du[i] += d[i] * g[i] * sig;
        }
    }
}
