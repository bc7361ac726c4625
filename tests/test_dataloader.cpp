// test_dataloader.cpp: shard round trips and shard validation.
#include <doctest/doctest.h>
#include "llmc/dataloader.h"
#include "tests/test_util.h"

TEST_CASE("shard round trip, uint16 and uint32") {
    std::vector<int> t = {0, 1, 65535, 42, 7};
    write_shard("/tmp/test_shard16.bin", t, 65536);
    CHECK(read_shard("/tmp/test_shard16.bin", 65536) == t);
    CHECK(file_size("/tmp/test_shard16.bin") == 1024 + 2 * 5);
    std::vector<int> w = {0, 70000, 100276};
    write_shard("/tmp/test_shard32.bin", w, 100277);
    CHECK(read_shard("/tmp/test_shard32.bin", 100277) == w);
    CHECK(file_size("/tmp/test_shard32.bin") == 1024 + 4 * 3);
    // the headers are llm.c's: GPT-2's uint16 shards and its Llama 3 uint32 shards
    int h16[2], h32[2];
    memcpy(h16, read_file("/tmp/test_shard16.bin").data(), 8);
    memcpy(h32, read_file("/tmp/test_shard32.bin").data(), 8);
    CHECK(h16[0] == 20240520);
    CHECK(h16[1] == 1);
    CHECK(h32[0] == 20240801);
    CHECK(h32[1] == 7);
}

TEST_CASE("shard: an id outside the vocabulary is refused, not truncated to 16 bits") {
    std::string path = "/tmp/test_shard_bad_" + std::to_string(getpid()) + ".bin", err;
    for (int bad : {65536, 70000, -1}) {
        unlink(path.c_str());
        CHECK(run_child([&] { write_shard(path, {1, bad, 2}, 65536); }, &err) == EXIT_RUNTIME);
        CHECK(err.find("outside the vocabulary") != std::string::npos);
        CHECK(!file_exists(path));  // nothing half-written
    }
    write_shard(path, {1, 65535, 2}, 65536);  // the largest id that fits uint16
    CHECK(read_shard(path, 65536) == std::vector<int>{1, 65535, 2});
    unlink(path.c_str());
}
