// train_bench.cpp: `./train bench` (`make bench`), the trainer's third translation unit: the
// machine's measured fp32 (and bf16) peak and memory bandwidth, then the median training step of
// a config or of the suite (the tokenizer; d6 in fp32 and bf16; the memory layer at 256^2 and
// 1024^2 slots, also alternating with the plain step; --recompute; GPT-2 124M's and SmolLM2-135M's
// shapes), each with tokens/s, MFU and the profile's op table. Its last line is one JSON object.
//   ./train bench                 the suite
//   ./train bench --mem-keys 1024 one config and the memory's cost on its step
//   ./train bench --smollm2       SmolLM2-135M: full finetuning and memory-sparse
#include <omp.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <algorithm>
#include <memory>
#include <string>
#include <vector>
#include "train.h"
#include "data_prep/prepare.h"
#include "llmc/backend.h"
#include "llmc/json.h"
#include "llmc/stepper.h"

// The peak MFU divides by, measured: every thread runs independent chains of FMAs (fp32) or of
// bf16 dot products (AVX512-BF16's vdpbf16ps, 32 products a 512-bit instruction), 4M rounds (8-30
// ms), best of 3. Measured rather than counted from the clock: "cpu MHz" is the base clock where
// the core boosts (MFU came out at 103% on a Zen 5), and how many 512-bit FMAs a core issues per
// cycle differs between CPUs (one on Zen 4, two on Zen 5). AMX is not measured: bf16 MFU is n/a there.
template <class Chain>
static double peak_of(Chain chain, double flops_per_iter) {
    const long iters = 4000000;
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now_s();
        int nt = 1;
        #pragma omp parallel
        {
            #pragma omp single
            nt = omp_get_num_threads();
            chain(iters);
        }
        best = std::max(best, nt * iters * flops_per_iter / (now_s() - t0));
    }
    return best;
}
static volatile float peak_sink;  // the chains' results go here, so the compiler keeps the work

// K independent chains acc_k = step(acc_k), n rounds from acc_k = k (distinct, so none is merged
// with another); their sum's first lane goes to peak_sink
template <int K, class V, class Step, class Add, class Lane0>
static void chains(long n, V (*splat)(float), Step step, Add add, Lane0 lane0) {
    V acc[K];
    for (int k = 0; k < K; k++) acc[k] = splat((float)k);
    for (long i = 0; i < n; i++)
        for (int k = 0; k < K; k++) acc[k] = step(acc[k]);
    for (int k = 1; k < K; k++) acc[0] = add(acc[0], acc[k]);
    peak_sink = lane0(acc[0]);
}

struct Peak { double fp32 = 0, bf16 = 0; std::string how; };
static Peak measure_peak() {
    Peak p;
    // independent chains: enough to cover the FMA latency on two pipes, few enough to stay in
    // registers (32 zmm; 16 ymm under AVX2, where 16 chains spilled and measured a third of the peak)
#if defined(__AVX512F__)
    constexpr int K = 16;
    auto splat = [](float v) { return _mm512_set1_ps(v); };
    auto add = [](__m512 a, __m512 b) { return _mm512_add_ps(a, b); };
    auto lane0 = [](__m512 a) { return _mm512_cvtss_f32(a); };
    p.fp32 = peak_of([&](long n) {
        const __m512 x = splat(0.999f), y = splat(1e-3f);
        chains<K, __m512>(n, splat, [&](__m512 a) { return _mm512_fmadd_ps(a, x, y); }, add, lane0);
    }, 2.0 * 16 * K);
#elif defined(__AVX2__) && defined(__FMA__)
    constexpr int K = 12;
    auto splat = [](float v) { return _mm256_set1_ps(v); };
    p.fp32 = peak_of([&](long n) {
        const __m256 x = splat(0.999f), y = splat(1e-3f);
        chains<K, __m256>(n, splat, [&](__m256 a) { return _mm256_fmadd_ps(a, x, y); },
                          [](__m256 a, __m256 b) { return _mm256_add_ps(a, b); }, [](__m256 a) { return _mm256_cvtss_f32(a); });
    }, 2.0 * 8 * K);
#endif
#if defined(__AVX512BF16__)
    std::string why;
    if (bf16_probe(&why) && why.find("amx") == std::string::npos)
        p.bf16 = peak_of([&](long n) {
            const __m512bh h = (__m512bh)_mm512_set1_epi32(0x3A833A83);  // bf16 1e-3 in every lane
            chains<K, __m512>(n, splat, [&](__m512 a) { return _mm512_dpbf16_ps(a, h, h); }, add, lane0);
        }, 2.0 * 32 * K);
#endif
    auto gf = [](double f) { return f > 0 ? std::to_string((int)(f / 1e9)) + " GFLOP/s" : std::string("not measured"); };
    const int nt = omp_get_max_threads();
    p.how = "measured on " + std::to_string(nt) + (nt == 1 ? " thread" : " threads") + ": fp32 FMA " + gf(p.fp32) + (p.fp32 > 0 ? "" : " (no AVX2/AVX-512)") +
            ", bf16 dot products " + gf(p.bf16) + (p.bf16 > 0 ? "" : " (needs AVX512-BF16; AMX's is not measured)");
    return p;
}

// Memory bandwidth, STREAM's way: triad a = b + s c over three 128 MiB arrays on all threads, 12
// bytes per element (write-allocate traffic not counted), best of 5. AdamW (adamw.h) over 16M
// parameters, 28 bytes per parameter counted the same way, alternating with the triad: medians.
struct Bandwidth { double triad_gbs, adamw_gbs; };
static Bandwidth measure_bandwidth() {
    const size_t n = (size_t)32 << 20;
    std::vector<float> a(n, 0.0f), b(n, 1.0f), c(n, 2.0f), d(n / 2, 0.0f);
    std::vector<double> triad, adam;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now_s();
        #pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++) a[i] = b[i] + 3.0f * c[i];
        triad.push_back(12.0 * n / (now_s() - t0) / 1e9);
        const size_t N = n / 2;  // p, g, m, v: the halves of a and b, c's first half, d
        t0 = now_s();
        adamw_update(a.data(), b.data() + N, c.data(), d.data(), N, 1e-9f, 0.9f, 0.95f, 1e-8f, 0.1f, 1.0f, rep + 1);
        adam.push_back(28.0 * N / (now_s() - t0) / 1e9);
    }
    std::sort(triad.begin(), triad.end());
    std::sort(adam.begin(), adam.end());
    return {triad.back(), adam[adam.size() / 2]};
}

struct BenchResult { double ms, tokens_per_s, mfu, rss_mib, flops_per_token, memory_ms; };

// one config ready to time training steps on a fixed random batch: the model (random weights: a
// step's cost does not depend on them), its backend and its stepper. mode picks what trains: full
// (everything; a memory's values sparsely, by SGD on the top-t slots) or the mode's tensors
struct BenchRun {
    GPT2<float> m;
    Comm one;
    SlotDF df;  // a background that never touched a slot: ranking by counts alone
    std::unique_ptr<CpuBackend> be;
    std::unique_ptr<Stepper> stepper;
    std::vector<int> x, y;
    int t = 0;
    BenchRun(const GPT2Config& c, int B, TrainMode mode, bool recompute, int topt) {
        m.init_random(c, 1);
        m.recompute = recompute;
        m.set_trainable(mode == TRAIN_FULL ? std::vector<char>(m.specs.size(), 1) : trainable_for(m, mode), c.mem_layers != 0);
        Rng rng(2);
        x.resize((size_t)B * c.maxT);
        y.resize(x.size());
        for (auto& v : x) v = (int)rng.below(c.V);
        for (auto& v : y) v = (int)rng.below(c.V);
        df.batches = 100;
        df.df.assign(c.L, std::vector<int>(c.mem_layers ? c.mem.N() : 0, 0));
        be.reset(new CpuBackend(m, one));
        stepper.reset(new Stepper(*be, one, c, B, c.maxT, 1, c.mem_layers != 0, &df, topt));
    }
    double step() {  // seconds
        double t0 = now_s();
        stepper->run([&](int* xb, int* yb) { std::copy(x.begin(), x.end(), xb); std::copy(y.begin(), y.end(), yb); },
                     OptConfig(), 1e-4, ++t);
        return now_s() - t0;
    }
};

// median time of a training step (BenchRun's mode); MFU counts the dense model's FLOPs only
static BenchResult bench_config(GPT2Config c, int B, int steps, const Peak& pk, double bw_gbs, bool recompute = false, int topt = 10000,
                                TrainMode mode = TRAIN_FULL) {
    peak_rss_reset();  // the previous config's buffers are freed: measure this one's peak alone
    BenchRun run(c, B, mode, recompute, topt);
    GPT2<float>& m = run.m;
    const int T = c.maxT;
    std::vector<double> times;
    for (int s = 0; s <= steps; s++) {  // step 0 warms up (allocation, JIT kernels)
        if (s == 1) prof_reset();
        double dt = run.step();
        if (s > 0) times.push_back(dt);
    }
    std::sort(times.begin(), times.end());
    double med = times[times.size() / 2];
    double flops = dense_flops_per_token(m, T) * B * T;
    std::string mem = c.mem_layers ? " | memory " + std::to_string(c.mem.N()) + " slots, top-" + std::to_string(topt) + " SGD" : "";
    if (mode != TRAIN_FULL) mem += std::string(" | --train ") + mode_row(mode).name;
    double rss = peak_rss_mib();
    if (recompute) mem += " | --recompute";
    const double peak = matmul_dtype() == MM_BF16 ? pk.bf16 : pk.fp32;  // the matmuls' precision's peak; 0: not measured
    char mfu[80] = "MFU n/a: the backward stops at the memory";  // 6N FLOPs per token would overstate the work
    if (mode == TRAIN_FULL && peak > 0) snprintf(mfu, sizeof mfu, "%.1f GFLOP/s | MFU %.1f%%", flops / med / 1e9, 100 * flops / med / peak);
    else if (mode == TRAIN_FULL) snprintf(mfu, sizeof mfu, "%.1f GFLOP/s | MFU n/a: no measured peak for these matmuls", flops / med / 1e9);
    printf("bench: depth %d width %d heads %d context %d vocab %d batch %d%s | %.2fM params | median %.1f ms/step | %.0f tokens/s | %s | peak RSS %.0f MiB\n",
           c.L, c.C, c.NH, T, c.V, B, mem.c_str(), m.num_params() / 1e6, med * 1000, B * T / med, mfu, rss);
    double total = 0;
    for (double t : times) total += t;
    prof_report(total, steps, bw_gbs);
    fflush(stdout);
    return {med * 1000, B * T / med, peak > 0 ? flops / med / peak : 0, rss, flops / (B * T), 1000 * prof_totals().seconds[PROF_MEMORY] / steps};
}

// the memory bench measures: n_keys^2 slots beside block L/2's MLP, 4 heads of top-32, dk 128
static void with_bench_memory(GPT2Config& c, int n_keys) {
    c.mem_layers = 1u << (c.L / 2);
    c.mem.n_keys = n_keys; c.mem.topk = 32; c.mem.heads = 4; c.mem.dk = 128;
}

// the memory's cost on the step as one ratio: the plain config and the same with the memory live in
// one process and their steps alternate, so the machine's slow spells (seconds long on a shared VM)
// hit both; the median of the per-pair ratios
static double memory_overhead_alternating(const GPT2Config& c, const GPT2Config& mc, int B, int steps) {
    BenchRun plain(c, B, TRAIN_FULL, false, 10000), mem(mc, B, TRAIN_FULL, false, 10000);
    plain.step(), mem.step();  // warm-up
    std::vector<double> ratio;
    for (int s = 0; s < steps; s++) {
        double tp = plain.step(), tm = mem.step();
        ratio.push_back(tm / tp);
    }
    std::sort(ratio.begin(), ratio.end());
    return ratio[ratio.size() / 2];
}

// SmolLM2-135M's shape (30 blocks, width 576, 9 heads over 3 key/value heads, SwiGLU 1536, vocab
// 49152) at context T; with a memory, the 3M experiment's: 512^2 slots beside blocks 10 and 20
static GPT2Config smollm2_shape(int T, bool memory) {
    GPT2Config c;
    c.family = FAMILY_LLAMA;
    c.L = 30; c.C = 576; c.NH = 9; c.NKV = 3; c.F = 1536; c.V = 49152; c.Vp = pad_vocab(c.V); c.maxT = T;
    c.rope_theta = 100000; c.norm_eps = 1e-5f;
    if (memory) {
        c.mem_layers = 1u << 10 | 1u << 20;
        c.mem.n_keys = 512; c.mem.topk = 32; c.mem.heads = 4; c.mem.dk = 128;
    }
    return c;
}

int cmd_bench(Flags& f) {
    int L = 0, C = 0, NH = 0, T = 0, V = 0, B = 0, steps = 5, threads = 0, mem_keys = 0;
    bool recompute = false, smollm2 = false;
    MatmulDtype dt = MM_FP32;
    f.integer("depth", L, 0, 128, "L", "one config of this shape (each 0: the suite's d6 config: depth 6, width 384, heads C/64, context 256, vocab 8192, batch 8); all 0: the suite (the tokenizer, d6 in fp32 and bf16, memory layers, --recompute, GPT-2 124M's shape)");
    f.integer("width", C, 0, 16384, "C", "");
    f.integer("heads", NH, 0, 1024, "NH", "");
    f.integer("context", T, 0, 65536, "T", "");
    f.integer("vocab", V, 0, 1 << 24, "V", "");
    f.integer("batch", B, 0, 65536, "B", "");
    f.integer("steps", steps, 1, 100000, "N", "timed steps (the median is reported)");
    f.flag("recompute", recompute, "activation recomputation (one config)");
    f.integer("mem-keys", mem_keys, 0, 46340, "N", "one config with a memory of N^2 slots beside the middle block's MLP, as the suite's (0: none), and its cost on the step measured alternating with the plain config");
    f.flag("smollm2", smollm2, "only SmolLM2-135M's shape, as the suite times it: full finetuning and memory-sparse (the 3M experiment's memories)");
    f.choice("dtype", dt, {"fp32", "bf16", "bf16-emulated"}, "CPU matmul operands, as pretrain's");
    f.integer("threads", threads, 0, 1024, "N", "OpenMP threads (0: all cores)");
    if (!f.finish("bench")) return 0;
    bool one = L || C || NH || T || V || B || mem_keys;
    GPT2Config c;
    c.L = L ? L : 6;
    c.C = C ? C : 384;
    c.NH = NH ? NH : std::max(1, c.C / 64);
    c.maxT = T ? T : 256;
    c.V = V ? V : 8192;
    c.Vp = pad_vocab(c.V);
    if (!B) B = 8;
    std::string dtype = set_dtype(dt);
    set_threads(threads);
    if (c.C % c.NH) fatal(EXIT_USAGE, "--width %d must be divisible by --heads %d", c.C, c.NH);
    Peak pk = measure_peak();
    printf("peak: %s\nprecision: %s\n", pk.how.c_str(), dtype.c_str());
    Bandwidth bw = measure_bandwidth();
    printf("bandwidth: triad %.1f GB/s (best of 5); AdamW %.1f GB/s (median of 5), %.0f%% of the triad\n", bw.triad_gbs, bw.adamw_gbs, 100 * bw.adamw_gbs / bw.triad_gbs);
    Json js;
    js.set("peak_fp32_gflops", pk.fp32 / 1e9);
    if (pk.bf16 > 0) js.set("peak_bf16_gflops", pk.bf16 / 1e9);
    js.set("triad_gb_per_s", bw.triad_gbs).set("adamw_gb_per_s", bw.adamw_gbs).set("adamw_bandwidth_fraction", bw.adamw_gbs / bw.triad_gbs);
    // SmolLM2-135M at context 256, batch 4: full finetuning, and memory-sparse as the 3M experiment
    // trains it (the values of two 512^2 memories only: the backward stops at block 10); in fp32, and
    // in bf16 where the CPU has bf16 hardware
    auto bench_smollm2 = [&](int steps) {
        BenchResult full = bench_config(smollm2_shape(256, false), 4, steps, pk, bw.triad_gbs);
        BenchResult sparse = bench_config(smollm2_shape(256, true), 4, steps, pk, bw.triad_gbs, false, 10000, TRAIN_MEMORY_SPARSE);
        js.set("smollm2_full_tokens_per_s", full.tokens_per_s).set("smollm2_full_mfu", full.mfu)
          .set("smollm2_memory_sparse_tokens_per_s", sparse.tokens_per_s).set("smollm2_memory_sparse_layer_ms_per_step", sparse.memory_ms);
        std::string why;
        if (matmul_dtype() != MM_FP32 || !bf16_probe(&why)) {
            printf("bench: no SmolLM2 bf16 run: %s\n", matmul_dtype() != MM_FP32 ? "--dtype is not fp32" : why.c_str());
            return;
        }
        matmul_dtype() = MM_BF16;
        BenchResult fb = bench_config(smollm2_shape(256, false), 4, steps, pk, bw.triad_gbs);
        BenchResult sb = bench_config(smollm2_shape(256, true), 4, steps, pk, bw.triad_gbs, false, 10000, TRAIN_MEMORY_SPARSE);
        matmul_dtype() = MM_FP32;
        printf("bench: SmolLM2 bf16 / fp32 tokens/s: full %.2fx, memory-sparse %.2fx\n", fb.tokens_per_s / full.tokens_per_s, sb.tokens_per_s / sparse.tokens_per_s);
        js.set("smollm2_full_bf16_tokens_per_s", fb.tokens_per_s).set("smollm2_full_bf16_speedup", fb.tokens_per_s / full.tokens_per_s)
          .set("smollm2_full_bf16_mfu", fb.mfu)
          .set("smollm2_memory_sparse_bf16_tokens_per_s", sb.tokens_per_s).set("smollm2_memory_sparse_bf16_speedup", sb.tokens_per_s / sparse.tokens_per_s);
    };
    if (smollm2) {
        bench_smollm2(steps);
        printf("%s\n", json_dump(js).c_str());
        return 0;
    }
    if (one) {
        GPT2Config plain = c;
        if (mem_keys) with_bench_memory(c, mem_keys);
        BenchResult r = bench_config(c, B, steps, pk, bw.triad_gbs, recompute);
        js.set("tokens_per_s", r.tokens_per_s).set("mfu", r.mfu).set("ms_per_step", r.ms).set("peak_rss_mib", r.rss_mib)
          .set("flops_per_token", r.flops_per_token).set("peak_flops", matmul_dtype() == MM_BF16 ? pk.bf16 : pk.fp32).set("memory_layer_ms_per_step", r.memory_ms);
        if (mem_keys) {
            double ratio = memory_overhead_alternating(plain, c, B, steps);
            printf("bench: the memory's cost on the step, steps alternating with the plain config: %.3fx (median of %d pairs)\n", ratio, steps);
            js.set("memory_overhead_alternating", ratio);
        }
        printf("%s\n", json_dump(js).c_str());
        return 0;
    }
    // the suite: tokenizer speed, the d6 config, and GPT-2 124M's shape for a couple of steps
    std::string text;
    for (auto& f : list_txt(home_dir() + "/data/corpus")) { text += read_file(f); if (text.size() > 4000000) break; }
    Tokenizer gpt2 = Tokenizer::gpt2(home_dir() + "/data/gpt2");
    double t0 = now_s();
    size_t ntok = gpt2.encode(text, false).size();
    double mbs = text.size() / 1e6 / (now_s() - t0);
    printf("bench: GPT-2 tokenizer encodes %.1f MB/s (%.1f MB -> %zu tokens, one thread)\n", mbs, text.size() / 1e6, ntok);
    BenchResult d6 = bench_config(c, B, steps, pk, bw.triad_gbs);
    // mixed precision: the same config with bf16 matmul operands, where the CPU has the kernels
    std::string why;
    if (matmul_dtype() == MM_FP32 && bf16_probe(&why)) {
        matmul_dtype() = MM_BF16;
        printf("bench: --dtype bf16 (%s):\n", why.c_str());
        BenchResult bf = bench_config(c, B, steps, pk, bw.triad_gbs);
        matmul_dtype() = MM_FP32;
        printf("bench: bf16 / fp32 tokens/s on the d6 config: %.2fx\n", bf.tokens_per_s / d6.tokens_per_s);
        js.set("bf16_tokens_per_s", bf.tokens_per_s).set("bf16_speedup", bf.tokens_per_s / d6.tokens_per_s);
        if (pk.bf16 > 0) js.set("bf16_mfu", bf.mfu);
    } else if (matmul_dtype() == MM_FP32) {
        printf("bench: no bf16 run: %s\n", why.c_str());
    }
    // the memory layer's cost: the same step with a memory beside block 3's MLP, 256^2 and 1024^2 slots
    double mem_ms[2], mem_rss[2], mem_layer_ms[2];
    for (int i = 0; i < 2; i++) {
        GPT2Config mc = c;
        with_bench_memory(mc, i ? 1024 : 256);
        BenchResult r = bench_config(mc, B, steps, pk, bw.triad_gbs);
        mem_ms[i] = r.ms; mem_rss[i] = r.rss_mib; mem_layer_ms[i] = r.memory_ms;
    }
    printf("bench: memory overhead on the step: %.2fx (256^2 slots), %.2fx (1024^2 slots); the memory layer's own time: %.0f%%, %.0f%% of the plain step\n",
           mem_ms[0] / d6.ms, mem_ms[1] / d6.ms, 100 * mem_layer_ms[0] / d6.ms, 100 * mem_layer_ms[1] / d6.ms);
    GPT2Config mc = c;
    with_bench_memory(mc, 1024);
    double mem_alt = memory_overhead_alternating(c, mc, B, steps);
    printf("bench: the 1024^2 memory's cost, steps alternating with the plain d6 config in one process: %.3fx (median of %d pairs)\n", mem_alt, steps);
    // activation recomputation at a long context: memory saved, time paid
    GPT2Config lc = c;
    lc.maxT = 1024;
    BenchResult keep = bench_config(lc, 1, 2, pk, bw.triad_gbs), recomp = bench_config(lc, 1, 2, pk, bw.triad_gbs, true);
    printf("bench: --recompute at context 1024, batch 1: peak RSS %.0f -> %.0f MiB (%.2fx), step time %.2fx\n",
           keep.rss_mib, recomp.rss_mib, recomp.rss_mib / keep.rss_mib, recomp.ms / keep.ms);
    GPT2Config g = c;
    g.L = 12; g.C = 768; g.NH = 12; g.maxT = 64; g.V = 50257; g.Vp = pad_vocab(g.V);
    BenchResult big = bench_config(g, 4, 2, pk, bw.triad_gbs);
    bench_smollm2(2);
    js.set("tokens_per_s", d6.tokens_per_s).set("mfu", d6.mfu).set("ms_per_step", d6.ms).set("peak_rss_mib", d6.rss_mib).set("config", "d6 C384 T256 V8192 B8")
      .set("memory_256sq_ms_per_step", mem_ms[0]).set("memory_1024sq_ms_per_step", mem_ms[1]).set("memory_1024sq_overhead", mem_ms[1] / d6.ms)
      .set("memory_1024sq_layer_ms_per_step", mem_layer_ms[1]).set("memory_1024sq_overhead_alternating", mem_alt)
      .set("memory_256sq_peak_rss_mib", mem_rss[0]).set("memory_1024sq_peak_rss_mib", mem_rss[1])
      .set("gpt2_124M_tokens_per_s", big.tokens_per_s).set("gpt2_124M_mfu", big.mfu).set("gpt2_124M_peak_rss_mib", big.rss_mib).set("tokenizer_mb_per_s", mbs)
      .set("t1024_peak_rss_mib", keep.rss_mib).set("t1024_recompute_peak_rss_mib", recomp.rss_mib).set("t1024_recompute_time_ratio", recomp.ms / keep.ms);
    printf("%s\n", json_dump(js).c_str());
    return 0;
}
