// test_bench.cpp: `./train bench` on one tiny config prints the per-op-family breakdown and a last
// line of JSON with tokens/s, MFU and the config's peak RSS. The figures are checked against each
// other and the FLOPs per token against a hand count: speed is measured, never asserted.
// Run: ./tests/run_tests -tc="*bench*"
#include <doctest/doctest.h>
#include <string>
#include <chrono>
#include "llmc/json.h"
#include "llmc/profile.h"
#include "llmc/utils.h"

TEST_CASE("bench: one config prints the op breakdown and JSON with tokens/s, MFU and peak RSS") {
    REQUIRE(system("./train bench --depth 1 --width 32 --heads 2 --context 16 --vocab 256 --batch 2 --steps 2 --threads 1 >/tmp/test_bench.txt 2>&1") == 0);
    std::string out = read_file_if("/tmp/test_bench.txt");
    for (const char* fam : {"matmul", "attention", "layernorm/residual", "softmax+loss", "optimizer"}) CHECK(out.find(fam) != std::string::npos);
    CHECK(out.find("peak RSS") != std::string::npos);
    size_t end = out.find_last_not_of('\n'), start = out.rfind('\n', end);
    Json j; std::string err;
    REQUIRE(json_parse(out.substr(start + 1, end - start), j, err));
    REQUIRE(j.get("tokens_per_s"));
    REQUIRE(j.get("peak_rss_mib"));
    CHECK(j.get("tokens_per_s")->num > 0);
    // the figures agree with each other and with llm.c's 6N + 6LCT for this config, counted by hand:
    // N = wte 256*32 + wpe 16*32 + block 12*32^2 + 13*32 + final norm 2*32 = 21,472; 6LCT = 3,072
    CHECK(j.get("flops_per_token")->num == 6.0 * 21472 + 6.0 * 1 * 32 * 16);
    CHECK(j.get("tokens_per_s")->num == doctest::Approx(2 * 16 / (j.get("ms_per_step")->num / 1000)).epsilon(1e-4));
    CHECK(j.get("mfu")->num == doctest::Approx(j.get("tokens_per_s")->num * j.get("flops_per_token")->num / j.get("peak_flops")->num).epsilon(1e-4));
    // the process holds at least its model and at most a small multiple of what this config needs
    CHECK(j.get("peak_rss_mib")->num > 1);
    CHECK(j.get("peak_rss_mib")->num < 2000);
    // the bandwidth figures: AdamW's fraction is its GB/s over the triad's; no memory layer here
    CHECK(j.get("triad_gb_per_s")->num > 0);
    CHECK(j.get("adamw_bandwidth_fraction")->num == doctest::Approx(j.get("adamw_gb_per_s")->num / j.get("triad_gb_per_s")->num).epsilon(1e-9));
    CHECK(out.find("of triad") != std::string::npos);
    CHECK(j.get("memory_layer_ms_per_step")->num == 0);
}

TEST_CASE("bench: --mem-keys adds a memory layer whose time the breakdown and the JSON report") {
    REQUIRE(system("./train bench --depth 2 --width 32 --heads 2 --context 16 --vocab 256 --batch 2 --steps 2 --threads 1 --mem-keys 32 >/tmp/test_bench_mem.txt 2>&1") == 0);
    std::string out = read_file_if("/tmp/test_bench_mem.txt");
    CHECK(out.find("memory 1024 slots") != std::string::npos);
    CHECK(out.find("memory layer") != std::string::npos);
    size_t end = out.find_last_not_of('\n'), start = out.rfind('\n', end);
    Json j; std::string err;
    REQUIRE(json_parse(out.substr(start + 1, end - start), j, err));
    CHECK(j.get("memory_layer_ms_per_step")->num > 0);
    CHECK(j.get("memory_layer_ms_per_step")->num < j.get("ms_per_step")->num);
    // the memory's parameters count as no FLOPs of the dense model: the same hand count as without it
    // (depth 2: N = 256*32 + 16*32 + 2*(12*32^2 + 13*32) + 2*32 = 34,176; 6LCT = 6,144)
    CHECK(j.get("flops_per_token")->num == 6.0 * 34176 + 6.0 * 2 * 32 * 16);
    // the cost on the step, the plain config's steps alternating with the memory's: a step ratio,
    // printed as the JSON has it
    REQUIRE(j.get("memory_overhead_alternating"));
    double ratio = j.get("memory_overhead_alternating")->num;
    CHECK(ratio > 0);
    char line[64];
    snprintf(line, sizeof line, "plain config: %.3fx", ratio);
    CHECK(out.find(line) != std::string::npos);
}

TEST_CASE("profile: a scope's time leaves out the scopes opened inside it") {
    // the outer scope does nothing itself; the inner one spins ~20 ms. Without the nesting rule the
    // outer family would be charged the inner's time too (outer >= inner)
    prof_reset();
    {
        ProfScope outer(PROF_MEMORY, 0, 0);
        ProfScope inner(PROF_MATMUL, 0, 0);
        auto t0 = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(20)) {}
    }
    CHECK(prof_totals().seconds[PROF_MATMUL] >= 0.02);
    CHECK(prof_totals().seconds[PROF_MEMORY] >= 0);
    CHECK(prof_totals().seconds[PROF_MEMORY] < 0.1 * prof_totals().seconds[PROF_MATMUL]);
    prof_reset();
}
