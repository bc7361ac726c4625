// rmsnorm.cuh: RMSNorm (weight only) on the GPU: forward, forward fused with the residual add, and
// backward (the CUDA twin of rmsnorm.h). Same structure as layernorm.cuh: one warp per row, fp32
// row statistics; the backward's dweight is deterministic (per-warp shared accumulators added in
// warp order into per-block fp32 partials, which a second kernel adds in block order).
// Tested by tests/test_cuda.cu ("cuda rmsnorm ..."), against rmsnorm.h.
#pragma once
#include <algorithm>
#include "cuda_common.cuh"

// out (N,C) = inp (N,C) * rstd * weight (C); rstd (N) fp32 or NULL. One warp per row, 8 channels
// per lane at a time; the row is read twice (the second from L1/L2).
__global__ void rmsnorm_forward_kernel(floatX* out, float* rstd, const floatX* inp, const floatX* weight, int N, int C,
                                       float eps) {
    const int lane = threadIdx.x % WARP_SIZE;
    const int row = blockIdx.x * (blockDim.x / WARP_SIZE) + threadIdx.x / WARP_SIZE;
    if (row >= N) return;  // uniform per warp
    const floatX* x = inp + (size_t)row * C;
    float ss = 0.0f;
    for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
        x128 v = load128(x + c);
        for (int k = 0; k < x128::size; k++) ss += (float)v[k] * (float)v[k];
    }
    const float s = 1.0f / sqrtf(warpReduceSum(ss) / C + eps);
    floatX* o = out + (size_t)row * C;
    for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
        x128 v = load128(x + c), w = load128(weight + c), r;
        for (int k = 0; k < x128::size; k++) r[k] = (floatX)((float)v[k] * s * (float)w[k]);
        store128(o + c, r);
    }
    if (lane == 0 && rstd) rstd[row] = s;
}

// residual (N,C) = inp1 (N,C) + inp2 (N,C), rounded to bf16; normed (N,C) = RMSNorm(residual) from
// the rounded residual (what backward reads); rstd (N) fp32. residual may alias inp1 or inp2.
__global__ void fused_residual_rmsnorm_forward_kernel(floatX* residual, floatX* normed, float* rstd, const floatX* inp1,
                                                      const floatX* inp2, const floatX* weight, int N, int C, float eps) {
    const int lane = threadIdx.x % WARP_SIZE;
    const int row = blockIdx.x * (blockDim.x / WARP_SIZE) + threadIdx.x / WARP_SIZE;
    if (row >= N) return;
    const size_t off = (size_t)row * C;
    float ss = 0.0f;
    for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
        x128 a = load128(inp1 + off + c), b = load128(inp2 + off + c), r;
        for (int k = 0; k < x128::size; k++) {
            r[k] = (floatX)((float)a[k] + (float)b[k]);
            ss += (float)r[k] * (float)r[k];
        }
        store128(residual + off + c, r);
    }
    const float s = 1.0f / sqrtf(warpReduceSum(ss) / C + eps);
    for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
        x128 r = load128(residual + off + c), w = load128(weight + c), o;  // this lane's own writes
        for (int k = 0; k < x128::size; k++) o[k] = (floatX)((float)r[k] * s * (float)w[k]);
        store128(normed + off + c, o);
    }
    if (lane == 0) rstd[row] = s;
}

// backward, phase 1. dinp (N,C) += the input gradient; partial (gridDim.x, C) fp32 receives this
// block's sum of dweight (norm * dout) over rows [blockIdx.x * rows_per_block, +rows_per_block).
// Dynamic shared memory: nwarps * C floats, one dweight accumulator per warp.
// dout, inp (N,C); weight (C); rstd (N).
__global__ void rmsnorm_backward_kernel(floatX* dinp, float* partial, const floatX* dout, const floatX* inp,
                                        const floatX* weight, const float* rstd, int N, int C, int rows_per_block) {
    extern __shared__ float rms_smem[];  // (nwarps, C)
    const int lane = threadIdx.x % WARP_SIZE, warp = threadIdx.x / WARP_SIZE;
    const int nwarps = blockDim.x / WARP_SIZE;
    float* dw_acc = rms_smem + (size_t)warp * C;
    for (int c = lane; c < C; c += WARP_SIZE) dw_acc[c] = 0.0f;
    __syncwarp();  // the zeroing and the accumulation use different lane->channel maps
    const int row_begin = blockIdx.x * rows_per_block;
    const int row_end = min(row_begin + rows_per_block, N);
    for (int row = row_begin + warp; row < row_end; row += nwarps) {
        const size_t off = (size_t)row * C;
        const float s = rstd[row];
        float dnorm_norm_mean = 0.0f;
        for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
            x128 x = load128(inp + off + c), d = load128(dout + off + c), w = load128(weight + c);
            for (int k = 0; k < x128::size; k++) dnorm_norm_mean += (float)w[k] * (float)d[k] * (float)x[k] * s;
        }
        dnorm_norm_mean = warpReduceSum(dnorm_norm_mean) / C;
        for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
            x128 x = load128(inp + off + c), d = load128(dout + off + c), w = load128(weight + c);
            x128 di = load128(dinp + off + c);
            for (int k = 0; k < x128::size; k++) {
                const float norm = (float)x[k] * s, dv = (float)d[k];
                dw_acc[c + k] += norm * dv;
                di[k] = (floatX)((float)di[k] + ((float)w[k] * dv - norm * dnorm_norm_mean) * s);
            }
            store128(dinp + off + c, di);
        }
    }
    __syncthreads();
    float* out = partial + (size_t)blockIdx.x * C;  // the warps' accumulators, added in warp order
    for (int c = threadIdx.x; c < C; c += blockDim.x) {
        float sw = 0.0f;
        for (int w = 0; w < nwarps; w++) sw += rms_smem[(size_t)w * C + c];
        out[c] = sw;
    }
}

// backward, phase 2: dweight (C) += the sum of partial (nblocks, C) in block order
__global__ void rmsnorm_backward_reduce_kernel(floatX* dweight, const float* partial, int nblocks, int C) {
    const int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= C) return;
    float sw = 0.0f;
    for (int b = 0; b < nblocks; b++) sw += partial[(size_t)b * C + c];
    dweight[c] = (floatX)((float)dweight[c] + sw);
}

// ---- launchers (C % 8 == 0, 16-byte aligned pointers; block_size a multiple of 32) ----

// out (N,C) = RMSNorm(inp (N,C)) * weight (C); rstd (N) fp32 or NULL
inline void rmsnorm_forward(floatX* out, float* rstd, const floatX* inp, const floatX* weight, int N, int C, float eps,
                            cudaStream_t stream, int block_size = 256) {
    cuda_require(C % 8 == 0 && block_size % WARP_SIZE == 0, "C=%d block=%d", C, block_size);
    const int grid = (int)ceil_div(N, block_size / WARP_SIZE);
    if (grid > 0) rmsnorm_forward_kernel<<<grid, block_size, 0, stream>>>(out, rstd, inp, weight, N, C, eps);
    cudaCheckLaunch();
}

// residual (N,C) = inp1 + inp2, then normed (N,C) = RMSNorm(residual) * weight (C), rstd (N) fp32
inline void fused_residual_rmsnorm_forward(floatX* residual, floatX* normed, float* rstd, const floatX* inp1,
                                           const floatX* inp2, const floatX* weight, int N, int C, float eps,
                                           cudaStream_t stream, int block_size = 256) {
    cuda_require(C % 8 == 0 && block_size % WARP_SIZE == 0, "C=%d block=%d", C, block_size);
    const int grid = (int)ceil_div(N, block_size / WARP_SIZE);
    if (grid > 0)
        fused_residual_rmsnorm_forward_kernel<<<grid, block_size, 0, stream>>>(residual, normed, rstd, inp1, inp2, weight,
                                                                               N, C, eps);
    cudaCheckLaunch();
}

constexpr int RMS_BWD_MAX_BLOCKS = 512;  // the number of dweight partials (fixed: determinism)

// floats of scratch rmsnorm_backward needs
inline size_t rmsnorm_backward_scratch_floats(int C) { return (size_t)RMS_BWD_MAX_BLOCKS * C; }

// dinp (N,C) += and dweight (C) += the gradients of RMSNorm given dout (N,C), the forward's inp
// (N,C), weight (C) and rstd (N). dweight may be NULL (frozen norm: phase 2 is skipped).
// scratch: rmsnorm_backward_scratch_floats(C) floats. Deterministic. dinp must not alias dout or inp.
inline void rmsnorm_backward(floatX* dinp, floatX* dweight, float* scratch, const floatX* dout, const floatX* inp,
                             const floatX* weight, const float* rstd, int N, int C, cudaStream_t stream) {
    cuda_require(C % 8 == 0 && C <= 12288, "C=%d must be a multiple of 8 and <= 12288", C);
    const int nwarps = std::max(1, std::min(8, (48 * 1024) / (4 * C)));  // accumulators fit 48 KB
    const size_t smem = (size_t)nwarps * C * sizeof(float);
    if (N <= 0) return;
    const int nblocks_wanted = (int)std::min<long>(RMS_BWD_MAX_BLOCKS, ceil_div(N, nwarps));
    const int rows_per_block = (int)ceil_div(N, nblocks_wanted);
    const int nblocks = (int)ceil_div(N, rows_per_block);
    rmsnorm_backward_kernel<<<nblocks, nwarps * WARP_SIZE, smem, stream>>>(dinp, scratch, dout, inp, weight, rstd, N, C,
                                                                           rows_per_block);
    cudaCheckLaunch();
    if (dweight) {
        rmsnorm_backward_reduce_kernel<<<(int)ceil_div(C, 256), 256, 0, stream>>>(dweight, scratch, nblocks, C);
        cudaCheckLaunch();
    }
}
