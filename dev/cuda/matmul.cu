// dev/cuda/matmul.cu: the cuBLASLt matmuls of llmc/matmul.cuh at GPT-2 124M shapes: correctness
// against the CPU twin (llmc/matmul.h) at a small size, then timings of forward (bias epilogue,
// GELU unfused vs fused in the epilogue) and backward (dinp with dGELU unfused vs fused, dweight,
// dbias), to choose the gelu_fusion default per GPU.
// Build: make cuda-dev; run: ./build/cuda/matmul [BT C]   (default 16384 768: the fc layer, OC = 4C)
#include "dev/cuda/common.h"
#include "llmc/gelu.h"
#include "llmc/matmul.cuh"
#include "llmc/matmul.h"

int main(int argc, char** argv) {
    require_gpu_or_exit("matmul");
    bool ok = true;
    {  // correctness at a small size
        const int BT = 256, C = 192, OC = 768;
        auto x = random_bf16((size_t)BT * C, 1), w = random_bf16((size_t)OC * C, 2, 0.1f), b = random_bf16(OC, 3, 0.5f);
        std::vector<float> pre((size_t)BT * OC), act(pre.size());
        matmul_forward(pre.data(), x.data(), w.data(), b.data(), BT, C, OC);
        gelu_forward(act.data(), pre.data(), pre.size());
        floatX *d_x = to_device_bf16(x), *d_w = to_device_bf16(w), *d_b = to_device_bf16(b);
        floatX *d_pre = cuda_malloc<floatX>(pre.size()), *d_act = cuda_malloc<floatX>(pre.size());
        printf("correctness (BT=%d C=%d OC=%d):\n", BT, C, OC);
        for (int fusion : {0, 1}) {
            matmul_forward(d_act, d_x, d_w, d_b, BT, C, OC, 0, d_pre, fusion);
            ok &= validate(fusion ? "fwd pre-gelu (fused)" : "fwd pre-gelu (unfused)", from_device_bf16(d_pre, pre.size()), pre, 1e-2, 2e-2);
            ok &= validate(fusion ? "fwd gelu (fused)" : "fwd gelu (unfused)", from_device_bf16(d_act, act.size()), act, 1e-2, 2e-2);
        }
        // backward through GELU: d(pre) = (dy @ W2) * gelu'(pre) with W2 (C2, OC) the next layer
        auto dy = random_bf16((size_t)BT * C, 4), w2 = random_bf16((size_t)C * OC, 5, 0.1f);
        std::vector<float> dact(pre.size(), 0.0f), dpre(pre.size(), 0.0f), dw2(w2.size(), 0.0f), db2(C, 0.0f);
        matmul_backward(dact.data(), dw2.data(), db2.data(), dy.data(), act.data(), w2.data(), BT, OC, C);
        gelu_backward(dpre.data(), pre.data(), dact.data(), dpre.size());
        cuda_upload(d_pre, to_bf16(pre.data(), pre.size()).data(), pre.size());
        cuda_upload(d_act, to_bf16(act.data(), act.size()).data(), act.size());
        floatX *d_dy = to_device_bf16(dy), *d_w2 = to_device_bf16(w2), *d_dpre = cuda_malloc<floatX>(pre.size());
        floatX *d_dw2 = cuda_malloc<floatX>(w2.size()), *d_db2 = cuda_malloc<floatX>(C);
        float* scratch = cuda_malloc<float>(matmul_backward_scratch_floats(C));
        for (int fusion : {0, 2}) {
            cudaCheck(cudaMemset(d_dw2, 0, w2.size() * 2));
            cudaCheck(cudaMemset(d_db2, 0, C * 2));
            matmul_backward(d_dpre, d_dw2, d_db2, scratch, d_dy, d_act, d_w2, BT, OC, C, 0, d_pre, fusion);
            ok &= validate(fusion ? "bwd dpre (fused dGELU)" : "bwd dpre (unfused)", from_device_bf16(d_dpre, dpre.size()), dpre, 1e-2 * max_abs_of(dpre), 2e-2);
            ok &= validate("bwd dweight", from_device_bf16(d_dw2, dw2.size()), dw2, 1e-2 * max_abs_of(dw2), 2e-2);
            ok &= validate("bwd dbias", from_device_bf16(d_db2, C), db2, 1e-2 * max_abs_of(db2), 2e-2);
        }
    }
    // timings at the fc shapes of GPT-2 124M
    const int BT = argc > 2 ? atoi(argv[1]) : 16384, C = argc > 2 ? atoi(argv[2]) : 768, OC = 4 * C;
    printf("timing (BT=%d C=%d OC=%d), ms and TFLOP/s:\n", BT, C, OC);
    floatX *x = to_device_bf16(random_bf16((size_t)BT * C, 6)), *w = to_device_bf16(random_bf16((size_t)OC * C, 7, 0.05f));
    floatX *b = to_device_bf16(random_bf16(OC, 8, 0.1f)), *w2 = to_device_bf16(random_bf16((size_t)C * OC, 9, 0.05f));
    floatX *pre = cuda_malloc<floatX>((size_t)BT * OC), *act = cuda_malloc<floatX>((size_t)BT * OC);
    floatX *dy = to_device_bf16(random_bf16((size_t)BT * C, 10)), *dpre = cuda_malloc<floatX>((size_t)BT * OC);
    floatX *dw2 = cuda_malloc<floatX>((size_t)C * OC), *db2 = cuda_malloc<floatX>(C);
    float* scratch = cuda_malloc<float>(matmul_backward_scratch_floats(C));
    cudaCheck(cudaMemset(dw2, 0, (size_t)C * OC * 2));
    cudaCheck(cudaMemset(db2, 0, C * 2));
    const double flops = 2.0 * BT * C * OC;
    auto show = [&](const char* name, double fl, float ms) { printf("  %-36s %8.3f ms  %6.1f TFLOP/s\n", name, ms, fl / ms / 1e9); };
    show("fwd matmul+bias (no gelu)", flops, benchmark_kernel(20, [&] { matmul_forward(pre, x, w, b, BT, C, OC, 0); }));
    show("fwd matmul+bias, gelu kernel", flops, benchmark_kernel(20, [&] { matmul_forward(act, x, w, b, BT, C, OC, 0, pre, 0); }));
    show("fwd matmul+bias+gelu epilogue", flops, benchmark_kernel(20, [&] { matmul_forward(act, x, w, b, BT, C, OC, 0, pre, 1); }));
    show("bwd dinp, gelu kernel", flops, benchmark_kernel(20, [&] { matmul_backward(dpre, nullptr, nullptr, scratch, dy, act, w2, BT, OC, C, 0, pre, 0); }));
    show("bwd dinp, dgelu epilogue", flops, benchmark_kernel(20, [&] { matmul_backward(dpre, nullptr, nullptr, scratch, dy, act, w2, BT, OC, C, 0, pre, 2); }));
    show("bwd dweight", flops, benchmark_kernel(20, [&] { matmul_backward(nullptr, dw2, nullptr, scratch, dy, act, w2, BT, OC, C, 0); }));
    show("bwd dbias", 0, benchmark_kernel(20, [&] { matmul_backward(nullptr, nullptr, db2, scratch, dy, act, w2, BT, OC, C, 0); }));
    printf(ok ? "matmul: all paths correct\n" : "matmul: MISMATCHES (see above)\n");
    return ok ? 0 : 1;
}
