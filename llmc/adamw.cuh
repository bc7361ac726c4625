// adamw.cuh: AdamW on the GPU (the CUDA twin of adamw_update in adamw.h): fp32 master weights and
// moments, bf16 gradients, and the bf16 copy of the weights that the forward reads, written with
// round-to-nearest or stochastic rounding (a hash of (seed, index): reproducible for a seed).
// Same formula as the CPU: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
// p -= lr * ((m / bc1) / (sqrt(v / bc2) + eps) + wd * p), with g = grad * grad_scale.
// Tested by tests/test_cuda.cu ("cuda adamw").
#pragma once
#include <algorithm>
#include <cmath>
#include "cuda_common.cuh"

// params (N) bf16 out; master (N) fp32 in/out (NULL: the bf16 params are the master copy);
// grads (N) bf16 (the model's) or fp32 (the memory values'); m, v (N) fp32 in/out. bc1, bc2 are the
// bias corrections 1 - beta^t.
template <class G>
__global__ void adamw_kernel(floatX* params, float* master, const G* grads, float* m, float* v, size_t N,
                             float lr, float beta1, float beta2, float bc1, float bc2, float eps, float wd,
                             float grad_scale, uint32_t seed, bool stochastic) {
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < N; i += (size_t)gridDim.x * blockDim.x) {
        const float g = (float)grads[i] * grad_scale;
        const float mi = beta1 * m[i] + (1.0f - beta1) * g;
        const float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        float p = master ? master[i] : (float)params[i];
        p -= lr * ((mi / bc1) / (sqrtf(vi / bc2) + eps) + wd * p);
        if (master) master[i] = p;
        params[i] = stochastic ? stochastic_round_bf16(p, hash_u32((uint32_t)i, seed)) : (floatX)p;
    }
}

// one AdamW step over N contiguous parameters; t is the 1-based step (bias correction); seed is
// used only when stochastic (vary it per step and per tensor). Deterministic for given inputs.
template <class G>
inline void adamw_update(floatX* params, float* master, const G* grads, float* m, float* v, size_t N, float lr,
                         float beta1, float beta2, float eps, float weight_decay, float grad_scale, int t,
                         uint32_t seed, bool stochastic, cudaStream_t stream, int block_size = 512) {
    if (N == 0) return;
    const float bc1 = (float)(1.0 - std::pow((double)beta1, t)), bc2 = (float)(1.0 - std::pow((double)beta2, t));
    const int grid = (int)std::min<long>(ceil_div((long)N, block_size), 65536);  // grid-stride beyond
    adamw_kernel<<<grid, block_size, 0, stream>>>(params, master, grads, m, v, N, lr, beta1, beta2, bc1, bc2, eps,
                                                   weight_decay, grad_scale, seed, stochastic);
    cudaCheckLaunch();
}

// master (N) fp32 -> params (N) bf16, round to nearest: initialises the bf16 copy
__global__ void fp32_to_bf16_kernel(floatX* out, const float* in, size_t N) {
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < N; i += (size_t)gridDim.x * blockDim.x)
        out[i] = (floatX)in[i];
}
inline void fp32_to_bf16(floatX* out, const float* in, size_t N, cudaStream_t stream) {
    if (N == 0) return;
    const int grid = (int)std::min<long>(ceil_div((long)N, 512), 65536);
    fp32_to_bf16_kernel<<<grid, 512, 0, stream>>>(out, in, N);
    cudaCheckLaunch();
}
