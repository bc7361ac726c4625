// test_bf16.cpp: `--dtype bf16` (llmc/matmul_bf16.h). The rounding, the emulated twin against a
// double reference on rounded operands, oneDNN's matmul-primitive code on f32 operands (it runs on
// every CPU, so the descriptors, accumulation and leading dimensions are checked here too), the real
// bf16 kernels against the twin where the CPU has them, and training: bf16 losses track fp32.
// Run: ./tests/run_tests -tc="*bf16*"
#include <doctest/doctest.h>
#include <cmath>
#include <string>
#include <vector>
#include "llmc/backend.h"
#include "llmc/matmul.h"
#include "llmc/rand.h"
#include "tests/test_util.h"

TEST_CASE("bf16: rounding to nearest, ties to even") {
    CHECK(bf16_bits(1.0f) == 0x3F80);
    CHECK(bf16_bits(-2.0f) == 0xC000);
    CHECK(bf16_bits(1.0f + 0x1p-8f) == 0x3F80);        // halfway, 0x3F80 is even: down
    CHECK(bf16_bits(1.0f + 3 * 0x1p-8f) == 0x3F82);    // halfway, 0x3F81 is odd: up
    CHECK(bf16_bits(1.0f + 0x1p-8f + 0x1p-20f) == 0x3F81);  // above halfway: up
    CHECK(std::isnan(bf16_float(bf16_bits(NAN))));
    // NaNs whose payload sits in the low bits: rounding must not carry them into Inf or -0
    for (uint32_t u : {0x7F800001u, 0x7FFFFFFFu, 0xFF800001u, 0xFFFFFFFFu, 0x7F80FFFFu}) {
        float f;
        memcpy(&f, &u, 4);
        uint16_t h = bf16_bits(f);
        CHECK(std::isnan(bf16_float(h)));
        CHECK((h >> 15) == (u >> 31));  // sign kept
    }
    CHECK(bf16_bits(INFINITY) == 0x7F80);
    CHECK(bf16_bits(-INFINITY) == 0xFF80);
    CHECK(bf16_bits(3.4028235e38f) == 0x7F80);  // FLT_MAX rounds to +Inf, as round-to-nearest says
    CHECK(bf16_float(bf16_bits(3.140625f)) == 3.140625f);  // representable: unchanged
}

// op(X) as double, X row-major (R,S) for 'N' or (S,R) for 'T'
static double at(const std::vector<float>& X, char t, int r, int s, int ld, bool round) {
    float v = t == 'T' ? X[(size_t)s * ld + r] : X[(size_t)r * ld + s];
    return round ? bf16_float(bf16_bits(v)) : v;
}

TEST_CASE("bf16: the emulated twin is an fp32 gemm on bf16-rounded operands, for every transpose") {
    matmul_dtype() = MM_BF16_EMULATED;
    Rng rng(7);
    const int M = 37, N = 29, K = 53, pad = 3;
    for (char ta : {'N', 'T'})
        for (char tb : {'N', 'T'})
            for (float beta : {0.f, 1.f}) {
                int lda = (ta == 'T' ? M : K) + pad, ldb = (tb == 'T' ? K : N) + pad, ldc = N + pad;
                std::vector<float> A((size_t)(ta == 'T' ? K : M) * lda), B((size_t)(tb == 'T' ? N : K) * ldb), C((size_t)M * ldc);
                for (auto& v : A) v = rng.normal();
                for (auto& v : B) v = rng.normal();
                for (auto& v : C) v = rng.normal();
                std::vector<float> C0 = C;
                gemm_bf16(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, beta, C.data(), ldc);
                double err_rounded = 0, err_fp32 = 0;
                for (int i = 0; i < M; i++)
                    for (int j = 0; j < N; j++) {
                        double r = beta * C0[(size_t)i * ldc + j], f = r;
                        for (int k = 0; k < K; k++) {
                            r += at(A, ta, i, k, lda, true) * at(B, tb, k, j, ldb, true);
                            f += at(A, ta, i, k, lda, false) * at(B, tb, k, j, ldb, false);
                        }
                        err_rounded = std::max(err_rounded, std::fabs(C[(size_t)i * ldc + j] - r));
                        err_fp32 = std::max(err_fp32, std::fabs(C[(size_t)i * ldc + j] - f));
                    }
                INFO("ta " << ta << " tb " << tb << " beta " << beta);
                CHECK(err_rounded < 1e-4);  // fp32 accumulation of ~53 exact products of size ~1
                CHECK(err_fp32 > 1e-3);     // and the operands really were rounded (bf16 has 8 bits)
                for (int j = N; j < ldc; j++) CHECK(C[(size_t)(M - 1) * ldc + j] == C0[(size_t)(M - 1) * ldc + j]);  // padding untouched
            }
    matmul_dtype() = MM_FP32;
}

TEST_CASE("bf16: oneDNN's matmul primitive path (run on f32 operands) equals sgemm, for every transpose, with and without accumulation") {
#ifdef LLMC_DNNL_STUB
    skip_test("built against the oneDNN stub: no matmul primitive");
#else
    Rng rng(3);
    const int M = 70, N = 45, K = 66, pad = 3, ldc = N + 5;
    for (char ta : {'N', 'T'})
        for (char tb : {'N', 'T'})
            for (bool acc : {false, true}) {
                // operands stored as gemm's, padded rows: the strides the primitive is given must be right
                int lda = (ta == 'T' ? M : K) + pad, ldb = (tb == 'T' ? K : N) + pad;
                std::vector<float> A((size_t)(ta == 'T' ? K : M) * lda), B((size_t)(tb == 'T' ? N : K) * ldb);
                for (auto& v : A) v = rng.normal();
                for (auto& v : B) v = rng.normal();
                std::vector<float> C((size_t)M * ldc), R;
                for (auto& v : C) v = rng.normal();
                R = C;
                onednn_matmul_run(M, N, K, A.data(), ta, lda, B.data(), tb, ldb, C.data(), ldc, acc, dnnl_f32);
                gemm(ta, tb, M, N, K, 1.f, A.data(), lda, B.data(), ldb, acc ? 1.f : 0.f, R.data(), ldc);
                double err = 0;
                for (size_t i = 0; i < C.size(); i++) err = std::max(err, (double)std::fabs(C[i] - R[i]));
                INFO("ta " << ta << " tb " << tb << " accumulate " << acc);
                CHECK(err < 1e-4);
            }
#endif
}

TEST_CASE("bf16: bf16_convert rounds each element of a strided block as bf16_bits does") {
    Rng rng(9);
    const int R = 7, S = 45, ld = 50;
    std::vector<float> X((size_t)R * ld);
    for (auto& v : X) v = rng.normal() * 100;
    X[3] = NAN; X[ld + 4] = INFINITY;
    std::vector<uint16_t> out((size_t)R * S, 0xFFFF);
    bf16_convert(out.data(), R, S, X.data(), ld);
    int bad = 0;
    for (int r = 0; r < R; r++)
        for (int c = 0; c < S; c++) bad += out[(size_t)r * S + c] != bf16_bits(X[(size_t)r * ld + c]);
    CHECK(bad == 0);
}

TEST_CASE("bf16: the hardware check agrees with /proc/cpuinfo's flags") {
    std::string info = read_file_if("/proc/cpuinfo");
    if (info.empty()) { skip_test("no /proc/cpuinfo", true); return; }
    size_t f = info.find("\nflags");
    REQUIRE(f != std::string::npos);
    std::string flags = " " + info.substr(info.find(':', f) + 1, info.find('\n', f + 1) - info.find(':', f) - 1) + " ";
    bool listed = flags.find(" avx512_bf16 ") != std::string::npos || flags.find(" amx_bf16 ") != std::string::npos;
    MESSAGE("bf16 in hardware: " << bf16_hardware() << ", by /proc/cpuinfo: " << listed);
    CHECK(bf16_hardware() == listed);
    std::string why;
    if (!listed) CHECK((!bf16_probe(&why) && why.find("neither AVX512-BF16 nor AMX") != std::string::npos));
}

TEST_CASE("bf16: the CPU's bf16 kernels match the emulated twin") {
    // wherever oneDNN has a bf16 kernel, converting in software included, though the trainer uses it
    // only with bf16 hardware (bf16_probe)
    std::string why;
    if (!bf16_kernel(&why)) { skip_test("oneDNN has no bf16 kernel on this CPU", true); return; }
    MESSAGE("bf16 kernels: " << why);
    Rng rng(5);
    const int BT = 96, C = 80, OC = 112;
    std::vector<float> inp((size_t)BT * C), w((size_t)OC * C), bias(OC), dout((size_t)BT * OC);
    for (auto* v : {&inp, &w, &bias, &dout}) for (auto& x : *v) x = rng.normal();
    std::vector<float> out[2], dinp[2], dw[2], db[2];
    for (int e = 0; e < 2; e++) {
        matmul_dtype() = e ? MM_BF16_EMULATED : MM_BF16;
        out[e].assign((size_t)BT * OC, 0); dinp[e].assign((size_t)BT * C, 0.5f); dw[e].assign((size_t)OC * C, 0.25f); db[e].assign(OC, 0);
        matmul_forward(out[e].data(), inp.data(), w.data(), bias.data(), BT, C, OC);
        matmul_backward(dinp[e].data(), dw[e].data(), db[e].data(), dout.data(), inp.data(), w.data(), BT, C, OC);
    }
    matmul_dtype() = MM_FP32;
    auto maxdiff = [](const std::vector<float>& a, const std::vector<float>& b) {
        double m = 0;
        for (size_t i = 0; i < a.size(); i++) m = std::max(m, (double)std::fabs(a[i] - b[i]));
        return m;
    };
    CHECK(maxdiff(out[0], out[1]) < 1e-3);   // the same exact products, summed in another order
    CHECK(maxdiff(dinp[0], dinp[1]) < 1e-3);
    CHECK(maxdiff(dw[0], dw[1]) < 1e-3);
}

TEST_CASE("bf16: the model's bf16 weight copies give the per-call result and stay current through updates") {
    // wherever oneDNN has a bf16 kernel (the trainer asks for bf16 hardware too, bf16_probe); d2, GPT-2 and Llama
    std::string why;
    if (!bf16_kernel(&why)) { skip_test("oneDNN has no bf16 kernel on this CPU", true); return; }
    for (bool llama : {false, true}) {
        GPT2Config c;
        c.L = 2; c.C = 64; c.NH = 4; c.maxT = 16; c.V = 96; c.Vp = 128;
        if (llama) { c.family = FAMILY_LLAMA; c.NKV = 2; c.F = 96; c.rope_theta = 10000; c.norm_eps = 1e-5f; }
        GPT2<float> m, ref;  // ref: the same weights, rounded per call
        m.init_random(c, 11);
        ref.init_random(c, 11);
        const int B = 2, T = 16;
        std::vector<int> x(B * T), y(B * T);
        Rng rng(4);
        for (auto& v : x) v = (int)rng.below(c.V);
        for (auto& v : y) v = (int)rng.below(c.V);
        matmul_dtype() = MM_BF16;
        Comm one;
        double l0, l0_ref, l1, l1_ref;
        {
            CpuBackend be(m, one);
            l0 = be.forward(x.data(), y.data(), B, T, 1.0f);  // makes the copies
            REQUIRE(m.bf16_current);
            be.backward(nullptr);
            std::vector<float> dwte(m.g.wte, m.g.wte + (size_t)c.Vp * c.C);
            ref.zero_grad();
            l0_ref = ref.forward(x.data(), y.data(), B, T, 1.0f);
            ref.backward();
            double dmax = 0, gmax = 0;
            for (size_t i = 0; i < dwte.size(); i++) {
                dmax = std::max(dmax, (double)std::fabs(dwte[i] - ref.g.wte[i]));
                gmax = std::max(gmax, (double)std::fabs(dwte[i]));
            }
            CHECK(gmax > 1e-3);
            CHECK(dmax < 1e-6 * gmax);  // the backward's dinp products read the copies too
            OptConfig o;
            o.lr = 1e-2;
            be.update(o, o.lr, 1.0f, 1, {});
            CHECK(m.bf16_current);  // remade after the update
            l1 = m.forward(x.data(), y.data(), B, T, 0.0f);
            for (size_t i = 0; i < m.params.size(); i++) ref.params[i] = m.params[i];
            l1_ref = ref.forward(x.data(), y.data(), B, T, 0.0f);
        }
        CHECK(!m.bf16_current);  // the backend is gone: nobody keeps them current
        matmul_dtype() = MM_FP32;
        INFO("llama " << llama);
        CHECK(std::fabs(l0 - l0_ref) < 1e-6);
        CHECK(std::fabs(l1 - l1_ref) < 1e-6);
        CHECK(std::fabs(l1 - l0) > 1e-3);  // the update moved the loss: copies left stale would show it
    }
}

TEST_CASE("bf16: training with bf16 matmul operands tracks fp32; --dtype bf16 says what it runs") {
    std::string out;
    REQUIRE(sh_out("rm -rf /tmp/test_bf16 && ./train prepare --corpus tests/fixtures/corpus --data /tmp/test_bf16/data --vocab 300 --threads 1") == 0);
    auto run = [&](const std::string& dtype) {
        std::string dir = "/tmp/test_bf16/" + dtype;
        REQUIRE(sh_out("./train --dtype " + dtype + " --data /tmp/test_bf16/data --depth 2 --width 64 --heads 2 --context 32 --batch 4 --steps 30 "
                       "--lr 3e-3 --warmup 2 --val-every 0 --sample-tokens 0 --threads 2 --out " + dir, &out) == 0);
        return log_losses(dir + "/log.jsonl");
    };
    std::vector<double> f = run("fp32"), e = run("bf16-emulated");
    CHECK(out.find("bf16-emulated matmuls") != std::string::npos);
    REQUIRE(f.size() == 30);
    REQUIRE(e.size() == 30);
    double maxd = 0;
    for (size_t i = 0; i < f.size(); i++) maxd = std::max(maxd, std::fabs(f[i] - e[i]));
    MESSAGE("30 steps, max |loss fp32 - loss bf16-emulated| = " << maxd);
    CHECK(maxd > 0);      // the operands were rounded
    CHECK(maxd < 0.05);   // and training follows the same curve
    CHECK(e.back() < e.front() - 0.5);
    std::string why;
    bool has = bf16_probe(&why);
    std::vector<double> b = run("bf16");
    CHECK(out.find(has ? "bf16 matmuls (oneDNN " : "fp32 matmuls (--dtype bf16 falls back to fp32: ") != std::string::npos);
    if (!has) CHECK(b == f);  // the fallback is the fp32 path, bit for bit
    CHECK(sh_out("./train --dtype fp16 --data /tmp/test_bf16/data --steps 1", &out) == 2);
}
