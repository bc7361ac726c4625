// test_mpi.cpp: data parallel on the CPU. `mpirun -np 2 ./train --batch B` must train like one
// process with --batch 2B: the same losses within fp32 reduction-order noise (tolerance 1e-5 nats;
// measured differences are ~1e-6) and weights that agree across ranks. Skipped, saying why, where
// mpirun is missing or ./train was built without MPI.
// Run: ./tests/run_tests -tc="*mpi*"
#include <doctest/doctest.h>
#include <cmath>
#include <string>
#include "tests/test_util.h"


static bool mpi_available() {
    if (sh_out("command -v mpirun")) { skip_test("mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)"); return false; }
    if (sh_out("ldd ./train | grep -q libmpi")) { skip_test("./train was built without MPI (mpicxx missing at build time)"); return false; }
    return true;
}

static const std::string MPIRUN = "mpirun --allow-run-as-root --oversubscribe -np 2 ";

// the tiny corpus, tokenized once into /tmp/test_mpi/data
static void prepare_once() {
    static bool prepared = false;
    if (prepared) return;
    REQUIRE(sh_out("rm -rf /tmp/test_mpi && ./train prepare --corpus tests/fixtures/corpus --data /tmp/test_mpi/data --vocab 300 --threads 1") == 0);
    prepared = true;
}

// one process with batch 2B against two ranks with batch B: the same losses
static void compare(const std::string& name, const std::string& flags, int B) {
    prepare_once();
    std::string one = "/tmp/test_mpi/" + name + "_1", two = "/tmp/test_mpi/" + name + "_2", out;
    REQUIRE(sh_out("./train " + flags + " --batch " + std::to_string(2 * B) + " --out " + one, &out) == 0);
    REQUIRE(sh_out(MPIRUN + "./train " + flags + " --batch " + std::to_string(B) + " --out " + two, &out) == 0);
    CHECK(out.find("data parallel: MPI, 2 ranks") != std::string::npos);
    CHECK(out.find("the 2 ranks' weights are bit-identical") != std::string::npos);
    std::vector<double> a = log_losses(one + "/log.jsonl"), b = log_losses(two + "/log.jsonl");
    REQUIRE(a.size() == b.size());
    REQUIRE(a.size() > 1);
    double worst = 0;
    for (size_t i = 0; i < a.size(); i++) worst = std::max(worst, std::fabs(a[i] - b[i]));
    MESSAGE(name << ": " << a.size() << " steps, max |loss difference| " << worst);
    CHECK(worst < 1e-5);
    CHECK(std::fabs(a.back() - a.front()) > 1e-3);  // it trained: equal losses are not equal stillness
}

TEST_CASE("mpi: 2 ranks train like one process with the global batch (full, grad accumulation)") {
    if (!mpi_available()) return;
    compare("full", "pretrain --data /tmp/test_mpi/data --depth 2 --width 32 --heads 2 --context 32 --threads 1 --steps 12 "
                    "--total-batch 512 --lr 1e-2 --warmup 2 --val-every 0 --sample-tokens 0", 4);
}

TEST_CASE("mpi: 2 ranks train like one process in memory-sparse mode (slot counts and sparse grads merged)") {
    if (!mpi_available()) return;
    compare("base", "pretrain --data /tmp/test_mpi/data --depth 2 --width 32 --heads 2 --context 32 --threads 1 --steps 6 --lr 1e-2 --warmup 1 --val-every 0 --sample-tokens 0", 4);
    compare("sparse", "inject --init-ckpt /tmp/test_mpi/base_1/model.bin --data /tmp/test_mpi/data --df-data /tmp/test_mpi/data --df-batches 3 "
                      "--train memory-sparse --mem-layers 1 --mem-keys 8 --mem-topk 4 --mem-heads 2 --mem-dk 8 --topt 12 --sparse-lr 1000 "
                      "--threads 1 --steps 8 --warmup 1 --val-every 0 --sample-tokens 0", 4);
}

TEST_CASE("mpi: a 2-rank run stopped and resumed repeats the uninterrupted 2-rank run exactly") {
    if (!mpi_available()) return;
    prepare_once();
    const std::string f = "pretrain --data /tmp/test_mpi/data --depth 2 --width 32 --heads 2 --context 32 --threads 1 --steps 8 --lr 1e-2 "
                          "--warmup 1 --val-every 0 --sample-tokens 0 --batch 4 --out /tmp/test_mpi/";
    std::string out;
    REQUIRE(sh_out(MPIRUN + "./train " + f + "straight") == 0);
    REQUIRE(sh_out(MPIRUN + "./train " + f + "cut --stop-after 4") == 0);
    REQUIRE(sh_out(MPIRUN + "./train " + f + "cut --resume", &out) == 0);
    CHECK(out.find("resuming at step 4") != std::string::npos);
    std::vector<double> a = log_losses("/tmp/test_mpi/straight/log.jsonl");
    CHECK(a.size() == 8);
    CHECK(log_losses("/tmp/test_mpi/cut/log.jsonl") == a);
    CHECK(read_file_if("/tmp/test_mpi/cut/model.bin") == read_file_if("/tmp/test_mpi/straight/model.bin"));
}
