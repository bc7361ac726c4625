// memory.cuh: the CUDA twin of memory.h's product-key memory layer (ungated), forward and backward.
// Read memory.h first: the algorithm, the selection order (score descending, slot id ascending on
// ties) and the shapes are the same. bf16 parameters and activations; the normalised queries, the
// selected slots' weights and all accumulations are fp32.
//   forward:  q = Wq x + bq (cuBLASLt); one block per (token, head) normalises the query halves,
//             scores all 2 n_keys sub-keys, keeps each half's top-k by k rounds of a block argmax,
//             ranks the (a+1)(b+1) <= k candidate sums the same way, and takes the softmax of the
//             k best; one block per token then sums the weighted value rows.
//   backward: one block per (token, head): dw_r = <dmem, V[slot_r]>, the softmax backward, the
//             sub-key gradient and the RMS-norm backward to dq; dinp, dWq, dbq by cuBLASLt.
//             Key and value gradients are dense fp32 buffers summed with atomicAdd: their
//             summation order, unlike the CPU twin's, is not fixed from run to run.
// Tested against memory.h by tests/test_cuda.cu ("cuda memory ..."). model.cuh places it beside the
// MLP of its blocks for sparse memory finetuning (--train memory-sparse) on the GPU.
#pragma once
#include <cmath>
#include "matmul.cuh"
#include "memory.h"

// the best (score, id) of the block by score descending, id ascending; every thread passes its own
// candidate and gets the winner. Ids travel as floats: exact below 2^24 (slot ids are < n_keys^2)
__device__ inline void memory_block_argmax(float& v, int& id) {
    __shared__ float sv[WARP_SIZE], si[WARP_SIZE];
    const int lane = threadIdx.x % WARP_SIZE, warp = threadIdx.x / WARP_SIZE, nwarps = blockDim.x / WARP_SIZE;
    for (int round = 0; round < 2; round++) {
        for (int off = 16; off > 0; off >>= 1) {
            float ov = __shfl_xor_sync(0xffffffffu, v, off), oi = __shfl_xor_sync(0xffffffffu, (float)id, off);
            if (ov > v || (ov == v && (int)oi < id)) { v = ov; id = (int)oi; }
        }
        if (round == 1) break;
        __syncthreads();  // a previous call may still be reading sv, si
        if (lane == 0) { sv[warp] = v; si[warp] = (float)id; }
        __syncthreads();
        v = lane < nwarps ? sv[lane] : -INFINITY;
        id = lane < nwarps ? (int)si[lane] : (1 << 24);
    }
}

// candidates of the product top-k: pairs (a, b) of sub-list ranks with (a+1)(b+1) <= k
inline int memory_num_candidates(int k) {
    int n = 0;
    for (int a = 0; a < k; a++) n += k / (a + 1);
    return n;
}
inline size_t memory_select_smem(const MemoryConfig& cfg) {
    const int K = cfg.topk, nc = memory_num_candidates(K);
    return sizeof(float) * ((size_t)cfg.dk + 2 * cfg.n_keys + 2 * K + nc) + sizeof(int) * ((size_t)2 * K + nc);
}

// q (BT,H*dk) bf16 raw queries -> qn (BT,H*dk) and rstd (BT,H,2) fp32; idx (BT,H,k) slots best first
// and w (BT,H,k) their softmax weights. keys (H,2,n_keys,dk/2). One block per (token, head)
__global__ void memory_select_kernel(int* idx, float* w, float* qn_out, float* rstd_out, const floatX* q,
                                     const floatX* keys, int H, int dk, int nk, int K, int ncand) {
    extern __shared__ float smem[];
    const int th = blockIdx.x, h = th % H, dkh = dk / 2, tid = threadIdx.x, bd = blockDim.x;
    float* qn = smem;                // (dk)
    float* s = qn + dk;              // (2, nk) sub-key scores; taken entries become -inf
    float* sa = s + 2 * nk;          // (k) best scores of half 0, then the final selected scores
    float* sb = sa + K;              // (k) best scores of half 1
    float* cs = sb + K;              // (ncand) candidate sums; taken ones become -inf
    int* ia = (int*)(cs + ncand);    // (k) best sub-key rows of half 0
    int* ib = ia + K;                // (k) of half 1
    int* cid = ib + K;               // (ncand) candidate slots
    for (int d = tid; d < dk; d += bd) qn[d] = (float)q[(size_t)th * dk + d];
    __syncthreads();
    for (int half = 0; half < 2; half++) {
        float ss = 0.0f;
        for (int d = tid; d < dkh; d += bd) ss += qn[half * dkh + d] * qn[half * dkh + d];
        const float r = 1.0f / sqrtf(blockReduceSum(ss) / dkh + 1e-6f);
        for (int d = tid; d < dkh; d += bd) qn[half * dkh + d] *= r;  // each thread its own elements
        if (tid == 0) rstd_out[(size_t)th * 2 + half] = r;
    }
    __syncthreads();
    for (int d = tid; d < dk; d += bd) qn_out[(size_t)th * dk + d] = qn[d];
    for (int i = tid; i < 2 * nk; i += bd) {
        const int half = i / nk;
        const floatX* kr = keys + ((size_t)(h * 2 + half) * nk + i % nk) * dkh;
        float acc = 0.0f;
        for (int d = 0; d < dkh; d++) acc += (float)kr[d] * qn[half * dkh + d];
        s[i] = acc == acc ? acc : -INFINITY;  // NaN ranks last, as in memory_better
    }
    __syncthreads();
    for (int half = 0; half < 2; half++)
        for (int r = 0; r < K; r++) {
            float v = -INFINITY;
            int id = 1 << 24;
            for (int i = tid; i < nk; i += bd) {
                const float x = s[half * nk + i];
                if (x > v || (x == v && i < id)) { v = x; id = i; }
            }
            memory_block_argmax(v, id);
            if (tid == 0) {
                (half ? sb : sa)[r] = v;
                (half ? ib : ia)[r] = id;
                s[half * nk + id] = -INFINITY;
            }
            __syncthreads();
        }
    if (tid == 0) {
        int n = 0;
        for (int a = 0; a < K; a++)
            for (int b = 0; (a + 1) * (b + 1) <= K; b++, n++) {
                cs[n] = sa[a] + sb[b];
                cid[n] = ia[a] * nk + ib[b];
            }
    }
    __syncthreads();
    int* slot = idx + (size_t)th * K;
    for (int r = 0; r < K; r++) {
        float v = -INFINITY;
        int id = 1 << 24;
        for (int c = tid; c < ncand; c += bd)
            if (cs[c] > v || (cs[c] == v && cid[c] < id)) { v = cs[c]; id = cid[c]; }
        memory_block_argmax(v, id);
        for (int c = tid; c < ncand; c += bd)
            if (cid[c] == id) cs[c] = -INFINITY;  // candidate slots are distinct
        if (tid == 0) { slot[r] = id; sa[r] = v; }
        __syncthreads();
    }
    if (tid == 0) {  // sa is sorted: sa[0] is the max
        float sum = 0.0f;
        for (int r = 0; r < K; r++) sum += expf(sa[r] - sa[0]);
        for (int r = 0; r < K; r++) w[(size_t)th * K + r] = expf(sa[r] - sa[0]) / sum;
    }
}

// out (BT,C) = sum over heads and ranks of w V[idx]; values (N,C). One block per token
__global__ void memory_gather_kernel(floatX* out, const floatX* values, const int* idx, const float* w, int C, int HK) {
    const int t = blockIdx.x;
    for (int c = threadIdx.x; c < C; c += blockDim.x) {
        float acc = 0.0f;
        for (int e = t * HK; e < (t + 1) * HK; e++) acc += w[e] * (float)values[(size_t)idx[e] * C + c];
        out[(size_t)t * C + c] = (floatX)acc;
    }
}

// dvalues (N,C) fp32 += w dmem at each selected row. One block per token
__global__ void memory_value_grad_kernel(float* dvalues, const floatX* dmem, const int* idx, const float* w, int C, int HK) {
    const int t = blockIdx.x;
    for (int e = t * HK; e < (t + 1) * HK; e++)
        for (int c = threadIdx.x; c < C; c += blockDim.x)
            atomicAdd(&dvalues[(size_t)idx[e] * C + c], w[e] * (float)dmem[(size_t)t * C + c]);
}

// the query path's backward. dq (BT,H*dk) bf16 (overwritten); dkeys (H,2,nk,dk/2) fp32 (+=; may be
// NULL). One block per (token, head); shared: ds (k), dqn (dk)
__global__ void memory_query_grad_kernel(floatX* dq, float* dkeys, const floatX* dmem, const floatX* values,
                                         const floatX* keys, const int* idx, const float* w, const float* qn,
                                         const float* rstd, int H, int dk, int nk, int K, int C) {
    extern __shared__ float smem[];
    const int th = blockIdx.x, t = th / H, h = th % H, dkh = dk / 2, tid = threadIdx.x, bd = blockDim.x;
    float* ds = smem;     // (k)
    float* dqn = ds + K;  // (dk)
    const int* slot = idx + (size_t)th * K;
    const float* wt = w + (size_t)th * K;
    for (int r = 0; r < K; r++) {  // dw_r = <dmem, V[slot_r]>, kept in ds for now
        float acc = 0.0f;
        for (int c = tid; c < C; c += bd) acc += (float)dmem[(size_t)t * C + c] * (float)values[(size_t)slot[r] * C + c];
        acc = blockReduceSum(acc);
        if (tid == 0) ds[r] = acc;
    }
    __syncthreads();
    if (tid == 0) {  // softmax backward: ds_r = w_r (dw_r - sum_j w_j dw_j)
        float sum = 0.0f;
        for (int r = 0; r < K; r++) sum += wt[r] * ds[r];
        for (int r = 0; r < K; r++) ds[r] = wt[r] * (ds[r] - sum);
    }
    __syncthreads();
    const float* q = qn + (size_t)th * dk;
    for (int d = tid; d < dk; d += bd) {  // score_r = K1[i_r].q1n + K2[j_r].q2n
        const int half = d / dkh;
        float acc = 0.0f;
        for (int r = 0; r < K; r++) {
            const int row = half == 0 ? slot[r] / nk : slot[r] % nk;
            acc += ds[r] * (float)keys[((size_t)(h * 2 + half) * nk + row) * dkh + d % dkh];
        }
        dqn[d] = acc;
    }
    __syncthreads();
    for (int half = 0; half < 2; half++) {  // RMS-norm backward: dq = rstd (dqn - qn mean(dqn qn))
        float acc = 0.0f;
        for (int d = tid; d < dkh; d += bd) acc += dqn[half * dkh + d] * q[half * dkh + d];
        const float m = blockReduceSum(acc) / dkh, r = rstd[(size_t)th * 2 + half];
        for (int d = tid; d < dkh; d += bd)
            dq[(size_t)th * dk + half * dkh + d] = (floatX)(r * (dqn[half * dkh + d] - q[half * dkh + d] * m));
    }
    if (!dkeys) return;
    for (int i = tid; i < 2 * K * dkh; i += bd) {  // dK[row] += ds_r qn_half
        const int half = i / (K * dkh), r = i / dkh % K, d = i % dkh;
        const int row = half == 0 ? slot[r] / nk : slot[r] % nk;
        atomicAdd(&dkeys[((size_t)(h * 2 + half) * nk + row) * dkh + d], ds[r] * q[half * dkh + d]);
    }
}

// a (n) += b (n), bf16: the memory's output joins the MLP's before the residual add
__global__ void memory_add_kernel(floatX* a, const floatX* b, size_t n) {
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) a[i] = (floatX)((float)a[i] + (float)b[i]);
}

// sparse memory finetuning's SGD on the selected slots (the twin of memory_sgd_update_slots):
// master (N,C) fp32 row s -= lr dvalues row s, and the bf16 copy follows. One block per slot
__global__ void memory_sgd_slots_kernel(floatX* values, float* master, const float* dvalues, const int* slots, int C, float lr) {
    const size_t row = (size_t)slots[blockIdx.x] * C;
    for (int c = threadIdx.x; c < C; c += blockDim.x) {
        master[row + c] -= lr * dvalues[row + c];
        values[row + c] = (floatX)master[row + c];
    }
}

// ---- launchers ----

// threads per block: enough for n-wide loops, a whole number of warps, at most 128
inline int memory_block_size(int n) { return (int)std::min<long>(128, std::max<long>(WARP_SIZE, ceil_div(n, WARP_SIZE) * WARP_SIZE)); }

// what the forward saves for the backward, and the backward's scratch; device buffers the caller
// sizes with memory_cache_sizes
struct MemoryCacheCuda {
    floatX* q;    // (BT, H*dk) raw queries (forward), then dq (backward)
    float* qn;    // (BT, H*dk)
    float* rstd;  // (BT, H, 2)
    int* idx;     // (BT, H, k)
    float* w;     // (BT, H, k)
    float* scratch;  // matmul_backward_scratch_floats(H*dk) (the bias gradient's partial sums)
};

// out (BT,C) (overwritten) from inp (BT,C); parameters bf16: wq (H*dk,C), bq (H*dk), keys
// (H,2,n_keys,dk/2), values (N,C). H*dk and C multiples of 8
inline void memory_forward(const MemoryConfig& cfg, floatX* out, MemoryCacheCuda& cache, const floatX* wq,
                           const floatX* bq, const floatX* keys, const floatX* values, const floatX* inp, int BT,
                           cudaStream_t stream) {
    cuda_require(!cfg.gated, "the GPU memory layer is ungated (Memory+ gating runs on the CPU)");
    const int H = cfg.heads, K = cfg.topk;
    matmul_forward(cache.q, inp, wq, bq, BT, cfg.C, cfg.qdim(), stream);
    const size_t smem = memory_select_smem(cfg);
    cuda_require(smem <= 48 * 1024, "memory: %zu bytes of shared memory per block (n_keys %d, topk %d) exceed 48 KiB", smem, cfg.n_keys, K);
    memory_select_kernel<<<BT * H, memory_block_size(2 * cfg.n_keys), smem, stream>>>(cache.idx, cache.w, cache.qn, cache.rstd, cache.q, keys, H,
                                                        cfg.dk, cfg.n_keys, K, memory_num_candidates(K));
    cudaCheckLaunch();
    memory_gather_kernel<<<BT, memory_block_size(cfg.C), 0, stream>>>(out, values, cache.idx, cache.w, cfg.C, H * K);
    cudaCheckLaunch();
}

// Given dout (BT,C): dvalues (N,C) fp32 +=; dkeys (H,2,n_keys,dk/2) fp32 +=; dwq, dbq (bf16) +=;
// dinp (BT,C) OVERWRITTEN (as matmul.cuh's). Any may be NULL; with dinp, dwq, dbq and dkeys all NULL
// (values-only training) the query path is skipped.
inline void memory_backward(const MemoryConfig& cfg, floatX* dinp, floatX* dwq, floatX* dbq, float* dkeys,
                            float* dvalues, const floatX* dout, const floatX* inp, const floatX* wq,
                            const floatX* keys, const floatX* values, MemoryCacheCuda& cache, int BT,
                            cudaStream_t stream) {
    const int H = cfg.heads, K = cfg.topk;
    if (dvalues) {
        memory_value_grad_kernel<<<BT, memory_block_size(cfg.C), 0, stream>>>(dvalues, dout, cache.idx, cache.w, cfg.C, H * K);
        cudaCheckLaunch();
    }
    if (!(dinp || dwq || dbq || dkeys)) return;
    memory_query_grad_kernel<<<BT * H, memory_block_size(cfg.C), sizeof(float) * (K + cfg.dk), stream>>>(
        cache.q, dkeys, dout, values, keys, cache.idx, cache.w, cache.qn, cache.rstd, H, cfg.dk, cfg.n_keys, K, cfg.C);
    cudaCheckLaunch();
    matmul_backward(dinp, dwq, dbq, cache.scratch, cache.q, inp, wq, BT, cfg.C, cfg.qdim(), stream);
}

inline void memory_add(floatX* a, const floatX* b, size_t n, cudaStream_t stream) {
    memory_add_kernel<<<(unsigned)ceil_div((long)n, 256), 256, 0, stream>>>(a, b, n);
    cudaCheckLaunch();
}

// slots (n, device) of values (bf16) and master (fp32), both (N,C): row -= lr * dvalues row
inline void memory_sgd_slots(floatX* values, float* master, const float* dvalues, const int* slots, int n, int C,
                             float lr, cudaStream_t stream) {
    if (n == 0) return;
    memory_sgd_slots_kernel<<<n, memory_block_size(C), 0, stream>>>(values, master, dvalues, slots, C, lr);
    cudaCheckLaunch();
}
