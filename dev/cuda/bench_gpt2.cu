// dev/cuda/bench_gpt2.cu: times whole training steps of GPT-2 124M on the GPU with the llmc/*.cuh
// kernels (llmc/model.cuh): zero_grad, forward with the fused classifier, backward, global grad
// norm (clip at 1), AdamW on fp32 master weights. Random init and random tokens (the speed does
// not depend on the data). Prints ms/step, tokens/s and MFU against the GPU's dense bf16 peak
// (H100/H200 SXM 989 TFLOP/s, H100 PCIe 756, A100 312; override with PEAK_TFLOPS=...), a
// per-phase split of one step, and a last line holding one JSON object.
// FLOPs per step as ./train bench: (6 * params + 6 * L * C * T) * B * T.
// Build: make cuda-bench; run: ./build/cuda/bench_gpt2 [B (16)] [T (1024)] [steps (10)] [gelu_fusion (-1 = per GPU)]
#include <algorithm>
#include <chrono>
#include <cstring>
#include "dev/cuda/common.h"
#include "llmc/model.cuh"

static double peak_flops(const char* name, std::string* how) {
    if (const char* e = getenv("PEAK_TFLOPS")) { *how = "PEAK_TFLOPS"; return atof(e) * 1e12; }
    std::string n = name;
    auto has = [&](const char* s) { return n.find(s) != std::string::npos; };
    if (has("H100") && (has("PCIe") || has("PCIE"))) { *how = "H100 PCIe bf16 dense"; return 756e12; }
    if (has("H100") || has("H200") || has("GH200")) { *how = "H100/H200 SXM bf16 dense"; return 989e12; }
    if (has("A100")) { *how = "A100 bf16 dense"; return 312e12; }
    *how = "unknown GPU (set PEAK_TFLOPS)";
    return 0;
}

int main(int argc, char** argv) {
    require_gpu_or_exit("bench_gpt2");
    const int B = argc > 1 ? atoi(argv[1]) : 16, T = argc > 2 ? atoi(argv[2]) : 1024;
    const int steps = argc > 3 ? atoi(argv[3]) : 10, fusion = argc > 4 ? atoi(argv[4]) : -1;
    const int warmup = 2;
    GPT2Config c;
    c.maxT = 1024; c.V = 50257; c.Vp = 50304; c.L = 12; c.NH = 12; c.C = 768;
    if (T > c.maxT) { fprintf(stderr, "T=%d exceeds maxT=%d\n", T, c.maxT); return 2; }
    auto t0 = std::chrono::steady_clock::now();
    GPT2Cuda m;
    {
        GPT2<float> cpu;
        cpu.init_random(c, 1337);
        m.init_from(cpu, fusion);
    }
    printf("GPT-2 124M: %.2fM parameters, B=%d T=%d, gelu_fusion=%d (init %.1f s)\n", m.num_params / 1e6, B, T,
           m.gelu_fusion, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    Rng rng(42);
    std::vector<int> x((size_t)B * T), y((size_t)B * T);
    for (auto& v : x) v = (int)rng.below(c.V);
    for (auto& v : y) v = (int)rng.below(c.V);

    cudaEvent_t e0, e1, e2, e3;
    for (cudaEvent_t* e : {&e0, &e1, &e2, &e3}) cudaCheck(cudaEventCreate(e));
    std::vector<double> ms_steps;
    float last_loss = 0, first_loss = 0;
    for (int s = 0; s < warmup + steps; s++) {
        auto a = std::chrono::steady_clock::now();
        m.zero_grad();
        float loss = m.forward(x.data(), y.data(), B, T, 1.0f);
        m.backward();
        float norm = m.grad_norm();
        m.update(6e-4f, 0.9f, 0.95f, 1e-8f, 0.1f, norm > 1.0f ? 1.0f / norm : 1.0f, s + 1);
        cudaCheck(cudaStreamSynchronize(m.stream));
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count();
        if (!std::isfinite(loss) || !std::isfinite(norm)) { fprintf(stderr, "step %d: loss %g norm %g not finite\n", s, loss, norm); return 1; }
        if (s == 0) first_loss = loss;
        last_loss = loss;
        printf("step %2d%s: loss %.4f norm %.3f  %.1f ms\n", s, s < warmup ? " (warm-up)" : "", loss, norm, ms);
        if (s >= warmup) ms_steps.push_back(ms);
    }
    // one more step split into phases with events (the losses read inside forward() synchronise)
    m.zero_grad();
    cudaCheck(cudaEventRecord(e0, m.stream));
    m.forward(x.data(), y.data(), B, T, 1.0f);
    cudaCheck(cudaEventRecord(e1, m.stream));
    m.backward();
    cudaCheck(cudaEventRecord(e2, m.stream));
    float norm = m.grad_norm();
    m.update(6e-4f, 0.9f, 0.95f, 1e-8f, 0.1f, norm > 1.0f ? 1.0f / norm : 1.0f, warmup + steps + 1);
    cudaCheck(cudaEventRecord(e3, m.stream));
    cudaCheck(cudaEventSynchronize(e3));
    float f_ms, b_ms, u_ms;
    cudaCheck(cudaEventElapsedTime(&f_ms, e0, e1));
    cudaCheck(cudaEventElapsedTime(&b_ms, e1, e2));
    cudaCheck(cudaEventElapsedTime(&u_ms, e2, e3));

    std::vector<double> sorted = ms_steps;
    std::sort(sorted.begin(), sorted.end());
    const double med = sorted[sorted.size() / 2];
    double mean = 0;
    for (double v : ms_steps) mean += v / ms_steps.size();
    const double tokens = (double)B * T;
    const double flops = (6.0 * m.num_params + 6.0 * c.L * c.C * T) * tokens;
    std::string how;
    const double peak = peak_flops(cuda_device_props().name, &how);
    const double mfu = peak > 0 ? flops / (med / 1000) / peak : -1;
    printf("phases of one step: forward %.1f ms, backward %.1f ms, norm+AdamW %.1f ms\n", f_ms, b_ms, u_ms);
    printf("loss %.4f -> %.4f over %d steps (same batch: it should fall)\n", first_loss, last_loss, warmup + steps);
    printf("%d timed steps: median %.1f ms/step (mean %.1f), %.0f tokens/s, %.1f TFLOP/s achieved", steps, med, mean,
           tokens / (med / 1000), flops / (med / 1000) / 1e12);
    if (peak > 0) printf(", MFU %.1f%% of %.0f TFLOP/s (%s)\n", 100 * mfu, peak / 1e12, how.c_str());
    else printf(", MFU n/a: %s\n", how.c_str());
    size_t free_b = 0, total_b = 0;
    cudaCheck(cudaMemGetInfo(&free_b, &total_b));
    printf("GPU memory in use: %.1f GiB of %.1f GiB\n", (total_b - free_b) / 1073741824.0, total_b / 1073741824.0);
    printf("{\"gpu\": \"%s\", \"B\": %d, \"T\": %d, \"gelu_fusion\": %d, \"ms_per_step\": %.2f, \"tokens_per_s\": %.1f, "
           "\"mfu\": %.4f, \"peak_tflops\": %.0f, \"forward_ms\": %.2f, \"backward_ms\": %.2f, \"update_ms\": %.2f}\n",
           cuda_device_props().name, B, T, m.gelu_fusion, med, tokens / (med / 1000), mfu, peak / 1e12, f_ms, b_ms, u_ms);
    return last_loss < first_loss ? 0 : 1;
}
