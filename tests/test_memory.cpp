// test_memory.cpp: product-key memory layer: finite-difference gradients (double), product-key
// exactness against brute force over all N slots, zero-value attach mode, dense vs sparse value
// gradients, TF-IDF ranking on hand-computed counts, sparse SGD touching only the top-t rows.
#include <doctest/doctest.h>
#include "tests/test_util.h"
#include "llmc/memory.h"
#include <cstring>
#include <map>
#include <numeric>
#include <omp.h>

namespace {

// one layer's parameters, gradients and a random input, in T
template <class T>
struct MemFixture {
    MemoryConfig cfg;
    int BT;
    std::vector<T> params, x, out, G;  // G (BT,C): loss L = sum(out * G), so dL/dout = G
    MemoryParams<T> p;
    MemoryCache<T> cache;
    MemFixture(MemoryConfig c, int bt, uint64_t seed, bool zero_values = false) : cfg(c), BT(bt) {
        params.resize(cfg.num_params());
        p = memory_params_point(cfg, params.data());
        memory_init(cfg, p, seed, zero_values);
        SplitMix rng(seed + 1);
        x.resize((size_t)BT * cfg.C);
        G.resize((size_t)BT * cfg.C);
        out.resize((size_t)BT * cfg.C);
        for (auto& v : x) v = T(rng.normal());
        for (auto& v : G) v = T(rng.normal());
        // a nonzero query bias so its gradient path is exercised away from its init
        for (int i = 0; i < cfg.qdim(); i++) p.bq[i] = T(0.1 * rng.normal());
    }
    T loss() {
        memory_forward(cfg, out.data(), cache, p, x.data(), BT);
        T s = 0;
        for (size_t i = 0; i < out.size(); i++) s += out[i] * G[i];
        return s;
    }
};

void check_fd_gradients(bool gated) {
    MemoryConfig cfg{16, 8, 4, 2, 8, gated};  // C, n_keys, topk, heads, dk, gated
    const int BT = 2 * 3;                     // B=2, T=3
    MemFixture<double> f(cfg, BT, gated ? 7 : 3);
    f.loss();
    std::vector<int> idx0 = f.cache.idx;
    // analytic: dense values path, all gradients
    std::vector<double> grads(cfg.num_params(), 0.0), dx(f.x.size(), 0.0);
    MemoryParams<double> g = memory_params_point(cfg, grads.data());
    memory_backward(cfg, g, (MemorySparseGrad<double>*)nullptr, dx.data(), f.G.data(), f.x.data(), f.p, f.cache, BT);
    // sparse values path alone must give the same value gradient, bit for bit
    MemorySparseGrad<double> sg;
    MemoryParams<double> none;
    memory_backward(cfg, none, &sg, (double*)nullptr, f.G.data(), f.x.data(), f.p, f.cache, BT);
    std::vector<double> dense_from_sparse(cfg.N() * cfg.C, 0.0);
    for (size_t u = 0; u < sg.rows.size(); u++)
        for (int c = 0; c < cfg.C; c++) dense_from_sparse[(size_t)sg.rows[u] * cfg.C + c] = sg.grad[u * cfg.C + c];
    CHECK(memcmp(dense_from_sparse.data(), g.values, dense_from_sparse.size() * sizeof(double)) == 0);

    // central differences over every parameter and every input element
    const double eps = 1e-6;
    int unstable = 0, checked = 0;
    double worst = 0;
    std::string worst_name;
    auto fd = [&](double* v, double analytic, const std::string& name) {
        double old = *v;
        *v = old + eps;
        double lp = f.loss();
        bool same = f.cache.idx == idx0;
        *v = old - eps;
        double lm = f.loss();
        same = same && f.cache.idx == idx0;
        *v = old;
        if (!same) { unstable++; return; }  // a selection flipped: not differentiable here
        double num = (lp - lm) / (2 * eps);
        double err = std::fabs(num - analytic) / (1.0 + std::fabs(analytic));
        checked++;
        if (err > worst) { worst = err; worst_name = name; }
    };
    for (auto& t : cfg.param_tensors())
        for (size_t i = 0; i < t.numel; i++) fd(f.params.data() + t.offset + i, grads[t.offset + i], t.name);
    for (size_t i = 0; i < f.x.size(); i++) fd(f.x.data() + i, dx[i], "x");
    INFO("worst relative error " << worst << " in " << worst_name << ", unstable " << unstable);
    CHECK(worst < 1e-7);
    CHECK(unstable <= 2);
    CHECK(checked > 1000);
    // every tensor's gradient is exercised (not trivially zero)
    for (auto& t : cfg.param_tensors()) {
        double s = 0;
        for (size_t i = 0; i < t.numel; i++) s += std::fabs(grads[t.offset + i]);
        INFO(t.name);
        CHECK(s > 1e-3);
    }
}

// brute force: slot order over all N = n_keys^2 sums, score desc then slot asc
std::vector<int> brute_topk(const std::vector<double>& s1, const std::vector<double>& s2, int k) {
    int nk = (int)s1.size();
    std::vector<int> all(nk * nk);
    std::iota(all.begin(), all.end(), 0);
    auto sc = [&](int s) { return s1[s / nk] + s2[s % nk]; };
    std::stable_sort(all.begin(), all.end(), [&](int a, int b) { return sc(a) > sc(b); });
    all.resize(k);
    return all;
}

}  // namespace

TEST_CASE("memory: finite-difference gradients, plain and Memory+ gated") {
    // ~8000 tiny forwards: on a busy machine OpenMP's thread wake-ups cost far more than they give
    int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    check_fd_gradients(false);
    check_fd_gradients(true);
    omp_set_num_threads(nt);
}

TEST_CASE("memory: product-key top-k equals brute force over all N slots") {
    // several shapes, including k == n_keys (all k^2 candidates) and k == 1
    MemoryConfig cfgs[] = {{16, 16, 8, 3, 8, false}, {8, 32, 16, 2, 12, false}, {8, 4, 4, 1, 4, false},
                           {8, 10, 1, 2, 6, false}};
    for (auto& cfg : cfgs) {
        const int BT = 40, H = cfg.heads, K = cfg.topk, nk = cfg.n_keys, dkh = cfg.dkh();
        MemFixture<double> f(cfg, BT, 11);
        f.loss();
        for (int t = 0; t < BT; t++)
            for (int h = 0; h < H; h++) {
                std::vector<double> s1(nk), s2(nk);
                const double* q = f.cache.qn.data() + ((size_t)t * H + h) * cfg.dk;
                for (int i = 0; i < nk; i++) {
                    const double* k1 = f.p.keys + ((size_t)(h * 2) * nk + i) * dkh;
                    const double* k2 = f.p.keys + ((size_t)(h * 2 + 1) * nk + i) * dkh;
                    s1[i] = s2[i] = 0;
                    for (int d = 0; d < dkh; d++) { s1[i] += k1[d] * q[d]; s2[i] += k2[d] * q[dkh + d]; }
                }
                std::vector<int> want = brute_topk(s1, s2, K);
                std::vector<int> got(f.cache.idx.begin() + ((size_t)t * H + h) * K,
                                     f.cache.idx.begin() + ((size_t)t * H + h + 1) * K);
                REQUIRE(got == want);
                // weights: softmax of the selected scores
                double mx = -1e300, z = 0;
                for (int s : want) mx = std::max(mx, s1[s / nk] + s2[s % nk]);
                for (int s : want) z += std::exp(s1[s / nk] + s2[s % nk] - mx);
                for (int r = 0; r < K; r++) {
                    int s = want[r];
                    CHECK(f.cache.w[((size_t)t * H + h) * K + r] ==
                          doctest::Approx(std::exp(s1[s / nk] + s2[s % nk] - mx) / z).epsilon(1e-12));
                }
            }
    }
    // the query halves come out RMS-normalised
    MemFixture<double> f(cfgs[0], 5, 2);
    f.loss();
    for (size_t i = 0; i < f.cache.qn.size() / cfgs[0].dkh(); i++) {
        double ss = 0;
        for (int d = 0; d < cfgs[0].dkh(); d++) ss += f.cache.qn[i * cfgs[0].dkh() + d] * f.cache.qn[i * cfgs[0].dkh() + d];
        CHECK(ss / cfgs[0].dkh() == doctest::Approx(1.0).epsilon(1e-4));
    }
}

TEST_CASE("memory: selection with heavy ties is deterministic and exact") {
    // integer scores in a tiny range: many exact ties; expected order is score desc, slot asc
    SplitMix rng(5);
    MemorySelectScratch<double> w;
    for (int trial = 0; trial < 200; trial++) {
        int nk = 2 + (int)(rng.next() % 15), k = 1 + (int)(rng.next() % nk);
        std::vector<double> s1(nk), s2(nk);
        for (auto& v : s1) v = (double)(rng.next() % 3);
        for (auto& v : s2) v = (double)(rng.next() % 3);
        std::vector<int> got(k);
        std::vector<double> sc(k);
        memory_select(s1.data(), s2.data(), nk, k, got.data(), sc.data(), w);
        REQUIRE(got == brute_topk(s1, s2, k));
    }
    // NaN scores (a model gone non-finite) rank below every number, ties by slot; the selected
    // scores are the raw sums, NaN included, so the forward turns NaN instead of hiding it
    for (int trial = 0; trial < 200; trial++) {
        int nk = 2 + (int)(rng.next() % 15), k = 1 + (int)(rng.next() % nk);
        std::vector<double> s1(nk), s2(nk);
        for (auto& v : s1) v = rng.next() % 4 ? (double)(rng.next() % 3) : NAN;
        for (auto& v : s2) v = rng.next() % 4 ? (double)(rng.next() % 3) : NAN;
        std::vector<double> f1(s1), f2(s2);  // NaN as -inf: the order the selection must give
        for (auto& v : f1) if (v != v) v = -INFINITY;
        for (auto& v : f2) if (v != v) v = -INFINITY;
        std::vector<int> got(k);
        std::vector<double> sc(k);
        memory_select(s1.data(), s2.data(), nk, k, got.data(), sc.data(), w);
        REQUIRE(got == brute_topk(f1, f2, k));
        for (int r = 0; r < k; r++) {
            double raw = s1[got[r] / nk] + s2[got[r] % nk];
            CHECK((raw != raw ? sc[r] != sc[r] : sc[r] == raw));
        }
    }
}

TEST_CASE("memory: float selection equals brute force at the bench's size: ties, NaNs, more than 256 survivors") {
    // float is what trains, and on AVX-512 builds its own code path (vector argmax rounds, compress
    // filter, the scalar path past 256 pairs); the order is over float sums, NaN as -inf
    auto brute = [](const std::vector<float>& s1, const std::vector<float>& s2, int k) {
        const int nk = (int)s1.size();
        std::vector<std::pair<float, int>> all((size_t)nk * nk);
        for (int i = 0; i < nk * nk; i++) all[i] = {memory_no_nan(memory_no_nan(s1[i / nk]) + memory_no_nan(s2[i % nk])), i};
        std::partial_sort(all.begin(), all.begin() + k, all.end(), [](auto& a, auto& b) { return memory_better(a, b); });
        std::vector<int> ids(k);
        for (int r = 0; r < k; r++) ids[r] = all[r].second;
        return ids;
    };
    SplitMix rng(9);
    MemorySelectScratch<float> w;
    for (int trial = 0; trial < 16; trial++) {
        const int nk = trial < 12 ? 1024 : 64, k = trial < 12 ? 32 : 64;  // k = n_keys: 280 candidates
        std::vector<float> s1(nk), s2(nk);
        for (int i = 0; i < nk; i++) s1[i] = (float)rng.normal(), s2[i] = (float)rng.normal();
        if (trial % 4 == 1) for (int i = 0; i < nk; i++) s1[i] = std::round(s1[i] * 2), s2[i] = std::round(s2[i] * 2);  // ties
        if (trial % 4 == 2) for (int i = 0; i < nk; i += 7) s1[i] = s2[(i * 3) % nk] = NAN;
        if (trial % 4 == 3) std::fill(s1.begin(), s1.end(), 0.5f);  // every score survives the filter
        std::vector<int> got(k);
        std::vector<float> sc(k);
        memory_select(s1.data(), s2.data(), nk, k, got.data(), sc.data(), w);
        INFO("trial " << trial);
        REQUIRE(got == brute(s1, s2, k));
    }
}

TEST_CASE("memory: zero values give exactly zero output, values still get gradient") {
    for (bool gated : {false, true}) {
        MemoryConfig cfg{16, 8, 4, 2, 8, gated};
        const int BT = 6;
        MemFixture<float> f(cfg, BT, 21, /*zero_values=*/true);
        f.loss();
        for (float v : f.out) REQUIRE(v == 0.0f);
        std::vector<float> grads(cfg.num_params(), 0.0f), dx(f.x.size(), 0.0f);
        MemoryParams<float> g = memory_params_point(cfg, grads.data());
        memory_backward(cfg, g, (MemorySparseGrad<float>*)nullptr, dx.data(), f.G.data(), f.x.data(), f.p, f.cache, BT);
        double sv = 0, sq = 0;
        for (size_t i = 0; i < cfg.N() * cfg.C; i++) sv += std::fabs(g.values[i]);
        for (size_t i = 0; i < (size_t)cfg.qdim() * cfg.C; i++) sq += std::fabs(g.wq[i]);
        CHECK(sv > 0);    // grad V[idx] = w * g: independent of V
        CHECK(sq == 0);   // grad w = <g, V[idx]> = 0: nothing reaches the query yet
        for (float v : dx) CHECK(v == 0.0f);
    }
}

TEST_CASE("memory: the whitened query's pre-bias part has the input mean's query as bias and covariance Wq Wq^T") {
    // q = Wq' x + bq' with Wq' = Wq L^-1, bq' = bq - Wq' mu (L L^T = Sigma): over the samples the
    // whitening saw, q's mean is bq and its covariance Wq Wq^T, whatever Sigma was
    MemoryConfig cfg{12, 4, 2, 2, 6, false};
    const int C = cfg.C, QD = cfg.qdim(), n = 3000;
    MemFixture<float> f(cfg, 1, 31);
    std::vector<float> wq0(f.p.wq, f.p.wq + (size_t)QD * C), bq0(f.p.bq, f.p.bq + QD);
    SplitMix rng(5);
    std::vector<double> A((size_t)C * C);  // x = A z + mu: a covariance far from the identity
    for (int i = 0; i < C; i++)
        for (int j = 0; j < C; j++) A[(size_t)i * C + j] = rng.normal() * (i < 2 ? 20.0 : 0.3);
    std::vector<float> x((size_t)n * C);
    for (int r = 0; r < n; r++) {
        std::vector<double> z(C);
        for (auto& v : z) v = rng.normal();
        for (int i = 0; i < C; i++) {
            double s = 3.0 + i;
            for (int j = 0; j < C; j++) s += A[(size_t)i * C + j] * z[j];
            x[(size_t)r * C + i] = (float)s;
        }
    }
    MemoryInputStats st(C);
    st.add(x.data(), n / 2);
    st.add(x.data() + (size_t)n / 2 * C, n - n / 2);
    CHECK(st.n == n);
    memory_whiten_query(cfg, f.p, st, 0.0);
    std::vector<double> q((size_t)n * QD), mean(QD, 0.0);
    for (int r = 0; r < n; r++)
        for (int o = 0; o < QD; o++) {
            double s = 0;
            for (int i = 0; i < C; i++) s += (double)f.p.wq[(size_t)o * C + i] * x[(size_t)r * C + i];
            q[(size_t)r * QD + o] = s;
            mean[o] += s / n;
        }
    double err_mean = 0, err_cov = 0, scale = 0;
    for (int o = 0; o < QD; o++) err_mean = std::max(err_mean, std::fabs(mean[o] + f.p.bq[o] - bq0[o]));
    for (int a = 0; a < QD; a++)
        for (int b = 0; b < QD; b++) {
            double cov = 0, want = 0;
            for (int r = 0; r < n; r++) cov += (q[(size_t)r * QD + a] - mean[a]) * (q[(size_t)r * QD + b] - mean[b]) / n;
            for (int i = 0; i < C; i++) want += (double)wq0[(size_t)a * C + i] * wq0[(size_t)b * C + i];
            err_cov = std::max(err_cov, std::fabs(cov - want));
            scale = std::max(scale, std::fabs(want));
        }
    MESSAGE("whitened query: |mean - bq| " << err_mean << ", |cov - Wq Wq^T| " << err_cov << " of " << scale);
    CHECK(err_mean < 1e-5);
    CHECK(err_cov < 1e-3 * scale);
    // the ridge shrinks what the query sees of the input's variance, never the other way
    MemFixture<float> g(cfg, 1, 31);
    double ridge = memory_whiten_query(cfg, g.p, st, 0.5);
    CHECK(ridge > 0);
    double norm_plain = 0, norm_ridge = 0;
    for (size_t i = 0; i < (size_t)QD * C; i++) { norm_plain += (double)f.p.wq[i] * f.p.wq[i]; norm_ridge += (double)g.p.wq[i] * g.p.wq[i]; }
    CHECK(norm_ridge < norm_plain);
}

TEST_CASE("memory: quiet tokens read nothing: zero output there, the rest unchanged, their gradient as if dout were 0") {
    for (bool gated : {false, true}) {
        MemoryConfig cfg{16, 8, 4, 2, 8, gated};
        const int BT = 6, C = cfg.C;
        const uint8_t quiet[BT] = {0, 1, 0, 0, 1, 1};
        MemFixture<float> f(cfg, BT, 51);
        f.loss();
        std::vector<float> plain = f.out;
        memory_forward(cfg, f.out.data(), f.cache, f.p, f.x.data(), BT, quiet);
        for (int t = 0; t < BT; t++)
            for (int c = 0; c < C; c++) REQUIRE(f.out[t * C + c] == (quiet[t] ? 0.0f : plain[t * C + c]));
        // backward of the quiet forward == backward of the plain forward with dout zero at the quiet tokens
        auto grads_of = [&](const std::vector<float>& G, std::vector<float>& grads, std::vector<float>& dx) {
            grads.assign(cfg.num_params(), 0.0f);
            dx.assign(f.x.size(), 0.0f);
            MemoryParams<float> g = memory_params_point(cfg, grads.data());
            memory_backward(cfg, g, (MemorySparseGrad<float>*)nullptr, dx.data(), G.data(), f.x.data(), f.p, f.cache, BT);
        };
        std::vector<float> gq, dxq, gz, dxz, Gz = f.G;
        grads_of(f.G, gq, dxq);
        for (int t = 0; t < BT; t++)
            if (quiet[t]) std::fill_n(Gz.begin() + t * C, C, 0.0f);
        f.loss();
        grads_of(Gz, gz, dxz);
        double s = 0;
        for (size_t i = 0; i < gq.size(); i++) { REQUIRE(gq[i] == doctest::Approx(gz[i]).epsilon(1e-5)); s += std::fabs(gq[i]); }
        for (size_t i = 0; i < dxq.size(); i++) REQUIRE(dxq[i] == doctest::Approx(dxz[i]).epsilon(1e-5));
        CHECK(s > 0);
        // slot counts leave the quiet tokens out
        std::vector<int> all(cfg.N(), 0), some(cfg.N(), 0), want(cfg.N(), 0);
        const int per = cfg.heads * cfg.topk;
        memory_count_accesses(all.data(), f.cache.idx.data(), BT, per, nullptr);
        memory_count_accesses(some.data(), f.cache.idx.data(), BT, per, quiet);
        for (int t = 0; t < BT; t++)
            if (!quiet[t]) memory_count_accesses(want.data(), f.cache.idx.data() + t * per, per);
        CHECK(some == want);
        CHECK(std::accumulate(all.begin(), all.end(), 0) == BT * per);
        CHECK(std::accumulate(some.begin(), some.end(), 0) == 3 * per);
    }
}

TEST_CASE("memory: sparse value gradient accumulates and matches the dense one") {
    MemoryConfig cfg{16, 8, 4, 2, 8, true};
    const int BT = 6;
    MemFixture<float> f(cfg, BT, 31);
    f.loss();
    std::vector<float> dense(cfg.N() * cfg.C, 0.0f);
    MemoryParams<float> g;
    g.values = dense.data();
    MemorySparseGrad<float> sg;
    memory_backward(cfg, g, &sg, (float*)nullptr, f.G.data(), f.x.data(), f.p, f.cache, BT);
    std::vector<int> counts(cfg.N(), 0);
    memory_count_accesses(counts.data(), f.cache.idx.data(), f.cache.idx.size());
    size_t touched = 0;
    for (int c : counts) touched += c > 0;
    CHECK(sg.size() == touched);
    CHECK(std::is_sorted(sg.rows.begin(), sg.rows.end()));
    for (size_t s = 0; s < cfg.N(); s++) {
        const float* r = sg.find((int)s);
        if (!r) { for (int c = 0; c < cfg.C; c++) REQUIRE(dense[s * cfg.C + c] == 0.0f); continue; }
        REQUIRE(memcmp(r, dense.data() + s * cfg.C, cfg.C * sizeof(float)) == 0);
    }
    // a second backward on another batch merges rows: sum of the two, same as the dense path
    MemFixture<float> f2(cfg, BT, 41);
    memcpy(f2.params.data(), f.params.data(), f.params.size() * sizeof(float));
    f2.loss();
    memory_backward(cfg, g, &sg, (float*)nullptr, f2.G.data(), f2.x.data(), f2.p, f2.cache, BT);
    CHECK(std::is_sorted(sg.rows.begin(), sg.rows.end()));
    CHECK(std::adjacent_find(sg.rows.begin(), sg.rows.end()) == sg.rows.end());
    for (size_t s = 0; s < cfg.N(); s++) {
        const float* r = sg.find((int)s);
        for (int c = 0; c < cfg.C; c++) REQUIRE((r ? r[c] : 0.0f) == doctest::Approx(dense[s * cfg.C + c]).epsilon(1e-6));
    }
}

TEST_CASE("memory: a backward that keeps some value rows stores exactly those, with every touched row's norm") {
    MemoryConfig cfg{16, 8, 4, 2, 8, false};
    const int BT = 6;
    MemFixture<float> f(cfg, BT, 53);
    f.loss();
    const size_t nq = cfg.num_params() - cfg.N() * cfg.C;  // everything but the values: the query path
    std::vector<float> ga(nq, 0.0f), gb(nq, 0.0f), dxa(f.x.size(), 0.0f), dxb(f.x.size(), 0.0f);
    MemoryParams<float> pa = memory_params_point(cfg, ga.data()), pb = memory_params_point(cfg, gb.data());
    pa.values = pb.values = nullptr;
    MemorySparseGrad<float> all, some;
    memory_backward(cfg, pa, &all, dxa.data(), f.G.data(), f.x.data(), f.p, f.cache, BT);
    REQUIRE(all.size() > 4);
    std::vector<int> keep;  // every other touched slot, best first as top-t lists are, and one never touched
    for (size_t u = 0; u < all.size(); u += 2) keep.insert(keep.begin(), all.rows[u]);
    int untouched = 0;
    while (all.find(untouched)) untouched++;
    keep.push_back(untouched);
    memory_backward(cfg, pb, &some, dxb.data(), f.G.data(), f.x.data(), f.p, f.cache, BT, &keep);
    CHECK(!all.partial);
    CHECK(some.partial);
    REQUIRE(some.size() == (all.size() + 1) / 2);
    CHECK(std::is_sorted(some.rows.begin(), some.rows.end()));
    for (size_t u = 0; u < some.size(); u++) {
        CHECK(some.rows[u] == all.rows[2 * u]);
        CHECK(memcmp(some.grad.data() + u * cfg.C, all.find(some.rows[u]), cfg.C * sizeof(float)) == 0);
    }
    // the clipping norm counts every touched row: the same bits as the full gradient's, kept norms or recomputed
    const double n_all = memory_sparse_grad_norm2(all);
    CHECK(memory_sparse_grad_norm2(some) == n_all);
    all.norm2.clear();
    CHECK(memory_sparse_grad_norm2(all) == n_all);
    double serial = 0;
    for (size_t u = 0; u < all.size(); u++) serial += memory_row_norm2(all.grad.data() + u * cfg.C, cfg.C);
    CHECK(serial == n_all);
    // the query path does not depend on which rows are kept
    CHECK(memcmp(ga.data(), gb.data(), nq * sizeof(float)) == 0);
    CHECK(memcmp(dxa.data(), dxb.data(), dxa.size() * sizeof(float)) == 0);
}

TEST_CASE("memory: parameter layout") {
    MemoryConfig cfg{16, 8, 4, 2, 8, true};
    auto ts = cfg.param_tensors();
    REQUIRE(ts.size() == 6);
    CHECK(ts.back().name == "mem_values");
    size_t off = 0;
    for (auto& t : ts) { CHECK(t.offset == off); off += t.numel; }
    CHECK(cfg.num_params() == (size_t)(16 * 16 + 16 + 2 * 2 * 8 * 4 + 2 * 16 * 16 + 64 * 16));
    MemoryConfig plain{16, 8, 4, 2, 8, false};
    CHECK(plain.num_params() == cfg.num_params() - 2 * 16 * 16);
    std::vector<float> buf(plain.num_params());
    auto p = memory_params_point(plain, buf.data());
    CHECK(p.w1 == nullptr);
    CHECK(p.values == buf.data() + buf.size() - 64 * 16);
}

TEST_CASE("memory: TF-IDF ranking on hand-built counts") {
    // accesses of one batch over N = 8 slots, as an index list
    std::vector<int> idx = {1, 1, 1, 0, 0, 0, 2, 4, 4, 5, 5, 6, 6, 7};
    std::vector<int> counts(8, 0);
    memory_count_accesses(counts.data(), idx.data(), idx.size());
    CHECK(counts == std::vector<int>{3, 3, 1, 0, 2, 2, 2, 1});
    // |B| = 4 background batches; df counts presence, not multiplicity
    std::vector<std::vector<int>> bg = {{5, 0, 2, 1, 0, 0, 0, 0},
                                        {1, 0, 1, 0, 7, 0, 0, 0},
                                        {2, 0, 9, 3, 0, 0, 1, 0},
                                        {1, 0, 1, 0, 0, 0, 0, 0}};
    std::vector<int> df(8, 0);
    for (auto& b : bg) memory_df_accumulate(df.data(), b.data(), 8);
    CHECK(df == std::vector<int>{4, 0, 4, 2, 1, 0, 1, 0});
    // by hand, sum c = 14, log((|B|+1)/(df+1)):
    //   slot 0: 3/14*log(5/5) = 0         slot 1: 3/14*log(5/1) = 0.3449
    //   slot 2: 1/14*log(5/5) = 0         slot 3: not accessed (excluded)
    //   slot 4: 2/14*log(5/2) = 0.1309    slot 5: 2/14*log(5/1) = 0.2299
    //   slot 6: 2/14*log(5/2) = 0.1309    slot 7: 1/14*log(5/1) = 0.1150
    // order: 1, 5, then 4 and 6 tied (same count: lower slot first), 7, then 0 and 2 tied at 0
    // (higher count first: 0 has 3, 2 has 1)
    std::vector<double> tf(8);
    memory_tfidf(tf.data(), counts.data(), df.data(), 8, 4);
    CHECK(tf[1] == doctest::Approx(3.0 / 14 * std::log(5.0)));
    CHECK(tf[4] == doctest::Approx(2.0 / 14 * std::log(2.5)));
    CHECK(tf[0] == 0.0);
    std::vector<int> out(10, -1);
    CHECK(memory_topt_tfidf(out.data(), counts.data(), df.data(), 8, 4, 10) == 7);
    CHECK(std::vector<int>(out.begin(), out.begin() + 7) == std::vector<int>{1, 5, 4, 6, 7, 0, 2});
    CHECK(memory_topt_tfidf(out.data(), counts.data(), df.data(), 8, 4, 3) == 3);
    CHECK(std::vector<int>(out.begin(), out.begin() + 3) == std::vector<int>{1, 5, 4});
    CHECK(memory_topt_tfidf(out.data(), counts.data(), df.data(), 8, 4, 4) == 4);
    CHECK(out[3] == 6);
}

TEST_CASE("memory: top-t over the accessed slots alone ranks as memory_tfidf over all N does") {
    // random counts and df with many ties; the reference sorts every slot by memory_tfidf's scores
    const size_t N = 4096;
    Rng rng(7);
    std::vector<int> counts(N), df(N);
    for (size_t i = 0; i < N; i++) {
        counts[i] = rng.below(3) ? 0 : (int)rng.below(4) + 1;
        df[i] = (int)rng.below(6);
    }
    std::vector<double> tf(N);
    memory_tfidf(tf.data(), counts.data(), df.data(), N, 20);
    std::vector<int> ref;
    for (size_t i = 0; i < N; i++)
        if (counts[i] > 0) ref.push_back((int)i);
    std::sort(ref.begin(), ref.end(), [&](int a, int b) {
        if (tf[a] != tf[b]) return tf[a] > tf[b];
        if (counts[a] != counts[b]) return counts[a] > counts[b];
        return a < b;
    });
    REQUIRE(ref.size() > 500);
    for (int t : {1, 37, 500, (int)ref.size(), (int)ref.size() + 10}) {
        std::vector<int> out(t, -1);
        int m = memory_topt_tfidf(out.data(), counts.data(), df.data(), N, 20, t);
        REQUIRE(m == std::min<int>(t, (int)ref.size()));
        CHECK(std::equal(out.begin(), out.begin() + m, ref.begin()));
    }
}

TEST_CASE("memory: the sparse gradient's squared norm: the serial double sum, the same bits on 1 and 2 threads") {
    MemorySparseGrad<float> g;
    g.C = 48;
    Rng rng(3);
    for (int r = 0; r < 1000; r++) g.rows.push_back(3 * r);
    g.grad.resize(g.rows.size() * g.C);
    for (auto& x : g.grad) x = (float)rng.normal() * 1e-3f;
    long double serial = 0;
    for (float x : g.grad) serial += (long double)x * x;
    int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    double one = memory_sparse_grad_norm2(g);
    omp_set_num_threads(2);
    double two = memory_sparse_grad_norm2(g);
    omp_set_num_threads(nt);
    CHECK(one == two);
    CHECK(std::fabs(one - (double)serial) <= 1e-13 * (double)serial);  // double rounding over 48k terms
}

TEST_CASE("memory: sparse SGD changes only the top-t rows") {
    MemoryConfig cfg{32, 16, 4, 2, 8, false};
    const int BT = 8;
    MemFixture<float> f(cfg, BT, 51);
    f.loss();
    MemorySparseGrad<float> sg;
    std::vector<float> dense(cfg.N() * cfg.C, 0.0f);
    MemoryParams<float> g;
    g.values = dense.data();
    memory_backward(cfg, g, &sg, (float*)nullptr, f.G.data(), f.x.data(), f.p, f.cache, BT);
    std::vector<int> counts(cfg.N(), 0), df(cfg.N(), 0);
    memory_count_accesses(counts.data(), f.cache.idx.data(), f.cache.idx.size());
    for (size_t i = 0; i < cfg.N(); i++) df[i] = (int)(i % 7);
    const int t = 10;
    std::vector<int> top(t);
    int m = memory_topt_tfidf(top.data(), counts.data(), df.data(), cfg.N(), 10, t);
    REQUIRE(m == t);
    REQUIRE(sg.size() > (size_t)t);  // the batch touched more rows than get updated
    std::vector<float> before(f.p.values, f.p.values + cfg.N() * cfg.C);
    const float lr = 0.5f;
    memory_sgd_update_slots(f.p.values, sg, top.data(), m, lr);
    std::vector<uint8_t> in_top(cfg.N(), 0);
    for (int s : top) in_top[s] = 1;
    for (size_t s = 0; s < cfg.N(); s++) {
        const float* a = before.data() + s * cfg.C;
        const float* b = f.p.values + s * cfg.C;
        if (!in_top[s]) { REQUIRE(memcmp(a, b, cfg.C * sizeof(float)) == 0); continue; }
        const float* d = sg.find((int)s);
        REQUIRE(d);
        CHECK(memcmp(a, b, cfg.C * sizeof(float)) != 0);
        for (int c = 0; c < cfg.C; c++) REQUIRE(b[c] == doctest::Approx(a[c] - lr * d[c]).epsilon(1e-6));
    }
    // the dense-gradient and masked variants give the same values, bit for bit
    std::vector<float> v2 = before, v3 = before;
    memory_sgd_update_slots_dense(v2.data(), dense.data(), top.data(), m, cfg.C, lr);
    std::vector<uint8_t> mask(cfg.N());
    memory_slot_mask(mask.data(), cfg.N(), top.data(), m);
    memory_sgd_update_masked(v3.data(), dense.data(), mask.data(), cfg.N(), cfg.C, lr);
    CHECK(memcmp(v2.data(), f.p.values, v2.size() * sizeof(float)) == 0);
    CHECK(memcmp(v3.data(), f.p.values, v3.size() * sizeof(float)) == 0);
}

TEST_CASE("memory: float forward/backward agrees with double") {
    MemoryConfig cfg{48, 32, 8, 4, 16, true};
    const int BT = 32;
    MemFixture<double> fd(cfg, BT, 61);
    MemFixture<float> ff(cfg, BT, 61);
    for (size_t i = 0; i < fd.params.size(); i++) ff.params[i] = (float)fd.params[i];
    for (size_t i = 0; i < fd.x.size(); i++) ff.x[i] = (float)fd.x[i];
    for (size_t i = 0; i < fd.G.size(); i++) ff.G[i] = (float)fd.G[i];
    fd.loss();
    ff.loss();
    size_t same = 0;
    for (size_t i = 0; i < fd.cache.idx.size(); i++) same += fd.cache.idx[i] == ff.cache.idx[i];
    CHECK(same == fd.cache.idx.size());  // random scores: no near-ties at float precision here
    double maxerr = 0;
    for (size_t i = 0; i < fd.out.size(); i++) maxerr = std::max(maxerr, std::fabs(fd.out[i] - ff.out[i]));
    CHECK(maxerr < 1e-4);
    std::vector<double> gd(cfg.num_params(), 0.0), dxd(fd.x.size(), 0.0);
    std::vector<float> gf(cfg.num_params(), 0.0f), dxf(ff.x.size(), 0.0f);
    memory_backward(cfg, memory_params_point(cfg, gd.data()), (MemorySparseGrad<double>*)nullptr, dxd.data(),
                    fd.G.data(), fd.x.data(), fd.p, fd.cache, BT);
    memory_backward(cfg, memory_params_point(cfg, gf.data()), (MemorySparseGrad<float>*)nullptr, dxf.data(),
                    ff.G.data(), ff.x.data(), ff.p, ff.cache, BT);
    double gmax = 0, gerr = 0;
    for (size_t i = 0; i < gd.size(); i++) { gmax = std::max(gmax, std::fabs(gd[i])); gerr = std::max(gerr, std::fabs(gd[i] - gf[i])); }
    for (size_t i = 0; i < dxd.size(); i++) gerr = std::max(gerr, std::fabs(dxd[i] - dxf[i]));
    CHECK(gerr < 1e-4 * std::max(1.0, gmax));
}
