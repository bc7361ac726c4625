// rope.cuh: rotary position embedding of q and k in the qkv buffer on the GPU, in place, forward and
// backward (the CUDA twin of rope.h, which documents the interleaved-pair convention and the table).
// Tested by tests/test_cuda.cu ("cuda rope"), against rope.h.
#pragma once
#include "cuda_common.cuh"

// qkv (B,T,(NH+2*NKV)*hs) = [q | k | v]: the NH q heads and NKV k heads (adjacent channels) are
// rotated in place by sign * angle; cs (T, hs/2, 2) fp32 (cos, sin). One thread per 8 channels
// (4 pairs) of one q or k head: one 128-bit load of x and two of the table.
__global__ void rope_kernel(floatX* qkv, const float* cs, int B, int T, int NH, int NKV, int hs, float sign) {
    const int per_row = (NH + NKV) * hs / 8;  // 8-channel groups to rotate per token
    const size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (size_t)B * T * per_row) return;
    const size_t bt = idx / per_row;
    const int c = (int)(idx % per_row) * 8;  // channel within the q|k part; c % hs is a multiple of 8
    const int t = (int)(bt % T);
    floatX* x = qkv + bt * (size_t)(NH + 2 * NKV) * hs + c;
    const float* tab = cs + (size_t)t * hs + c % hs;  // (cos, sin) of pairs (c%hs)/2 .. +3
    x128 v = load128(x), r;
    f128 t0 = load128(tab), t1 = load128(tab + 4);
    float cosin[8];
    for (int k = 0; k < 4; k++) { cosin[k] = t0[k]; cosin[4 + k] = t1[k]; }
    for (int p = 0; p < 4; p++) {
        const float co = cosin[2 * p], si = sign * cosin[2 * p + 1];
        const float x0 = (float)v[2 * p], x1 = (float)v[2 * p + 1];
        r[2 * p] = (floatX)(x0 * co - x1 * si);
        r[2 * p + 1] = (floatX)(x0 * si + x1 * co);
    }
    store128(x, r);
}

// ---- launchers (hs % 8 == 0; qkv and cs 16-byte aligned; cs from rope_table(), uploaded) ----

inline void rope_launch(floatX* qkv, const float* cs, int B, int T, int NH, int NKV, int hs, float sign,
                        cudaStream_t stream, int block_size) {
    cuda_require(hs % 8 == 0 && NKV > 0 && NH % NKV == 0, "hs=%d NH=%d NKV=%d", hs, NH, NKV);
    const long n = (long)B * T * (NH + NKV) * hs / 8;
    if (n > 0) rope_kernel<<<(int)ceil_div(n, block_size), block_size, 0, stream>>>(qkv, cs, B, T, NH, NKV, hs, sign);
    cudaCheckLaunch();
}

// qkv (B,T,(NH+2*NKV)*hs): q and k rotated in place for positions 0..T-1; cs (T, hs/2, 2) fp32
inline void rope_forward(floatX* qkv, const float* cs, int B, int T, int NH, int NKV, int hs, cudaStream_t stream,
                         int block_size = 256) {
    rope_launch(qkv, cs, B, T, NH, NKV, hs, 1.0f, stream, block_size);
}

// dqkv (B,T,(NH+2*NKV)*hs): the gradient of the rotated q, k rotated back in place (v untouched)
inline void rope_backward(floatX* dqkv, const float* cs, int B, int T, int NH, int NKV, int hs, cudaStream_t stream,
                          int block_size = 256) {
    rope_launch(dqkv, cs, B, T, NH, NKV, hs, -1.0f, stream, block_size);
}
