// test_ledger.cpp: the memory as a file system (llmc/memory_ledger.h) through ./train on a tiny
// model: two documents written in sequence with --doc-name, listed by `memory --docs`; erasing the
// only document gives the base's outputs bit for bit; erasing the first of two restores the rows it
// alone wrote, leaves the second's rows as they were and keeps the second's delta on shared rows;
// with --mem-exclusive the second writes none of the first's rows. The slot map's PNG. inject
// --mem-quiet-digits reaches the model, and dev/digit_loss counts and scores as the model does.
// Run: make test (or tests/run_tests -tc="ledger*").
#include <doctest/doctest.h>
#include <cmath>
#include <cstring>
#include <set>
#include <sstream>
#include "llmc/dataloader.h"
#include "llmc/memory_ledger.h"
#include "llmc/model.h"
#include "llmc/tokenizer.h"
#include "test_util.h"

// logits of a fixed token sequence (B=1)
static std::vector<float> logits_of(GPT2<float>& m, const std::vector<int>& ids) {
    m.forward(ids.data(), nullptr, 1, (int)ids.size());
    std::vector<float> out;
    for (int t = 0; t < (int)ids.size(); t++) out.insert(out.end(), m.logits_at(0, t), m.logits_at(0, t) + m.cfg.V);
    return out;
}

TEST_CASE("ledger: write two documents, list them, erase the only one exactly and one of two") {
    const std::string dir = "/tmp/test_ledger_" + std::to_string(getpid());
    std::string out;
    REQUIRE(sh_out("rm -rf " + dir + " && mkdir -p " + dir) == 0);
    const std::string tiny = " --depth 2 --width 32 --heads 2 --context 32 --batch 4 --threads 1 --val-every 0 --sample-tokens 0";
    const std::string mem = " --mem-layers 1 --mem-keys 16 --mem-topk 2 --mem-heads 2 --mem-dk 8 --topt 4 --df-batches 2 --df-data " + dir + "/d";
    REQUIRE(sh_out("./train prepare --corpus tests/fixtures/corpus --data " + dir + "/d --vocab 300 --threads 1") == 0);
    REQUIRE(sh_out("./train pretrain --data " + dir + "/d --out " + dir + "/base --steps 3" + tiny) == 0);
    // document A into a fresh memory, then document B into A's
    REQUIRE_MESSAGE(sh_out("./train inject --init-ckpt " + dir + "/base/model.bin --data " + dir + "/d --out " + dir + "/A --steps 4 --doc-name A" + mem + tiny, &out) == 0, out);
    CHECK(out.find("ledger: document A wrote ") != std::string::npos);
    REQUIRE_MESSAGE(sh_out("./train inject --init-ckpt " + dir + "/A/model.bin --data " + dir + "/d --out " + dir + "/B --steps 4 --seed 7 --doc-name B" + mem + tiny, &out) == 0, out);
    GPT2<float> base, a, b;
    base.load(dir + "/base/model.bin");
    a.load(dir + "/A/model.bin");
    b.load(dir + "/B/model.bin");
    const int C = a.cfg.C;
    Ledger la = Ledger::load_beside(dir + "/A/model.bin", a.cfg), lb = Ledger::load_beside(dir + "/B/model.bin", a.cfg);
    REQUIRE(la.docs.size() == 1);
    REQUIRE(lb.docs.size() == 2);
    const LedgerDoc &da = lb.docs[0], &db = lb.docs[1];
    CHECK(da.name == "A");
    CHECK(db.name == "B");
    CHECK(da.tokens == 4 * 4 * 32);
    // A's entry is what A's run changed: its rows are A's non-zero rows, its deltas their values
    size_t nonzero = 0;
    for (size_t r = 0; r < a.cfg.mem.N(); r++) {
        bool nz = false;
        for (int c = 0; c < C; c++) nz |= a.p.mem[1].values[r * C + c] != 0.0f;
        nonzero += nz;
    }
    REQUIRE(da.rows() > 0);
    CHECK(da.rows() == nonzero);
    CHECK(da.delta == la.docs[0].delta);
    for (size_t i = 0; i < da.rows(); i++)
        CHECK(std::memcmp(&da.delta[i * C], a.p.mem[1].values + (size_t)da.slot[i] * C, 4 * C) == 0);
    // B's deltas are B minus A on the rows B changed
    for (size_t i = 0; i < db.rows(); i++)
        for (int c = 0; c < C; c += 7) {
            size_t k = (size_t)db.slot[i] * C + c;
            CHECK(db.delta[i * C + c] == b.p.mem[1].values[k] - a.p.mem[1].values[k]);
        }
    // the listing
    REQUIRE(sh_out("./train memory --ckpt " + dir + "/B/model.bin --docs", &out) == 0);
    CHECK(out.find("2 documents in " + dir + "/B/ledger.bin") != std::string::npos);
    CHECK(out.find(std::to_string(da.rows()) + " value rows") != std::string::npos);
    CHECK(out.find(std::to_string(db.rows()) + " value rows") != std::string::npos);
    // the browser with --doc: each token's slots are A's rows only; the text's read weight by writer sums to 100%
    REQUIRE_MESSAGE(sh_out("./train memory --ckpt " + dir + "/B/model.bin --text 'It was the best of times' --doc A --top 64", &out) == 0, out);
    {
        std::set<int> rows_a(da.slot.begin(), da.slot.end());
        size_t listed = 0, p = 0;
        while ((p = out.find("slot ", p)) != std::string::npos) {
            p += 5;
            CHECK(rows_a.count(atoi(out.c_str() + p)) == 1);
            listed++;
        }
        CHECK(listed > 0);
        const std::string head = "the text's read weight by the documents that wrote the rows:";
        size_t line = out.find(head);
        REQUIRE(line != std::string::npos);
        std::istringstream in(out.substr(line + head.size(), out.find('\n', line) - line - head.size()));
        std::string who, pct;
        double sum = 0;
        while (in >> who >> pct) sum += atof(pct.c_str());
        CHECK(sum == doctest::Approx(100).epsilon(0.002));
    }
    CHECK(sh_out("./train memory --ckpt " + dir + "/B/model.bin --text 'the' --doc Z", &out) == 2);
    CHECK(out.find("--doc Z: no such document") != std::string::npos);
    // a name the memory already holds is refused before any training
    CHECK(sh_out("./train inject --init-ckpt " + dir + "/B/model.bin --data " + dir + "/d --out " + dir + "/C --steps 2 --doc-name A" + mem + tiny, &out) == 2);
    CHECK(out.find("already holds a document of that name") != std::string::npos);
    CHECK_FALSE(file_exists(dir + "/C/model.bin"));

    // erasing the only document: the memory is zero again and the outputs are the base's, bit for bit
    REQUIRE(sh_out("./train memory --ckpt " + dir + "/A/model.bin --erase A --out " + dir + "/A_erased", &out) == 0);
    CHECK(out.find("erased A: " + std::to_string(da.rows()) + " value rows it alone wrote restored, 0 shared rows") != std::string::npos);
    GPT2<float> e;
    e.load(dir + "/A_erased/model.bin");
    for (size_t i = 0; i < e.cfg.mem.N() * C; i++) REQUIRE(e.p.mem[1].values[i] == 0.0f);
    std::vector<int> ids;
    for (int t = 0; t < 32; t++) ids.push_back((t * 37 + 11) % 300);
    std::vector<float> le = logits_of(e, ids), lbase = logits_of(base, ids), la_logits = logits_of(a, ids);
    CHECK(std::memcmp(le.data(), lbase.data(), 4 * le.size()) == 0);
    CHECK(std::memcmp(la_logits.data(), lbase.data(), 4 * le.size()) != 0);  // A's write did change them
    CHECK(Ledger::load_beside(dir + "/A_erased/model.bin", a.cfg).docs.empty());

    // erasing A of two: B's rows stay, A's own rows go back to zero, shared rows keep B's delta
    REQUIRE(sh_out("./train memory --ckpt " + dir + "/B/model.bin --erase A --out " + dir + "/B_erased", &out) == 0);
    GPT2<float> f;
    f.load(dir + "/B_erased/model.bin");
    std::vector<int> by_a(a.cfg.mem.N(), 0), by_b(a.cfg.mem.N(), 0);
    for (int s : da.slot) by_a[s] = 1;
    for (int s : db.slot) by_b[s] = 1;
    size_t only_a = 0, only_b = 0, shared = 0;
    for (size_t r = 0; r < a.cfg.mem.N(); r++) {
        const float *fr = f.p.mem[1].values + r * C, *br = b.p.mem[1].values + r * C, *ar = a.p.mem[1].values + r * C;
        if (by_a[r] && !by_b[r]) { only_a++; for (int c = 0; c < C; c++) REQUIRE(fr[c] == 0.0f); }
        if (!by_a[r]) { only_b += by_b[r]; CHECK(std::memcmp(fr, br, 4 * C) == 0); }
        if (by_a[r] && by_b[r]) {
            shared++;
            for (int c = 0; c < C; c++) CHECK(std::fabs(fr[c] - (br[c] - ar[c])) <= 1e-6f * (std::fabs(br[c]) + std::fabs(ar[c])));
        }
    }
    CHECK(out.find("erased A: " + std::to_string(only_a) + " value rows it alone wrote restored, " + std::to_string(shared) + " shared rows") != std::string::npos);
    CHECK(only_a > 0);  // the fixture exercises all three kinds of row
    CHECK(only_b > 0);
    CHECK(shared > 0);
    MESSAGE("A wrote " << da.rows() << " rows, B " << db.rows() << "; " << shared << " shared, " << only_a << " A's alone, " << only_b << " B's alone");
    Ledger lf = Ledger::load_beside(dir + "/B_erased/model.bin", a.cfg);
    REQUIRE(lf.docs.size() == 1);
    CHECK(lf.docs[0].name == "B");
    CHECK(sh_out("./train memory --ckpt " + dir + "/B_erased/model.bin --erase A --out " + dir + "/X", &out) == 2);
    CHECK(out.find("--erase A: no such document") != std::string::npos);
    // the slot map (its pixels: test_plot.cpp) is written as a PNG
    CHECK(sh_out("./train memory --ckpt " + dir + "/B/model.bin --map " + dir + "/map.png", &out) == 0);
    std::string png = read_file(dir + "/map.png");
    CHECK(png.substr(1, 3) == "PNG");
    // a damaged ledger is one error line, not a crash or a silent empty list
    const std::string led = dir + "/B/ledger.bin", good = read_file(led);
    write_file_atomic(led, good.substr(0, good.size() - 3));
    CHECK(sh_out("./train memory --ckpt " + dir + "/B/model.bin --docs", &out) == 1);
    CHECK(out.find("error: memory ledger " + led + " is truncated") != std::string::npos);
    std::string bad = good;
    bad[0] ^= 1;
    write_file_atomic(led, bad);
    CHECK(sh_out("./train memory --ckpt " + dir + "/B/model.bin --docs", &out) == 1);
    CHECK(out.find("is not a memory ledger") != std::string::npos);
    // a row outside the memory (erase would write there): refused by name
    std::string far = good;
    long long n = 0;
    memcpy(&n, &far[1024 + 8 + 1 + 16], 8);  // the first document (A, carried over): after its name, tokens and time, its row count
    int slot = 1 << 30;
    memcpy(&far[1024 + 8 + 1 + 24 + 4 * n], &slot, 4);  // the first row's slot
    write_file_atomic(led, far);
    CHECK(sh_out("./train memory --ckpt " + dir + "/B/model.bin --erase B --out " + dir + "/Y", &out) == 1);
    INFO(out);
    CHECK(out.find("is corrupt (document A names block 1 slot 1073741824, not a memory row of the model)") != std::string::npos);
    write_file_atomic(led, good + "x");
    CHECK(sh_out("./train memory --ckpt " + dir + "/B/model.bin --docs", &out) == 1);
    CHECK(out.find("1 bytes past its last document") != std::string::npos);
    // --mem-exclusive: B' keeps clear of A's rows, so the two share none; erasing A then leaves B''s
    // rows bit-identical and zeroes A's, and the listing says 0 shared
    write_file_atomic(led, good);
    REQUIRE_MESSAGE(sh_out("./train inject --init-ckpt " + dir + "/A/model.bin --data " + dir + "/d --out " + dir + "/Bx --steps 4 --seed 7 --doc-name B --mem-exclusive" + mem + tiny, &out) == 0, out);
    CHECK(out.find("--mem-exclusive: " + std::to_string(da.rows()) + " slots of 1 earlier documents are not written") != std::string::npos);
    Ledger lx = Ledger::load_beside(dir + "/Bx/model.bin", a.cfg);
    REQUIRE(lx.docs.size() == 2);
    std::set<int> a_rows(lx.docs[0].slot.begin(), lx.docs[0].slot.end());
    for (int sl : lx.docs[1].slot) CHECK(a_rows.count(sl) == 0);
    CHECK(lx.docs[1].rows() > 0);
    REQUIRE(sh_out("./train memory --ckpt " + dir + "/Bx/model.bin --erase A --out " + dir + "/Bx_erased", &out) == 0);
    CHECK(out.find(" restored, 0 shared rows") != std::string::npos);
    GPT2<float> bx, bxe;
    bx.load(dir + "/Bx/model.bin");
    bxe.load(dir + "/Bx_erased/model.bin");
    for (size_t r = 0; r < bx.cfg.mem.N(); r++) {
        const float *e = bxe.p.mem[1].values + r * C, *x = bx.p.mem[1].values + r * C;
        bool zero = true;
        for (int c = 0; c < C; c++) zero &= e[c] == 0.0f;
        if (a_rows.count((int)r)) CHECK(zero);                            // A's rows: back to the attach state
        else CHECK(std::memcmp(e, x, 4 * C) == 0);                        // B's (and unwritten) rows: untouched
    }
    CHECK(sh_out("./train inject --init-ckpt " + dir + "/A/model.bin --data " + dir + "/d --out " + dir + "/Bm --steps 1 --train memory --mem-exclusive" + mem + tiny, &out) == 2);
    CHECK(out.find("--mem-exclusive needs --train memory-sparse") != std::string::npos);
    // --mem-quiet-digits on text full of numbers writes other values than the same run without it;
    // a mode that trains more than a memory refuses it
    std::string nums;
    for (int i = 0; i < 400; i++) nums += "In " + std::to_string(1990 + i % 33) + " net sales were " + std::to_string(1000 + 37 * i) + " million.\n";
    REQUIRE(sh_out("mkdir -p " + dir + "/nums") == 0);
    write_file_atomic(dir + "/nums/n.txt", nums);
    REQUIRE(sh_out("./train prepare --corpus " + dir + "/nums --data " + dir + "/dn --tokenizer " + dir + "/d/tokenizer.bin --threads 1") == 0);
    for (const char* run : {"N", "Nq"})
        REQUIRE_MESSAGE(sh_out("./train inject --init-ckpt " + dir + "/base/model.bin --data " + dir + "/dn --out " + dir + "/" + run + " --steps 2" +
                               (run[1] ? " --mem-quiet-digits" : "") + mem + tiny, &out) == 0, out);
    GPT2<float> num, numq;
    num.load(dir + "/N/model.bin");
    numq.load(dir + "/Nq/model.bin");
    CHECK(std::memcmp(num.p.mem[1].values, numq.p.mem[1].values, 4 * num.cfg.mem.N() * C) != 0);
    // dev/digit_loss on that run: the text's positions and those before a digit as counted here, and
    // with the values zeroed the base's loss (a zero memory adds nothing)
    REQUIRE_MESSAGE(file_exists("build/digit_loss"), "build/digit_loss is missing: make test builds it");
    REQUIRE_MESSAGE(sh_out("OMP_NUM_THREADS=1 build/digit_loss " + dir + "/Nq/model.bin " + dir + "/dn/train.bin 32", &out) == 0, out);
    std::vector<int> text = read_shard(dir + "/dn/train.bin", num.cfg.V);
    std::vector<uint8_t> digit = Tokenizer::load(dir + "/Nq/tokenizer.bin").digit_tokens();
    double sum = 0;
    long positions = 0, before_digit = 0;
    for (size_t w = 0; w + 33 <= text.size(); w += 32, positions += 32) {
        base.forward(text.data() + w, text.data() + w + 1, 1, 32);
        for (int t = 0; t < 32; t++) { sum += base.acts.losses[t]; before_digit += digit[text[w + t + 1]]; }
    }
    REQUIRE(before_digit > 0);
    REQUIRE(before_digit < positions);
    CHECK(out.find(std::to_string(positions) + " positions, " + std::to_string(before_digit) + " of them before a token with a digit") != std::string::npos);
    size_t row = out.find("base (values zeroed)");
    REQUIRE(row != std::string::npos);
    std::istringstream cols(out.substr(row + 20));
    double digits_loss, rest_loss, all_loss;
    cols >> digits_loss >> rest_loss >> all_loss;
    CHECK(std::fabs(all_loss - sum / positions) < 1e-4);  // printed to 4 decimals
    CHECK(std::fabs(all_loss - (digits_loss * before_digit + rest_loss * (positions - before_digit)) / positions) < 1e-4);
    CHECK(sh_out("./train inject --init-ckpt " + dir + "/base/model.bin --data " + dir + "/d --out " + dir + "/Af --steps 1 --train full --mem-quiet-digits" + tiny, &out) == 2);
    CHECK(out.find("--mem-quiet-digits: only --train memory or memory-sparse") != std::string::npos);
    sh_out("rm -rf " + dir);
}
