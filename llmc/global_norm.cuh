// global_norm.cuh: the sum of squares of a gradient buffer on the GPU (the CUDA twin of
// sum_squares in adamw.h), for gradient clipping. Deterministic: a fixed grid of
// GLOBAL_NORM_BLOCKS blocks each writes one partial (thread sums in grid-stride order, block
// tree), then one block adds the partials in order. Tested by tests/test_cuda.cu ("cuda global norm").
#pragma once
#include "cuda_common.cuh"

#ifndef LLMC_GLOBAL_NORM_BLOCKS
#define LLMC_GLOBAL_NORM_BLOCKS 1024  // (the CPU emulator of dev/cuda/emu builds with fewer)
#endif
constexpr int GLOBAL_NORM_BLOCKS = LLMC_GLOBAL_NORM_BLOCKS, GLOBAL_NORM_THREADS = 512;

// partial (gridDim.x) = per-block sums of squares of g (N), bf16 (the gradients) or fp32 (the memory
// layer's value gradients); 16 bytes per step where aligned
template <class T>
__global__ void norm_squared_partial_kernel(float* partial, const T* g, size_t N) {
    using P = Packed128<T>;
    float acc = 0.0f;
    const size_t stride = (size_t)gridDim.x * blockDim.x;
    const size_t tid = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    const size_t n8 = N / P::size;  // the caller guarantees g is 16-byte aligned
    for (size_t i = tid; i < n8; i += stride) {
        P v = load128(g + i * P::size);
        for (int k = 0; k < P::size; k++) { float f = (float)v[k]; acc += f * f; }
    }
    for (size_t i = n8 * P::size + tid; i < N; i += stride) { float f = (float)g[i]; acc += f * f; }
    const float total = blockReduceSum(acc);
    if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

// out (1) = sum of partial (n), in order (summed in double)
__global__ void norm_squared_final_kernel(float* out, const float* partial, int n) {
    if (threadIdx.x != 0 || blockIdx.x != 0) return;
    double s = 0.0;
    for (int i = 0; i < n; i++) s += partial[i];
    *out = (float)s;
}

// floats of scratch global_norm_squared needs
inline size_t global_norm_scratch_floats() { return GLOBAL_NORM_BLOCKS; }

// *out (device, 1 float) = sum of g[i]^2 over g (N), 16-byte aligned. scratch: global_norm_scratch_floats().
template <class T>
inline void global_norm_squared(float* out, float* scratch, const T* g, size_t N, cudaStream_t stream) {
    cuda_require(is_aligned16(g), "gradient buffer must be 16-byte aligned");
    norm_squared_partial_kernel<<<GLOBAL_NORM_BLOCKS, GLOBAL_NORM_THREADS, 0, stream>>>(scratch, g, N);
    cudaCheckLaunch();
    norm_squared_final_kernel<<<1, 32, 0, stream>>>(out, scratch, GLOBAL_NORM_BLOCKS);
    cudaCheckLaunch();
}
