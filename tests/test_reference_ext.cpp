// test_reference_ext.cpp: the CPU trainer with LoRA adapters and a gated product-key memory against
// the PyTorch oracle (dev/reference/, vectors tests/vectors/ext_*): logits, loss, every gradient
// tensor (the 16 base ones, the 8 LoRA ones, the memory's 6), 5 AdamW steps in full mode, and the
// checkpoint format (our save() writes the oracle's file byte for byte, but for our checksum).
// Tolerances as in test_reference.cpp (the oracle measured fp32-vs-fp64 noise of 1e-7 on logits and
// loss and <= 7e-7 of each tensor's max |g| on gradients for this model, tests/vectors/README.md):
//   logits, loss, 5-step losses: max abs 1e-4; gradients: max |diff| <= 1e-4 * max |g| per tensor.
// The oracle picked its seeds so that every memory lookup of the 5 steps has a gap of >= 5e-4
// between the k-th and (k+1)-th slot score: rounding cannot change the selected slots.
#include <doctest/doctest.h>
#include <cstdio>
#include "llmc/optimizer.h"
#include "tests/debug_state.h"

namespace {

std::string group_name(int g) { return g == G_BASE ? "base" : g == G_LORA ? "lora" : "memory"; }

void load_ext(GPT2<float>& m) {
    m.load("tests/vectors/ext_model.bin");
    REQUIRE(m.cfg.V == 200);
    REQUIRE(m.cfg.Vp == 256);
    REQUIRE(m.cfg.lora_rank == 2);
    REQUIRE(m.cfg.lora_alpha == 4);
    REQUIRE(m.cfg.mem_layers == 2u);
    REQUIRE(m.cfg.mem.n_keys == 8);
    REQUIRE(m.cfg.mem.topk == 4);
    REQUIRE(m.cfg.mem.heads == 2);
    REQUIRE(m.cfg.mem.dk == 8);
    REQUIRE(m.cfg.mem.gated);
    REQUIRE(m.specs.size() == 16 + 8 + 6);
}

}  // namespace

TEST_CASE("reference ext: LoRA + gated memory: logits, loss and every gradient match PyTorch") {
    GPT2<float> m;
    load_ext(m);
    const size_t V = 200, Vp = 256;
    DebugState d = read_debug("tests/vectors/ext_debug.bin", V, m.num_params());
    REQUIRE(m.grads.size() == m.num_params());  // full mode: every tensor trains
    m.zero_grad();
    float loss = m.forward(d.x.data(), d.y.data(), d.B, d.T);
    double worst_logit = 0;
    for (int i = 0; i < d.B * d.T; i++)
        for (size_t v = 0; v < V; v++)
            worst_logit = std::max(worst_logit, (double)std::fabs(m.acts.logits[(size_t)i * Vp + v] - d.logits[(size_t)i * V + v]));
    MESSAGE("ext: max |logit diff| " << worst_logit << ", |loss diff| " << std::fabs(loss - d.loss));
    CHECK(worst_logit < 1e-4);
    CHECK(std::fabs(loss - d.loss) < 1e-4);
    m.forward(d.x.data(), d.y.data(), d.B, d.T, 1.f);
    m.backward();
    double worst_group[3] = {0, 0, 0};
    for (size_t i = 0; i < m.specs.size(); i++) {
        double maxg = 0, maxd = 0;
        for (size_t k = 0; k < m.specs[i].size; k++) {
            float ref = d.grads[m.offset[i] + k], ours = m.grads[m.goffset[i] + k];
            maxg = std::max(maxg, (double)std::fabs(ref));
            maxd = std::max(maxd, (double)std::fabs(ours - ref));
        }
        int grp = std::min(m.specs[i].group, (int)G_MEM);  // G_MEM_VALUES counts as memory
        worst_group[grp] = std::max(worst_group[grp], maxd / maxg);
        INFO("tensor " << m.specs[i].name << ": max|diff| " << maxd << " max|g| " << maxg);
        MESSAGE("ext grad " << m.specs[i].name << " max|diff|/max|g| = " << maxd / maxg);
        CHECK(maxg > 0);
        CHECK(maxd <= 1e-4 * maxg);
    }
    for (int grp = 0; grp < 3; grp++)
        MESSAGE("ext grads, " << group_name(grp) << " tensors: worst max|diff|/max|g| " << worst_group[grp]);
}

TEST_CASE("reference ext: 5 AdamW steps (full mode) give PyTorch's losses") {
    GPT2<float> m;
    load_ext(m);
    DebugState d = read_debug("tests/vectors/ext_debug.bin", 200, m.num_params());
    std::vector<double> ref;
    std::string text = read_file("tests/vectors/ext_losses.txt");
    for (size_t p = 0; p < text.size();) {
        size_t e = text.find('\n', p);
        if (e == std::string::npos) e = text.size();
        ref.push_back(atof(text.substr(p, e - p).c_str()));
        p = e + 1;
    }
    REQUIRE(ref.size() == 5);
    Optimizer<float> opt;
    opt.init(m);
    OptConfig o;  // lr 1e-3, betas (0.9, 0.95), eps 1e-8, wd 0.1 on the decayed tensors, clip 1.0: as the oracle
    double worst = 0;
    for (int step = 0; step < 5; step++) {
        m.zero_grad();
        float loss = m.forward(d.x.data(), d.y.data(), d.B, d.T, 1.f);
        m.backward();
        opt.step(m, o, 1e-3, step + 1);
        INFO("step " << step << ": ours " << loss << " PyTorch " << ref[step]);
        CHECK(std::fabs(loss - ref[step]) < 1e-4);
        worst = std::max(worst, std::fabs(loss - ref[step]));
    }
    MESSAGE("ext 5-step losses: max |diff| " << worst);
}

TEST_CASE("reference ext: our checkpoint writer reproduces the oracle's extended checkpoint byte for byte, but for the checksum") {
    GPT2<float> m;
    load_ext(m);
    const std::string path = "/tmp/test_reference_ext_ckpt.bin";
    m.save(path);
    std::string ours = read_file(path), theirs = read_file("tests/vectors/ext_model.bin");
    std::remove(path.c_str());
    REQUIRE(ours.size() == theirs.size());
    int marker;
    memcpy(&marker, &ours[4 * 22], 4);
    CHECK(marker == 1);  // our checksum (header ints 22-24): the oracle writes none, so compare without it
    std::fill(ours.begin() + 4 * 22, ours.begin() + 4 * 25, '\0');
    CHECK(ours == theirs);
}
