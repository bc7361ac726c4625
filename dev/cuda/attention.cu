// dev/cuda/attention.cu: causal attention kernels, forward and backward, naive to final.
//   forward  v1: one thread per (b,h,query), everything from global memory, two passes (max, then
//                exp-sum and weighted values); saves lse. No shared memory, no tiling.
//            v2: flash-style, one thread per query, K/V tiles in shared memory, online softmax
//                (llmc/attention.cuh), timed over tile sizes (BR queries per block, BC keys per tile)
//   backward v1: one thread per key (dk, dv) and one per query (dq), from global memory
//            v2: the same decomposition with shared-memory tiles (llmc/attention.cuh)
// Checked against the CPU twin (llmc/attention.h, which materialises (T,T)).
// Build: make cuda-dev; run: ./build/cuda/attention [B T NH HS]  (default 8 1024 12 64)
#include "dev/cuda/common.h"
#include "llmc/attention.cuh"
#include "llmc/attention.h"

// v1 forward: out (B,T,C), lse (B,NH,T), qkv (B,T,3C); thread per (b,h,i)
__global__ void attention_forward_v1(floatX* out, float* lse, const floatX* qkv, int B, int T, int NH, int HS) {
    const size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;  // (b*NH + h)*T + i
    if (idx >= (size_t)B * NH * T) return;
    const int i = (int)(idx % T), h = (int)((idx / T) % NH), b = (int)(idx / ((size_t)T * NH));
    const int C = NH * HS, C3 = 3 * C;
    const float scale = 1.0f / sqrtf((float)HS);
    const floatX* q = qkv + ((size_t)b * T + i) * C3 + h * HS;
    float m = -INFINITY;
    for (int j = 0; j <= i; j++) {
        const floatX* k = qkv + ((size_t)b * T + j) * C3 + C + h * HS;
        float s = 0;
        for (int d = 0; d < HS; d++) s += (float)q[d] * (float)k[d];
        m = fmaxf(m, s * scale);
    }
    float l = 0;
    floatX* o = out + ((size_t)b * T + i) * C + h * HS;
    for (int d = 0; d < HS; d++) o[d] = (floatX)0.0f;
    // accumulate in fp32 through a second loop per channel block to keep registers small
    for (int d0 = 0; d0 < HS; d0 += 16) {
        float acc[16] = {0};
        l = 0;
        for (int j = 0; j <= i; j++) {
            const floatX* k = qkv + ((size_t)b * T + j) * C3 + C + h * HS;
            const floatX* v = qkv + ((size_t)b * T + j) * C3 + 2 * C + h * HS;
            float s = 0;
            for (int d = 0; d < HS; d++) s += (float)q[d] * (float)k[d];
            float p = expf(s * scale - m);
            l += p;
            for (int d = 0; d < 16 && d0 + d < HS; d++) acc[d] += p * (float)v[d0 + d];
        }
        for (int d = 0; d < 16 && d0 + d < HS; d++) o[d0 + d] = (floatX)(acc[d] / l);
    }
    lse[idx] = m + logf(l);
}

// v1 backward, dk/dv: thread per (b,h,j)
__global__ void attention_backward_dkv_v1(floatX* dqkv, const floatX* dout, const floatX* qkv, const float* lse,
                                          const float* D, int B, int T, int NH, int HS) {
    const size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (size_t)B * NH * T) return;
    const int j = (int)(idx % T), h = (int)((idx / T) % NH), b = (int)(idx / ((size_t)T * NH));
    const int C = NH * HS, C3 = 3 * C;
    const float scale = 1.0f / sqrtf((float)HS);
    const floatX* k = qkv + ((size_t)b * T + j) * C3 + C + h * HS;
    const floatX* v = k + C;
    for (int d0 = 0; d0 < HS; d0 += 16) {
        float dk[16] = {0}, dv[16] = {0};
        for (int i = j; i < T; i++) {
            const floatX* q = qkv + ((size_t)b * T + i) * C3 + h * HS;
            const floatX* g = dout + ((size_t)b * T + i) * C + h * HS;
            float s = 0, dp = 0;
            for (int d = 0; d < HS; d++) { s += (float)q[d] * (float)k[d]; dp += (float)g[d] * (float)v[d]; }
            const size_t r = ((size_t)b * NH + h) * T + i;
            float p = expf(s * scale - lse[r]);
            float ds = p * (dp - D[r]);
            for (int d = 0; d < 16 && d0 + d < HS; d++) { dv[d] += p * (float)g[d0 + d]; dk[d] += ds * scale * (float)q[d0 + d]; }
        }
        floatX* drow = dqkv + ((size_t)b * T + j) * C3 + h * HS;
        for (int d = 0; d < 16 && d0 + d < HS; d++) { drow[C + d0 + d] = (floatX)dk[d]; drow[2 * C + d0 + d] = (floatX)dv[d]; }
    }
}
// v1 backward, dq: thread per (b,h,i)
__global__ void attention_backward_dq_v1(floatX* dqkv, const floatX* dout, const floatX* qkv, const float* lse,
                                         const float* D, int B, int T, int NH, int HS) {
    const size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (size_t)B * NH * T) return;
    const int i = (int)(idx % T), h = (int)((idx / T) % NH), b = (int)(idx / ((size_t)T * NH));
    const int C = NH * HS, C3 = 3 * C;
    const float scale = 1.0f / sqrtf((float)HS);
    const floatX* q = qkv + ((size_t)b * T + i) * C3 + h * HS;
    const floatX* g = dout + ((size_t)b * T + i) * C + h * HS;
    for (int d0 = 0; d0 < HS; d0 += 16) {
        float dq[16] = {0};
        for (int j = 0; j <= i; j++) {
            const floatX* k = qkv + ((size_t)b * T + j) * C3 + C + h * HS;
            const floatX* v = k + C;
            float s = 0, dp = 0;
            for (int d = 0; d < HS; d++) { s += (float)q[d] * (float)k[d]; dp += (float)g[d] * (float)v[d]; }
            float ds = expf(s * scale - lse[idx]) * (dp - D[idx]);
            for (int d = 0; d < 16 && d0 + d < HS; d++) dq[d] += ds * scale * (float)k[d0 + d];
        }
        floatX* drow = dqkv + ((size_t)b * T + i) * C3 + h * HS;
        for (int d = 0; d < 16 && d0 + d < HS; d++) drow[d0 + d] = (floatX)dq[d];
    }
}

// the tile-size variants timed for one head size
template <int HS> void time_variants(floatX* out, float* lse, floatX* dqkv, float* D, const floatX* dout,
                                     const floatX* qkv, int B, int T, int NH, double fwd_flops, double bwd_flops) {
    auto fwd = [&](const char* name, auto launch) {
        float ms = benchmark_kernel(10, launch);
        printf("  forward  %-22s %8.3f ms  %6.1f TFLOP/s\n", name, ms, fwd_flops / ms / 1e9);
    };
    fwd("v2 BR=64  BC=32 (used)", [&] { attention_forward_launch<HS, 64, 32>(out, lse, qkv, B, T, NH, NH, 0); });
    fwd("v2 BR=32  BC=32", [&] { attention_forward_launch<HS, 32, 32>(out, lse, qkv, B, T, NH, NH, 0); });
    fwd("v2 BR=128 BC=32", [&] { attention_forward_launch<HS, 128, 32>(out, lse, qkv, B, T, NH, NH, 0); });
    fwd("v2 BR=64  BC=16", [&] { attention_forward_launch<HS, 64, 16>(out, lse, qkv, B, T, NH, NH, 0); });
    fwd("v2 BR=128 BC=16", [&] { attention_forward_launch<HS, 128, 16>(out, lse, qkv, B, T, NH, NH, 0); });
    auto bwd = [&](const char* name, auto launch) {
        float ms = benchmark_kernel(5, launch);
        printf("  backward %-22s %8.3f ms  %6.1f TFLOP/s (counting 5 dot products per pair)\n", name, ms, bwd_flops / ms / 1e9);
    };
    using Tl = AttnTiles<HS>;
    bwd("v2 default (used)", [&] {
        attention_backward_launch<HS, Tl::DKV_BK, Tl::DKV_BQ, Tl::DQ_BQ, Tl::DQ_BK>(dqkv, D, dout, qkv, out, lse, B, T, NH, NH, 0); });
    bwd("v2 dkv 32/32 dq 32/32", [&] { attention_backward_launch<HS, 32, 32, 32, 32>(dqkv, D, dout, qkv, out, lse, B, T, NH, NH, 0); });
    bwd("v2 dkv 64/16 dq 64/16", [&] { attention_backward_launch<HS, 64, 16, 64, 16>(dqkv, D, dout, qkv, out, lse, B, T, NH, NH, 0); });
    bwd("v2 dkv 128/16 dq 128/16", [&] { attention_backward_launch<HS, 128, 16, 128, 16>(dqkv, D, dout, qkv, out, lse, B, T, NH, NH, 0); });
}

int main(int argc, char** argv) {
    require_gpu_or_exit("attention");
    int B = 8, T = 1024, NH = 12, HS = 64;
    if (argc > 4) { B = atoi(argv[1]); T = atoi(argv[2]); NH = atoi(argv[3]); HS = atoi(argv[4]); }
    const int C = NH * HS;
    printf("B=%d T=%d NH=%d HS=%d\n", B, T, NH, HS);
    auto qkv = random_bf16((size_t)B * T * 3 * C, 1), dout = random_bf16((size_t)B * T * C, 2);
    std::vector<float> out((size_t)B * T * C), lse((size_t)B * NH * T), dqkv(qkv.size(), 0.0f);
    attention_forward(out.data(), lse.data(), qkv.data(), B, T, C, NH);
    attention_backward(dqkv.data(), dout.data(), qkv.data(), out.data(), lse.data(), B, T, C, NH);
    floatX *d_qkv = to_device_bf16(qkv), *d_dout = to_device_bf16(dout), *d_out = cuda_malloc<floatX>(out.size()),
           *d_dqkv = cuda_malloc<floatX>(qkv.size());
    float *d_lse = cuda_malloc<float>((size_t)B * NH * T), *d_D = cuda_malloc<float>((size_t)B * NH * T);
    const double dq_scale = max_abs_of(dqkv);
    bool ok = true;
    printf("correctness:\n");
    const int rows = B * NH * T;
    attention_forward_v1<<<(int)ceil_div(rows, 128), 128>>>(d_out, d_lse, d_qkv, B, T, NH, HS);
    cudaCheckLaunch();
    ok &= validate("v1 forward out", from_device_bf16(d_out, out.size()), out, 1e-2, 2e-2);
    attention_backward_preprocess_kernel<<<(int)ceil_div(rows, 256), 256>>>(d_D, d_dout, d_out, B, T, NH, HS);
    attention_backward_dkv_v1<<<(int)ceil_div(rows, 128), 128>>>(d_dqkv, d_dout, d_qkv, d_lse, d_D, B, T, NH, HS);
    attention_backward_dq_v1<<<(int)ceil_div(rows, 128), 128>>>(d_dqkv, d_dout, d_qkv, d_lse, d_D, B, T, NH, HS);
    cudaCheckLaunch();
    ok &= validate("v1 backward dqkv", from_device_bf16(d_dqkv, dqkv.size()), dqkv, 1e-2 * dq_scale, 2e-2);
    attention_forward(d_out, d_lse, d_qkv, B, T, C, NH, 0);
    ok &= validate("v2 forward out", from_device_bf16(d_out, out.size()), out, 1e-2, 2e-2);
    cudaCheck(cudaMemset(d_dqkv, 0xff, qkv.size() * 2));
    attention_backward(d_dqkv, d_D, d_dout, d_qkv, d_out, d_lse, B, T, C, NH, 0);
    ok &= validate("v2 backward dqkv", from_device_bf16(d_dqkv, dqkv.size()), dqkv, 1e-2 * dq_scale, 2e-2);

    // causal flops: T(T+1)/2 pairs per (b,h); forward 2 dot products of HS (2 flops each)
    const double pairs = (double)B * NH * T * (T + 1) / 2;
    const double fwd_flops = pairs * 4.0 * HS, bwd_flops = pairs * 10.0 * HS;
    printf("timing:\n");
    printf("  forward  %-22s %8.3f ms\n", "v1", benchmark_kernel(2, [&] {
        attention_forward_v1<<<(int)ceil_div(rows, 128), 128>>>(d_out, d_lse, d_qkv, B, T, NH, HS); }));
    if (HS == 64) {  // the tile-size variants are instantiated for GPT-2's head size only
        time_variants<64>(d_out, d_lse, d_dqkv, d_D, d_dout, d_qkv, B, T, NH, fwd_flops, bwd_flops);
    } else {
        printf("  forward  %-22s %8.3f ms\n", "v2 default", benchmark_kernel(10, [&] { attention_forward(d_out, d_lse, d_qkv, B, T, C, NH, 0); }));
        printf("  backward %-22s %8.3f ms\n", "v2 default", benchmark_kernel(5, [&] {
            attention_backward(d_dqkv, d_D, d_dout, d_qkv, d_out, d_lse, B, T, C, NH, 0); }));
    }
    printf(ok ? "attention: all versions correct\n" : "attention: MISMATCHES (see above)\n");
    return ok ? 0 : 1;
}
