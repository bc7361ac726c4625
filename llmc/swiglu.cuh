// swiglu.cuh: SwiGLU, out = silu(gate) * up, forward and backward on the GPU (the CUDA twin of
// swiglu.h, which explains the [gate | up] layout: one matmul for both). Tested by
// tests/test_cuda.cu ("cuda swiglu"), against swiglu.h.
#pragma once
#include "cuda_common.cuh"

// out (N,F); inp (N,2F) = [gate | up] per row. One thread per 8 outputs (F % 8 == 0).
__global__ void swiglu_forward_kernel(floatX* out, const floatX* inp, int N, int F) {
    const size_t idx = ((size_t)blockIdx.x * blockDim.x + threadIdx.x) * x128::size;  // into out
    if (idx >= (size_t)N * F) return;
    const size_t n = idx / F, i = idx % F;
    const floatX* g = inp + n * 2 * F + i;
    x128 gv = load128(g), uv = load128(g + F), o;
    for (int k = 0; k < x128::size; k++) {
        const float x = (float)gv[k];
        o[k] = (floatX)(x / (1.0f + expf(-x)) * (float)uv[k]);
    }
    store128(out + idx, o);
}

// dinp (N,2F) = [dgate | dup] (overwritten) from dout (N,F) and inp (N,2F). One thread per 8 outputs.
__global__ void swiglu_backward_kernel(floatX* dinp, const floatX* dout, const floatX* inp, int N, int F) {
    const size_t idx = ((size_t)blockIdx.x * blockDim.x + threadIdx.x) * x128::size;
    if (idx >= (size_t)N * F) return;
    const size_t n = idx / F, i = idx % F, off = n * 2 * F + i;
    x128 gv = load128(inp + off), uv = load128(inp + off + F), d = load128(dout + idx), dg, du;
    for (int k = 0; k < x128::size; k++) {
        const float x = (float)gv[k], sig = 1.0f / (1.0f + expf(-x)), dv = (float)d[k];
        dg[k] = (floatX)(dv * (float)uv[k] * sig * (1.0f + x * (1.0f - sig)));
        du[k] = (floatX)(dv * x * sig);
    }
    store128(dinp + off, dg);
    store128(dinp + off + F, du);
}

// ---- launchers (F % 8 == 0, 16-byte aligned pointers) ----

// out (N,F) = silu(gate) * up from inp (N,2F) = [gate | up]
inline void swiglu_forward(floatX* out, const floatX* inp, int N, int F, cudaStream_t stream, int block_size = 256) {
    cuda_require(F % 8 == 0, "F=%d must be a multiple of 8", F);
    const long n = (long)N * F / x128::size;
    if (n > 0) swiglu_forward_kernel<<<(int)ceil_div(n, block_size), block_size, 0, stream>>>(out, inp, N, F);
    cudaCheckLaunch();
}

// dinp (N,2F) = [dgate | dup] given dout (N,F) and inp (N,2F). Overwrites dinp (the CPU twin
// accumulates). dinp must not alias inp or dout.
inline void swiglu_backward(floatX* dinp, const floatX* dout, const floatX* inp, int N, int F, cudaStream_t stream,
                            int block_size = 256) {
    cuda_require(F % 8 == 0, "F=%d must be a multiple of 8", F);
    const long n = (long)N * F / x128::size;
    if (n > 0) swiglu_backward_kernel<<<(int)ceil_div(n, block_size), block_size, 0, stream>>>(dinp, dout, inp, N, F);
    cudaCheckLaunch();
}
