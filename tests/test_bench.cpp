// test_bench.cpp: `./train bench` on one tiny config prints the per-op-family breakdown and a last
// line of JSON with tokens/s, MFU and the config's peak RSS. Only the presence and sanity of the
// figures is checked: speed is measured, never asserted.
// Run: ./tests/run_tests -tc="*bench*"
#include <doctest/doctest.h>
#include <string>
#include "llmc/json.h"
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
    CHECK(j.get("mfu")->num > 0);
    // the process holds at least its model and at most a small multiple of what this config needs
    CHECK(j.get("peak_rss_mib")->num > 1);
    CHECK(j.get("peak_rss_mib")->num < 2000);
}
