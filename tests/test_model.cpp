// test_model.cpp: finite-difference gradient checks (double precision) of every op and of every
// parameter of a tiny whole model; overfitting one batch in float.
#include <doctest/doctest.h>
#include <functional>
#include "llmc/model.h"

// central differences of f at x[i] for every i; compares with the analytical gradient `grad`.
// Returns the largest |num - ana| / max(1e-3, |num| + |ana|) over all entries.
static double fd_check(std::vector<double>& x, const std::vector<double>& grad, const std::function<double()>& f) {
    const double eps = 1e-5;
    double worst = 0;
    for (size_t i = 0; i < x.size(); i++) {
        double keep = x[i];
        x[i] = keep + eps; double fp = f();
        x[i] = keep - eps; double fm = f();
        x[i] = keep;
        double num = (fp - fm) / (2 * eps), ana = grad[i];
        double err = std::fabs(num - ana) / std::max(1e-3, std::fabs(num) + std::fabs(ana));
        worst = std::max(worst, err);
    }
    return worst;
}

static std::vector<double> randvec(size_t n, Rng& rng, double scale = 1) {
    std::vector<double> v(n);
    for (auto& x : v) x = rng.normal() * scale;
    return v;
}

// loss = sum(out * w) for a fixed random w, so dout = w
static double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); i++) s += a[i] * b[i];
    return s;
}

const double FD_TOL = 1e-6;  // double central differences with eps 1e-5: truncation ~1e-10 relative

TEST_CASE("finite differences: layernorm") {
    Rng rng(1);
    int N = 5, C = 7;
    auto x = randvec(N * C, rng), w = randvec(C, rng), b = randvec(C, rng), r = randvec(N * C, rng);
    std::vector<double> out(N * C), mean(N), rstd(N);
    auto f = [&] { layernorm_forward(out.data(), mean.data(), rstd.data(), x.data(), w.data(), b.data(), N, C); return dot(out, r); };
    f();
    std::vector<double> dx(N * C), dw(C), db(C);
    layernorm_backward(dx.data(), dw.data(), db.data(), r.data(), x.data(), w.data(), mean.data(), rstd.data(), N, C);
    CHECK(fd_check(x, dx, f) < FD_TOL);
    CHECK(fd_check(w, dw, f) < FD_TOL);
    CHECK(fd_check(b, db, f) < FD_TOL);
}

TEST_CASE("finite differences: matmul") {
    Rng rng(2);
    int BT = 6, C = 5, OC = 4;
    auto x = randvec(BT * C, rng), w = randvec(OC * C, rng), b = randvec(OC, rng), r = randvec(BT * OC, rng);
    std::vector<double> out(BT * OC);
    auto f = [&] { matmul_forward(out.data(), x.data(), w.data(), b.data(), BT, C, OC); return dot(out, r); };
    f();
    std::vector<double> dx(BT * C), dw(OC * C), db(OC);
    matmul_backward(dx.data(), dw.data(), db.data(), r.data(), x.data(), w.data(), BT, C, OC);
    CHECK(fd_check(x, dx, f) < FD_TOL);
    CHECK(fd_check(w, dw, f) < FD_TOL);
    CHECK(fd_check(b, db, f) < FD_TOL);
}

TEST_CASE("finite differences: causal attention (one tile, and several: T > ATT_TILE)") {
  for (int T : {5, 2 * ATT_TILE + 3}) {
    CAPTURE(T);
    Rng rng(3);
    int B = T > ATT_TILE ? 1 : 2, C = T > ATT_TILE ? 4 : 8, NH = 2;
    auto x = randvec(B * T * 3 * C, rng), r = randvec(B * T * C, rng);
    std::vector<double> out(B * T * C), lse(B * NH * T);
    auto f = [&] { attention_forward(out.data(), lse.data(), x.data(), B, T, C, NH); return dot(out, r); };
    f();
    // against the plain definition: softmax over the causal row of scaled q.k, times v
    double worst = 0;
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++)
            for (int t = 0; t < T; t++) {
                int hs = C / NH;
                std::vector<double> w(t + 1);
                double mx = -1e300, z = 0;
                for (int u = 0; u <= t; u++) {
                    double s = 0;
                    for (int c = 0; c < hs; c++) s += x[(b * T + t) * 3 * C + h * hs + c] * x[(b * T + u) * 3 * C + C + h * hs + c];
                    w[u] = s / std::sqrt((double)hs);
                    mx = std::max(mx, w[u]);
                }
                for (int u = 0; u <= t; u++) z += std::exp(w[u] - mx);
                worst = std::max(worst, std::fabs(lse[(b * NH + h) * T + t] - (mx + std::log(z))));
                for (int c = 0; c < hs; c++) {
                    double o = 0;
                    for (int u = 0; u <= t; u++) o += std::exp(w[u] - mx) / z * x[(b * T + u) * 3 * C + 2 * C + h * hs + c];
                    worst = std::max(worst, std::fabs(out[(b * T + t) * C + h * hs + c] - o));
                }
            }
    CHECK(worst < 1e-12);
    std::vector<double> dx(x.size());
    attention_backward(dx.data(), r.data(), x.data(), out.data(), lse.data(), B, T, C, NH);
    CHECK(fd_check(x, dx, f) < FD_TOL);
    // causality: perturbing the last position's k and v leaves every earlier output unchanged
    std::vector<double> before = out;
    for (int i = C; i < 3 * C; i++) x[(T - 1) * 3 * C + i] += 1;
    f();
    for (int t = 0; t < T - 1; t++)
        for (int i = 0; i < C; i++) CHECK(out[t * C + i] == before[t * C + i]);
  }
}

TEST_CASE("finite differences: gelu") {
    Rng rng(4);
    auto x = randvec(50, rng, 2), r = randvec(50, rng);
    std::vector<double> out(50);
    auto f = [&] { gelu_forward(out.data(), x.data(), 50); return dot(out, r); };
    f();
    std::vector<double> dx(50);
    gelu_backward(dx.data(), x.data(), r.data(), 50);
    CHECK(fd_check(x, dx, f) < FD_TOL);
}

TEST_CASE("finite differences: softmax cross-entropy ignores the vocab padding") {
    Rng rng(5);
    int N = 4, V = 6, Vp = 8;
    auto x = randvec(N * Vp, rng);
    std::vector<int> tgt = {0, 5, 2, 3};
    std::vector<double> losses(N), tmp;
    auto f = [&] { tmp = x; crossentropy_forward_backward(tmp.data(), losses.data(), tgt.data(), N, V, Vp, 0.0);
                   double s = 0; for (double l : losses) s += l; return s; };
    f();
    std::vector<double> d = x;
    crossentropy_forward_backward(d.data(), losses.data(), tgt.data(), N, V, Vp, 1.0);
    CHECK(fd_check(x, d, f) < FD_TOL);
    for (int n = 0; n < N; n++) for (int i = V; i < Vp; i++) CHECK(d[n * Vp + i] == 0);
}

TEST_CASE("finite differences: encoder") {
    Rng rng(6);
    int B = 2, T = 3, C = 4, V = 5;
    std::vector<int> tok = {1, 1, 4, 0, 1, 2};  // a repeated token exercises accumulation
    auto wte = randvec(V * C, rng), wpe = randvec(T * C, rng), r = randvec(B * T * C, rng);
    std::vector<double> out(B * T * C);
    auto f = [&] { encoder_forward(out.data(), tok.data(), wte.data(), wpe.data(), B, T, C); return dot(out, r); };
    f();
    std::vector<double> dwte(V * C), dwpe(T * C);
    encoder_backward(dwte.data(), dwpe.data(), r.data(), tok.data(), B, T, C);
    CHECK(fd_check(wte, dwte, f) < FD_TOL);
    CHECK(fd_check(wpe, dwpe, f) < FD_TOL);
}

static GPT2Config tiny_config() {
    GPT2Config c;
    c.maxT = 8; c.V = 37; c.Vp = pad_vocab(37); c.L = 2; c.NH = 2; c.C = 8;
    return c;
}

TEST_CASE("finite differences: every parameter of a tiny whole model") {
    GPT2<double> m;
    m.init_random(tiny_config(), 7);
    // perturb LayerNorm params and biases away from their init so their gradients are generic
    Rng rng(8);
    for (auto& x : m.params) x += rng.normal() * 0.05;
    int B = 2, T = 5;
    std::vector<int> x(B * T), y(B * T);
    for (int i = 0; i < B * T; i++) { x[i] = (int)rng.below(37); y[i] = (int)rng.below(37); }
    m.zero_grad();
    m.forward(x.data(), y.data(), B, T, 1.0);
    m.backward();
    std::vector<double> grad = m.grads;
    auto f = [&] { return (double)m.forward(x.data(), y.data(), B, T, 0.0); };
    // check tensor by tensor so a failure names the tensor
    size_t off = 0;
    for (auto& s : m.specs) {
        std::vector<double> sub(m.params.begin() + off, m.params.begin() + off + s.size);
        std::vector<double> gsub(grad.begin() + off, grad.begin() + off + s.size);
        // fd_check perturbs its own vector: mirror each perturbation into the model's params
        size_t base = off;
        auto fs = [&] { std::copy(sub.begin(), sub.end(), m.params.begin() + base); return f(); };
        double err = fd_check(sub, gsub, fs);
        std::copy(sub.begin(), sub.end(), m.params.begin() + base);
        INFO("tensor " << s.name);
        CHECK(err < FD_TOL);
        off += s.size;
    }
}

TEST_CASE("overfitting one batch drives the loss below 0.05") {
    GPT2<float> m;
    m.init_random(tiny_config(), 9);
    int B = 2, T = 8;
    Rng rng(10);
    std::vector<int> x(B * T), y(B * T);
    for (int i = 0; i < B * T; i++) { x[i] = (int)rng.below(37); y[i] = (int)rng.below(37); }
    std::vector<float> mo(m.num_params()), vo(m.num_params());
    float loss = 0;
    for (int step = 1; step <= 300; step++) {
        m.zero_grad();
        loss = m.forward(x.data(), y.data(), B, T, 1.0f);
        m.backward();
        adamw_update(m.params.data(), m.grads.data(), mo.data(), vo.data(), m.num_params(), 1e-2f, 0.9f, 0.95f, 1e-8f, 0.0f, 1.0f, step);
    }
    CHECK(loss < 0.05f);
}

TEST_CASE("checkpoint round trip is exact") {
    GPT2<float> m, r;
    m.init_random(tiny_config(), 11);
    m.save("/tmp/test_ckpt.bin");
    r.load("/tmp/test_ckpt.bin");
    CHECK(r.cfg.V == 37);
    CHECK(r.cfg.Vp == 128);
    CHECK(r.params == m.params);
}

// a tiny model with LoRA on every block and a memory in block 1 (gated), all random
static GPT2Config tiny_ext_config(bool gated) {
    GPT2Config c = tiny_config();
    c.lora_rank = 2; c.lora_alpha = 4;
    c.mem_layers = 1u << 1;
    c.mem.n_keys = 6; c.mem.topk = 3; c.mem.heads = 2; c.mem.dk = 4; c.mem.gated = gated;
    return c;
}

static void random_batch(Rng& rng, int n, int V, std::vector<int>& x, std::vector<int>& y) {
    x.resize(n); y.resize(n);
    for (int i = 0; i < n; i++) { x[i] = (int)rng.below(V); y[i] = (int)rng.below(V); }
}

TEST_CASE("finite differences: every parameter of a tiny model with LoRA and a gated memory") {
    GPT2<double> m;
    m.init_random(tiny_ext_config(true), 21);
    Rng rng(22);
    for (auto& x : m.params) x += rng.normal() * 0.05;  // LoRA B and memory values away from zero
    int B = 2, T = 4;
    std::vector<int> x, y;
    random_batch(rng, B * T, 37, x, y);
    m.zero_grad();
    m.forward(x.data(), y.data(), B, T, 1.0);
    m.backward();
    std::vector<double> grad = m.grads;  // full mode: grads has the params' layout
    REQUIRE(grad.size() == m.params.size());
    for (size_t i = 16; i < m.specs.size(); i++) {  // the extension tensors (the base is checked above)
        size_t off = m.offset[i], n = m.specs[i].size;
        std::vector<double> sub(m.params.begin() + off, m.params.begin() + off + n), gsub(grad.begin() + off, grad.begin() + off + n);
        auto fs = [&] { std::copy(sub.begin(), sub.end(), m.params.begin() + off); return (double)m.forward(x.data(), y.data(), B, T, 0.0); };
        double err = fd_check(sub, gsub, fs);
        std::copy(sub.begin(), sub.end(), m.params.begin() + off);
        INFO("tensor " << m.specs[i].name);
        CHECK(err < 1e-5);  // top-k selection can flip under a 1e-5 nudge only where scores tie
    }
}

TEST_CASE("a memory kept quiet at flagged targets: finite differences hold; all flagged = zero values, none = plain") {
    GPT2<double> m;
    m.init_random(tiny_ext_config(true), 41);
    Rng rng(42);
    for (auto& x : m.params) x += rng.normal() * 0.05;
    int B = 2, T = 6;
    std::vector<int> x, y;
    random_batch(rng, B * T, 37, x, y);
    auto loss = [&] { return (double)m.forward(x.data(), y.data(), B, T, 0.0); };
    const double plain = loss();
    m.mem_quiet_targets.assign(m.cfg.V, 0);
    const double none = loss();
    CHECK(none == plain);
    for (int id = 0; id < m.cfg.V; id += 3) m.mem_quiet_targets[id] = 1;
    int n_quiet = 0;
    for (int t : y) n_quiet += t % 3 == 0;
    REQUIRE(n_quiet > 0);
    REQUIRE(n_quiet < B * T);
    CHECK(loss() != plain);
    // the memory's gradients under the mask match central differences of the masked loss
    m.zero_grad();
    m.forward(x.data(), y.data(), B, T, 1.0);
    m.backward();
    std::vector<double> grad = m.grads;
    for (size_t i = 16; i < m.specs.size(); i++) {
        if (m.specs[i].group != G_MEM_VALUES && m.specs[i].group != G_MEM) continue;
        size_t off = m.offset[i], n = m.specs[i].size;
        std::vector<double> sub(m.params.begin() + off, m.params.begin() + off + n), gsub(grad.begin() + off, grad.begin() + off + n);
        auto fs = [&] { std::copy(sub.begin(), sub.end(), m.params.begin() + off); return loss(); };
        double err = fd_check(sub, gsub, fs);
        std::copy(sub.begin(), sub.end(), m.params.begin() + off);
        INFO("tensor " << m.specs[i].name);
        CHECK(err < 1e-5);
    }
    // every target flagged: the memory adds nothing anywhere, as if its values were zero
    std::fill(m.mem_quiet_targets.begin(), m.mem_quiet_targets.end(), 1);
    const double all_quiet = loss();
    m.mem_quiet_targets.clear();
    for (size_t i = 0; i < m.specs.size(); i++)
        if (m.specs[i].group == G_MEM_VALUES) std::fill_n(m.params.begin() + m.offset[i], m.specs[i].size, 0.0);
    CHECK(all_quiet == loss());
}

TEST_CASE("attached LoRA and zero-valued memory leave the logits unchanged, yet receive gradient") {
    GPT2<float> base;
    base.init_random(tiny_config(), 31);
    GPT2<float> ext;
    ext.build(tiny_ext_config(false));
    for (size_t i = 0; i < 16; i++) std::copy_n(base.params.data() + base.offset[i], base.specs[i].size, ext.params.data() + ext.offset[i]);
    ext.init_extensions(32, true);
    Rng rng(33);
    std::vector<int> x, y;
    random_batch(rng, 2 * 8, 37, x, y);
    float lb = base.forward(x.data(), y.data(), 2, 8);
    float le = ext.forward(x.data(), y.data(), 2, 8);
    CHECK(lb == le);
    for (size_t i = 0; i < 2 * 8 * (size_t)base.cfg.Vp; i++) REQUIRE(base.acts.logits[i] == ext.acts.logits[i]);
    ext.zero_grad();
    ext.forward(x.data(), y.data(), 2, 8, 1.f);
    ext.backward();
    auto norm_of = [&](const std::string& name) {
        for (size_t i = 0; i < ext.specs.size(); i++)
            if (ext.specs[i].name == name) return sum_squares(ext.grads.data() + ext.goffset[i], ext.specs[i].size);
        return -1.0;
    };
    CHECK(norm_of("lora_qkv_B") > 0);
    CHECK(norm_of("block1.mem_values") > 0);
}

TEST_CASE("LoRA merge gives the same logits") {
    GPT2<float> m;
    m.init_random(tiny_ext_config(false), 41);
    Rng rng(42);
    for (size_t i = 16; i < m.specs.size(); i++)
        if (m.specs[i].group == G_LORA)
            for (size_t k = 0; k < m.specs[i].size; k++) m.params[m.offset[i] + k] += (float)(rng.normal() * 0.1);
    std::vector<int> x, y;
    random_batch(rng, 8, 37, x, y);
    m.forward(x.data(), nullptr, 1, 8);
    std::vector<float> before(m.acts.logits, m.acts.logits + 8 * m.cfg.Vp);
    m.merge_lora();
    CHECK(m.cfg.lora_rank == 0);
    m.forward(x.data(), nullptr, 1, 8);
    double worst = 0;
    for (size_t i = 0; i < before.size(); i++) worst = std::max(worst, (double)std::fabs(before[i] - m.acts.logits[i]));
    CHECK(worst < 1e-4);
    CHECK(worst > 0);  // float rounding differs: the merged path is really a different computation
}

TEST_CASE("checkpoints round-trip LoRA and memory, and reject a shape they do not hold") {
    GPT2<float> m, r;
    m.init_random(tiny_ext_config(true), 51);
    m.save("/tmp/test_ckpt_ext.bin");
    r.load("/tmp/test_ckpt_ext.bin");
    CHECK(r.cfg.lora_rank == 2);
    CHECK(r.cfg.mem_layers == 2u);
    CHECK(r.cfg.mem.gated);
    CHECK(r.params == m.params);
    CHECK(r.specs.size() == m.specs.size());
}

TEST_CASE("--recompute: the backward that recomputes each block gives the same loss and gradients, bit for bit") {
    for (bool sparse : {false, true}) {
        GPT2<float> m;
        m.init_random(tiny_ext_config(true), 31);
        Rng rng(32);
        for (auto& x : m.params) x += (float)(rng.normal() * 0.05);
        std::vector<char> all(m.specs.size(), 1);
        m.set_trainable(all, sparse);  // sparse: memory values as touched rows
        int B = 2, T = 6;
        std::vector<int> x, y;
        random_batch(rng, B * T, 37, x, y);
        std::vector<float> grads[2];
        std::vector<int> rows[2];
        float loss[2];
        size_t kept[2];
        for (int r = 0; r < 2; r++) {
            m.recompute = r == 1;
            m.zero_grad();
            loss[r] = m.forward(x.data(), y.data(), B, T, 1.0f);
            kept[r] = m.acts.buf.size();
            m.backward();
            grads[r] = m.grads;
            for (auto& d : m.dvalues) { rows[r].insert(rows[r].end(), d.rows.begin(), d.rows.end()); grads[r].insert(grads[r].end(), d.grad.begin(), d.grad.end()); }
        }
        CHECK(loss[0] == loss[1]);
        CHECK(rows[0] == rows[1]);
        REQUIRE(grads[0].size() == grads[1].size());
        CHECK(grads[0] == grads[1]);
        CHECK(kept[1] < kept[0]);  // one block's activations kept instead of L
    }
}
