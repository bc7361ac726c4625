// dev/cuda/layernorm.cu: LayerNorm kernels, forward and backward, naive to final.
//   forward  v1: one thread per row (fp32 math, bf16 in/out)
//            v2: one warp per row, 128-bit loads   (llmc/layernorm.cuh layernorm_forward)
//            v3: v2 fused with the residual add    (llmc/layernorm.cuh fused_residual_forward)
//   backward v1: one thread per row for dinp; one thread per channel for dweight/dbias (column
//                sums over all rows, in order): deterministic, slow
//            v2: warp per row, per-warp shared accumulators, block partials + ordered reduce
//                (llmc/layernorm.cuh layernorm_backward)
// Each version is checked against the CPU twin (llmc/layernorm.h), then timed over block sizes.
// Build: make cuda-dev; run: ./build/cuda/layernorm [B T C]   (default 16 1024 768, GPT-2 124M)
#include "dev/cuda/common.h"
#include "llmc/layernorm.cuh"
#include "llmc/layernorm.h"

// v1 forward: out (N,C), mean, rstd (N), inp (N,C), weight, bias (C); one thread per row
__global__ void layernorm_forward_v1(floatX* out, float* mean, float* rstd, const floatX* inp, const floatX* weight,
                                     const floatX* bias, int N, int C) {
    int row = blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= N) return;
    const floatX* x = inp + (size_t)row * C;
    float m = 0;
    for (int i = 0; i < C; i++) m += (float)x[i];
    m /= C;
    float v = 0;
    for (int i = 0; i < C; i++) { float d = (float)x[i] - m; v += d * d; }
    float s = 1.0f / sqrtf(v / C + 1e-5f);
    for (int i = 0; i < C; i++) out[(size_t)row * C + i] = (floatX)(((float)x[i] - m) * s * (float)weight[i] + (float)bias[i]);
    mean[row] = m;
    rstd[row] = s;
}

// v1 backward: dinp (N,C) +=, one thread per row
__global__ void layernorm_backward_dinp_v1(floatX* dinp, const floatX* dout, const floatX* inp, const floatX* weight,
                                           const float* mean, const float* rstd, int N, int C) {
    int row = blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= N) return;
    const size_t off = (size_t)row * C;
    float m = mean[row], s = rstd[row], a = 0, b = 0;
    for (int i = 0; i < C; i++) {
        float norm = ((float)inp[off + i] - m) * s, dn = (float)weight[i] * (float)dout[off + i];
        a += dn;
        b += dn * norm;
    }
    a /= C;
    b /= C;
    for (int i = 0; i < C; i++) {
        float norm = ((float)inp[off + i] - m) * s, dn = (float)weight[i] * (float)dout[off + i];
        dinp[off + i] = (floatX)((float)dinp[off + i] + (dn - a - norm * b) * s);
    }
}
// v1 backward: dweight, dbias (C) +=, one thread per channel summing all rows in order
__global__ void layernorm_backward_dparams_v1(floatX* dweight, floatX* dbias, const floatX* dout, const floatX* inp,
                                              const float* mean, const float* rstd, int N, int C) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= C) return;
    float sw = 0, sb = 0;
    for (int n = 0; n < N; n++) {
        float d = (float)dout[(size_t)n * C + c];
        sb += d;
        sw += ((float)inp[(size_t)n * C + c] - mean[n]) * rstd[n] * d;
    }
    dweight[c] = (floatX)((float)dweight[c] + sw);
    dbias[c] = (floatX)((float)dbias[c] + sb);
}

int main(int argc, char** argv) {
    require_gpu_or_exit("layernorm");
    int B = argc > 3 ? atoi(argv[1]) : 16, T = argc > 3 ? atoi(argv[2]) : 1024, C = argc > 3 ? atoi(argv[3]) : 768;
    const int N = B * T;
    printf("B=%d T=%d C=%d\n", B, T, C);
    auto x = random_bf16((size_t)N * C, 1, 1.5f, 0.2f), y = random_bf16((size_t)N * C, 2);
    auto w = random_bf16(C, 3, 0.3f, 1.0f), b = random_bf16(C, 4, 0.2f), dy = random_bf16((size_t)N * C, 5);
    std::vector<float> out((size_t)N * C), mean(N), rstd(N), res((size_t)N * C);
    layernorm_forward(out.data(), mean.data(), rstd.data(), x.data(), w.data(), b.data(), N, C);
    floatX *d_x = to_device_bf16(x), *d_y = to_device_bf16(y), *d_w = to_device_bf16(w), *d_b = to_device_bf16(b);
    floatX *d_dy = to_device_bf16(dy), *d_out = cuda_malloc<floatX>((size_t)N * C), *d_res = cuda_malloc<floatX>((size_t)N * C);
    float *d_mean = cuda_malloc<float>(N), *d_rstd = cuda_malloc<float>(N);
    bool ok = true;

    printf("forward, correctness:\n");
    layernorm_forward_v1<<<(int)ceil_div(N, 256), 256>>>(d_out, d_mean, d_rstd, d_x, d_w, d_b, N, C);
    ok &= validate("v1 out", from_device_bf16(d_out, out.size()), out, 1e-2, 2e-2);
    ok &= validate("v1 mean", from_device(d_mean, N), mean, 1e-4, 1e-4);
    layernorm_forward(d_out, d_mean, d_rstd, d_x, d_w, d_b, N, C, 0);
    ok &= validate("v2 out", from_device_bf16(d_out, out.size()), out, 1e-2, 2e-2);
    ok &= validate("v2 rstd", from_device(d_rstd, N), rstd, 1e-4, 1e-4);
    residual_forward(res.data(), x.data(), y.data(), res.size());
    for (auto& r : res) r = bf16_round(r);
    std::vector<float> out3(out.size()), mean3(N), rstd3(N);
    layernorm_forward(out3.data(), mean3.data(), rstd3.data(), res.data(), w.data(), b.data(), N, C);
    fused_residual_forward(d_res, d_out, d_mean, d_rstd, d_x, d_y, d_w, d_b, N, C, 0);
    ok &= validate("v3 residual", from_device_bf16(d_res, res.size()), res, 0, 0);
    ok &= validate("v3 out", from_device_bf16(d_out, out.size()), out3, 1e-2, 2e-2);

    printf("forward, timing (ms; %.1f MB moved per call):\n", (2.0 * N * C * 2) / 1e6);
    printf("  v1 block 256: %.4f\n", benchmark_kernel(20, [&] {
        layernorm_forward_v1<<<(int)ceil_div(N, 256), 256>>>(d_out, d_mean, d_rstd, d_x, d_w, d_b, N, C); }));
    for (int bs : {32, 64, 128, 256, 512, 1024}) {
        float ms2 = benchmark_kernel(50, [&] { layernorm_forward(d_out, d_mean, d_rstd, d_x, d_w, d_b, N, C, 0, bs); });
        float ms3 = benchmark_kernel(50, [&] { fused_residual_forward(d_res, d_out, d_mean, d_rstd, d_x, d_y, d_w, d_b, N, C, 0, bs); });
        printf("  block %4d: v2 %.4f (%.0f GB/s)  v3 %.4f (%.0f GB/s)\n", bs, ms2, 4.0 * N * C / ms2 / 1e6, ms3,
               8.0 * N * C / ms3 / 1e6);
    }

    printf("backward, correctness:\n");
    layernorm_forward(d_out, d_mean, d_rstd, d_x, d_w, d_b, N, C, 0);  // mean/rstd for backward
    auto dx0 = random_bf16((size_t)N * C, 6, 0.5f), dw0 = random_bf16(C, 7, 0.5f), db0 = random_bf16(C, 8, 0.5f);
    std::vector<float> dx = dx0, dw = dw0, db = db0;
    layernorm_backward(dx.data(), dw.data(), db.data(), dy.data(), x.data(), w.data(), mean.data(), rstd.data(), N, C);
    floatX *d_dx = to_device_bf16(dx0), *d_dw = to_device_bf16(dw0), *d_db = to_device_bf16(db0);
    float* scratch = cuda_malloc<float>(layernorm_backward_scratch_floats(C));
    float* d_cmean = to_device(mean);
    float* d_crstd = to_device(rstd);
    layernorm_backward_dinp_v1<<<(int)ceil_div(N, 128), 128>>>(d_dx, d_dy, d_x, d_w, d_cmean, d_crstd, N, C);
    layernorm_backward_dparams_v1<<<(int)ceil_div(C, 128), 128>>>(d_dw, d_db, d_dy, d_x, d_cmean, d_crstd, N, C);
    ok &= validate("v1 dinp", from_device_bf16(d_dx, dx.size()), dx, 1e-2 * max_abs_of(dx), 2e-2);
    ok &= validate("v1 dweight", from_device_bf16(d_dw, C), dw, 1e-2 * max_abs_of(dw), 2e-2);
    cuda_upload(d_dx, to_bf16(dx0.data(), dx0.size()).data(), dx0.size());
    cuda_upload(d_dw, to_bf16(dw0.data(), C).data(), C);
    cuda_upload(d_db, to_bf16(db0.data(), C).data(), C);
    layernorm_backward(d_dx, d_dw, d_db, scratch, d_dy, d_x, d_w, d_cmean, d_crstd, N, C, 0);
    ok &= validate("v2 dinp", from_device_bf16(d_dx, dx.size()), dx, 1e-2 * max_abs_of(dx), 2e-2);
    ok &= validate("v2 dweight", from_device_bf16(d_dw, C), dw, 1e-2 * max_abs_of(dw), 2e-2);
    ok &= validate("v2 dbias", from_device_bf16(d_db, C), db, 1e-2 * max_abs_of(db), 2e-2);

    printf("backward, timing (ms):\n");
    printf("  v1: %.4f\n", benchmark_kernel(5, [&] {
        layernorm_backward_dinp_v1<<<(int)ceil_div(N, 128), 128>>>(d_dx, d_dy, d_x, d_w, d_cmean, d_crstd, N, C);
        layernorm_backward_dparams_v1<<<(int)ceil_div(C, 128), 128>>>(d_dw, d_db, d_dy, d_x, d_cmean, d_crstd, N, C); }));
    for (int nw = 1; nw <= layernorm_backward_warps(C); nw *= 2)
        printf("  v2 %d warps/block: %.4f\n", nw, benchmark_kernel(50, [&] {
            layernorm_backward(d_dx, d_dw, d_db, scratch, d_dy, d_x, d_w, d_cmean, d_crstd, N, C, 0, nw); }));
    printf(ok ? "layernorm: all versions correct\n" : "layernorm: MISMATCHES (see above)\n");
    return ok ? 0 : 1;
}
