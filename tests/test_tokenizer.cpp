// test_tokenizer.cpp: llmc/tokenizer.h against GPT-2's real ids (golden files and test plans in
// ../shared/data/gpt2/golden), the pre-split rules, round trips on arbitrary bytes, the BPE trainer
// (a hand-checked example and a naive re-implementation), the file format and its error paths (run in
// a forked child, since fatal() exits); SmolLM2's tokenizer from its GGUF (models/, from `make smollm2`:
// these cases FAIL without it) against Hugging Face `tokenizers` ids on the 10-K and the corpus
// (tests/fixtures/gguf/smollm2_tokens.txt, from dev/gguf/smollm2_golden.py), its digit pre-split,
// special tokens, chat template and version-4 file. Run: ./tests/run_tests -tc="*tokenizer*".
#include <doctest/doctest.h>
#include "tests/test_util.h"
#include "llmc/tokenizer.h"

#include <functional>
#include <map>
#include <random>
#include <sys/wait.h>

namespace {

std::string golden_dir() { return shared_dir() + "/data/gpt2/golden"; }

const Tokenizer& gpt2_tok() {
    static const Tokenizer t = Tokenizer::gpt2("data/gpt2");
    return t;
}

std::vector<int> parse_ids(const std::string& s) {  // numbers separated by anything else
    std::vector<int> v;
    for (size_t i = 0; i < s.size();) {
        if (s[i] >= '0' && s[i] <= '9') {
            char* end;
            v.push_back((int)strtol(s.c_str() + i, &end, 10));
            i = end - s.c_str();
        } else i++;
    }
    return v;
}

std::vector<std::string> pieces(const std::string& s) {
    std::vector<std::string> out;
    tok::pre_split(s.data(), s.size(), [&](size_t off, size_t len) { out.push_back(s.substr(off, len)); });
    return out;
}

// a child that must fail with `code`, one line on stderr that contains `must_contain`
void expect_fatal(const std::function<void()>& f, int code, const std::string& must_contain) {
    std::string err;
    int rc = run_child(f, &err);
    CHECK_MESSAGE(rc == code, "stderr: " << err);
    CHECK_MESSAGE(err.find(must_contain) != std::string::npos, "stderr: " << err);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
}

std::string tmp_path(const char* name) { return "/tmp/test_tokenizer_" + std::to_string(getpid()) + "_" + name; }

void write_bytes(const std::string& path, const std::string& data) {
    FILE* f = fopen(path.c_str(), "wb");
    REQUIRE(f);
    fwrite(data.data(), 1, data.size(), f);
    fclose(f);
}

// random bytes drawn from a mix of ASCII, valid multi-byte UTF-8, invalid bytes and special-token bits
std::string random_bytes(std::mt19937& rng, size_t n) {
    static const char* parts[] = {" ", "  ", "\n", "\t", "'s", "'ll", "the", " of", "é", "漢字", "😺", "\xc2\xa0",
                                  "\xe3\x80\x80", "<|endoftext|>", "<|", "endoftext", "\xff", "\xc0\xaf", "\xed\xa0\x80",
                                  "\xe4\xb8", "\xf0\x9f", "\x80", "123", "!!", "\r\n", "\x00"};
    std::string s;
    while (s.size() < n) {
        unsigned r = rng() % 4;
        if (r == 0) s += (char)(rng() % 256);
        else if (r == 1) s += (char)(32 + rng() % 95);
        else {
            const char* p = parts[rng() % (sizeof parts / sizeof parts[0])];
            s += p[0] ? std::string(p) : std::string(1, '\0');
        }
    }
    return s;
}

// the obvious trainer: recount every pair after every merge; same rule and tie-break as train()
std::vector<std::pair<int, int>> naive_train(const std::string& text, int n_merges) {
    std::map<std::string, int64_t> counts;
    tok::pre_split(text.data(), text.size(), [&](size_t o, size_t l) { counts[text.substr(o, l)]++; });
    std::vector<std::vector<int>> words;
    std::vector<int64_t> wc;
    for (auto& kv : counts) {
        words.emplace_back();
        for (unsigned char c : kv.first) words.back().push_back(c);
        wc.push_back(kv.second);
    }
    std::vector<std::pair<int, int>> merges;
    for (int m = 0; m < n_merges; m++) {
        std::map<std::pair<int, int>, int64_t> pc;
        for (size_t w = 0; w < words.size(); w++)
            for (size_t i = 0; i + 1 < words[w].size(); i++) pc[{words[w][i], words[w][i + 1]}] += wc[w];
        if (pc.empty()) break;
        auto best = pc.begin();  // map order = (left, right) ascending, so the first max wins ties
        for (auto it = pc.begin(); it != pc.end(); ++it)
            if (it->second > best->second) best = it;
        int a = best->first.first, b = best->first.second, id = 256 + m;
        merges.push_back(best->first);
        for (auto& s : words) {
            std::vector<int> t;
            for (size_t i = 0; i < s.size();) {
                if (i + 1 < s.size() && s[i] == a && s[i + 1] == b) { t.push_back(id); i += 2; }
                else t.push_back(s[i++]);
            }
            s.swap(t);
        }
    }
    return merges;
}

}  // namespace

TEST_CASE("tokenizer: GPT-2 ids match the golden files exactly") {
    if (!file_exists(golden_dir())) { skip_test("../shared/data/gpt2/golden is not here"); return; }
    const Tokenizer& g = gpt2_tok();
    CHECK(g.vocab_size == 50257);
    CHECK(g.eot == 50256);
    CHECK(g.n_merges() == 50000);
    for (const char* name : {"10k_excerpt", "austen_excerpt", "fortunes_excerpt"}) {
        CAPTURE(name);
        std::string text = read_file(golden_dir() + "/" + name + ".txt");
        std::vector<int> want = parse_ids(read_file(golden_dir() + "/" + name + ".ids"));
        REQUIRE(!want.empty());
        std::vector<int> got = g.encode(text);
        CHECK(got.size() == want.size());
        size_t first_bad = 0;
        while (first_bad < std::min(got.size(), want.size()) && got[first_bad] == want[first_bad]) first_bad++;
        CHECK_MESSAGE(first_bad == want.size(), "first mismatch at token " << first_bad);
        CHECK(g.decode(want) == text);
    }
}

TEST_CASE("tokenizer: GPT-2 test plans (r50k_base cases)") {
    std::string path = golden_dir() + "/r50k_testplans.txt";
    if (!file_exists(path)) { skip_test("../shared/data/gpt2/golden/r50k_testplans.txt is not here"); return; }
    std::string plan = read_file(path);
    // blocks: "EncodingName: X\nSample: TEXT\nEncoded: [ids]"; only r50k_base is GPT-2
    int n_cases = 0;
    std::string encoding, sample;
    size_t pos = 0;
    while (pos < plan.size()) {
        size_t end = plan.find('\n', pos);
        if (end == std::string::npos) end = plan.size();
        std::string line = plan.substr(pos, end - pos);
        pos = end + 1;
        if (line.rfind("EncodingName: ", 0) == 0) encoding = line.substr(14);
        else if (line.rfind("Sample: ", 0) == 0) sample = line.substr(8);
        else if (line.rfind("Encoded: ", 0) == 0 && encoding == "r50k_base") {
            CAPTURE(sample);
            std::vector<int> want = parse_ids(line.substr(9));
            CHECK(gpt2_tok().encode(sample) == want);
            CHECK(gpt2_tok().decode(want) == sample);
            n_cases++;
        }
    }
    CHECK(n_cases == 64);  // the file's README: 64 r50k_base cases
}

TEST_CASE("tokenizer: shipped data/gpt2 files are the shared originals") {
    std::string shared = shared_dir() + "/data/gpt2";
    if (!file_exists(shared + "/encoder.json")) { skip_test("../shared/data/gpt2 is not here"); return; }
    CHECK(read_file("data/gpt2/encoder.json") == read_file(shared + "/encoder.json"));
    CHECK(read_file("data/gpt2/vocab.bpe") == read_file(shared + "/vocab.bpe"));
}

TEST_CASE("tokenizer: pre-split follows GPT-2's regex") {
    using V = std::vector<std::string>;
    // expected pieces from Python's `regex` with GPT-2's pattern (the valid-UTF-8 cases)
    CHECK(pieces("Hello world's  end\n\n x") == V{"Hello", " world", "'s", " ", " end", "\n\n", " x"});
    CHECK(pieces("I'm  3.14 ok!!  \t\n") == V{"I", "'m", " ", " 3", ".", "14", " ok", "!!", "  \t\n"});
    CHECK(pieces("'S 'st 're 'll 'VE") == V{"'", "S", " '", "st", " '", "re", " '", "ll", " '", "VE"});
    CHECK(pieces("it 's") == V{"it", " '", "s"});
    CHECK(pieces("na\xc3\xafve caf\xc3\xa9") == V{"na\xc3\xafve", " caf\xc3\xa9"});
    CHECK(pieces("\xe2\x85\xab\xc2\xb2\xc2\xbd x\xd9\xa3") == V{"\xe2\x85\xab\xc2\xb2\xc2\xbd", " x", "\xd9\xa3"});  // Ⅻ²½ x٣
    CHECK(pieces("a\xc2\xa0 b\xe3\x80\x80\xe3\x80\x80" "c") == V{"a", "\xc2\xa0", " b", "\xe3\x80\x80", "\xe3\x80\x80", "c"});
    CHECK(pieces("  \n a") == V{"  \n", " a"});
    CHECK(pieces("") == V{});
    // invalid UTF-8: each bad byte is one "other" character
    CHECK(pieces("a\xff\xfe" "b") == V{"a", "\xff\xfe", "b"});
    CHECK(pieces(" \xff!x") == V{" \xff!", "x"});
    CHECK(pieces("\xe4\xb8") == V{"\xe4\xb8"});        // truncated 3-byte sequence
    CHECK(pieces("x\xe4\xb8" "a") == V{"x", "\xe4\xb8", "a"});
    CHECK(pieces(std::string("a\0b", 3)) == V{"a", std::string("\0", 1), "b"});
}

TEST_CASE("tokenizer: character classes") {
    for (int c = 0; c < 128; c++) CHECK(tok::kAsciiClasses.c[c] == tok::unicode_class((uint32_t)c));
    CHECK(tok::unicode_class(0xE9) == tok::CL_LETTER);     // é
    CHECK(tok::unicode_class(0x6F22) == tok::CL_LETTER);   // 漢
    CHECK(tok::unicode_class(0x0663) == tok::CL_NUMBER);   // Arabic-Indic 3
    CHECK(tok::unicode_class(0x216B) == tok::CL_NUMBER);   // Ⅻ
    CHECK(tok::unicode_class(0x1F63A) == tok::CL_OTHER);   // 😺
    CHECK(tok::unicode_class(0x3000) == tok::CL_SPACE);
    CHECK(tok::unicode_class(0x85) == tok::CL_SPACE);
    CHECK(tok::unicode_class(0xFEFF) == tok::CL_OTHER);    // not White_Space
    CHECK(tok::unicode_class(0x10FFFF) == tok::CL_OTHER);
    uint32_t cp = 0;
    auto dec = [&](const char* s) { return tok::utf8_decode((const unsigned char*)s, strlen(s), &cp); };
    CHECK(dec("\xe2\x82\xac") == 3); CHECK(cp == 0x20AC);
    CHECK(dec("\xf0\x9f\x98\x80") == 4); CHECK(cp == 0x1F600);
    CHECK(dec("\xc3\xa9") == 2); CHECK(cp == 0xE9);
    CHECK(dec("\xc0\xaf") == 0);          // overlong
    CHECK(dec("\xe0\x80\xaf") == 0);      // overlong
    CHECK(dec("\xed\xa0\x80") == 0);      // surrogate
    CHECK(dec("\xf4\x90\x80\x80") == 0);  // above U+10FFFF
    CHECK(dec("\xf5\x80\x80\x80") == 0);
    CHECK(dec("\xe2\x82") == 0);          // truncated
    CHECK(dec("\xe2\x28\xa1") == 0);      // bad continuation
    CHECK(dec("\x80") == 0);
}

TEST_CASE("tokenizer: byte map and JSON parser") {
    std::vector<uint32_t> m = tok::bytes_to_unicode();
    std::vector<uint32_t> sorted = m;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::unique(sorted.begin(), sorted.end()) == sorted.end());
    CHECK(m['A'] == 'A');
    CHECK(m[' '] == 0x120);   // GPT-2's "Ġ"
    CHECK(m['\n'] == 0x10A);  // "Ċ"
    std::string b;
    CHECK(tok::unicode_to_bytes("\xc4\xa0the", &b));
    CHECK(b == " the");
    CHECK(!tok::unicode_to_bytes("\xe6\xbc\xa2", &b));  // 漢 is not in the map

    auto kv = tok::parse_json_int_object(" {\"a\\\"b\": 1, \"\\u00e9\": 2,\"\\ud83d\\ude00\" : 3, \"x\\\\\\/\\n\\t\": -4 } ", "t");
    REQUIRE(kv.size() == 4);
    CHECK(kv[0] == std::make_pair(std::string("a\"b"), 1L));
    CHECK(kv[1] == std::make_pair(std::string("\xc3\xa9"), 2L));
    CHECK(kv[2] == std::make_pair(std::string("\xf0\x9f\x98\x80"), 3L));
    CHECK(kv[3] == std::make_pair(std::string("x\\/\n\t"), -4L));
    CHECK(tok::parse_json_int_object("{}", "t").empty());
    for (const char* bad : {"{\"\\udc00\": 1}", "{\"\\ud83d\": 1}", "{\"a\": 1", "{\"a\": 1} x", "{\"a\": 1.5}",
                            "{\"a\" 1}", "{\"a\": }", "[1]", "{\"\\q\": 1}", "{\"\\u12g4\": 1}"}) {
        CAPTURE(bad);
        expect_fatal([&] { tok::parse_json_int_object(bad, "fixture.json"); }, EXIT_RUNTIME, "fixture.json: bad JSON");
    }
}

TEST_CASE("tokenizer: special token") {
    const Tokenizer& g = gpt2_tok();
    CHECK(g.encode("<|endoftext|>") == std::vector<int>{50256});
    CHECK(g.decode_token(g.eot) == "<|endoftext|>");
    // as text: ids from OpenAI's encoder.py (what tiktoken gives with disallowed_special=())
    CHECK(g.encode("<|endoftext|>", false) == std::vector<int>{27, 91, 437, 1659, 5239, 91, 29});
    std::vector<int> a = g.encode("Hello"), b = g.encode(" world");
    std::vector<int> want = a;
    want.push_back(50256);
    want.insert(want.end(), b.begin(), b.end());
    want.push_back(50256);
    CHECK(g.encode("Hello<|endoftext|> world<|endoftext|>") == want);
    CHECK(g.encode("<|endoftext|<|endoftext|>>").size() > 1);
}

TEST_CASE("tokenizer: decode(encode(x)) == x on arbitrary bytes") {
    const Tokenizer& g = gpt2_tok();
    Tokenizer t = Tokenizer::train("the cat sat on the mat; the dog ate 12 bones!\n\xe6\xbc\xa2\xe5\xad\x97 caf\xc3\xa9 \xff", 400);
    std::mt19937 rng(12345);
    for (int k = 0; k < 300; k++) {
        std::string s = random_bytes(rng, rng() % 200);
        CAPTURE(k);
        CHECK(g.decode(g.encode(s)) == s);
        CHECK(g.decode(g.encode(s, false)) == s);
        CHECK(t.decode(t.encode(s)) == s);
    }
    // pieces that differ only by trailing NUL bytes must not share a cache entry
    for (const std::string& s : {std::string("!!"), std::string("!!\0", 3), std::string("!!\0\0", 4), std::string("!!")}) {
        CHECK(g.decode(g.encode(s)) == s);
        CHECK(t.decode(t.encode(s)) == s);
    }
    // long runs go through the heap BPE
    for (std::string s : {std::string(5000, '='), std::string(3000, ' ') + "x", std::string(100, 'a') + "\xff" + std::string(300, 'b')}) {
        CHECK(g.decode(g.encode(s)) == s);
        CHECK(t.decode(t.encode(s)) == s);
    }
    // and real text, timed (the figure is printed, not checked: the machine is shared)
    std::string corpus_path = shared_dir() + "/data/corpus/brown.txt";
    if (file_exists(corpus_path)) {
        std::string text = read_file(corpus_path).substr(0, 1000000);
        size_t n_tokens = 0;
        double mbs = tokenizer_encode_mb_per_s(g, text, &n_tokens);
        MESSAGE("GPT-2 encode: " << mbs << " MB/s (cold cache), " << text.size() / (double)n_tokens << " bytes/token");
        CHECK(n_tokens > 0);
        CHECK(g.decode(g.encode(text)) == text);
    }
}

TEST_CASE("tokenizer: heap BPE and scan BPE agree") {
    const tok::PairMap& pm = gpt2_tok().pairs;
    std::mt19937 rng(7);
    const char* alphabets[] = {"ab", "aeiou rst", "=-", "etaoinshrdlu", "0123456789"};
    for (int k = 0; k < 60; k++) {
        std::string alpha = alphabets[k % 5];
        size_t n = 2 + rng() % 700;
        std::vector<int> a(n);
        for (auto& x : a) x = gpt2_tok().byte_id[(unsigned char)alpha[rng() % alpha.size()]];
        std::vector<int> b = a;
        tok::bpe_scan(a, pm);
        tok::bpe_heap(b, pm);
        CAPTURE(k);
        CHECK(a == b);
    }
}

TEST_CASE("tokenizer: BPE training on hand-made texts") {
    // "aaabdaaabac" is one piece. Pair counts: aa 4 -> merge a+a. Then aa+a 2, a+b 2: the tie goes to the
    // smaller left id ('a' = 97 < 256), so a+b. Then aa+ab 2 -> "aaab". Then count-1 ties by left id:
    // a+c, d+aaab, aaab+daaab, and the whole text: 7 merges, and nothing is left to merge.
    Tokenizer t = Tokenizer::train("aaabdaaabac", 8192);
    REQUIRE(t.n_merges() == 7);
    CHECK(t.merges[0] == std::make_pair(97, 97));
    CHECK(t.merges[1] == std::make_pair(97, 98));
    CHECK(t.merges[2] == std::make_pair(256, 257));
    CHECK(t.decode_token(258) == "aaab");
    CHECK(t.decode_token(259) == "ac");
    CHECK(t.decode_token(260) == "daaab");
    CHECK(t.decode_token(262) == "aaabdaaabac");
    CHECK(t.vocab_size == 256 + 7 + 1);
    CHECK(t.eot == t.vocab_size - 1);
    CHECK(t.decode_token(t.eot) == "<|endoftext|>");
    CHECK(t.encode("aaabdaaabac") == std::vector<int>{262});
    CHECK(t.encode("aaab") == std::vector<int>{258});
    for (int b = 0; b < 256; b++) CHECK(t.decode_token(b) == std::string(1, (char)b));

    // pieces are never merged across: "ab ab ab" = "ab" + " ab" + " ab" -> a+b, then " "+ab, and no "b "
    Tokenizer u = Tokenizer::train("ab ab ab", 8192);
    REQUIRE(u.n_merges() == 2);
    CHECK(u.merges[0] == std::make_pair((int)'a', (int)'b'));
    CHECK(u.merges[1] == std::make_pair((int)' ', 256));

    // "<|endoftext|>" separates documents and is not learned
    Tokenizer v = Tokenizer::train("xy<|endoftext|>xy", 8192);
    REQUIRE(v.n_merges() == 1);
    CHECK(v.merges[0] == std::make_pair((int)'x', (int)'y'));
    CHECK(v.encode("xy<|endoftext|>xy") == std::vector<int>{256, v.eot, 256});

    // vocab_size caps the merges
    Tokenizer w = Tokenizer::train("aaabdaaabac", 259);
    CHECK(w.n_merges() == 2);
    CHECK(w.vocab_size == 259);

    // tokens stop at 255 bytes (the file's uint8 length)
    Tokenizer x = Tokenizer::train(std::string(1000, 'a'), 8192);
    size_t longest = 0;
    for (int i = 0; i < x.vocab_size; i++) longest = std::max(longest, x.decode_token(i).size());
    CHECK(longest <= 255);
    CHECK(x.decode(x.encode(std::string(1000, 'a'))) == std::string(1000, 'a'));
}

TEST_CASE("tokenizer: training matches a naive trainer and is deterministic") {
    std::string text;
    std::string path = golden_dir() + "/austen_excerpt.txt";
    if (file_exists(path)) text = read_file(path).substr(0, 30000);
    else { std::mt19937 rng(3); text = random_bytes(rng, 30000); }
    const int n = 300;
    Tokenizer t = Tokenizer::train(text, 257 + n);
    REQUIRE(t.n_merges() == n);
    CHECK(t.merges == naive_train(text, n));
    Tokenizer t2 = Tokenizer::train(std::string(text), 257 + n);
    CHECK(t2.merges == t.merges);
    CHECK(t2.tok_bytes == t.tok_bytes);
    std::vector<int> ids = t.encode(text);
    CHECK(t.decode(ids) == text);
    CHECK(ids.size() < text.size());
}

TEST_CASE("tokenizer: save and load") {
    std::string text = "It is a truth universally acknowledged, that a single man in possession of a good fortune, "
                       "must be in want of a wife. 1813! caf\xc3\xa9 \xff\xfe";
    Tokenizer t = Tokenizer::train(text + text + "<|endoftext|>" + text, 300);
    std::string p = tmp_path("v3.bin");
    t.save(p);
    CHECK(file_size(p) == 1024 + (long)(t.vocab_size + t.tok_bytes.size()) + 8L * t.n_merges());
    Tokenizer u = Tokenizer::load(p);
    CHECK(u.can_encode());
    CHECK(u.vocab_size == t.vocab_size);
    CHECK(u.eot == t.eot);
    CHECK(u.merges == t.merges);
    CHECK(u.tok_bytes == t.tok_bytes);
    std::mt19937 rng(99);
    for (int k = 0; k < 50; k++) {
        std::string s = k == 0 ? text : random_bytes(rng, 150);
        CHECK(u.encode(s) == t.encode(s));
    }

    // GPT-2 as a version-3 file encodes identically
    const Tokenizer& g = gpt2_tok();
    std::string pg = tmp_path("gpt2_v3.bin");
    g.save(pg);
    Tokenizer h = Tokenizer::load(pg);
    std::string sample = file_exists(golden_dir()) ? read_file(golden_dir() + "/fortunes_excerpt.txt") : text;
    CHECK(h.encode(sample) == g.encode(sample));

    // llm.c's version-2 file (no merges): decodes, refuses to encode, saves back as version 2
    std::string v2 = read_file(pg).substr(0, 1024 + g.vocab_size + g.tok_bytes.size());
    int32_t hdr[256];
    memcpy(hdr, v2.data(), 1024);
    hdr[1] = 2;
    hdr[4] = 0;
    memcpy(&v2[0], hdr, 1024);
    std::string p2 = tmp_path("v2.bin");
    write_bytes(p2, v2);
    Tokenizer d = Tokenizer::load(p2);
    CHECK(!d.can_encode());
    CHECK(d.eot == 50256);
    std::vector<int> ids = g.encode(sample);
    CHECK(d.decode(ids) == sample);
    expect_fatal([&] { d.encode("hi"); }, EXIT_RUNTIME, p2 + " has no merges");
    std::string p2b = tmp_path("v2b.bin");
    d.save(p2b);
    CHECK(read_file(p2b) == v2);
    for (auto& f : {p, pg, p2, p2b}) unlink(f.c_str());
}

TEST_CASE("tokenizer: bad files and ids fail with one clear line") {
    Tokenizer t = Tokenizer::train("abcabcabd abd abx", 270);
    std::string good_path = tmp_path("good.bin");
    t.save(good_path);
    std::string good = read_file(good_path);
    std::string p = tmp_path("bad.bin");
    auto with_header = [&](int idx, int32_t value) {
        std::string s = good;
        memcpy(&s[4 * idx], &value, 4);
        return s;
    };
    auto load_fails = [&](const std::string& bytes, const std::string& why) {
        write_bytes(p, bytes);
        CAPTURE(why);
        expect_fatal([&] { Tokenizer::load(p); }, EXIT_RUNTIME, p);
        std::string err;
        run_child([&] { Tokenizer::load(p); }, &err);
        CHECK_MESSAGE(err.find(why) != std::string::npos, err);
    };
    load_fails(with_header(0, 12345), "bad magic");
    load_fails(with_header(1, 7), "unsupported version 7");
    load_fails(good.substr(0, 100), "truncated");
    load_fails(good.substr(0, 1024 + 300), "truncated");     // inside the tokens
    load_fails(good.substr(0, good.size() - 4), "truncated"); // inside the merges
    load_fails(good + "x", "unexpected bytes");
    load_fails(with_header(3, 100000), "bad header");
    {
        std::string s = good;
        int32_t bad_id = 99999;
        memcpy(&s[good.size() - 8], &bad_id, 4);  // last merge's left id
        load_fails(s, "outside the vocabulary");
    }
    {
        std::string s = good;
        int32_t pair[2] = {'q', 'q'};  // "qq" is no token
        memcpy(&s[good.size() - 8], pair, 8);
        load_fails(s, "not in the vocabulary");
    }
    expect_fatal([&] { Tokenizer::load("/nonexistent/tok.bin"); }, EXIT_RUNTIME, "/nonexistent/tok.bin");
    expect_fatal([&] { Tokenizer::gpt2("/nonexistent"); }, EXIT_RUNTIME, "/nonexistent/encoder.json");
    expect_fatal([&] { Tokenizer::train("abc", 100); }, EXIT_USAGE, "vocab size 100");
    expect_fatal([&] { t.decode({1, t.vocab_size}); }, EXIT_RUNTIME, "outside the vocabulary");
    expect_fatal([&] { t.decode_token(-1); }, EXIT_RUNTIME, "token id -1");
    unlink(p.c_str());
    unlink(good_path.c_str());
}

// ---- SmolLM2 (GGUF) ----------------------------------------------------------------------------

namespace {

const char* SMOLLM2_GGUF = "models/SmolLM2-135M-Instruct.Q4_1.gguf";

const Tokenizer& smollm2_tok() {
    static const Tokenizer t = [] {
        REQUIRE_MESSAGE(file_exists(SMOLLM2_GGUF), std::string(SMOLLM2_GGUF) << " is missing: run `make smollm2` first");
        return Tokenizer::from_gguf(GGUF::open(SMOLLM2_GGUF));
    }();
    return t;
}

uint64_t fnv1a64(const std::vector<int>& ids) {  // over the ids as little-endian uint32, as the script does
    uint64_t h = 0xCBF29CE484222325ull;
    for (int id : ids)
        for (int k = 0; k < 4; k++) h = (h ^ (((uint32_t)id >> (8 * k)) & 0xFF)) * 0x100000001B3ull;
    return h;
}

std::string unhex(const std::string& h) {
    std::string s;
    for (size_t i = 0; i + 1 < h.size(); i += 2) s += (char)strtol(h.substr(i, 2).c_str(), nullptr, 16);
    return s;
}

std::vector<std::string> digit_pieces(const std::string& s) {
    std::vector<std::string> out;
    tok::pre_split_digits(s.data(), s.size(), [&](size_t off, size_t len) { out.push_back(s.substr(off, len)); });
    return out;
}

struct Golden {
    struct File { std::string path; size_t count; uint64_t hash; };
    std::vector<File> files;
    std::vector<std::pair<std::string, std::vector<int>>> cases;
    std::vector<int> first2000;
};
Golden read_golden() {
    Golden g;
    std::string text = read_file("tests/fixtures/gguf/smollm2_tokens.txt");
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.rfind("file ", 0) == 0) {
            char path[512];
            size_t count;
            unsigned long long hash;
            REQUIRE(sscanf(line.c_str(), "file %511s %zu %llx", path, &count, &hash) == 3);
            g.files.push_back({path, count, (uint64_t)hash});
        } else if (line.rfind("case ", 0) == 0) {
            size_t sp = line.find(' ', 5);
            g.cases.emplace_back(unhex(line.substr(5, sp - 5)), parse_ids(line.substr(sp + 1)));
        } else if (line.rfind("first2000 ", 0) == 0) g.first2000 = parse_ids(line.substr(10));
    }
    return g;
}

}  // namespace

TEST_CASE("tokenizer: digit pre-split (SmolLM2's smollm pre-tokenizer)") {
    using V = std::vector<std::string>;
    CHECK(digit_pieces("a 12b") == V{"a", " ", "1", "2", "b"});
    CHECK(digit_pieces("FY2022 10-K") == V{"FY", "2", "0", "2", "2", " ", "1", "0", "-", "K"});
    CHECK(digit_pieces("$3.50, x") == V{"$", "3", ".", "5", "0", ",", " x"});
    CHECK(digit_pieces("  7  ") == V{"  ", "7", "  "});
    CHECK(digit_pieces("\xc2\xbd\xc2\xb2 \xd9\xa3") == V{"\xc2\xbd", "\xc2\xb2", " ", "\xd9\xa3"});  // ½ ² ٣: \p{N}
    CHECK(digit_pieces("it's 9's") == V{"it", "'s", " ", "9", "'s"});
    CHECK(digit_pieces("") == V{});
    // without digits it is GPT-2's pre-split
    std::mt19937 rng(7);
    for (int k = 0; k < 200; k++) {
        std::string s = random_bytes(rng, 80);
        s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }), s.end());
        bool has_num = false;
        tok::pre_split(s.data(), s.size(), [&](size_t o, size_t l) {
            int len;
            for (size_t i = o; i < o + l; i += len) has_num |= tok::char_class((const unsigned char*)s.data(), s.size(), i, &len) == tok::CL_NUMBER;
        });
        if (!has_num) CHECK(digit_pieces(s) == pieces(s));
    }
}

TEST_CASE("tokenizer: SmolLM2 from GGUF matches Hugging Face tokenizers on the 10-K and the corpus") {
    const Tokenizer& t = smollm2_tok();
    CHECK(t.vocab_size == 49152);
    CHECK(t.n_merges() == 48900);
    CHECK(t.eot == 0);
    CHECK(t.pre == PRE_DIGITS);
    CHECK(t.specials.size() == 17);
    CHECK(t.special_id("<|im_start|>") == 1);
    CHECK(t.special_id("<|im_end|>") == 2);
    CHECK(t.special_id("<empty_output>") == 16);
    CHECK(t.special_id("hello") == -1);
    CHECK(!t.all_bytes);
    CHECK(t.decode_token(0) == "<|endoftext|>");
    Golden g = read_golden();
    REQUIRE(g.files.size() == 10);
    size_t total = 0, bytes = 0;
    for (size_t k = 0; k < g.files.size(); k++) {
        auto& f = g.files[k];
        CAPTURE(f.path);
        std::string text = read_file(f.path);
        std::vector<int> ids = t.encode(text);
        CHECK(ids.size() == f.count);
        CHECK(fnv1a64(ids) == f.hash);
        CHECK(t.decode(ids) == text);
        if (k == 0) {  // the 10-K: its first 2,000 ids literally
            REQUIRE(g.first2000.size() == 2000);
            REQUIRE(ids.size() >= 2000);
            size_t first_bad = 0;
            while (first_bad < 2000 && ids[first_bad] == g.first2000[first_bad]) first_bad++;
            CHECK_MESSAGE(first_bad == 2000, "first mismatch at token " << first_bad);
        }
        total += ids.size();
        bytes += text.size();
    }
    MESSAGE("SmolLM2 tokenizer: " << total << " ids over " << bytes << " bytes, all equal to Hugging Face's");
}

TEST_CASE("tokenizer: SmolLM2 special tokens, digits and chat template") {
    const Tokenizer& t = smollm2_tok();
    Golden g = read_golden();
    REQUIRE(g.cases.size() == 8);
    for (auto& c : g.cases) {
        CAPTURE(c.first);
        CHECK(t.encode(c.first) == c.second);
        CHECK(t.decode(c.second) == c.first);
    }
    // the chat template: the default system turn from the GGUF's template, ChatML turns, the prompt
    CHECK(t.chat == CHAT_CHATML);
    CHECK(t.chat_system == "You are a helpful AI assistant named SmolLM, trained by Hugging Face");
    std::string chat = t.chat_text({{"user", "What is the capital of France?"}});
    CHECK(chat == g.cases[1].first);
    CHECK(t.encode_chat({{"user", "What is the capital of France?"}}) == g.cases[1].second);
    CHECK(t.chat_text({{"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello"}}, false) ==
          "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n");
    CHECK(t.chat_text({}, true) == "<|im_start|>assistant\n");
    std::vector<int> ids = t.encode_chat({{"user", "Hi"}});
    CHECK(ids.front() == 1);
    std::vector<int> prompt = t.encode("<|im_start|>assistant\n");
    CHECK(prompt.front() == 1);
    CHECK(std::equal(prompt.begin(), prompt.end(), ids.end() - prompt.size()));
    CHECK(std::count(ids.begin(), ids.end(), 2) == 2);
    // allow_special = false: the specials' text is ordinary text
    std::vector<int> plain = t.encode("<|im_start|>", false);
    CHECK(plain.size() > 1);
    CHECK(std::find(plain.begin(), plain.end(), 1) == plain.end());
    CHECK(t.decode(plain) == "<|im_start|>");
    // longest special first: "<|im_end|>" inside text, adjacent specials, a special at the very end
    CHECK(t.encode("<|im_end|><|im_end|>") == std::vector<int>{2, 2});
    CHECK(t.encode("x<empty_output>") == std::vector<int>{t.encode("x")[0], 16});
    // every single digit is its own token: no multi-digit token exists
    std::vector<int> d = t.encode("1234567890");
    CHECK(d.size() == 10);
    CHECK(t.decode(d) == "1234567890");
    // random text of bytes that all have tokens: decode(encode(x)) == x, and a copy encodes the same
    std::mt19937 rng(11);
    Tokenizer copy = t;
    for (int k = 0; k < 300; k++) {
        std::string s = random_bytes(rng, 120);
        std::string clean;
        for (char c : s) if (t.byte_id[(unsigned char)c] >= 0) clean += c;
        std::vector<int> e = t.encode(clean);
        CHECK(t.decode(e) == clean);
        CHECK(copy.encode(clean) == e);
    }
}

TEST_CASE("tokenizer: SmolLM2 bytes without a token fail with one clear line") {
    const Tokenizer& t = smollm2_tok();
    int missing = 0;
    for (int b = 0; b < 256; b++) missing += t.byte_id[b] < 0;
    CHECK(missing == 21);
    CHECK(t.byte_id[0x04] < 0);
    CHECK(t.byte_id[0xFF] < 0);
    CHECK(t.byte_id['a'] >= 0);
    expect_fatal([&] { t.encode(std::string("ab\x04" "c")); }, EXIT_RUNTIME, "cannot encode byte 0x04 at offset 2 of the text");
    expect_fatal([&] { t.encode(std::string("<|im_start|>x\xff")); }, EXIT_RUNTIME, "byte 0xFF at offset 13");
    // GPT-2 has every byte: nothing changes there
    CHECK(gpt2_tok().decode(gpt2_tok().encode(std::string("ab\x04\xff"))) == std::string("ab\x04\xff"));
}

TEST_CASE("tokenizer: SmolLM2 tokenizer saves as version 4 and loads back identically") {
    const Tokenizer& t = smollm2_tok();
    std::string p = tmp_path("smollm2.bin");
    t.save(p);
    std::string bytes = read_file(p);
    int32_t h[9];
    memcpy(h, bytes.data(), sizeof h);
    CHECK(h[1] == 4);
    CHECK(h[5] == PRE_DIGITS);
    CHECK(h[6] == 17);
    CHECK(h[7] == CHAT_CHATML);
    CHECK(h[8] == (int)t.chat_system.size());
    CHECK(bytes.size() == 1024 + (size_t)t.vocab_size + t.tok_bytes.size() + 8 * (size_t)t.n_merges() + 4 * 17 + t.chat_system.size());
    Tokenizer u = Tokenizer::load(p);
    CHECK(u.pre == t.pre);
    CHECK(u.specials == t.specials);
    CHECK(u.chat == t.chat);
    CHECK(u.chat_system == t.chat_system);
    CHECK(u.merges == t.merges);
    CHECK(u.tok_bytes == t.tok_bytes);
    CHECK(!u.all_bytes);
    std::string text = read_file("data/3m/3M_2022_10K.txt").substr(0, 200000);
    CHECK(u.encode(text) == t.encode(text));
    CHECK(u.encode_chat({{"user", "What is 3M's revenue in 2022?"}}) == t.encode_chat({{"user", "What is 3M's revenue in 2022?"}}));
    std::string p2 = tmp_path("smollm2_again.bin");
    u.save(p2);
    CHECK(read_file(p2) == bytes);

    // bad version-4 files: one clear line
    std::string bad = tmp_path("bad4.bin");
    auto load_fails = [&](const std::string& b, const std::string& why) {
        write_bytes(bad, b);
        CAPTURE(why);
        expect_fatal([&] { Tokenizer::load(bad); }, EXIT_RUNTIME, why);
    };
    auto with_header = [&](int idx, int32_t value) {
        std::string s = bytes;
        memcpy(&s[4 * idx], &value, 4);
        return s;
    };
    load_fails(with_header(5, 9), "bad header (pre-tokenizer 9");
    load_fails(with_header(7, 3), "chat 3");
    load_fails(with_header(8, -1), "system turn -1 bytes");
    load_fails(bytes.substr(0, bytes.size() - t.chat_system.size() - 10), "truncated");  // inside the special ids
    load_fails(bytes.substr(0, bytes.size() - 1), "truncated");
    load_fails(bytes + "x", "unexpected bytes");
    {
        std::string s = bytes;  // special 0 listed twice
        size_t at = bytes.size() - t.chat_system.size() - 4 * 17 + 4;
        int32_t zero = 0;
        memcpy(&s[at], &zero, 4);
        load_fails(s, "special token 0 is outside the vocabulary, empty or listed twice");
    }
    {
        std::string s = with_header(3, 17);  // EOT is not a special token
        load_fails(s, "EOT 17 is not one of its special tokens");
    }
    // a trained tokenizer still saves as version 3
    Tokenizer tr = Tokenizer::train("abcabcabd abd abx 123", 270);
    std::string p3 = tmp_path("v3again.bin");
    tr.save(p3);
    std::string b3 = read_file(p3);
    CHECK(b3[4] == 3);
    for (auto& f : {p, p2, bad, p3}) unlink(f.c_str());
}

TEST_CASE("tokenizer: GGUF tokenizer metadata errors") {
    // a GGUF whose tokenizer is not byte-level BPE, or asks for a BOS, is refused with one line
    auto with_meta = [&](const std::function<void(GGUFWriter&)>& f) {
        GGUFWriter w;
        w.add_str_array("tokenizer.ggml.tokens", {"<|endoftext|>", "a", "b", "ab"});
        w.add_i32_array("tokenizer.ggml.token_type", {3, 1, 1, 1});
        w.add_str_array("tokenizer.ggml.merges", {"a b"});
        f(w);
        std::string p = tmp_path("meta.gguf");
        w.write(p);
        return p;
    };
    std::string p = with_meta([](GGUFWriter& w) { w.add_str("tokenizer.ggml.model", "llama"); });
    expect_fatal([&] { Tokenizer::from_gguf(GGUF::open(p)); }, EXIT_RUNTIME, "tokenizer model 'llama' is not supported");
    p = with_meta([](GGUFWriter& w) { w.add_str("tokenizer.ggml.model", "gpt2"); w.add_str("tokenizer.ggml.pre", "llama-bpe"); });
    expect_fatal([&] { Tokenizer::from_gguf(GGUF::open(p)); }, EXIT_RUNTIME, "pre-tokenizer 'llama-bpe' is not supported");
    p = with_meta([](GGUFWriter& w) { w.add_str("tokenizer.ggml.model", "gpt2"); w.add_bool("tokenizer.ggml.add_bos_token", true); });
    expect_fatal([&] { Tokenizer::from_gguf(GGUF::open(p)); }, EXIT_RUNTIME, "asks for a BOS token");
    p = with_meta([](GGUFWriter& w) { w.add_str("tokenizer.ggml.model", "gpt2"); w.add_str_array("x", {"y"}); });
    {
        // a minimal valid one: "ab" merges, no chat template, GPT-2 pre-split; bytes other than a, b have no token
        Tokenizer t = Tokenizer::from_gguf(GGUF::open(p));
        CHECK(t.encode("abab<|endoftext|>a") == std::vector<int>{3, 3, 0, 1});
        CHECK(t.chat == CHAT_NONE);
        CHECK(t.extended());  // bytes without a token: version 4
        expect_fatal([&] { t.encode("abc"); }, EXIT_RUNTIME, "byte 0x63 at offset 2");
        expect_fatal([&] { t.chat_text({{"user", "x"}}); }, EXIT_RUNTIME, "has no chat template");
    }
    unlink(p.c_str());
}
