// encoder.cuh: token + position embedding on the GPU, forward and backward (the CUDA twin of
// encoder.h); the Llama family has no position table (wpe NULL: RoPE places the tokens). The backward is deterministic without atomics: the host (which holds the token ids
// anyway) groups the positions of each distinct token into a bucket, sorted by position; one block
// per bucket sums its positions' gradients in that fixed order and owns that wte row outright.
// dwpe needs no buckets: thread (t,c) sums over b in order.
// Tested by tests/test_cuda.cu ("cuda encoder").
#pragma once
#include <algorithm>
#include "cuda_common.cuh"

// out is (B,T,C), inp is (B,T) token ids (device), wte is (Vp,C), wpe is (maxT,C) or NULL.
// One thread per 8 channels of one (b,t).
__global__ void encoder_forward_kernel(floatX* out, const int* inp, const floatX* wte, const floatX* wpe,
                                       int B, int T, int C) {
    const size_t N = (size_t)B * T * C;
    const size_t idx = ((size_t)blockIdx.x * blockDim.x + threadIdx.x) * x128::size;
    if (idx >= N) return;
    const size_t bt = idx / C;
    const int t = (int)(bt % T), c = (int)(idx % C);
    const int ix = inp[bt];
    x128 w = load128(wte + (size_t)ix * C + c);
    if (!wpe) { store128(out + idx, w); return; }
    x128 p = load128(wpe + (size_t)t * C + c);
    x128 o;
    for (int k = 0; k < x128::size; k++) o[k] = (floatX)((float)w[k] + (float)p[k]);
    store128(out + idx, o);
}

// dwte (Vp,C) += the sum of dout (B,T,C) over the positions of each token. One block per bucket;
// bucket b covers positions[bucket_start[b] .. bucket_start[b+1]) (ascending), all holding token
// bucket_token[b]. Thread handles 8 channels at a time.
__global__ void encoder_backward_wte_kernel(floatX* dwte, const floatX* dout, const int* bucket_start,
                                            const int* bucket_token, const int* positions, int C) {
    const int bucket = blockIdx.x;
    const int begin = bucket_start[bucket], end = bucket_start[bucket + 1];
    const int tok = bucket_token[bucket];
    for (int c = threadIdx.x * x128::size; c < C; c += blockDim.x * x128::size) {
        float acc[x128::size] = {0};
        for (int i = begin; i < end; i++) {
            x128 d = load128(dout + (size_t)positions[i] * C + c);
            for (int k = 0; k < x128::size; k++) acc[k] += (float)d[k];
        }
        floatX* row = dwte + (size_t)tok * C + c;
        x128 w = load128(row);
        for (int k = 0; k < x128::size; k++) w[k] = (floatX)((float)w[k] + acc[k]);
        store128(row, w);
    }
}

// dwpe (maxT,C) += sum over b of dout (B,T,C); one thread per 8 channels of one t
__global__ void encoder_backward_wpe_kernel(floatX* dwpe, const floatX* dout, int B, int T, int C) {
    const size_t idx = ((size_t)blockIdx.x * blockDim.x + threadIdx.x) * x128::size;  // = t*C + c
    if (idx >= (size_t)T * C) return;
    float acc[x128::size] = {0};
    for (int b = 0; b < B; b++) {
        x128 d = load128(dout + (size_t)b * T * C + idx);
        for (int k = 0; k < x128::size; k++) acc[k] += (float)d[k];
    }
    x128 w = load128(dwpe + idx);
    for (int k = 0; k < x128::size; k++) w[k] = (floatX)((float)w[k] + acc[k]);
    store128(dwpe + idx, w);
}

// ---- launchers ----

// out (B,T,C) = wte[inp] + wpe[t] (wpe NULL: wte[inp]); inp is (B,T) on the device. Needs C % 8 == 0.
inline void encoder_forward(floatX* out, const int* inp, const floatX* wte, const floatX* wpe, int B, int T, int C,
                            cudaStream_t stream, int block_size = 256) {
    cuda_require(C % 8 == 0, "C=%d must be a multiple of 8", C);
    const size_t N = (size_t)B * T * C;
    const int grid = (int)ceil_div((long)(N / x128::size), block_size);
    encoder_forward_kernel<<<grid, block_size, 0, stream>>>(out, inp, wte, wpe, B, T, C);
    cudaCheckLaunch();
}

// ints of device workspace encoder_backward needs for a (B,T) batch
inline size_t encoder_backward_workspace_ints(int B, int T) { return 3 * (size_t)B * T + 2; }

// dwte (Vp,C) += and dwpe (maxT,C) += the gradients from dout (B,T,C); dwpe may be NULL (no table). inp_cpu is the (B,T) batch
// of token ids on the HOST (the buckets are built there); workspace is device memory of
// encoder_backward_workspace_ints(B,T) ints that must stay untouched until the kernels ran (it
// is stream-ordered: the next call on the same stream may reuse it). Deterministic.
// The upload is from pageable memory, so this call may wait for the stream's earlier work.
inline void encoder_backward(floatX* dwte, floatX* dwpe, int* workspace, const floatX* dout, const int* inp_cpu,
                             int B, int T, int C, cudaStream_t stream) {
    cuda_require(C % 8 == 0, "C=%d must be a multiple of 8", C);
    const int BT = B * T;
    // bucket the positions by token: sort (token, position) pairs; ties are impossible
    std::vector<uint64_t> keys(BT);
    for (int i = 0; i < BT; i++) keys[i] = ((uint64_t)(uint32_t)inp_cpu[i] << 32) | (uint32_t)i;
    std::sort(keys.begin(), keys.end());
    // host layout (ints): bucket_start [nb+1] | bucket_token [nb] | positions [BT]
    std::vector<int> starts, tokens, positions(BT);
    starts.reserve(BT + 1);
    tokens.reserve(BT);
    for (int i = 0; i < BT; i++) {
        int tok = (int)(keys[i] >> 32);
        positions[i] = (int)(keys[i] & 0xffffffffu);
        if (i == 0 || tok != tokens.back()) { starts.push_back(i); tokens.push_back(tok); }
    }
    const int nb = (int)tokens.size();
    starts.push_back(BT);
    std::vector<int> host(starts.size() + tokens.size() + positions.size());
    std::copy(starts.begin(), starts.end(), host.begin());
    std::copy(tokens.begin(), tokens.end(), host.begin() + starts.size());
    std::copy(positions.begin(), positions.end(), host.begin() + starts.size() + tokens.size());
    cuda_require(host.size() <= encoder_backward_workspace_ints(B, T), "workspace too small");
    cudaCheck(cudaMemcpyAsync(workspace, host.data(), host.size() * sizeof(int), cudaMemcpyHostToDevice, stream));
    const int* d_starts = workspace;
    const int* d_tokens = workspace + nb + 1;
    const int* d_positions = workspace + nb + 1 + nb;
    if (nb > 0) {
        int threads = (int)std::min<long>(256, ceil_div(C / x128::size, WARP_SIZE) * WARP_SIZE);
        encoder_backward_wte_kernel<<<nb, threads, 0, stream>>>(dwte, dout, d_starts, d_tokens, d_positions, C);
        cudaCheckLaunch();
    }
    if (!dwpe) return;
    const int block = 256;
    const int grid = (int)ceil_div((long)T * C / x128::size, block);
    encoder_backward_wpe_kernel<<<grid, block, 0, stream>>>(dwpe, dout, B, T, C);
    cudaCheckLaunch();
}
