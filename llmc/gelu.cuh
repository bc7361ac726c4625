// gelu.cuh: GELU, tanh approximation (as GPT-2), forward and backward on the GPU (the CUDA twin
// of gelu.h). The model normally fuses these into cuBLASLt epilogues (matmul.cuh); these kernels
// are the unfused path and the fallback. Tested by tests/test_cuda.cu ("cuda gelu").
#pragma once
#include "cuda_common.cuh"

#define GELU_SCALING_FACTOR 0.7978845608028654f  // sqrt(2/pi)

__device__ inline float gelu_f(float x) {
    float cube = 0.044715f * x * x * x;
    return 0.5f * x * (1.0f + tanhf(GELU_SCALING_FACTOR * (x + cube)));
}
__device__ inline float gelu_grad_f(float x) {
    float cube = 0.044715f * x * x * x;
    float th = tanhf(GELU_SCALING_FACTOR * (x + cube));
    float sech2 = 1.0f - th * th;
    return 0.5f * (1.0f + th) + 0.5f * x * sech2 * GELU_SCALING_FACTOR * (1.0f + 3.0f * 0.044715f * x * x);
}

// out, inp are (N), N % 8 == 0; one thread per 8 elements
__global__ void gelu_forward_kernel(floatX* out, const floatX* inp, size_t N) {
    const size_t i = ((size_t)blockIdx.x * blockDim.x + threadIdx.x) * x128::size;
    if (i >= N) return;
    x128 x = load128(inp + i), o;
    for (int k = 0; k < x128::size; k++) o[k] = (floatX)gelu_f((float)x[k]);
    store128(out + i, o);
}

// dinp (N) = gelu'(inp) * dout; dinp may alias dout (in-place)
__global__ void gelu_backward_kernel(floatX* dinp, const floatX* inp, const floatX* dout, size_t N) {
    const size_t i = ((size_t)blockIdx.x * blockDim.x + threadIdx.x) * x128::size;
    if (i >= N) return;
    x128 x = load128(inp + i), d = load128(dout + i), o;
    for (int k = 0; k < x128::size; k++) o[k] = (floatX)(gelu_grad_f((float)x[k]) * (float)d[k]);
    store128(dinp + i, o);
}

// ---- launchers (N % 8 == 0, 16-byte aligned pointers) ----

// out (N) = GELU(inp (N))
inline void gelu_forward(floatX* out, const floatX* inp, size_t N, cudaStream_t stream, int block_size = 256) {
    cuda_require(N % 8 == 0, "N=%zu must be a multiple of 8", N);
    const int grid = (int)ceil_div((long)(N / x128::size), block_size);
    if (grid > 0) gelu_forward_kernel<<<grid, block_size, 0, stream>>>(out, inp, N);
    cudaCheckLaunch();
}

// dinp (N) = GELU'(inp (N)) * dout (N). Overwrites dinp (the CPU twin accumulates); dinp may be dout.
inline void gelu_backward(floatX* dinp, const floatX* inp, const floatX* dout, size_t N, cudaStream_t stream,
                          int block_size = 256) {
    cuda_require(N % 8 == 0, "N=%zu must be a multiple of 8", N);
    const int grid = (int)ceil_div((long)(N / x128::size), block_size);
    if (grid > 0) gelu_backward_kernel<<<grid, block_size, 0, stream>>>(dinp, inp, dout, N);
    cudaCheckLaunch();
}
