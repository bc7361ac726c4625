// test_costs.cpp: the cost ledger's FLOP counts (eval/ledger.h) and the capacity planner's
// arithmetic (eval/capacity.h), each against numbers computed by hand for a toy shape:
// C = 4, L = 2, Vp = 8: the head multiplies 32 weights per token, a block 64 (attention) + 128 (MLP).
#include <doctest/doctest.h>
#include "eval/capacity.h"
#include "eval/ledger.h"

static GPT2Config toy() {
    GPT2Config c;
    c.C = 4; c.L = 2; c.NH = 1; c.V = 8; c.Vp = 8; c.maxT = 2;
    return c;
}

TEST_CASE("ledger: forward and training FLOPs of a plain model; full training is 6N + 6LCT") {
    GPT2Config c = toy();
    // 416 multiply-adds per token; attention 2 * L * C * n per token
    CHECK(forward_flops(c, 2) == doctest::Approx(2 * 416 * 2 + 2 * 2 * 4 * 2 * 2));  // 1728
    CHECK(forward_flops(c, 1) == doctest::Approx(2 * 416 + 2 * 2 * 4));
    // forward 864 + activation grads (64 head + 2 blocks x (256 + 128 + 32)) 896 + weight grads 832
    CHECK(train_flops_per_token(c, 2, -1, TRAIN_FULL) == doctest::Approx(2592));
    CHECK(train_flops_per_token(c, 2, -1, TRAIN_FULL) == doctest::Approx(6.0 * 416 + 6.0 * 2 * 4 * 2));
}

TEST_CASE("ledger: LoRA adds r(in+out) per matrix; its weight gradients are the adapters'") {
    GPT2Config c = toy();
    c.lora_rank = 1; c.lora_alpha = 2;
    CHECK(attn_mults(c) == 64 + 16 + 8);   // qkv 1*(4+12), attproj 1*(4+4)
    CHECK(mlp_mults(c) == 128 + 20 + 20);  // fc 1*(4+16), fcproj 1*(16+4)
    CHECK(lora_params(2, 4, 1) == 128);
    // forward 2 * (32 + 2 * 256) + 32 = 1120; activations 64 + 2 * (336 + 176 + 32) = 1152; adapters 2 * 128
    CHECK(train_flops_per_token(c, 2, -1, TRAIN_LORA) == doctest::Approx(1120 + 1152 + 256));
}

TEST_CASE("ledger: a memory arm's backward stops at its block and updates only the rows read") {
    GPT2Config c = toy();
    c.mem_layers = 1u << 1;
    c.mem.C = 4; c.mem.n_keys = 3; c.mem.topk = 2; c.mem.heads = 2; c.mem.dk = 4;
    CHECK(mem_mults(c) == 8 * 4 + 2 * 3 * 4 + 2 * 2 * 4);  // query 32, sub-keys 24, value rows 16
    GPT2<float> m;
    m.build(c);
    std::vector<char> values(m.specs.size(), 0);
    for (size_t i = 0; i < m.specs.size(); i++) values[i] = m.specs[i].group == G_MEM_VALUES;
    m.set_trainable(values, true);
    REQUIRE(m.stop_layer() == 1);
    // forward 2 * (416 + 72) + 32 = 1008; activations: head 64 + block 1's MLP 256; rows read 2 * 16
    CHECK(train_flops_per_token(c, 2, m.stop_layer(), TRAIN_MEMORY_SPARSE) == doctest::Approx(1008 + 320 + 32));
    CHECK(train_flops_per_token(c, 2, m.stop_layer(), TRAIN_MEMORY) == doctest::Approx(1360));
}

TEST_CASE("capacity: slots and ranks needed, and the plan, on a hand-computed case") {
    // 1000 bits, C = 4: at 2 bits/param n_keys^2 * 8 >= 1000 -> 12^2 = 144; at 3.6, 9^2 * 14.4 = 1166.4
    // (8^2 * 14.4 = 921.6 falls short)
    CHECK(memory_keys_needed(1000, 2.0, 4) == 12);
    CHECK(memory_keys_needed(1000, 3.6, 4) == 9);
    CHECK(memory_keys_needed(512, 2.0, 4) == 8);  // exactly 8^2 * 4 * 2
    CHECK(memory_keys_needed(1, 2.0, 4) == 1);
    // LoRA at rank 1 on L = 2, C = 4: 128 params; 1000 / (2 * 128) -> rank 4, 1000 / 460.8 -> rank 3
    CHECK(lora_rank_needed(1000, 2.0, 2, 4) == 4);
    CHECK(lora_rank_needed(1000, 3.6, 2, 4) == 3);

    Json out;
    std::string text = capacity_report(1000, 250, 2, 4, 300, 144, 1, &out);
    std::string js = json_dump(out);  // through the writer and back
    CHECK(text.find("4.000 bits/token") != std::string::npos);
    CHECK(text.find("N = 12^2 = 144 slots, or LoRA rank 4") != std::string::npos);
    Json j; std::string err;
    REQUIRE(json_parse(js, j, err));
    CHECK(j.get("doc_bits")->num == 1000);
    auto& r = j.get("regions")->arr;
    REQUIRE(r.size() == 3);
    CHECK(r[0].get("params")->num == 576);  // 144 slots x 4: 2073.6 bits at 3.6, 1152 at 2: fits both
    CHECK(r[0].get("fits_at_3.6")->b);
    CHECK(r[0].get("fits_at_2")->b);
    CHECK(r[1].get("params")->num == 128);  // LoRA rank 1: 460.8 and 256 bits: fits neither
    CHECK(!r[1].get("fits_at_3.6")->b);
    CHECK(!r[1].get("fits_at_2")->b);
    CHECK(r[2].get("bits_at_3.6")->num == doctest::Approx(1080));  // the whole model: 300 params
    CHECK(r[2].get("fits_at_3.6")->b);
    CHECK(!r[2].get("fits_at_2")->b);
    CHECK(j.get("memory_slots_needed_at_3.6")->num == 81);
    CHECK(j.get("memory_slots_needed_at_2")->num == 144);
    CHECK(j.get("lora_rank_needed_at_3.6")->num == 3);
}
