// layernorm.cuh: LayerNorm (eps 1e-5) on the GPU, forward, forward fused with the residual add,
// and backward (the CUDA twin of layernorm.h). One warp per row; the row statistics are fp32.
// The backward's dweight/dbias are deterministic: each block sums its rows per warp in shared
// memory, adds the warps in order into a per-block fp32 partial, and a second kernel adds the
// partials in block order.
// Tested by tests/test_cuda.cu ("cuda layernorm ..."); variants and timings: dev/cuda/layernorm.cu.
#pragma once
#include <algorithm>
#include "cuda_common.cuh"

// out is (N,C); mean, rstd are (N) fp32 (either may be NULL); inp is (N,C); weight, bias are (C).
// One warp per row, each lane 8 channels at a time; the row is read three times (L1/L2 hits).
__global__ void layernorm_forward_kernel(floatX* out, float* mean, float* rstd, const floatX* inp,
                                         const floatX* weight, const floatX* bias, int N, int C) {
    const int lane = threadIdx.x % WARP_SIZE;
    const int row = blockIdx.x * (blockDim.x / WARP_SIZE) + threadIdx.x / WARP_SIZE;
    if (row >= N) return;  // uniform per warp: no warp is split
    const floatX* x = inp + (size_t)row * C;
    float sum = 0.0f;
    for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
        x128 v = load128(x + c);
        for (int k = 0; k < x128::size; k++) sum += (float)v[k];
    }
    const float m = warpReduceSum(sum) / C;
    float var = 0.0f;
    for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
        x128 v = load128(x + c);
        for (int k = 0; k < x128::size; k++) { float d = (float)v[k] - m; var += d * d; }
    }
    const float s = 1.0f / sqrtf(warpReduceSum(var) / C + 1e-5f);
    floatX* o = out + (size_t)row * C;
    for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
        x128 v = load128(x + c), w = load128(weight + c), b = load128(bias + c), r;
        for (int k = 0; k < x128::size; k++) r[k] = (floatX)(((float)v[k] - m) * s * (float)w[k] + (float)b[k]);
        store128(o + c, r);
    }
    if (lane == 0) {
        if (mean) mean[row] = m;
        if (rstd) rstd[row] = s;
    }
}

// residual (N,C) = inp1 (N,C) + inp2 (N,C), rounded to bf16; normed (N,C) = LayerNorm(residual)
// computed from the rounded residual (what backward will read); mean, rstd (N) fp32.
// residual may alias inp1 or inp2 (each element is read, then written, by the same lane).
__global__ void fused_residual_forward_kernel(floatX* residual, floatX* normed, float* mean, float* rstd,
                                              const floatX* inp1, const floatX* inp2, const floatX* weight,
                                              const floatX* bias, int N, int C) {
    const int lane = threadIdx.x % WARP_SIZE;
    const int row = blockIdx.x * (blockDim.x / WARP_SIZE) + threadIdx.x / WARP_SIZE;
    if (row >= N) return;
    const size_t off = (size_t)row * C;
    float sum = 0.0f;
    for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
        x128 a = load128(inp1 + off + c), b = load128(inp2 + off + c), r;
        for (int k = 0; k < x128::size; k++) {
            r[k] = (floatX)((float)a[k] + (float)b[k]);
            sum += (float)r[k];
        }
        store128(residual + off + c, r);
    }
    const float m = warpReduceSum(sum) / C;
    float var = 0.0f;
    for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
        x128 r = load128(residual + off + c);  // this lane's own writes: plain load, program order
        for (int k = 0; k < x128::size; k++) { float d = (float)r[k] - m; var += d * d; }
    }
    const float s = 1.0f / sqrtf(warpReduceSum(var) / C + 1e-5f);
    for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
        x128 r = load128(residual + off + c), w = load128(weight + c), b = load128(bias + c), o;
        for (int k = 0; k < x128::size; k++) o[k] = (floatX)(((float)r[k] - m) * s * (float)w[k] + (float)b[k]);
        store128(normed + off + c, o);
    }
    if (lane == 0) {
        mean[row] = m;
        rstd[row] = s;
    }
}

// backward, phase 1. dinp (N,C) += the input gradient; partial (gridDim.x, 2, C) fp32 receives
// this block's sums of dweight (norm * dout) and dbias (dout) over rows
// [blockIdx.x * rows_per_block, +rows_per_block). Dynamic shared memory: nwarps * 2 * C floats,
// one dweight/dbias accumulator pair per warp (each lane only touches its own channels).
// dout, inp are (N,C); weight (C); mean, rstd (N).
__global__ void layernorm_backward_kernel(floatX* dinp, float* partial, const floatX* dout, const floatX* inp,
                                          const floatX* weight, const float* mean, const float* rstd,
                                          int N, int C, int rows_per_block) {
    extern __shared__ float ln_smem[];  // (nwarps, 2, C)
    const int lane = threadIdx.x % WARP_SIZE, warp = threadIdx.x / WARP_SIZE;
    const int nwarps = blockDim.x / WARP_SIZE;
    float* dw_acc = ln_smem + (size_t)warp * 2 * C;
    float* db_acc = dw_acc + C;
    for (int c = lane; c < C; c += WARP_SIZE) { dw_acc[c] = 0.0f; db_acc[c] = 0.0f; }
    __syncwarp();  // the zeroing above and the accumulation below use different lane->channel maps
    const int row_begin = blockIdx.x * rows_per_block;
    const int row_end = min(row_begin + rows_per_block, N);
    for (int row = row_begin + warp; row < row_end; row += nwarps) {
        const size_t off = (size_t)row * C;
        const float m = mean[row], s = rstd[row];
        float dnorm_mean = 0.0f, dnorm_norm_mean = 0.0f;
        for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
            x128 x = load128(inp + off + c), d = load128(dout + off + c), w = load128(weight + c);
            for (int k = 0; k < x128::size; k++) {
                float norm = ((float)x[k] - m) * s, dnorm = (float)w[k] * (float)d[k];
                dnorm_mean += dnorm;
                dnorm_norm_mean += dnorm * norm;
            }
        }
        dnorm_mean = warpReduceSum(dnorm_mean) / C;
        dnorm_norm_mean = warpReduceSum(dnorm_norm_mean) / C;
        for (int c = lane * x128::size; c < C; c += WARP_SIZE * x128::size) {
            x128 x = load128(inp + off + c), d = load128(dout + off + c), w = load128(weight + c);
            x128 di = load128(dinp + off + c);
            for (int k = 0; k < x128::size; k++) {
                float norm = ((float)x[k] - m) * s, dv = (float)d[k], dnorm = (float)w[k] * dv;
                db_acc[c + k] += dv;
                dw_acc[c + k] += norm * dv;
                di[k] = (floatX)((float)di[k] + (dnorm - dnorm_mean - norm * dnorm_norm_mean) * s);
            }
            store128(dinp + off + c, di);
        }
    }
    __syncthreads();
    // add the warps' accumulators in warp order
    float* out = partial + (size_t)blockIdx.x * 2 * C;
    for (int c = threadIdx.x; c < C; c += blockDim.x) {
        float sw = 0.0f, sb = 0.0f;
        for (int w = 0; w < nwarps; w++) {
            sw += ln_smem[(size_t)w * 2 * C + c];
            sb += ln_smem[(size_t)w * 2 * C + C + c];
        }
        out[c] = sw;
        out[C + c] = sb;
    }
}

// backward, phase 2: dweight (C) += and dbias (C) += the sums of partial (nblocks, 2, C) in block order
__global__ void layernorm_backward_reduce_kernel(floatX* dweight, floatX* dbias, const float* partial, int nblocks, int C) {
    const int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= C) return;
    float sw = 0.0f, sb = 0.0f;
    for (int b = 0; b < nblocks; b++) {
        sw += partial[(size_t)b * 2 * C + c];
        sb += partial[(size_t)b * 2 * C + C + c];
    }
    dweight[c] = (floatX)((float)dweight[c] + sw);
    dbias[c] = (floatX)((float)dbias[c] + sb);
}

// ---- launchers ----

// out (N,C) = LayerNorm(inp (N,C)) * weight (C) + bias (C); mean, rstd (N) fp32 or NULL.
// Needs C % 8 == 0 and 16-byte aligned pointers. block_size: a multiple of 32 (one warp per row).
inline void layernorm_forward(floatX* out, float* mean, float* rstd, const floatX* inp, const floatX* weight,
                              const floatX* bias, int N, int C, cudaStream_t stream, int block_size = 256) {
    cuda_require(C % 8 == 0 && block_size % WARP_SIZE == 0, "C=%d block=%d", C, block_size);
    const int rows_per_block = block_size / WARP_SIZE;
    const int grid = (int)ceil_div(N, rows_per_block);
    layernorm_forward_kernel<<<grid, block_size, 0, stream>>>(out, mean, rstd, inp, weight, bias, N, C);
    cudaCheckLaunch();
}

// residual (N,C) = inp1 + inp2, then normed (N,C) = LayerNorm(residual) with mean, rstd (N) fp32
inline void fused_residual_forward(floatX* residual, floatX* normed, float* mean, float* rstd, const floatX* inp1,
                                   const floatX* inp2, const floatX* weight, const floatX* bias, int N, int C,
                                   cudaStream_t stream, int block_size = 256) {
    cuda_require(C % 8 == 0 && block_size % WARP_SIZE == 0, "C=%d block=%d", C, block_size);
    const int rows_per_block = block_size / WARP_SIZE;
    const int grid = (int)ceil_div(N, rows_per_block);
    fused_residual_forward_kernel<<<grid, block_size, 0, stream>>>(residual, normed, mean, rstd, inp1, inp2, weight,
                                                                   bias, N, C);
    cudaCheckLaunch();
}

constexpr int LN_BWD_MAX_BLOCKS = 512;  // the number of partial sums (fixed: determinism)

// warps per block of the backward: as many as fit 48 KB of shared accumulators, at most 8
inline int layernorm_backward_warps(int C) { return std::max(1, std::min(8, (48 * 1024) / (8 * C))); }

// floats of scratch layernorm_backward needs
inline size_t layernorm_backward_scratch_floats(int C) { return (size_t)LN_BWD_MAX_BLOCKS * 2 * C; }

// dinp (N,C) +=, dweight (C) +=, dbias (C) += the gradients of LayerNorm given dout (N,C), its input
// inp (N,C), weight (C) and the forward's mean, rstd (N). scratch: layernorm_backward_scratch_floats(C)
// floats (stream-ordered reuse is fine). Deterministic. dinp must not alias dout or inp.
inline void layernorm_backward(floatX* dinp, floatX* dweight, floatX* dbias, float* scratch, const floatX* dout,
                               const floatX* inp, const floatX* weight, const float* mean, const float* rstd, int N,
                               int C, cudaStream_t stream, int nwarps = 0) {
    cuda_require(C % 8 == 0 && C <= 6144, "C=%d must be a multiple of 8 and <= 6144", C);
    if (nwarps <= 0) nwarps = layernorm_backward_warps(C);
    const size_t smem = (size_t)nwarps * 2 * C * sizeof(float);
    cuda_require(smem <= 48 * 1024, "nwarps=%d too many for C=%d", nwarps, C);
    const int nblocks_wanted = (int)std::min<long>(LN_BWD_MAX_BLOCKS, ceil_div(N, nwarps));
    const int rows_per_block = (int)ceil_div(N, std::max(1, nblocks_wanted));
    const int nblocks = (int)ceil_div(N, rows_per_block);
    if (N <= 0) return;
    layernorm_backward_kernel<<<nblocks, nwarps * WARP_SIZE, smem, stream>>>(dinp, scratch, dout, inp, weight, mean,
                                                                             rstd, N, C, rows_per_block);
    cudaCheckLaunch();
    layernorm_backward_reduce_kernel<<<(int)ceil_div(C, 256), 256, 0, stream>>>(dweight, dbias, scratch, nblocks, C);
    cudaCheckLaunch();
}
