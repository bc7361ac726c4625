// test_cli.cpp: the ./train binary end to end on a tiny corpus: prepare, pretrain, resume
// determinism, sample, eval (text and QA), encode, and the error paths (exit codes and messages).
#include <doctest/doctest.h>
#include <cmath>
#include <sys/wait.h>
#include <string>
#include <map>
#include "llmc/adamw.h"
#include "llmc/json.h"
#include "llmc/utils.h"
#include "tests/test_util.h"

struct RunResult { int code; std::string out, err; };

// runs a shell command, capturing stdout and stderr separately
static RunResult run(const std::string& cmd) {
    std::string o = "/tmp/test_cli_out.txt", e = "/tmp/test_cli_err.txt";
    int st = system((cmd + " >" + o + " 2>" + e).c_str());
    RunResult r;
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    r.out = read_file_if(o);
    r.err = read_file_if(e);
    return r;
}

static std::string last_line(const std::string& s) {
    size_t end = s.find_last_not_of('\n');
    if (end == std::string::npos) return "";
    size_t start = s.rfind('\n', end);
    return s.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

static int count_lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

static const std::string TINY = " --depth 2 --width 32 --heads 2 --context 32 --batch 4 --threads 1 --val-every 5 --val-batches 2 --sample-tokens 0";

// one prepared tiny corpus shared by the cases below
static const std::string& tiny_data() {
    static std::string dir;
    if (dir.empty()) {
        dir = "/tmp/test_cli_data";
        system(("rm -rf " + dir).c_str());
        RunResult r = run("./train prepare --corpus tests/fixtures/corpus --data " + dir + " --vocab 300 --threads 1");
        REQUIRE(r.code == 0);
    }
    return dir;
}

static std::vector<double> losses_of(const std::string& log) {
    std::vector<double> l;
    std::string text = read_file_if(log);
    size_t p = 0;
    while (p < text.size()) {
        size_t e = text.find('\n', p);
        Json j; std::string err;
        if (json_parse(text.substr(p, e - p), j, err) && j.get("loss")) l.push_back(j.get("loss")->num);
        p = e + 1;
    }
    return l;
}

TEST_CASE("cli: prepare is skipped when current, pretrain writes checkpoint, log and plot") {
    std::string d = tiny_data();
    RunResult again = run("./train prepare --corpus tests/fixtures/corpus --data " + d + " --vocab 300 --threads 1");
    CHECK(again.code == 0);
    CHECK(again.out.find("skipping") != std::string::npos);
    system("rm -rf /tmp/test_cli_run");
    RunResult r = run("./train pretrain --data " + d + " --out /tmp/test_cli_run --steps 12" + TINY);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("step    12/12") != std::string::npos);
    CHECK(r.out.find("ETA") != std::string::npos);
    CHECK(file_size("/tmp/test_cli_run/model.bin") > 1024);
    CHECK(file_exists("/tmp/test_cli_run/tokenizer.bin"));
    std::string png = read_file_if("/tmp/test_cli_run/loss.png");
    CHECK(png.substr(1, 3) == "PNG");
    std::vector<double> l = losses_of("/tmp/test_cli_run/log.jsonl");
    REQUIRE(l.size() == 12);
    CHECK(l.back() < l.front());  // it learns
}

TEST_CASE("cli: N steps + resume + N steps gives bit-identical losses to 2N steps") {
    std::string d = tiny_data();
    system("rm -rf /tmp/test_cli_a /tmp/test_cli_b");
    RunResult a = run("./train pretrain --data " + d + " --out /tmp/test_cli_a --steps 10" + TINY);
    RunResult b1 = run("./train pretrain --data " + d + " --out /tmp/test_cli_b --steps 10 --stop-after 5" + TINY);
    RunResult b2 = run("./train pretrain --data " + d + " --out /tmp/test_cli_b --steps 10 --resume" + TINY);
    REQUIRE(a.code == 0); REQUIRE(b1.code == 0); REQUIRE(b2.code == 0);
    std::vector<double> la = losses_of("/tmp/test_cli_a/log.jsonl"), lb = losses_of("/tmp/test_cli_b/log.jsonl");
    REQUIRE(la.size() == 10);
    CHECK(la == lb);  // the log prints %.6f; the checkpoints below compare every bit
    CHECK(read_file_if("/tmp/test_cli_a/model.bin") == read_file_if("/tmp/test_cli_b/model.bin"));
    // on another thread count it resumes, says so, and continues the same steps (sums round differently)
    std::string two = TINY;
    two.replace(two.find("--threads 1"), 11, "--threads 2");
    system("rm -rf /tmp/test_cli_c");
    REQUIRE(run("./train pretrain --data " + d + " --out /tmp/test_cli_c --steps 10 --stop-after 5" + TINY).code == 0);
    RunResult c2 = run("./train pretrain --data " + d + " --out /tmp/test_cli_c --steps 10 --resume" + two);
    REQUIRE(c2.code == 0);
    CHECK(c2.out.find("resume: --threads 2 (the run's: 1): the same steps") != std::string::npos);
    std::vector<double> lc = losses_of("/tmp/test_cli_c/log.jsonl");
    REQUIRE(lc.size() == 10);
    double worst = 0;
    for (int i = 0; i < 10; i++) worst = std::max(worst, std::fabs(lc[i] - la[i]));
    MESSAGE("resumed on 2 threads: largest loss difference " << worst);
    CHECK(worst < 1e-5);  // measured 0 at the log's 6 decimals (AMD EPYC, 2 cores); the weights differ in low bits
}

TEST_CASE("cli: sample, eval --text and eval --qa print what the contracts say") {
    std::string d = tiny_data();
    if (!file_exists("/tmp/test_cli_run/model.bin")) run("./train pretrain --data " + d + " --out /tmp/test_cli_run --steps 12" + TINY);
    RunResult s = run("./train sample --ckpt /tmp/test_cli_run/model.bin --prompt 'Emma' --max-tokens 10 --threads 1");
    CHECK(s.code == 0);
    CHECK(s.out.rfind("Emma", 0) == 0);
    RunResult e = run("./train eval --ckpt /tmp/test_cli_run/model.bin --text tests/fixtures/corpus/emma_head.txt --threads 1");
    REQUIRE(e.code == 0);
    Json j; std::string err;
    REQUIRE(json_parse(last_line(e.out), j, err));
    CHECK(j.get("loss")->num > 0);
    CHECK(j.get("tokens")->num > 1000);
    RunResult q = run("./train eval --ckpt /tmp/test_cli_run/model.bin --qa tests/fixtures/qa_tiny.jsonl --threads 1 --answers /tmp/test_cli_answers.jsonl");
    REQUIRE(q.code == 0);
    Json k;
    REQUIRE(json_parse(last_line(q.out), k, err));
    CHECK(k.get("n")->num == 2);
    // --answers: a line per question whose "correct" fields add up to the accuracy
    std::string lines = read_file_if("/tmp/test_cli_answers.jsonl");
    REQUIRE(count_lines(lines) == 2);
    double right = 0;
    for (size_t p = 0, i = 0; p < lines.size(); i++) {
        size_t e = lines.find('\n', p);
        Json a;
        REQUIRE(json_parse(lines.substr(p, e - p), a, err));
        CHECK(a.get("i")->num == i);
        CHECK(a.get("answer")->num == (i == 0 ? 0 : 1));  // qa_tiny.jsonl's answers
        CHECK(a.get("correct")->num == (a.get("chosen")->num == a.get("answer")->num ? 1 : 0));
        right += a.get("correct")->num;
        p = e + 1;
    }
    CHECK(right == k.get("correct")->num);
    CHECK(k.get("accuracy")->num == doctest::Approx(right / 2));
    // --ask: the familiarity control scores the choices without their question, so two questions
    // with the same choices get the same shares; oracle reads the evidence first, so its shares move
    // (short questions: the tiny model reads 32 tokens of a 300-token vocabulary)
    write_file_atomic("/tmp/test_cli_ask.jsonl",
                      "{\"question\": \"Who?\", \"choices\": [\"Bates\", \"Taylor\"], \"answer\": 1, \"evidence\": \"Miss Taylor.\"}\n"
                      "{\"question\": \"Whom?\", \"choices\": [\"Bates\", \"Taylor\"], \"answer\": 1, \"evidence\": \"Miss Taylor.\"}\n");
    auto shares = [&](const std::string& ask) {
        RunResult r = run("./train eval --ckpt /tmp/test_cli_run/model.bin --qa /tmp/test_cli_ask.jsonl --threads 1 --answers /tmp/test_cli_ask_out.jsonl --ask " + ask);
        REQUIRE(r.code == 0);
        std::vector<double> p;
        std::string out = read_file_if("/tmp/test_cli_ask_out.jsonl");
        for (size_t a = 0; a < out.size();) {
            size_t e = out.find('\n', a);
            Json l;
            REQUIRE(json_parse(out.substr(a, e - a), l, err));
            double pr = l.get("p_right")->num;
            CHECK(pr > 0);
            CHECK(pr < 1);
            CHECK((l.get("correct")->num == 1) == (pr > 0.5));  // two choices: the right one is chosen when it holds the larger share
            p.push_back(pr);
            a = e + 1;
        }
        REQUIRE(p.size() == 2);
        return p;
    };
    std::vector<double> closed = shares("closed"), control = shares("no-question"), oracle = shares("oracle");
    CHECK(control[0] == control[1]);
    CHECK(closed[0] != closed[1]);
    CHECK(oracle[1] != closed[1]);
    CHECK(run("./train eval --ckpt /tmp/test_cli_run/model.bin --qa /tmp/test_cli_ask.jsonl --ask rag").code == 2);
}

TEST_CASE("cli: encode prints GPT-2 ids one per line") {
    write_file_atomic("/tmp/test_cli_hello.txt", "Hello world");
    RunResult r = run("./train encode --tokenizer gpt2 /tmp/test_cli_hello.txt");
    CHECK(r.code == 0);
    CHECK(r.out == "15496\n995\n");
}

TEST_CASE("cli: errors are one line on stderr with exit 2 (usage) or 1 (runtime)") {
    struct Case { std::string cmd; int code; std::string needle; };
    write_file_atomic("/tmp/test_cli_badmagic.bin", std::string(2048, 'x'));
    write_file_atomic("/tmp/test_cli_bad.jsonl", "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": 0}\n{not json}\n");
    std::vector<Case> cases = {
        {"./train bogus", 2, "unknown subcommand"},
        {"./train pretrain --no-such-flag 3", 2, "unknown flag --no-such-flag"},
        {"./train pretrain --steps -4", 2, "--steps must be in"},
        {"./train pretrain --lr abc", 2, "expects a number"},
        {"./train pretrain --width 30 --heads 4", 2, "divisible"},
        {"./train sample", 2, "needs --ckpt"},
        {"./train sample --ckpt /tmp/does_not_exist.bin", 1, "does not exist"},
        {"./train sample --ckpt /tmp/test_cli_badmagic.bin", 1, "not a model checkpoint"},
        {"./train eval --ckpt /tmp/test_cli_run/model.bin", 2, "exactly one of"},
        {"./train eval --ckpt /tmp/test_cli_run/model.bin --qa /tmp/test_cli_bad.jsonl", 1, "test_cli_bad.jsonl:2"},
        {"./train encode --tokenizer gpt2", 2, "needs a FILE"},
        {"./train encode --tokenizer nope.bin /tmp/test_cli_hello.txt", 2, "--tokenizer must be"},
        {"./train pretrain --data /tmp/no_such_data_dir", 1, "no train.bin"},
    };
    for (auto& c : cases) {
        RunResult r = run(c.cmd);
        INFO(c.cmd << " -> " << r.code << ": " << r.err);
        CHECK(r.code == c.code);
        CHECK(count_lines(r.err) == 1);
        CHECK(r.err.rfind("error: ", 0) == 0);
        CHECK(r.err.find(c.needle) != std::string::npos);
    }
}

TEST_CASE("cli: --help lists every subcommand") {
    RunResult r = run("./train --help");
    CHECK(r.code == 0);
    for (const char* s : {"pretrain", "prepare", "sample", "eval", "encode", "bench", "capacity", "chat"}) CHECK(r.out.find(std::string("  ") + s) != std::string::npos);
}

#include "eval/eval.h"
#include "llmc/dataloader.h"
#include "llmc/model.h"

// values rows of block l's memory that differ between two checkpoints
static int changed_rows(GPT2<float>& a, GPT2<float>& b, int l) {
    const float *va = a.p.mem[l].values, *vb = b.p.mem[l].values;
    int n = 0, C = a.cfg.C;
    for (size_t r = 0; r < a.cfg.mem.N(); r++)
        n += memcmp(va + r * C, vb + r * C, C * sizeof(float)) != 0;
    return n;
}

TEST_CASE("cli: inject in every mode; frozen weights come out bit-identical; sparse touches <= top-t slots per step; each mode resumes exactly") {
    std::string d = tiny_data();
    if (!file_exists("/tmp/test_cli_run/model.bin")) run("./train pretrain --data " + d + " --out /tmp/test_cli_run --steps 12" + TINY);
    system("rm -rf /tmp/test_cli_doc && mkdir -p /tmp/test_cli_doc && cp /tmp/test_cli_data/val.bin /tmp/test_cli_doc/train.bin");
    GPT2<float> base;
    base.load("/tmp/test_cli_run/model.bin");
    const std::string common = " --init-ckpt /tmp/test_cli_run/model.bin --data /tmp/test_cli_doc --steps 4 --batch 4 --threads 1 --val-every 0 --sample-tokens 0"
                               " --mem-layers 1 --mem-keys 8 --mem-topk 2 --mem-heads 2 --mem-dk 8 --df-data " + d + " --df-batches 4";
    for (std::string mode : {"memory-sparse", "memory", "lora", "full", "memory-keys"}) {
        std::string out = "/tmp/test_cli_inj_" + mode, cut = out + "_resumed";
        system(("rm -rf " + out + " " + cut).c_str());
        std::string args = " --train " + mode + common + (mode == "lora" ? " --lora-rank 2" : "") + (mode == "memory-sparse" ? " --topt 3" : "");
        RunResult r = run("./train inject --out " + out + args);
        INFO(mode << ": " << r.err);
        REQUIRE(r.code == 0);
        // stopped after 2 of the 4 steps and resumed: the same weights, bit for bit
        REQUIRE(run("./train inject --out " + cut + args + " --stop-after 2").code == 0);
        RunResult rr = run("./train inject --out " + cut + args + " --resume");
        INFO(rr.err);
        CHECK(rr.code == 0);
        CHECK(read_file_if(cut + "/model.bin") == read_file_if(out + "/model.bin"));
        CHECK(losses_of(cut + "/log.jsonl") == losses_of(out + "/log.jsonl"));
        GPT2<float> after;
        after.load(out + "/model.bin");
        size_t frozen_same = 0, base_tensors_changed = 0;
        for (size_t i = 0; i < base.specs.size(); i++) {
            bool same = memcmp(base.params.data() + base.offset[i], after.tensor(base.specs[i].name), base.specs[i].size * sizeof(float)) == 0;
            frozen_same += same;
            base_tensors_changed += !same;
        }
        if (mode == "full") {
            CHECK(base_tensors_changed > 0);
        } else {
            CHECK(frozen_same == base.specs.size());  // every base tensor bit-identical
            CHECK(r.out.find("bit-identical") != std::string::npos);
        }
        if (mode == "memory-sparse") {
            GPT2<float> zero;  // the attach state: zero values
            zero.load(out + "/model.bin");
            std::fill(zero.p.mem[1].values, zero.p.mem[1].values + zero.cfg.mem.N() * zero.cfg.C, 0.f);
            int changed = changed_rows(after, zero, 1);
            CHECK(changed > 0);
            CHECK(changed <= 3 * 4);  // top-t = 3 slots per step, 4 steps
            CHECK(file_exists(out + "/df.bin"));
        }
        if (mode == "memory") {
            GPT2<float> zero;
            zero.load(out + "/model.bin");
            std::fill(zero.p.mem[1].values, zero.p.mem[1].values + zero.cfg.mem.N() * zero.cfg.C, 0.f);
            CHECK(changed_rows(after, zero, 1) > 3 * 4);  // dense: every touched slot moves
        }
        if (mode == "memory-keys") {  // the keys and the query projection train (memory mode's are the attach state)
            GPT2<float> mem;
            mem.load("/tmp/test_cli_inj_memory/model.bin");
            for (const char* name : {"block1.mem_keys", "block1.mem_wq"}) {
                INFO(name);
                size_t n = 0;
                for (auto& sp : after.specs) if (sp.name == name) n = sp.size;
                REQUIRE(n > 0);
                CHECK(memcmp(after.tensor(name), mem.tensor(name), 4 * n) != 0);
            }
        }
    }
}

TEST_CASE("cli: memory-sparse reuses a df.bin only when it was counted for this model, memory and background") {
    std::string d = tiny_data();
    if (!file_exists("/tmp/test_cli_run/model.bin")) run("./train pretrain --data " + d + " --out /tmp/test_cli_run --steps 12" + TINY);
    const std::string o = "/tmp/test_cli_df";
    system(("rm -rf " + o + " && mkdir -p " + o + "/doc " + o + "/c && cp /tmp/test_cli_data/val.bin " + o + "/doc/train.bin").c_str());
    const std::string common = " --train memory-sparse --data " + o + "/doc --steps 2 --batch 4 --threads 1 --val-every 0 --sample-tokens 0"
                               " --mem-keys 8 --mem-topk 2 --mem-heads 2 --mem-dk 8 --topt 3 --df-data " + d;
    const std::string counting = "computing slot document frequencies";
    RunResult a = run("./train inject --init-ckpt /tmp/test_cli_run/model.bin --out " + o + "/a --mem-layers 1 --df-batches 4" + common);
    REQUIRE_MESSAGE(a.code == 0, a.err);
    CHECK(a.out.find(counting) != std::string::npos);
    // a second write into a's memory: the same keys, base and background, so a's counts hold
    RunResult b = run("./train inject --init-ckpt " + o + "/a/model.bin --out " + o + "/b --mem-layers 1 --df-batches 4" + common);
    REQUIRE_MESSAGE(b.code == 0, b.err);
    CHECK(b.out.find(counting) == std::string::npos);
    CHECK(read_file(o + "/b/df.bin") == read_file(o + "/a/df.bin"));
    // counted over another number of batches: counted again
    RunResult b3 = run("./train inject --init-ckpt " + o + "/a/model.bin --out " + o + "/b3 --mem-layers 1 --df-batches 3" + common);
    REQUIRE_MESSAGE(b3.code == 0, b3.err);
    CHECK(b3.out.find(counting) != std::string::npos);
    // a df.bin left in OUT by a memory in block 1 is not taken for a memory in block 0 (same shape:
    // one table per block), which it would rank by counts alone, its block-0 table being all zero
    write_file_atomic(o + "/c/df.bin", read_file(o + "/a/df.bin"));
    RunResult c = run("./train inject --init-ckpt /tmp/test_cli_run/model.bin --out " + o + "/c --mem-layers 0 --df-batches 4" + common);
    REQUIRE_MESSAGE(c.code == 0, c.err);
    CHECK(c.out.find(counting) != std::string::npos);
    const std::string df = read_file(o + "/c/df.bin");
    REQUIRE(df.size() == 1024 + 2 * 64 * 4);
    CHECK(df.find_first_not_of('\0', 1024) < 1024 + 64 * 4);  // block 0's table has counts
}

TEST_CASE("cli: --mem-whiten rewrites the attached memory's query only, and only when the run attaches it") {
    std::string d = tiny_data();
    if (!file_exists("/tmp/test_cli_run/model.bin")) run("./train pretrain --data " + d + " --out /tmp/test_cli_run --steps 12" + TINY);
    const std::string o = "/tmp/test_cli_whiten";
    system(("rm -rf " + o + " && mkdir -p " + o + "/doc && cp /tmp/test_cli_data/val.bin " + o + "/doc/train.bin").c_str());
    // --lr 0: the checkpoint holds the model as attached (the values stay zero, the query is frozen)
    const std::string common = " --train memory-sparse --data " + o + "/doc --steps 1 --lr 0 --batch 4 --threads 1 --val-every 0 --sample-tokens 0"
                               " --mem-layers 1 --mem-keys 8 --mem-topk 2 --mem-heads 2 --mem-dk 8 --topt 3 --df-batches 4 --df-data " + d;
    const std::string base = " --init-ckpt /tmp/test_cli_run/model.bin";
    RunResult plain = run("./train inject --out " + o + "/plain" + base + common), wh = run("./train inject --out " + o + "/wh --mem-whiten" + base + common);
    REQUIRE_MESSAGE(plain.code == 0, plain.err);
    REQUIRE_MESSAGE(wh.code == 0, wh.err);
    CHECK(wh.out.find("memory: block 1's query whitened over 512 tokens") != std::string::npos);  // 4 batches of 4 x 32
    GPT2<float> a, b;
    a.load(o + "/plain/model.bin");
    b.load(o + "/wh/model.bin");
    REQUIRE(a.specs.size() == b.specs.size());
    for (size_t i = 0; i < a.specs.size(); i++) {
        INFO(a.specs[i].name);
        bool same = memcmp(a.params.data() + a.offset[i], b.params.data() + b.offset[i], 4 * a.specs[i].size) == 0;
        bool query = a.specs[i].name == "block1.mem_wq" || a.specs[i].name == "block1.mem_bq";
        CHECK(same == !query);
    }
    RunResult again = run("./train inject --out " + o + "/again --mem-whiten --init-ckpt " + o + "/wh/model.bin" + common);
    CHECK(again.code == 2);
    CHECK(again.err.find("--mem-whiten: the memory is whitened when a run attaches it") != std::string::npos);
}

TEST_CASE("cli: 3m --pages trains on, retrieves from and asks about those pages only; --arms picks arms") {
    std::string d = tiny_data();
    system("rm -rf /tmp/test_cli_3m_pages");
    // qa_pages.jsonl: two questions with evidence on page 3 (the income statement), one on page 1
    std::string cmd = "./train 3m --size tiny --general-data " + d +
                      " --doc tests/fixtures/synth/mini_10k_layout.txt --qa tests/fixtures/qa_pages.jsonl --qa-heldout tests/fixtures/qa_pages.jsonl --threads 1";
    RunResult r = run(cmd + " --out /tmp/test_cli_3m_pages --pages 2-4 --arms synth-memory-sparse");
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(file_exists("/tmp/test_cli_3m_pages/synth-memory-sparse/model.bin"));
    CHECK_FALSE(file_exists("/tmp/test_cli_3m_pages/naive/model.bin"));
    Json j; std::string err;
    REQUIRE(json_parse(read_file_if("/tmp/test_cli_3m_pages/results.json"), j, err));
    CHECK(j.get("pages")->str == "2-4");
    REQUIRE(j.get("arms")->arr.size() == 4);  // base, rag, oracle, synth-memory-sparse
    for (auto& a : j.get("arms")->arr) {
        CHECK(a.get("qa_n")->num == 2);
        CHECK(a.get("qa_heldout_n")->num == 2);
        CHECK(a.get("outside_qa_n")->num == 1);
    }
    // the doc's tokens are those of pages 2-4 only: fewer than the whole body's
    std::string md = read_file_if("/tmp/test_cli_3m_pages/report.md");
    CHECK(md.find("pages 2-4") != std::string::npos);
    std::string synth = read_file_if("/tmp/test_cli_3m_pages/synth/done.txt");
    CHECK(synth.find("--pages 2-4") != std::string::npos);
    // another thread count is the same stage: nothing trains again
    std::string cmd2 = cmd.substr(0, cmd.rfind("--threads 1")) + "--threads 2";
    RunResult same = run(cmd2 + " --out /tmp/test_cli_3m_pages --pages 2-4 --arms synth-memory-sparse");
    CHECK(same.code == 0);
    CHECK(same.out.find("$ ./train inject") == std::string::npos);
    system("rm -rf /tmp/test_cli_3m_pages_bad");
    RunResult past = run(cmd + " --pages 5-9 --out /tmp/test_cli_3m_pages_bad");
    CHECK(past.code == 2);
    CHECK(past.err.find("has 5 pages") != std::string::npos);
    CHECK_FALSE(file_exists("/tmp/test_cli_3m_pages_bad/base/model.bin"));  // refused before any stage runs
    RunResult arm = run(cmd + " --arms synth-memory,nope --out /tmp/test_cli_3m_pages_bad");
    CHECK(arm.code == 2);
    CHECK(arm.err.find("unknown arm 'nope'") != std::string::npos);
}

TEST_CASE("cli: the 3m pipeline, tiny: every arm's checkpoint, results.json, report.md and plots") {
    std::string d = tiny_data();
    system("rm -rf /tmp/test_cli_3m");
    RunResult r = run("./train 3m --size tiny --out /tmp/test_cli_3m --general-data " + d +
                      " --doc tests/fixtures/synth/mini_10k_layout.txt --qa tests/fixtures/qa_tiny.jsonl --qa-heldout tests/fixtures/qa_tiny_heldout.jsonl --threads 1");
    INFO(r.err);
    REQUIRE(r.code == 0);
    for (std::string arm : {"base", "naive", "synth-full", "synth-lora", "synth-memory", "synth-memory-sparse"}) {
        INFO(arm);
        RunResult e = run("./train eval --threads 1 --ckpt /tmp/test_cli_3m/" + arm + "/model.bin --qa tests/fixtures/qa_tiny.jsonl");
        CHECK(e.code == 0);
    }
    Json j; std::string err;
    REQUIRE(json_parse(read_file_if("/tmp/test_cli_3m/results.json"), j, err));
    REQUIRE(j.get("arms"));
    REQUIRE(j.get("arms")->arr.size() == 8);  // base, rag, oracle and the five trained arms
    for (auto& arm : j.get("arms")->arr) {
        INFO(arm.get("arm")->str);
        CHECK(arm.get("qa_n")->num == 2);  // --qa and --qa-heldout each asked from their own file
        CHECK(arm.get("qa_heldout_n")->num == 3);
        double p = arm.get("qa_heldout_accuracy")->num, n = arm.get("qa_heldout_n")->num;
        CHECK(arm.get("qa_heldout_stderr")->num == doctest::Approx(std::sqrt(p * (1 - p) / n)));
        CHECK(arm.get("qa_heldout_above_control")->num == doctest::Approx(p - arm.get("qa_heldout_control")->num));
        CHECK(arm.get("general_qa_n")->num > 100);  // data/general_qa/general_qa.jsonl
        CHECK(arm.get("forgetting"));
        CHECK(arm.get("samples")->obj.size() == (arm.get("arm")->str == "oracle" ? 0u : 4u));  // the oracle has no passage for a free prompt
        CHECK(arm.get("flops_per_question")->num > 0);  // the ledger
        CHECK(arm.get("prompt_tokens_per_question")->num > 0);
        CHECK(arm.get("total_flops_q100000")->num == doctest::Approx(arm.get("train_flops")->num + 1e5 * arm.get("flops_per_question")->num));
        CHECK(arm.get("bytes_stored"));
        // paired against the base on the same items: the mean difference is the difference of means
        double p0 = j.get("arms")->arr[0].get("qa_heldout_accuracy")->num, s0 = j.get("arms")->arr[0].get("qa_heldout_soft_accuracy")->num;
        CHECK(arm.get("qa_heldout_vs_base")->get("diff")->num == doctest::Approx(p - p0));
        CHECK(arm.get("qa_heldout_soft_vs_base")->get("diff")->num == doctest::Approx(arm.get("qa_heldout_soft_accuracy")->num - s0));
        CHECK(arm.get("qa_heldout_vs_naive"));
        // the cache keeps each item: its right-or-wrong sums to the count, its soft scores to the mean
        Json m;
        REQUIRE(json_parse(read_file_if("/tmp/test_cli_3m/measured/" + arm.get("arm")->str + ".json"), m, err));
        double right = 0, soft = 0;
        for (auto& x : m.get("held")->get("right")->arr) right += x.num;
        for (auto& x : m.get("held")->get("p_right")->arr) soft += x.num;
        CHECK(right == m.get("held")->get("correct")->num);
        CHECK(soft / n == doctest::Approx(arm.get("qa_heldout_soft_accuracy")->num));
    }
    CHECK(j.get("arms")->arr[0].get("qa_heldout_soft_vs_base")->get("stderr")->num == 0);
    const Json& base = j.get("arms")->arr[0], &rag = j.get("arms")->arr[1], &oracle = j.get("arms")->arr[2], &full = j.get("arms")->arr[4];
    CHECK(rag.get("arm")->str == "rag");
    CHECK(oracle.get("arm")->str == "oracle");
    CHECK(oracle.get("general_loss")->num == base.get("general_loss")->num);  // the base, reading
    CHECK(oracle.get("general_qa_accuracy")->num == base.get("general_qa_accuracy")->num);
    CHECK(oracle.get("prompt_tokens_per_question")->num > base.get("prompt_tokens_per_question")->num);  // the evidence passage
    CHECK(rag.get("train_flops")->num == 0);
    CHECK(rag.get("general_loss")->num == base.get("general_loss")->num);  // no weight changes
    CHECK(rag.get("retrieval_hit_rate")->num >= 0);
    CHECK(rag.get("prompt_tokens_per_question")->num > base.get("prompt_tokens_per_question")->num);  // retrieved text
    CHECK(rag.get("bytes_stored")->num > 0);
    CHECK(full.get("train_flops")->num > 0);
    CHECK(full.get("bytes_stored")->num == 4 * full.get("trainable_params")->num);
    REQUIRE(j.get("capacity"));
    CHECK(j.get("capacity")->get("regions")->arr.size() == 3);
    std::string md = read_file_if("/tmp/test_cli_3m/report.md");
    CHECK(md.find("| synth-memory-sparse |") != std::string::npos);
    CHECK(md.find("| rag |") != std::string::npos);
    CHECK(md.find("## Cost ledger") != std::string::npos);
    CHECK(md.find("Paired on the same questions") != std::string::npos);
    CHECK(md.find("## Capacity plan") != std::string::npos);
    CHECK(md.find("Write a poem about 3M") != std::string::npos);
    for (std::string png : {"qa_vs_forgetting", "loss_curves", "cost_vs_questions", "qa_vs_cost"})
        CHECK(read_file_if("/tmp/test_cli_3m/" + png + ".png").substr(1, 3) == "PNG");
    // a second run finds every stage current and trains nothing
    std::string first = read_file_if("/tmp/test_cli_3m/results.json");
    RunResult again = run("./train 3m --size tiny --out /tmp/test_cli_3m --general-data " + d +
                          " --doc tests/fixtures/synth/mini_10k_layout.txt --qa tests/fixtures/qa_tiny.jsonl --qa-heldout tests/fixtures/qa_tiny_heldout.jsonl --threads 1");
    CHECK(again.code == 0);
    CHECK(again.out.find("$ ./train inject") == std::string::npos);
    // the scores come from OUT/measured/*.json, exactly: results.json differs only in wall times
    size_t current = 0;
    for (size_t p = 0; (p = again.out.find("scores are current", p)) != std::string::npos; p++) current++;
    CHECK(current == 8);
    Json j1, j2;
    REQUIRE(json_parse(first, j1, err));
    REQUIRE(json_parse(read_file_if("/tmp/test_cli_3m/results.json"), j2, err));
    REQUIRE(j1.get("arms")->arr.size() == j2.get("arms")->arr.size());
    for (size_t i = 0; i < j1.get("arms")->arr.size(); i++)
        for (auto& kv : j1.get("arms")->arr[i].obj)
            if (kv.first != "wall_s" && kv.first != "upfront_wall_s" && kv.first != "seconds_per_question" && kv.first.compare(0, 11, "total_flops") != 0) {
                INFO(kv.first);
                CHECK(json_dump(kv.second) == json_dump(*j2.get("arms")->arr[i].get(kv.first)));
            }
    // a changed question file is asked again
    system("cp tests/fixtures/qa_tiny.jsonl /tmp/test_cli_qa_copy.jsonl");
    RunResult other = run("./train 3m --size tiny --out /tmp/test_cli_3m --general-data " + d +
                          " --doc tests/fixtures/synth/mini_10k_layout.txt --qa /tmp/test_cli_qa_copy.jsonl --qa-heldout tests/fixtures/qa_tiny_heldout.jsonl --threads 1");
    CHECK(other.code == 0);
    CHECK(other.out.find("scores are current") == std::string::npos);
}

TEST_CASE("cli: merge folds LoRA in (same loss); memory shows slots and checkpoint differences") {
    if (!file_exists("/tmp/test_cli_inj_lora/model.bin")) { skip_test("needs the inject test's checkpoints (run the whole suite)"); return; }
    RunResult m = run("./train merge --ckpt /tmp/test_cli_inj_lora/model.bin --out /tmp/test_cli_merged/model.bin");
    REQUIRE(m.code == 0);
    Json a, b; std::string err;
    RunResult ea = run("./train eval --threads 1 --ckpt /tmp/test_cli_inj_lora/model.bin --text tests/fixtures/corpus/emma_head.txt");
    RunResult eb = run("./train eval --threads 1 --ckpt /tmp/test_cli_merged/model.bin --text tests/fixtures/corpus/emma_head.txt");
    REQUIRE(json_parse(last_line(ea.out), a, err));
    REQUIRE(json_parse(last_line(eb.out), b, err));
    CHECK(std::fabs(a.get("loss")->num - b.get("loss")->num) < 1e-4);
    GPT2<float> merged;
    merged.load("/tmp/test_cli_merged/model.bin");
    CHECK(merged.cfg.lora_rank == 0);
    RunResult mm = run("./train memory --threads 1 --ckpt /tmp/test_cli_inj_memory-sparse/model.bin --text 'Emma Woodhouse' --diff /tmp/test_cli_inj_memory/model.bin");
    CHECK(mm.code == 0);
    CHECK(mm.out.find("value rows differ") != std::string::npos);
    CHECK(mm.out.find("slot") != std::string::npos);
    RunResult none = run("./train memory --ckpt /tmp/test_cli_run/model.bin");
    CHECK(none.code == 1);
    CHECK(none.err.find("has no memory layer") != std::string::npos);
}

// step -> field of a run's log lines that have it
static std::map<int, double> log_field(const std::string& log, const char* key) {
    std::map<int, double> v;
    std::string text = read_file_if(log);
    for (size_t p = 0; p < text.size();) {
        size_t e = text.find('\n', p);
        if (e == std::string::npos) e = text.size();
        Json j; std::string err;
        if (json_parse(text.substr(p, e - p), j, err) && j.get("step") && j.get(key)) v[(int)j.get("step")->num] = j.get(key)->num;
        p = e + 1;
    }
    return v;
}

TEST_CASE("cli: --lr, --warmup and --min-lr-frac give the logged rates; --wd and --clip change the update; --val-every and its loss; --recompute; --mem-gated") {
    std::string d = tiny_data(), o = "/tmp/test_cli_opt";
    system(("rm -rf " + o).c_str());
    const std::string tiny = " --depth 2 --width 32 --heads 2 --context 32 --batch 4 --threads 1 --val-batches 2 --sample-tokens 0 --steps 8 --data " + d;
    auto train = [&](const std::string& name, const std::string& flags) {
        RunResult r = run("./train pretrain --out " + o + "/" + name + tiny + flags);
        INFO(r.err);
        REQUIRE(r.code == 0);
        return o + "/" + name;
    };
    std::string a = train("a", " --lr 0.01 --warmup 3 --min-lr-frac 0.25 --val-every 4");
    std::map<int, double> lr = log_field(a + "/log.jsonl", "lr");
    REQUIRE(lr.size() == 8);
    for (auto& [s, x] : lr) CHECK(x == doctest::Approx(lr_schedule(s - 1, 8, 3, 0.01, 0.25)).epsilon(1e-5));  // logged with 6 digits
    CHECK(lr[1] == doctest::Approx(0.01 / 3).epsilon(1e-5));
    CHECK(lr[8] < lr[4]);
    CHECK(lr[8] > 0.01 * 0.25);  // the floor is reached at the end of the schedule, after step 8's update
    // validation before training and every 4 steps
    std::map<int, double> val = log_field(a + "/log.jsonl", "val_loss");
    CHECK(val.size() == 3);
    CHECK(val.count(0) == 1);
    CHECK(val.count(4) == 1);
    CHECK(val.count(8) == 1);
    {  // its value: the final model's mean loss over the first --val-batches windows of val.bin
        GPT2<float> m;
        m.load(a + "/model.bin");
        std::vector<int> v = read_shard(d + "/val.bin", m.cfg.V);
        CHECK(eval_loss(m, v, 4, 32, 2) == doctest::Approx(val[8]).epsilon(1e-5));
    }
    // --recompute changes memory, not arithmetic: the same run bit for bit
    std::string rec = train("recompute", " --lr 0.01 --warmup 3 --min-lr-frac 0.25 --val-every 4 --recompute");
    CHECK(read_file_if(rec + "/model.bin") == read_file_if(a + "/model.bin"));
    CHECK(log_field(rec + "/log.jsonl", "loss") == log_field(a + "/log.jsonl", "loss"));
    // weight decay and clipping: the same first loss and gradient norm (before any update), other weights after
    std::string nowd = train("nowd", " --lr 0.01 --warmup 3 --min-lr-frac 0.25 --val-every 4 --wd 0");
    std::string clip = train("clip", " --lr 0.01 --warmup 3 --min-lr-frac 0.25 --val-every 4 --clip 0.01");
    std::string same = train("same", " --lr 0.01 --warmup 3 --min-lr-frac 0.25 --val-every 4");
    for (const std::string& r : {nowd, clip}) {
        INFO(r);
        CHECK(log_field(r + "/log.jsonl", "loss")[1] == log_field(a + "/log.jsonl", "loss")[1]);
        CHECK(log_field(r + "/log.jsonl", "norm")[1] == log_field(a + "/log.jsonl", "norm")[1]);
        CHECK(read_file_if(r + "/model.bin") != read_file_if(a + "/model.bin"));
    }
    CHECK(read_file_if(same + "/model.bin") == read_file_if(a + "/model.bin"));  // so the differences are the flags'
    // clipping to 0.01 of a norm near 1 slows learning: a higher loss after 8 steps
    CHECK(log_field(clip + "/log.jsonl", "loss")[8] > log_field(a + "/log.jsonl", "loss")[8]);
    // --mem-gated from the command line: a gated memory layer, trained
    RunResult g = run("./train inject --init-ckpt " + a + "/model.bin --data " + d + " --out " + o + "/gated --train memory --mem-layers 1 --mem-keys 8 --mem-topk 2 --mem-gated --steps 3 --batch 4 --threads 1 --val-every 0 --sample-tokens 0");
    INFO(g.err);
    REQUIRE(g.code == 0);
    GPT2<float> m;
    m.load(o + "/gated/model.bin");
    CHECK(m.cfg.mem.gated);
    CHECK(m.cfg.mem_layers == 2u);
    system(("rm -rf " + o).c_str());
}
