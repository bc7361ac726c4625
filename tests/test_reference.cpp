// test_reference.cpp: the CPU trainer against the PyTorch oracle (dev/reference/, vectors in
// tests/vectors/): logits, loss, every gradient tensor, 10 AdamW steps, and transformers' logits.
// Tolerances (fp32 vs the fp32 reference; the oracle measured fp32-vs-fp64 noise of 3e-7 on logits
// and loss and 5e-7 of each tensor's max |g| on gradients, tests/vectors/f32_vs_f64.txt):
//   logits, loss, 10-step losses: max abs 1e-4; gradients: max |diff| <= 1e-4 * max |g| per tensor;
//   weights after 10 updates: per-tensor sums within 3e-5 of sum|p| (measured 3.4e-6).
#include <doctest/doctest.h>
#include "llmc/optimizer.h"
#include "tests/debug_state.h"

static std::vector<char> read_all(const std::string& path) {
    std::string s = read_file(path);
    return std::vector<char>(s.begin(), s.end());
}

TEST_CASE("reference: logits, loss and every gradient match PyTorch") {
    GPT2<float> m;
    m.load("tests/vectors/tiny_model.bin");
    REQUIRE(m.cfg.V == 500);
    REQUIRE(m.cfg.Vp == 512);
    DebugState d = read_debug("tests/vectors/tiny_debug.bin", 500, m.num_params());
    m.zero_grad();
    float loss = m.forward(d.x.data(), d.y.data(), d.B, d.T);
    double worst_logit = 0;
    for (int i = 0; i < d.B * d.T; i++)
        for (int v = 0; v < 500; v++)
            worst_logit = std::max(worst_logit, (double)std::fabs(m.acts.logits[(size_t)i * 512 + v] - d.logits[(size_t)i * 500 + v]));
    MESSAGE("max |logit diff| " << worst_logit << ", |loss diff| " << std::fabs(loss - d.loss));
    CHECK(worst_logit < 1e-4);
    CHECK(std::fabs(loss - d.loss) < 1e-4);
    m.forward(d.x.data(), d.y.data(), d.B, d.T, 1.f);
    m.backward();
    for (size_t i = 0; i < m.specs.size(); i++) {
        double maxg = 0, maxd = 0;
        for (size_t k = 0; k < m.specs[i].size; k++) {
            float ref = d.grads[m.offset[i] + k], ours = m.grads[m.goffset[i] + k];
            maxg = std::max(maxg, (double)std::fabs(ref));
            maxd = std::max(maxd, (double)std::fabs(ours - ref));
        }
        INFO("tensor " << m.specs[i].name << ": max|diff| " << maxd << " max|g| " << maxg);
        MESSAGE("grad " << m.specs[i].name << " max|diff|/max|g| = " << maxd / maxg);
        CHECK(maxg > 0);
        CHECK(maxd <= 1e-4 * maxg);
    }
}

TEST_CASE("reference: 10 AdamW steps give PyTorch's losses") {
    GPT2<float> m;
    m.load("tests/vectors/tiny_model.bin");
    DebugState d = read_debug("tests/vectors/tiny_debug.bin", 500, m.num_params());
    std::vector<double> ref;
    std::string text = read_file("tests/vectors/tiny_losses.txt");
    for (size_t p = 0; p < text.size();) { size_t e = text.find('\n', p); ref.push_back(atof(text.substr(p, e - p).c_str())); p = e + 1; }
    REQUIRE(ref.size() == 10);
    Optimizer<float> opt;
    opt.init(m);
    OptConfig o;  // lr 1e-3, betas (0.9, 0.95), eps 1e-8, wd 0.1 on matrices, clip 1.0: as the oracle
    double worst = 0;
    for (int step = 0; step < 10; step++) {
        m.zero_grad();
        float loss = m.forward(d.x.data(), d.y.data(), d.B, d.T, 1.f);
        m.backward();
        opt.step(m, o, 1e-3, step + 1);
        worst = std::max(worst, std::fabs(loss - ref[step]));
    }
    MESSAGE("10-step losses: max |diff| " << worst);
    CHECK(worst < 1e-4);
    // the weights after the 10th update (the last loss does not see it), weight decay flags included:
    // per tensor sum(p) and sum(|p|) against the oracle's, relative to sum(|p|)
    std::string sums = read_file("tests/vectors/tiny_final_checksums.txt");
    size_t i = 0;
    double worst_sum = 0;
    for (size_t p = sums.find('\n') + 1; p < sums.size(); i++) {
        size_t e = sums.find('\n', p);
        char name[64];
        double ref_sum, ref_abs;
        REQUIRE(sscanf(sums.substr(p, e - p).c_str(), "%63s %lf %lf", name, &ref_sum, &ref_abs) == 3);
        REQUIRE(i < m.specs.size());
        CHECK(m.specs[i].name == std::string(name));
        double sum = 0, abs_sum = 0;
        for (size_t k = 0; k < m.specs[i].size; k++) { sum += m.params[m.offset[i] + k]; abs_sum += std::fabs(m.params[m.offset[i] + k]); }
        worst_sum = std::max({worst_sum, std::fabs(sum - ref_sum) / ref_abs, std::fabs(abs_sum - ref_abs) / ref_abs});
        p = e + 1;
    }
    CHECK(i == m.specs.size());
    MESSAGE("weights after 10 updates: max |sum diff| / sum|p| " << worst_sum);
    CHECK(worst_sum < 3e-5);  // a skipped 10th update moves sum|p| by ~5%, weight decay on a layernorm by 1e-3
}

TEST_CASE("reference: our forward gives transformers' GPT2LMHeadModel logits") {
    GPT2<float> m;
    m.load("tests/vectors/tiny_model.bin");  // import_hf.py's conversion is byte-identical to it
    std::vector<char> d = read_all("tests/vectors/hf_tiny_logits.bin");
    const int* h = (const int*)d.data();
    REQUIRE(h[0] == 20240330);
    int B = h[2], T = h[3], V = h[4];
    REQUIRE(V == 500);
    REQUIRE(d.size() == 1024 + 4 * (size_t)B * T + 4 * (size_t)B * T * V);
    const int* tok = (const int*)(d.data() + 1024);
    const float* ref = (const float*)(d.data() + 1024 + 4 * (size_t)B * T);
    m.forward(tok, nullptr, B, T);
    double worst = 0;
    for (int i = 0; i < B * T; i++)
        for (int v = 0; v < V; v++) worst = std::max(worst, (double)std::fabs(m.acts.logits[(size_t)i * m.cfg.Vp + v] - ref[(size_t)i * V + v]));
    MESSAGE("transformers: max |logit diff| " << worst);
    CHECK(worst < 1e-4);
}
