// attention.cuh: causal multi-head self-attention on the GPU, flash-style (the CUDA twin of
// attention.h, which materialises the (T,T) probabilities; this never does).
//
// Forward: one thread per query row, BR rows per block. Key/value tiles of BC rows are staged in
// shared memory (fp32) and read by all threads at the same address (broadcast). Each thread keeps
// its (pre-scaled) q row and its output accumulator in registers and runs the online softmax
// over the key tiles, tile by tile (running max m, running sum l). It writes the output (bf16) and
// lse = m + log(l), the logsumexp of the row's scaled scores (fp32), which backward needs.
//
// Backward (recompute, deterministic, no atomics), with D_i = dout_i . out_i:
//   p_ij = exp(s_ij - lse_i), s_ij = scale * q_i . k_j, ds_ij = p_ij * (dout_i . v_j - D_i)
//   dv_j = sum_i p_ij dout_i;  dk_j = scale * sum_i ds_ij q_i;  dq_i = scale * sum_j ds_ij k_j
// Kernel 1 computes D; kernel 2 has one thread per KEY (dk, dv in registers, looping over query
// tiles i >= j); kernel 3 has one thread per QUERY (dq in registers, looping over key tiles j <= i).
// s and dout.v are thus computed twice (7 instead of 5 head-size dot products per pair) in
// exchange for no atomics and no cross-thread reductions. All arithmetic is fp32.
//
// Grouped-query attention (Llama): NKV <= NH key/value heads; query head h reads KV head h / g,
// g = NH/NKV (Hugging Face's repeat_kv). The dk/dv kernel then runs one block per (key tile, KV
// head) and loops over the g query heads in order, so the sum over the heads that share a KV head
// stays in registers (deterministic, no atomics). NKV = NH is GPT-2's multi-head attention (g = 1:
// the same loops and sums as before GQA existed).
//
// Layouts: qkv is (B,T,C3), C3 = C + 2*NKV*HS: token (b,t) holds [q | k | v], q of C = NH*HS
// channels (head h at channels h*HS..h*HS+HS-1), k and v of NKV*HS channels each (KV head j at
// j*HS within its part). out is (B,T,C); lse and D are (B,NH,T) fp32; dqkv is (B,T,C3).
// Head sizes 16, 32, 64, 128 are instantiated (128 spills registers: correct, slower).
// Tested by tests/test_cuda.cu ("cuda attention ..."); variants and timings: dev/cuda/attention.cu.
#pragma once
#include <cmath>
#include "cuda_common.cuh"

// ---- forward ----
// out (B,T,C), lse (B,NH,T), qkv (B,T,C3). grid (ceil(T/BR), NH, B), block BR.
template <int HS, int BR, int BC>
__global__ void __launch_bounds__(BR) attention_forward_kernel(floatX* out, float* lse, const floatX* qkv, int T,
                                                               int NH, int NKV, float scale) {
    static_assert(HS % 8 == 0, "head size must be a multiple of 8");
    __shared__ __align__(16) float Ks[BC][HS];  // key tile, fp32
    __shared__ __align__(16) float Vs[BC][HS];  // value tile, fp32
    const int C = NH * HS, C3 = C + 2 * NKV * HS;
    const int qtile = gridDim.x - 1 - blockIdx.x;  // the heaviest (last) query tiles start first
    const int h = blockIdx.y, b = blockIdx.z;
    const int q0 = qtile * BR;
    const int i = q0 + threadIdx.x;  // this thread's query row
    const bool valid = i < T;
    const floatX* base = qkv + (size_t)b * T * C3 + h * HS;
    const floatX* kbase = qkv + (size_t)b * T * C3 + C + h / (NH / NKV) * HS;  // the KV head serving h
    const floatX* vbase = kbase + NKV * HS;

    float q[HS], o[HS];
    #pragma unroll
    for (int d8 = 0; d8 < HS / 8; d8++) {
        x128 v = valid ? load128(base + (size_t)i * C3 + d8 * 8) : x128::constant((floatX)0.0f);
        #pragma unroll
        for (int k = 0; k < 8; k++) q[d8 * 8 + k] = (float)v[k] * scale;
    }
    #pragma unroll
    for (int d = 0; d < HS; d++) o[d] = 0.0f;
    float m = -INFINITY, l = 0.0f;

    const int kv_end = min(T, q0 + BR);  // keys 0 .. kv_end-1 are needed by some row of this block
    for (int k0 = 0; k0 < kv_end; k0 += BC) {
        __syncthreads();  // everyone is done with the previous tile
        for (int idx = threadIdx.x; idx < BC * (HS / 8); idx += BR) {
            const int r = idx / (HS / 8), d = (idx % (HS / 8)) * 8, j = k0 + r;
            if (j < T) {
                x128 kv = load128(kbase + (size_t)j * C3 + d);
                x128 vv = load128(vbase + (size_t)j * C3 + d);
                #pragma unroll
                for (int k = 0; k < 8; k++) { Ks[r][d + k] = (float)kv[k]; Vs[r][d + k] = (float)vv[k]; }
            } else {
                #pragma unroll
                for (int k = 0; k < 8; k++) { Ks[r][d + k] = 0.0f; Vs[r][d + k] = 0.0f; }
            }
        }
        __syncthreads();
        if (valid) {
            float s[BC];
            float mt = m;
            #pragma unroll
            for (int r = 0; r < BC; r++) {
                const float4* kr = reinterpret_cast<const float4*>(&Ks[r][0]);
                float acc = 0.0f;
                #pragma unroll
                for (int d4 = 0; d4 < HS / 4; d4++) {
                    const float4 kk = kr[d4];
                    acc += q[4 * d4] * kk.x + q[4 * d4 + 1] * kk.y + q[4 * d4 + 2] * kk.z + q[4 * d4 + 3] * kk.w;
                }
                s[r] = (k0 + r <= i) ? acc : -INFINITY;  // the causal mask (also masks j >= T, as i < T)
                mt = fmaxf(mt, s[r]);
            }
            // mt is finite: the first tile (k0 = 0) holds key 0 <= i
            const float corr = expf(m - mt);  // m = -inf on the first tile: corr = 0
            l *= corr;
            #pragma unroll
            for (int d = 0; d < HS; d++) o[d] *= corr;
            #pragma unroll
            for (int r = 0; r < BC; r++) {
                const float p = expf(s[r] - mt);  // masked: exp(-inf) = 0
                l += p;
                const float4* vr = reinterpret_cast<const float4*>(&Vs[r][0]);
                #pragma unroll
                for (int d4 = 0; d4 < HS / 4; d4++) {
                    const float4 vv = vr[d4];
                    o[4 * d4] += p * vv.x; o[4 * d4 + 1] += p * vv.y; o[4 * d4 + 2] += p * vv.z; o[4 * d4 + 3] += p * vv.w;
                }
            }
            m = mt;
        }
    }
    if (valid) {
        const float inv = 1.0f / l;  // l >= 1: the row max contributes exp(0)
        floatX* orow = out + ((size_t)b * T + i) * C + h * HS;
        #pragma unroll
        for (int d8 = 0; d8 < HS / 8; d8++) {
            x128 w;
            #pragma unroll
            for (int k = 0; k < 8; k++) w[k] = (floatX)(o[d8 * 8 + k] * inv);
            store128(orow + d8 * 8, w);
        }
        lse[((size_t)b * NH + h) * T + i] = m + logf(l);
    }
}

// ---- backward ----

// D (B,NH,T) = sum over the head's channels of dout (B,T,C) * out (B,T,C); one thread per (b,h,t)
__global__ void attention_backward_preprocess_kernel(float* D, const floatX* dout, const floatX* out, int B, int T,
                                                     int NH, int HS) {
    const size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;  // = (b*NH + h)*T + t
    if (idx >= (size_t)B * NH * T) return;
    const int t = (int)(idx % T), h = (int)((idx / T) % NH), b = (int)(idx / ((size_t)T * NH));
    const size_t off = ((size_t)b * T + t) * NH * HS + h * HS;
    float sum = 0.0f;
    for (int d = 0; d < HS; d += 8) {
        x128 a = load128(dout + off + d), o = load128(out + off + d);
        for (int k = 0; k < 8; k++) sum += (float)a[k] * (float)o[k];
    }
    D[idx] = sum;
}

// dk, dv: one thread per key j of KV head blockIdx.y (BK keys per block), looping over the KV head's
// NH/NKV query heads in order; query tiles of BQ rows staged in shared memory. dqkv's k and v parts
// (B,T,C3) are overwritten. grid (ceil(T/BK), NKV, B), block BK, dynamic shared memory
// attention_dkv_smem<HS,BK,BQ>() bytes.
template <int HS, int BK, int BQ> constexpr size_t attention_dkv_smem() {
    return (size_t)(2 * BK * (HS + 4) + 2 * BQ * HS + 2 * BQ) * sizeof(float);
}
template <int HS, int BK, int BQ>
__global__ void __launch_bounds__(BK) attention_backward_dkv_kernel(floatX* dqkv, const floatX* dout, const floatX* qkv,
                                                                    const float* lse, const float* D, int T, int NH,
                                                                    int NKV, float scale) {
    constexpr int HSP = HS + 4;  // padded own rows: conflict-free 128-bit accesses at stride HSP
    extern __shared__ __align__(16) float dkv_smem[];
    float* Kown = dkv_smem;                  // (BK, HSP): thread r's key row
    float* Vown = Kown + BK * HSP;       // (BK, HSP): thread r's value row
    float* Qs = Vown + BK * HSP;         // (BQ, HS): query tile, pre-scaled
    float* dOs = Qs + BQ * HS;           // (BQ, HS): dout tile
    float* lse_s = dOs + BQ * HS;        // (BQ)
    float* D_s = lse_s + BQ;             // (BQ)
    const int C = NH * HS, C3 = C + 2 * NKV * HS, group = NH / NKV;
    const int kvh = blockIdx.y, b = blockIdx.z;
    const int k0 = blockIdx.x * BK;  // tile 0 (the heaviest: every query sees it) starts first
    const int j = k0 + threadIdx.x;
    const bool valid = j < T;
    const floatX* kbase = qkv + (size_t)b * T * C3 + C + kvh * HS;
    const floatX* vbase = kbase + NKV * HS;

    float* kr = Kown + threadIdx.x * HSP;
    float* vr = Vown + threadIdx.x * HSP;
    #pragma unroll
    for (int d8 = 0; d8 < HS / 8; d8++) {
        x128 kv = valid ? load128(kbase + (size_t)j * C3 + d8 * 8) : x128::constant((floatX)0.0f);
        x128 vv = valid ? load128(vbase + (size_t)j * C3 + d8 * 8) : x128::constant((floatX)0.0f);
        #pragma unroll
        for (int k = 0; k < 8; k++) { kr[d8 * 8 + k] = (float)kv[k]; vr[d8 * 8 + k] = (float)vv[k]; }
    }
    float dk[HS], dv[HS];
    #pragma unroll
    for (int d = 0; d < HS; d++) { dk[d] = 0.0f; dv[d] = 0.0f; }

    for (int h = kvh * group; h < (kvh + 1) * group; h++) {  // the query heads sharing this KV head
        const floatX* base = qkv + (size_t)b * T * C3 + h * HS;
        const floatX* dbase = dout + (size_t)b * T * C + h * HS;
        const float* lse_row = lse + ((size_t)b * NH + h) * T;
        const float* D_row = D + ((size_t)b * NH + h) * T;
        for (int q0 = k0; q0 < T; q0 += BQ) {  // queries before k0 see none of this tile's keys
            __syncthreads();
            for (int idx = threadIdx.x; idx < BQ * (HS / 8); idx += BK) {
                const int r = idx / (HS / 8), d = (idx % (HS / 8)) * 8, i = q0 + r;
                x128 qq = x128::constant((floatX)0.0f), dd = x128::constant((floatX)0.0f);
                if (i < T) { qq = load128(base + (size_t)i * C3 + d); dd = load128(dbase + (size_t)i * C + d); }
                #pragma unroll
                for (int k = 0; k < 8; k++) { Qs[r * HS + d + k] = (float)qq[k] * scale; dOs[r * HS + d + k] = (float)dd[k]; }
            }
            for (int r = threadIdx.x; r < BQ; r += BK) {
                const int i = q0 + r;
                lse_s[r] = i < T ? lse_row[i] : 0.0f;
                D_s[r] = i < T ? D_row[i] : 0.0f;
            }
            __syncthreads();
            if (valid) {
                for (int r = 0; r < BQ; r++) {
                    const int i = q0 + r;
                    if (i < j || i >= T) continue;  // causal: query i sees key j only if j <= i
                    const float4* q4 = reinterpret_cast<const float4*>(Qs + r * HS);
                    const float4* o4 = reinterpret_cast<const float4*>(dOs + r * HS);
                    const float4* k4 = reinterpret_cast<const float4*>(kr);
                    const float4* v4 = reinterpret_cast<const float4*>(vr);
                    float s = 0.0f, dp = 0.0f;
                    #pragma unroll
                    for (int d4 = 0; d4 < HS / 4; d4++) {
                        const float4 a = q4[d4], kk = k4[d4], g = o4[d4], vv = v4[d4];
                        s += a.x * kk.x + a.y * kk.y + a.z * kk.z + a.w * kk.w;
                        dp += g.x * vv.x + g.y * vv.y + g.z * vv.z + g.w * vv.w;
                    }
                    const float p = expf(s - lse_s[r]);
                    const float ds = p * (dp - D_s[r]);
                    #pragma unroll
                    for (int d4 = 0; d4 < HS / 4; d4++) {
                        const float4 a = q4[d4], g = o4[d4];
                        dv[4 * d4] += p * g.x; dv[4 * d4 + 1] += p * g.y; dv[4 * d4 + 2] += p * g.z; dv[4 * d4 + 3] += p * g.w;
                        dk[4 * d4] += ds * a.x; dk[4 * d4 + 1] += ds * a.y; dk[4 * d4 + 2] += ds * a.z; dk[4 * d4 + 3] += ds * a.w;
                    }
                }
            }
        }
    }
    if (valid) {
        floatX* drow = dqkv + ((size_t)b * T + j) * C3 + C + kvh * HS;
        #pragma unroll
        for (int d8 = 0; d8 < HS / 8; d8++) {
            x128 wk, wv;
            #pragma unroll
            for (int k = 0; k < 8; k++) { wk[k] = (floatX)dk[d8 * 8 + k]; wv[k] = (floatX)dv[d8 * 8 + k]; }
            store128(drow + d8 * 8, wk);
            store128(drow + NKV * HS + d8 * 8, wv);
        }
    }
}

// dq: one thread per query i (BQ queries per block); key/value tiles of BK rows in shared memory.
// dqkv's q part (B,T,C3) is overwritten. grid (ceil(T/BQ), NH, B), block BQ,
// dynamic shared memory attention_dq_smem<HS,BQ,BK>() bytes.
template <int HS, int BQ, int BK> constexpr size_t attention_dq_smem() {
    return (size_t)(2 * BQ * (HS + 4) + 2 * BK * HS) * sizeof(float);
}
template <int HS, int BQ, int BK>
__global__ void __launch_bounds__(BQ) attention_backward_dq_kernel(floatX* dqkv, const floatX* dout, const floatX* qkv,
                                                                   const float* lse, const float* D, int T, int NH,
                                                                   int NKV, float scale) {
    constexpr int HSP = HS + 4;
    extern __shared__ __align__(16) float dq_smem[];
    float* Qown = dq_smem;                 // (BQ, HSP): thread r's query row, pre-scaled
    float* dOown = Qown + BQ * HSP;     // (BQ, HSP): thread r's dout row
    float* Ks = dOown + BQ * HSP;       // (BK, HS): key tile
    float* Vs = Ks + BK * HS;           // (BK, HS): value tile
    const int C = NH * HS, C3 = C + 2 * NKV * HS;
    const int qtile = gridDim.x - 1 - blockIdx.x;  // heaviest first
    const int h = blockIdx.y, b = blockIdx.z;
    const int q0 = qtile * BQ;
    const int i = q0 + threadIdx.x;
    const bool valid = i < T;
    const floatX* base = qkv + (size_t)b * T * C3 + h * HS;
    const floatX* kbase = qkv + (size_t)b * T * C3 + C + h / (NH / NKV) * HS;  // the KV head serving h
    const floatX* vbase = kbase + NKV * HS;

    float* qr = Qown + threadIdx.x * HSP;
    float* gr = dOown + threadIdx.x * HSP;
    #pragma unroll
    for (int d8 = 0; d8 < HS / 8; d8++) {
        x128 qq = valid ? load128(base + (size_t)i * C3 + d8 * 8) : x128::constant((floatX)0.0f);
        x128 gg = valid ? load128(dout + ((size_t)b * T + i) * C + h * HS + d8 * 8) : x128::constant((floatX)0.0f);
        #pragma unroll
        for (int k = 0; k < 8; k++) { qr[d8 * 8 + k] = (float)qq[k] * scale; gr[d8 * 8 + k] = (float)gg[k]; }
    }
    const float lse_i = valid ? lse[((size_t)b * NH + h) * T + i] : 0.0f;
    const float D_i = valid ? D[((size_t)b * NH + h) * T + i] : 0.0f;
    float dq[HS];
    #pragma unroll
    for (int d = 0; d < HS; d++) dq[d] = 0.0f;

    const int kv_end = min(T, q0 + BQ);
    for (int k0 = 0; k0 < kv_end; k0 += BK) {
        __syncthreads();
        for (int idx = threadIdx.x; idx < BK * (HS / 8); idx += BQ) {
            const int r = idx / (HS / 8), d = (idx % (HS / 8)) * 8, j = k0 + r;
            x128 kv = x128::constant((floatX)0.0f), vv = x128::constant((floatX)0.0f);
            if (j < T) { kv = load128(kbase + (size_t)j * C3 + d); vv = load128(vbase + (size_t)j * C3 + d); }
            #pragma unroll
            for (int k = 0; k < 8; k++) { Ks[r * HS + d + k] = (float)kv[k]; Vs[r * HS + d + k] = (float)vv[k]; }
        }
        __syncthreads();
        if (valid) {
            const float4* q4 = reinterpret_cast<const float4*>(qr);
            const float4* g4 = reinterpret_cast<const float4*>(gr);
            for (int r = 0; r < BK; r++) {
                if (k0 + r > i) break;  // keys ascend: all later ones are masked too
                const float4* k4 = reinterpret_cast<const float4*>(Ks + r * HS);
                const float4* v4 = reinterpret_cast<const float4*>(Vs + r * HS);
                float s = 0.0f, dp = 0.0f;
                #pragma unroll
                for (int d4 = 0; d4 < HS / 4; d4++) {
                    const float4 a = q4[d4], kk = k4[d4], g = g4[d4], vv = v4[d4];
                    s += a.x * kk.x + a.y * kk.y + a.z * kk.z + a.w * kk.w;
                    dp += g.x * vv.x + g.y * vv.y + g.z * vv.z + g.w * vv.w;
                }
                const float ds = expf(s - lse_i) * (dp - D_i);
                #pragma unroll
                for (int d4 = 0; d4 < HS / 4; d4++) {
                    const float4 kk = k4[d4];
                    dq[4 * d4] += ds * kk.x; dq[4 * d4 + 1] += ds * kk.y; dq[4 * d4 + 2] += ds * kk.z; dq[4 * d4 + 3] += ds * kk.w;
                }
            }
        }
    }
    if (valid) {
        floatX* drow = dqkv + ((size_t)b * T + i) * C3 + h * HS;
        #pragma unroll
        for (int d8 = 0; d8 < HS / 8; d8++) {
            x128 w;
            #pragma unroll
            for (int k = 0; k < 8; k++) w[k] = (floatX)(dq[d8 * 8 + k] * scale);
            store128(drow + d8 * 8, w);
        }
    }
}

// ---- launchers ----

// default tile sizes per head size (dev/cuda/attention.cu times the alternatives)
template <int HS> struct AttnTiles {
    static constexpr int FWD_BR = 64, FWD_BC = 32;          // forward: query rows per block, key tile
    static constexpr int DKV_BK = HS >= 128 ? 32 : 64, DKV_BQ = 32;  // dk/dv: keys per block, query tile
    static constexpr int DQ_BQ = HS >= 128 ? 32 : 64, DQ_BK = 32;    // dq: queries per block, key tile
};

inline float attention_scale(int HS) { return (float)(1.0 / std::sqrt((double)HS)); }

template <int HS, int BR, int BC>
void attention_forward_launch(floatX* out, float* lse, const floatX* qkv, int B, int T, int NH, int NKV,
                              cudaStream_t stream) {
    dim3 grid((unsigned)ceil_div(T, BR), (unsigned)NH, (unsigned)B);
    attention_forward_kernel<HS, BR, BC><<<grid, BR, 0, stream>>>(out, lse, qkv, T, NH, NKV, attention_scale(HS));
    cudaCheckLaunch();
}

// sets a kernel's dynamic shared memory limit once per process (needed above 48 KB)
template <class Kernel> void attention_set_smem(Kernel kernel, size_t bytes, bool& done) {
    if (done) return;
    if (bytes > 48 * 1024) cudaCheck(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)bytes));
    done = true;
}

template <int HS, int DKV_BK, int DKV_BQ, int DQ_BQ, int DQ_BK>
void attention_backward_launch(floatX* dqkv, float* D, const floatX* dout, const floatX* qkv, const floatX* out,
                               const float* lse, int B, int T, int NH, int NKV, cudaStream_t stream) {
    const float scale = attention_scale(HS);
    const long rows = (long)B * NH * T;
    attention_backward_preprocess_kernel<<<(int)ceil_div(rows, 256), 256, 0, stream>>>(D, dout, out, B, T, NH, HS);
    cudaCheckLaunch();
    {
        constexpr size_t smem = attention_dkv_smem<HS, DKV_BK, DKV_BQ>();
        static bool done = false;
        attention_set_smem(attention_backward_dkv_kernel<HS, DKV_BK, DKV_BQ>, smem, done);
        dim3 grid((unsigned)ceil_div(T, DKV_BK), (unsigned)NKV, (unsigned)B);
        attention_backward_dkv_kernel<HS, DKV_BK, DKV_BQ><<<grid, DKV_BK, smem, stream>>>(dqkv, dout, qkv, lse, D, T, NH,
                                                                                         NKV, scale);
        cudaCheckLaunch();
    }
    {
        constexpr size_t smem = attention_dq_smem<HS, DQ_BQ, DQ_BK>();
        static bool done = false;
        attention_set_smem(attention_backward_dq_kernel<HS, DQ_BQ, DQ_BK>, smem, done);
        dim3 grid((unsigned)ceil_div(T, DQ_BQ), (unsigned)NH, (unsigned)B);
        attention_backward_dq_kernel<HS, DQ_BQ, DQ_BK><<<grid, DQ_BQ, smem, stream>>>(dqkv, dout, qkv, lse, D, T, NH, NKV,
                                                                                       scale);
        cudaCheckLaunch();
    }
}

#define LLMC_ATTN_DISPATCH(HS_VALUE, CALL)                                                           \
    switch (HS_VALUE) {                                                                              \
        case 16: { constexpr int HS = 16; CALL; } break;                                             \
        case 32: { constexpr int HS = 32; CALL; } break;                                             \
        case 64: { constexpr int HS = 64; CALL; } break;                                             \
        case 128: { constexpr int HS = 128; CALL; } break;                                           \
        default: cuda_require(false, "attention: head size %d is not instantiated (16/32/64/128)", HS_VALUE); \
    }

// the number of KV heads: NKV, or NH when NKV is 0 (plain multi-head); NH must be a multiple of it
inline int attention_kv_heads_cuda(int NH, int NKV) {
    if (NKV == 0) NKV = NH;
    cuda_require(NKV > 0 && NH % NKV == 0, "NH=%d must be a multiple of NKV=%d", NH, NKV);
    return NKV;
}

// out (B,T,C) = causal softmax(q k^T / sqrt(HS)) v per query head, and lse (B,NH,T) fp32 for
// backward; qkv is (B,T,C + 2*NKV*HS) = [q | k | v]; NKV = 0 means NH (qkv is (B,T,3C)).
// HS = C/NH in {16, 32, 64, 128}.
inline void attention_forward(floatX* out, float* lse, const floatX* qkv, int B, int T, int C, int NH,
                              cudaStream_t stream, int NKV = 0) {
    cuda_require(NH > 0 && C % NH == 0, "C=%d NH=%d", C, NH);
    NKV = attention_kv_heads_cuda(NH, NKV);
    const int hs = C / NH;
    LLMC_ATTN_DISPATCH(hs, (attention_forward_launch<HS, AttnTiles<HS>::FWD_BR, AttnTiles<HS>::FWD_BC>(out, lse, qkv, B, T, NH, NKV, stream)));
}

// floats of scratch attention_backward needs (the D buffer)
inline size_t attention_backward_scratch_floats(int B, int T, int NH) { return (size_t)B * NH * T; }

// dqkv (B,T,C + 2*NKV*HS) OVERWRITTEN with the gradient of q, k, v (dk, dv summed over the query
// heads sharing each KV head) given dout (B,T,C), the forward's qkv (layout as dqkv), out (B,T,C)
// and lse (B,NH,T); NKV = 0 means NH. scratch: attention_backward_scratch_floats(B,T,NH).
// Deterministic. dqkv must not alias the inputs.
inline void attention_backward(floatX* dqkv, float* scratch, const floatX* dout, const floatX* qkv, const floatX* out,
                               const float* lse, int B, int T, int C, int NH, cudaStream_t stream, int NKV = 0) {
    cuda_require(NH > 0 && C % NH == 0, "C=%d NH=%d", C, NH);
    NKV = attention_kv_heads_cuda(NH, NKV);
    const int hs = C / NH;
    LLMC_ATTN_DISPATCH(hs, (attention_backward_launch<HS, AttnTiles<HS>::DKV_BK, AttnTiles<HS>::DKV_BQ,
                                                      AttnTiles<HS>::DQ_BQ, AttnTiles<HS>::DQ_BK>(
                                dqkv, scratch, dout, qkv, out, lse, B, T, NH, NKV, stream)));
}
