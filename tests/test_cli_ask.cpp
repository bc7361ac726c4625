// test_cli_ask.cpp: `./train chat` (questions piped through stdin, with and without --rag) and
// `./train capacity` on a tiny checkpoint of their own, end to end, and their error lines.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <cmath>
#include <string>
#include "eval/capacity.h"
#include "llmc/json.h"
#include "llmc/utils.h"

struct AskRun { int code; std::string out, err; };

static AskRun ask(const std::string& cmd) {
    std::string o = "/tmp/test_ask_out.txt", e = "/tmp/test_ask_err.txt";
    int st = system((cmd + " >" + o + " 2>" + e).c_str());
    return {WIFEXITED(st) ? WEXITSTATUS(st) : 128, read_file_if(o), read_file_if(e)};
}

static std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> v;
    for (size_t p = 0; p < s.size();) {
        size_t e = s.find('\n', p);
        if (e == std::string::npos) e = s.size();
        v.push_back(s.substr(p, e - p));
        p = e + 1;
    }
    return v;
}

// a tiny model pretrained for a few steps on the fixture corpus (width 32, context 32)
static const std::string& ask_ckpt() {
    static std::string ckpt;
    if (ckpt.empty()) {
        system("rm -rf /tmp/test_ask_data /tmp/test_ask_run");
        REQUIRE(ask("./train prepare --corpus tests/fixtures/corpus --data /tmp/test_ask_data --vocab 300 --threads 1").code == 0);
        REQUIRE(ask("./train pretrain --data /tmp/test_ask_data --out /tmp/test_ask_run --steps 6 --depth 2 --width 32 --heads 2 --context 32"
                    " --batch 4 --threads 1 --val-every 0 --sample-tokens 0").code == 0);
        ckpt = "/tmp/test_ask_run/model.bin";
    }
    return ckpt;
}

TEST_CASE("cli: chat answers one line per question piped through stdin, with and without --rag") {
    std::string ck = ask_ckpt();
    const std::string questions = "printf 'Who is the heroine?\\nWhat is her governess called?\\n\\n  Where does Emma live?  \\n' | ";
    AskRun a = ask(questions + "./train chat --threads 1 --max-tokens 6 --ckpt " + ck);
    INFO(a.err);
    REQUIRE(a.code == 0);
    CHECK(lines_of(a.out).size() == 3);                 // the blank line asks nothing
    CHECK(a.out.find("> ") == std::string::npos);       // no prompt when stdin is not a terminal
    AskRun again = ask(questions + "./train chat --threads 1 --max-tokens 6 --ckpt " + ck);
    CHECK(again.out == a.out);                          // greedy: the same answers
    AskRun r = ask(questions + "./train chat --threads 1 --max-tokens 6 --ckpt " + ck + " --rag tests/fixtures/corpus/emma_head.txt");
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(lines_of(r.out).size() == 3);
    AskRun t = ask("printf 'Who is Emma?' | ./train chat --threads 1 --max-tokens 4 --temperature 0.9 --seed 7 --ckpt " + ck);
    CHECK(t.code == 0);
    CHECK(lines_of(t.out).size() == 1);                 // a last line without a newline is a question too
    CHECK(ask("printf '' | ./train chat --threads 1 --ckpt " + ck).out.empty());
}

TEST_CASE("cli: capacity prints the document's bits, each region's capacity and what would fit") {
    std::string ck = ask_ckpt();
    AskRun c = ask("./train capacity --threads 1 --ckpt " + ck + " --doc tests/fixtures/corpus/emma_head.txt --memory-slots 64 --lora-rank 2");
    INFO(c.err);
    REQUIRE(c.code == 0);
    std::vector<std::string> ls = lines_of(c.out);
    Json j; std::string err;
    REQUIRE(json_parse(ls.back(), j, err));
    // the bits are eval's mean loss (nats) times its tokens, over ln 2
    AskRun e = ask("./train eval --threads 1 --ckpt " + ck + " --text tests/fixtures/corpus/emma_head.txt");
    Json k;
    REQUIRE(json_parse(lines_of(e.out).back(), k, err));
    CHECK(j.get("doc_tokens")->num == k.get("tokens")->num);
    CHECK(j.get("doc_bits")->num == doctest::Approx(k.get("loss")->num * k.get("tokens")->num / std::log(2.0)).epsilon(1e-5));
    auto& r = j.get("regions")->arr;
    REQUIRE(r.size() == 3);
    CHECK(r[0].get("params")->num == 64 * 32);
    CHECK(r[1].get("params")->num == lora_params(2, 32, 2));
    double bits = j.get("doc_bits")->num;
    CHECK(r[0].get("fits_at_2")->b == (64 * 32 * 2.0 >= bits));
    long slots = (long)j.get("memory_slots_needed_at_2")->num, keys = std::lround(std::sqrt((double)slots));
    CHECK(keys * keys == slots);
    CHECK(slots * 32 * 2.0 >= bits);
    CHECK(c.out.find("| the whole model |") != std::string::npos);
}

TEST_CASE("cli: chat and capacity errors are one line with exit 2 (usage) or 1 (runtime)") {
    std::string ck = ask_ckpt();
    struct Case { std::string cmd; int code; std::string needle; };
    std::vector<Case> cases = {
        {"./train chat", 2, "chat needs --ckpt"},
        {"./train chat --ckpt " + ck + " --bogus 1", 2, "unknown flag --bogus"},
        {"./train chat --ckpt " + ck + " --temperature -1", 2, "--temperature must be in"},
        {"./train chat --ckpt /tmp/no_such_model.bin", 1, "does not exist"},
        {"./train chat --ckpt " + ck + " --rag /tmp/no_such_doc.txt", 1, "no_such_doc.txt does not exist"},
        {"./train capacity --ckpt " + ck, 2, "capacity needs --ckpt BASE and --doc FILE"},
        {"./train capacity --ckpt " + ck + " --doc tests/fixtures/corpus/emma_head.txt --memory-slots 1000", 2, "square"},
        {"./train capacity --ckpt " + ck + " --doc /tmp/no_such_doc.txt", 1, "does not exist"},
        {"./train capacity --ckpt " + ck + " --doc tests/fixtures/corpus/emma_head.txt --lora-rank 0", 2, "--lora-rank must be in"},
    };
    for (auto& c : cases) {
        AskRun r = ask("echo q | " + c.cmd);
        INFO(c.cmd << " -> " << r.code << ": " << r.err);
        CHECK(r.code == c.code);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.err.rfind("error: ", 0) == 0);
        CHECK(r.err.find(c.needle) != std::string::npos);
    }
}
