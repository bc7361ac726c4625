// dev/cuda/classifier.cu: the fused softmax + cross-entropy + backward, naive to final.
//   v1: one block per row, three passes with plain block reductions: max, then sum of exp, then
//       write dlogits (reads the row three times)
//   v2: one block per row, one pass keeping an online (max, sum) pair per thread, then the write
//       pass (llmc/classifier.cuh fused_classifier), timed over block sizes
// Checked against the CPU twin (llmc/classifier.h): losses and dlogits, padding zeroed.
// Build: make cuda-dev; run: ./build/cuda/classifier [N V]   (default 4096 rows, V 50257, Vp 50304)
#include "dev/cuda/common.h"
#include "llmc/classifier.cuh"
#include "llmc/classifier.h"

// v1: logits (N,Vp) in place -> dlogits; losses (N); targets (N)
__global__ void classifier_v1(floatX* logits, float* losses, const int* targets, int V, int Vp, float dloss) {
    __shared__ float sm_max;
    const size_t row = blockIdx.x;
    floatX* x = logits + row * Vp;
    const int tgt = targets[row];
    const float x_tgt = (float)x[tgt];  // every thread reads it before any write below
    float m = -INFINITY;
    for (int i = threadIdx.x; i < V; i += blockDim.x) m = fmaxf(m, (float)x[i]);
    // block max through shared memory (warp max, then thread 0 over the warps)
    __shared__ float wm[32];
    m = warpReduceMax(m);
    if (threadIdx.x % 32 == 0) wm[threadIdx.x / 32] = m;
    __syncthreads();
    if (threadIdx.x == 0) {
        float b = wm[0];
        for (int w = 1; w < (int)blockDim.x / 32; w++) b = fmaxf(b, wm[w]);
        sm_max = b;
    }
    __syncthreads();
    m = sm_max;
    float s = 0;
    for (int i = threadIdx.x; i < V; i += blockDim.x) s += expf((float)x[i] - m);
    s = blockReduceSum(s);
    const float logz = m + logf(s);
    if (threadIdx.x == 0) losses[row] = logz - x_tgt;
    for (int i = threadIdx.x; i < Vp; i += blockDim.x) {
        float d = i < V ? expf((float)x[i] - logz) * dloss : 0.0f;
        if (i == tgt) d -= dloss;
        x[i] = (floatX)d;
    }
}

int main(int argc, char** argv) {
    require_gpu_or_exit("classifier");
    int N = argc > 2 ? atoi(argv[1]) : 4096, V = argc > 2 ? atoi(argv[2]) : 50257;
    const int Vp = (V + 127) / 128 * 128;
    printf("N=%d V=%d Vp=%d\n", N, V, Vp);
    auto logits = random_bf16((size_t)N * Vp, 1, 2.0f);
    std::vector<int> tgt(N);
    Rng rng(2);
    for (auto& t : tgt) t = (int)rng.below(V);
    const float dloss = 1.0f / N;
    std::vector<float> ref = logits, losses(N);
    crossentropy_forward_backward(ref.data(), losses.data(), tgt.data(), N, V, Vp, dloss);
    floatX* d_logits = to_device_bf16(logits);
    float* d_losses = cuda_malloc<float>(N);
    int* d_tgt = to_device(tgt);
    auto reset = [&] { cuda_upload(d_logits, to_bf16(logits.data(), logits.size()).data(), logits.size()); };
    bool ok = true;
    printf("correctness:\n");
    classifier_v1<<<N, 1024>>>(d_logits, d_losses, d_tgt, V, Vp, dloss);
    cudaCheckLaunch();
    ok &= validate("v1 losses", from_device(d_losses, N), losses, 2e-4, 1e-5);
    ok &= validate("v1 dlogits", from_device_bf16(d_logits, ref.size()), ref, 1e-6 * dloss, 2e-2);
    reset();
    fused_classifier(d_logits, d_losses, d_tgt, N, V, Vp, dloss, true, 0);
    ok &= validate("v2 losses", from_device(d_losses, N), losses, 2e-4, 1e-5);
    ok &= validate("v2 dlogits", from_device_bf16(d_logits, ref.size()), ref, 1e-6 * dloss, 2e-2);
    printf("timing (ms; %.0f MB read+written per call):\n", 4.0 * N * Vp / 1e6);
    for (int bs : {256, 512, 1024}) {
        float ms1 = benchmark_kernel(10, [&] { classifier_v1<<<N, bs>>>(d_logits, d_losses, d_tgt, V, Vp, dloss); });
        float ms2 = benchmark_kernel(10, [&] { fused_classifier(d_logits, d_losses, d_tgt, N, V, Vp, dloss, true, 0, bs); });
        printf("  block %4d: v1 %.3f (%.0f GB/s)  v2 %.3f (%.0f GB/s)\n", bs, ms1, 6.0 * N * Vp / ms1 / 1e6, ms2,
               4.0 * N * Vp / ms2 / 1e6);
    }
    printf(ok ? "classifier: all versions correct\n" : "classifier: MISMATCHES (see above)\n");
    return ok ? 0 : 1;
}
