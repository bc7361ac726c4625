// test_llama_ops.cpp: the Llama-family ops on the CPU (llmc/rmsnorm.h, rope.h, swiglu.h and the
// grouped-query path of attention.h): finite differences in double, grouped-query attention
// against multi-head attention on repeated KV heads, and the PyTorch vectors of
// tests/vectors/llama_ops.bin (dev/reference/llama_ops_ref.py). Part of `make test`; alone:
// ./tests/run_tests -tc="*llama*" (run from the repo root: the vectors are read by relative path).
// The measured errors are printed with -s; each tolerance sits a small factor above its measurement.
#include <doctest/doctest.h>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>
#include "llmc/attention.h"
#include "llmc/rand.h"
#include "llmc/rmsnorm.h"
#include "llmc/rope.h"
#include "llmc/swiglu.h"

namespace {

// central differences (eps 1e-5) of f at every x[i] against the analytical gradient `grad`;
// returns the largest |num - ana| / max(1e-3, |num| + |ana|)
double fd_rel_error(std::vector<double>& x, const std::vector<double>& grad, const std::function<double()>& f) {
    const double eps = 1e-5;
    double worst = 0;
    for (size_t i = 0; i < x.size(); i++) {
        const double keep = x[i];
        x[i] = keep + eps; const double fp = f();
        x[i] = keep - eps; const double fm = f();
        x[i] = keep;
        const double num = (fp - fm) / (2 * eps), ana = grad[i];
        worst = std::max(worst, std::fabs(num - ana) / std::max(1e-3, std::fabs(num) + std::fabs(ana)));
    }
    return worst;
}

std::vector<double> randvec(size_t n, Rng& rng, double scale = 1, double mean = 0) {
    std::vector<double> v(n);
    for (auto& x : v) x = mean + rng.normal() * scale;
    return v;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); i++) s += a[i] * b[i];
    return s;
}

// Tolerances of the finite-difference checks, about 3-5x the measured errors (the rounding of f in
// double over the central difference: it grows with |f|, so with T and the number of terms).
// Measured (g++ -O3 -march=native): rmsnorm 7.0e-9 (dinp), rope 3.4e-8, swiglu 4.2e-8, attention
// 5.0e-7 (dv, T = 131; 2.9e-7 at -O2); a wrong gradient gives errors of order 1e-2 or more.
const double FD_TOL_RMSNORM = 3e-8, FD_TOL_ROPE = 1.5e-7, FD_TOL_SWIGLU = 2e-7, FD_TOL_ATTENTION = 2e-6;

}  // namespace

TEST_CASE("llama finite differences: rmsnorm (dinp, dweight)") {
    Rng rng(21);
    const int N = 5, C = 7;
    const double eps = 1e-5;
    auto x = randvec(N * C, rng, 1.5), w = randvec(C, rng, 0.3, 1.0), r = randvec(N * C, rng);
    std::vector<double> out(N * C), rstd(N);
    auto f = [&] { rmsnorm_forward(out.data(), rstd.data(), x.data(), w.data(), N, C, eps); return dot(out, r); };
    f();
    for (int n = 0; n < N; n++) {  // rstd is the definition's
        double ss = 0;
        for (int i = 0; i < C; i++) ss += x[n * C + i] * x[n * C + i];
        CHECK(std::fabs(rstd[n] - 1 / std::sqrt(ss / C + eps)) < 1e-14);
    }
    std::vector<double> dx(N * C, 0.0), dw(C, 0.0);
    rmsnorm_backward(dx.data(), dw.data(), r.data(), x.data(), w.data(), rstd.data(), N, C);
    const double ex = fd_rel_error(x, dx, f), ew = fd_rel_error(w, dw, f);
    MESSAGE("rmsnorm FD rel error: dinp " << ex << " dweight " << ew);
    CHECK(ex < FD_TOL_RMSNORM);
    CHECK(ew < FD_TOL_RMSNORM);
}

TEST_CASE("llama finite differences: rope (q and k rotated, v untouched, position 0 unrotated)") {
    Rng rng(22);
    const int B = 2, T = 5, NH = 6, NKV = 2, hs = 8, row = (NH + 2 * NKV) * hs;
    const std::vector<float> cs = rope_table(T, hs, 100000.0);
    auto x = randvec((size_t)B * T * row, rng), r = randvec(x.size(), rng);
    std::vector<double> out;
    auto f = [&] { out = x; rope_forward(out.data(), cs.data(), B, T, NH, NKV, hs); return dot(out, r); };
    f();
    size_t moved_v = 0, moved_pos0 = 0, same_qk = 0;
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++)
            for (int c = 0; c < row; c++) {
                const size_t i = ((size_t)b * T + t) * row + c;
                if (c >= (NH + NKV) * hs) moved_v += out[i] != x[i];
                else if (t == 0) moved_pos0 += out[i] != x[i];
                else same_qk += out[i] == x[i];
            }
    CHECK(moved_v == 0);
    CHECK(moved_pos0 == 0);
    CHECK(same_qk == 0);
    std::vector<double> dx = r;
    rope_backward(dx.data(), cs.data(), B, T, NH, NKV, hs);
    const double e = fd_rel_error(x, dx, f);
    MESSAGE("rope FD rel error " << e);
    CHECK(e < FD_TOL_ROPE);
    // the table: angle pos * theta^(-2i/hs) (pair 1 of position 3, computed here independently)
    CHECK(std::fabs(cs[3 * hs + 2] - std::cos(3 * std::pow(100000.0, -2.0 / hs))) < 1e-7);
    CHECK(std::fabs(cs[3 * hs + 3] - std::sin(3 * std::pow(100000.0, -2.0 / hs))) < 1e-7);
}

TEST_CASE("llama finite differences: swiglu") {
    Rng rng(23);
    const int N = 4, F = 6;
    auto x = randvec(N * 2 * F, rng, 2.0), r = randvec(N * F, rng);
    std::vector<double> out(N * F);
    auto f = [&] { swiglu_forward(out.data(), x.data(), N, F); return dot(out, r); };
    f();
    CHECK(std::fabs(out[F + 2] - x[2 * F + 2] / (1 + std::exp(-x[2 * F + 2])) * x[3 * F + 2]) < 1e-14);  // row 1
    std::vector<double> dx(x.size(), 0.0);
    swiglu_backward(dx.data(), r.data(), x.data(), N, F);
    const double e = fd_rel_error(x, dx, f);
    MESSAGE("swiglu FD rel error " << e);
    CHECK(e < FD_TOL_SWIGLU);
}

TEST_CASE("llama finite differences: grouped-query attention (dq, dk, dv)") {
    struct Shape { int B, T, NH, NKV, hs; };
    // GQA groups of 3, NKV == NH (GPT-2's case through the new argument), one KV head (MQA), and
    // several tiles (T > ATT_TILE) with groups of 2
    for (Shape s : {Shape{2, 7, 6, 2, 4}, Shape{2, 7, 6, 6, 4}, Shape{1, 6, 4, 1, 4}, Shape{1, 2 * ATT_TILE + 3, 4, 2, 2}}) {
        CAPTURE(s.T);
        CAPTURE(s.NH);
        CAPTURE(s.NKV);
        Rng rng(24 + s.T + s.NKV);
        const int B = s.B, T = s.T, NH = s.NH, NKV = s.NKV, hs = s.hs, C = NH * hs, C3 = C + 2 * NKV * hs;
        auto x = randvec((size_t)B * T * C3, rng), r = randvec((size_t)B * T * C, rng);
        std::vector<double> out((size_t)B * T * C), lse((size_t)B * NH * T);
        auto f = [&] { attention_forward(out.data(), lse.data(), x.data(), B, T, C, NH, NKV); return dot(out, r); };
        f();
        std::vector<double> dx(x.size(), 0.0);
        attention_backward(dx.data(), r.data(), x.data(), out.data(), lse.data(), B, T, C, NH, NKV);
        // the three parts separately, so that a wrong dk or dv cannot hide behind a right dq
        double err[3] = {0, 0, 0};
        const int off[4] = {0, C, C + NKV * hs, C3}, T_ = T;
        for (int part = 0; part < 3; part++) {
            std::vector<double> xs, gs;
            std::vector<size_t> where;
            for (size_t bt = 0; bt < (size_t)B * T_; bt++)
                for (int c = off[part]; c < off[part + 1]; c++) where.push_back(bt * C3 + c);
            for (size_t i : where) { xs.push_back(x[i]); gs.push_back(dx[i]); }
            auto fp = [&] { for (size_t k = 0; k < where.size(); k++) x[where[k]] = xs[k]; return f(); };
            err[part] = fd_rel_error(xs, gs, fp);
            for (size_t k = 0; k < where.size(); k++) x[where[k]] = xs[k];
        }
        MESSAGE("attention FD rel error: dq " << err[0] << " dk " << err[1] << " dv " << err[2]);
        CHECK(err[0] < FD_TOL_ATTENTION);
        CHECK(err[1] < FD_TOL_ATTENTION);
        CHECK(err[2] < FD_TOL_ATTENTION);
    }
}

TEST_CASE("llama grouped-query attention equals multi-head attention on repeated KV heads") {
    // query head h uses KV head h / (NH/NKV) (Hugging Face's repeat_kv); the KV gradients are the
    // sums of the multi-head gradients over each group
    const int B = 2, T = 70, NH = 6, NKV = 2, hs = 8, g = NH / NKV, C = NH * hs, C3 = C + 2 * NKV * hs;
    Rng rng(25);
    auto x = randvec((size_t)B * T * C3, rng), dout = randvec((size_t)B * T * C, rng);
    std::vector<double> xm((size_t)B * T * 3 * C);  // the repeated, multi-head layout (B,T,3C)
    for (size_t bt = 0; bt < (size_t)B * T; bt++)
        for (int h = 0; h < NH; h++)
            for (int c = 0; c < hs; c++) {
                xm[bt * 3 * C + h * hs + c] = x[bt * C3 + h * hs + c];
                xm[bt * 3 * C + C + h * hs + c] = x[bt * C3 + C + h / g * hs + c];
                xm[bt * 3 * C + 2 * C + h * hs + c] = x[bt * C3 + C + NKV * hs + h / g * hs + c];
            }
    std::vector<double> out((size_t)B * T * C), lse((size_t)B * NH * T), outm(out.size()), lsem(lse.size());
    attention_forward(out.data(), lse.data(), x.data(), B, T, C, NH, NKV);
    attention_forward(outm.data(), lsem.data(), xm.data(), B, T, C, NH);
    double e_out = 0, e_grad = 0;
    for (size_t i = 0; i < out.size(); i++) e_out = std::max(e_out, std::fabs(out[i] - outm[i]));
    for (size_t i = 0; i < lse.size(); i++) e_out = std::max(e_out, std::fabs(lse[i] - lsem[i]));
    std::vector<double> dx(x.size(), 0.0), dxm(xm.size(), 0.0);
    attention_backward(dx.data(), dout.data(), x.data(), out.data(), lse.data(), B, T, C, NH, NKV);
    attention_backward(dxm.data(), dout.data(), xm.data(), outm.data(), lsem.data(), B, T, C, NH);
    for (size_t bt = 0; bt < (size_t)B * T; bt++) {
        for (int c = 0; c < C; c++) e_grad = std::max(e_grad, std::fabs(dx[bt * C3 + c] - dxm[bt * 3 * C + c]));
        for (int j = 0; j < NKV; j++)
            for (int c = 0; c < hs; c++) {
                double sk = 0, sv = 0;
                for (int h = j * g; h < (j + 1) * g; h++) {
                    sk += dxm[bt * 3 * C + C + h * hs + c];
                    sv += dxm[bt * 3 * C + 2 * C + h * hs + c];
                }
                e_grad = std::max(e_grad, std::fabs(dx[bt * C3 + C + j * hs + c] - sk));
                e_grad = std::max(e_grad, std::fabs(dx[bt * C3 + C + NKV * hs + j * hs + c] - sv));
            }
    }
    MESSAGE("GQA vs repeated MHA: out/lse max|diff| " << e_out << ", grads " << e_grad);
    CHECK(e_out < 1e-13);
    CHECK(e_grad < 1e-12);
}

// ---- the PyTorch vectors ----

namespace {

struct LlamaOpsVectors {
    int rms_N = 0, rms_C = 0, B = 0, T = 0, NH = 0, NKV = 0, hs = 0, sw_N = 0, sw_F = 0, theta = 0;
    float eps = 0;
    FILE* f = nullptr;
    std::vector<float> next(size_t n) {
        std::vector<float> v(n);
        REQUIRE(fread(v.data(), 4, n, f) == n);
        return v;
    }
};

// max|got - ref| / max|ref| over a tensor (what the tolerances below bound)
double rel_max(const std::vector<float>& got, const std::vector<float>& ref) {
    double d = 0, m = 0;
    for (size_t i = 0; i < ref.size(); i++) {
        d = std::max(d, std::fabs((double)got[i] - ref[i]));
        m = std::max(m, std::fabs((double)ref[i]));
    }
    return std::isnan(d) ? INFINITY : d / m;
}

}  // namespace

// measured (fp32 C++ vs the float64 oracle rounded to fp32; see the MESSAGE lines): at most 4.6e-7
// of each tensor's max|ref| (most are 1e-7 or below); fp32 rounding alone is ~1e-7
const double VEC_TOL = 2e-6;

TEST_CASE("llama ops vs the PyTorch vectors (tests/vectors/llama_ops.bin)") {
    const char* path = "tests/vectors/llama_ops.bin";
    FILE* f = fopen(path, "rb");
    REQUIRE_MESSAGE(f != nullptr, path << " not found (run from the repo root; dev/reference/llama_ops_ref.py writes it)");
    int h[256];
    REQUIRE(fread(h, 4, 256, f) == 256);
    REQUIRE(h[0] == 20241205);
    REQUIRE(h[1] == 1);
    LlamaOpsVectors v;
    v.f = f;
    v.rms_N = h[2]; v.rms_C = h[3]; v.B = h[4]; v.T = h[5]; v.NH = h[6]; v.NKV = h[7]; v.hs = h[8];
    v.sw_N = h[9]; v.sw_F = h[10]; v.theta = h[11];
    memcpy(&v.eps, &h[12], 4);
    CHECK(v.eps == 1e-5f);
    CHECK(v.theta == 100000);

    {  // RMSNorm
        const int N = v.rms_N, C = v.rms_C;
        auto x = v.next((size_t)N * C), w = v.next(C), dout = v.next((size_t)N * C);
        auto out_ref = v.next((size_t)N * C), dx_ref = v.next((size_t)N * C), dw_ref = v.next(C);
        std::vector<float> out(x.size()), rstd(N), dx(x.size(), 0.0f), dw(C, 0.0f);
        rmsnorm_forward(out.data(), rstd.data(), x.data(), w.data(), N, C, v.eps);
        rmsnorm_backward(dx.data(), dw.data(), dout.data(), x.data(), w.data(), rstd.data(), N, C);
        const double e[3] = {rel_max(out, out_ref), rel_max(dx, dx_ref), rel_max(dw, dw_ref)};
        MESSAGE("rmsnorm vs torch: out " << e[0] << " dinp " << e[1] << " dweight " << e[2]);
        for (double x_ : e) CHECK(x_ < VEC_TOL);
    }
    const int B = v.B, T = v.T, NH = v.NH, NKV = v.NKV, hs = v.hs, C = NH * hs, C3 = C + 2 * NKV * hs;
    {  // RoPE
        const std::vector<float> cs = rope_table(T, hs, v.theta);
        auto qkv = v.next((size_t)B * T * C3), dout = v.next(qkv.size()), out_ref = v.next(qkv.size()),
             dqkv_ref = v.next(qkv.size());
        std::vector<float> out = qkv, dqkv = dout;
        rope_forward(out.data(), cs.data(), B, T, NH, NKV, hs);
        rope_backward(dqkv.data(), cs.data(), B, T, NH, NKV, hs);
        const double e[2] = {rel_max(out, out_ref), rel_max(dqkv, dqkv_ref)};
        MESSAGE("rope vs torch: out " << e[0] << " dqkv " << e[1]);
        for (double x_ : e) CHECK(x_ < VEC_TOL);
    }
    {  // SwiGLU
        const int N = v.sw_N, F = v.sw_F;
        auto inp = v.next((size_t)N * 2 * F), dout = v.next((size_t)N * F), out_ref = v.next((size_t)N * F),
             dinp_ref = v.next(inp.size());
        std::vector<float> out(out_ref.size()), dinp(inp.size(), 0.0f);
        swiglu_forward(out.data(), inp.data(), N, F);
        swiglu_backward(dinp.data(), dout.data(), inp.data(), N, F);
        const double e[2] = {rel_max(out, out_ref), rel_max(dinp, dinp_ref)};
        MESSAGE("swiglu vs torch: out " << e[0] << " dinp " << e[1]);
        for (double x_ : e) CHECK(x_ < VEC_TOL);
    }
    {  // grouped-query attention
        auto qkv = v.next((size_t)B * T * C3), dout = v.next((size_t)B * T * C), out_ref = v.next(dout.size()),
             lse_ref = v.next((size_t)B * NH * T), dqkv_ref = v.next(qkv.size());
        std::vector<float> out(out_ref.size()), lse(lse_ref.size()), dqkv(qkv.size(), 0.0f);
        attention_forward(out.data(), lse.data(), qkv.data(), B, T, C, NH, NKV);
        attention_backward(dqkv.data(), dout.data(), qkv.data(), out.data(), lse.data(), B, T, C, NH, NKV);
        // q, k, v gradients separately (their scales differ)
        double eg[3];
        for (int part = 0; part < 3; part++) {
            const int lo = part == 0 ? 0 : part == 1 ? C : C + NKV * hs, hi = part == 0 ? C : part == 1 ? C + NKV * hs : C3;
            std::vector<float> gp, rp;
            for (size_t bt = 0; bt < (size_t)B * T; bt++)
                for (int c = lo; c < hi; c++) { gp.push_back(dqkv[bt * C3 + c]); rp.push_back(dqkv_ref[bt * C3 + c]); }
            eg[part] = rel_max(gp, rp);
        }
        const double eo = rel_max(out, out_ref), el = rel_max(lse, lse_ref);
        MESSAGE("attention vs torch: out " << eo << " lse " << el << " dq " << eg[0] << " dk " << eg[1] << " dv " << eg[2]);
        CHECK(eo < VEC_TOL);
        CHECK(el < VEC_TOL);
        for (double x_ : eg) CHECK(x_ < VEC_TOL);
    }
    char extra;
    CHECK(fread(&extra, 1, 1, f) == 0);  // the whole file was read: the layouts agree
    fclose(f);
}
