// test_dataloader.cpp: shard round trips and shard validation.
#include <doctest/doctest.h>
#include "llmc/dataloader.h"

TEST_CASE("shard round trip, uint16 and uint32") {
    std::vector<int> t = {0, 1, 65535, 42, 7};
    write_shard("/tmp/test_shard16.bin", t, 65536);
    CHECK(read_shard("/tmp/test_shard16.bin", 65536) == t);
    CHECK(file_size("/tmp/test_shard16.bin") == 1024 + 2 * 5);
    std::vector<int> w = {0, 70000, 100276};
    write_shard("/tmp/test_shard32.bin", w, 100277);
    CHECK(read_shard("/tmp/test_shard32.bin", 100277) == w);
    CHECK(file_size("/tmp/test_shard32.bin") == 1024 + 4 * 3);
}
