// classifier.cuh: softmax + cross-entropy fused with its backward on the GPU (the CUDA twin of
// classifier.h). One block per row of logits; pass 1 keeps a per-thread online (max, sum of exp)
// pair over the real vocabulary, the block combines the pairs; pass 2 overwrites the logits in
// place with dlogits = (softmax - onehot(target)) * dloss in bf16, zeros over the padding
// V..Vp-1. The probabilities are never stored. Losses are fp32, one per row.
// Tested by tests/test_cuda.cu ("cuda classifier"); variants and timings: dev/cuda/classifier.cu.
#pragma once
#include <algorithm>
#include "cuda_common.cuh"

// combines two (max, sum of exp(x - max)) pairs; a pair with max = -inf is empty
__device__ inline void online_combine(float& m, float& s, float m2, float s2) {
    const float nm = fmaxf(m, m2);
    if (nm == -INFINITY) return;  // both empty
    s = (m == -INFINITY ? 0.0f : s * expf(m - nm)) + (m2 == -INFINITY ? 0.0f : s2 * expf(m2 - nm));
    m = nm;
}

// logits (N,Vp) bf16, row `blockIdx.x`; losses (N) fp32; targets (N) in [0,V).
// If write_dlogits, the row is overwritten by dlogits. Vp % 8 == 0, blockDim.x a multiple of 32.
__global__ void fused_classifier_kernel(floatX* logits, float* losses, const int* targets, int V, int Vp, float dloss,
                                        bool write_dlogits) {
    __shared__ float sm_m[WARP_SIZE], sm_s[WARP_SIZE];
    __shared__ float sm_logz;
    const size_t row = blockIdx.x;
    floatX* x = logits + row * Vp;
    const int tgt = targets[row];
    // read the target's logit now: pass 2 (after the barriers below) may overwrite it
    const float x_tgt = threadIdx.x == 0 ? (float)x[tgt] : 0.0f;

    // pass 1: this thread's chunks of 8, online max and sum over the first V entries
    float m = -INFINITY, s = 0.0f;
    for (int c = threadIdx.x * x128::size; c < V; c += blockDim.x * x128::size) {
        x128 v = load128(x + c);  // c + 8 <= Vp since Vp % 8 == 0
        float cm = -INFINITY;
        for (int k = 0; k < x128::size; k++)
            if (c + k < V) cm = fmaxf(cm, (float)v[k]);
        const float nm = fmaxf(m, cm);  // finite: entry c < V is real
        s = (m == -INFINITY ? 0.0f : s * expf(m - nm));
        for (int k = 0; k < x128::size; k++)
            if (c + k < V) s += expf((float)v[k] - nm);
        m = nm;
    }
    // warp, then block combination (fixed butterfly and fixed warp order: deterministic)
    for (int offset = 16; offset > 0; offset >>= 1) {
        const float m2 = __shfl_xor_sync(0xffffffffu, m, offset);
        const float s2 = __shfl_xor_sync(0xffffffffu, s, offset);
        online_combine(m, s, m2, s2);
    }
    const int lane = threadIdx.x % WARP_SIZE, warp = threadIdx.x / WARP_SIZE, nwarps = blockDim.x / WARP_SIZE;
    if (lane == 0) { sm_m[warp] = m; sm_s[warp] = s; }
    __syncthreads();
    if (threadIdx.x == 0) {
        float bm = sm_m[0], bs = sm_s[0];
        for (int w = 1; w < nwarps; w++) online_combine(bm, bs, sm_m[w], sm_s[w]);
        const float logz = bm + logf(bs);
        sm_logz = logz;
        losses[row] = logz - x_tgt;
    }
    __syncthreads();
    if (!write_dlogits) return;
    const float logz = sm_logz;
    // pass 2: the same chunk -> thread map as pass 1, extended over the padding
    for (int c = threadIdx.x * x128::size; c < Vp; c += blockDim.x * x128::size) {
        x128 v = load128(x + c), g;
        for (int k = 0; k < x128::size; k++) {
            const int idx = c + k;
            float d = idx < V ? expf((float)v[k] - logz) * dloss : 0.0f;
            if (idx == tgt) d -= dloss;
            g[k] = (floatX)d;
        }
        store128(x + c, g);
    }
}

// ---- launcher ----

// logits (N,Vp) bf16 of which the first V are real; targets (N) on the device; losses (N) fp32
// receive logsumexp(row) - row[target]. If write_dlogits, logits are overwritten in place by
// dlogits = (softmax - onehot(target)) * dloss (0 over the padding). Vp % 8 == 0.
inline void fused_classifier(floatX* logits, float* losses, const int* targets, int N, int V, int Vp, float dloss,
                             bool write_dlogits, cudaStream_t stream, int block_size = 0) {
    cuda_require(Vp % 8 == 0 && V <= Vp && V > 0, "V=%d Vp=%d", V, Vp);
    if (block_size <= 0) block_size = (int)std::min<long>(1024, ceil_div(ceil_div(Vp, 8), WARP_SIZE) * WARP_SIZE);
    cuda_require(block_size % WARP_SIZE == 0 && block_size <= 1024, "block_size=%d", block_size);
    if (N <= 0) return;
    fused_classifier_kernel<<<N, block_size, 0, stream>>>(logits, losses, targets, V, Vp, dloss, write_dlogits);
    cudaCheckLaunch();
}
