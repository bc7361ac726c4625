// test_gguf.cpp: llmc/gguf.h. The reader on fixtures the `gguf` PyPI package wrote
// (tests/fixtures/gguf/, made by dev/gguf/make_fixtures.py: metadata of every value type, one tensor
// of each of F32, F16, BF16, Q8_0, Q4_0, Q4_1 with the package's own dequantised values), the fp16
// conversions against the F16C instructions, the writer against the package's GGUFWriter (same bytes),
// every kind of malformed or truncated file (one clear line, never a crash), and the real
// SmolLM2-135M-Instruct file from `make smollm2` (header facts; dequantised tensors against the
// package's, from dev/gguf/smollm2_golden.py). Without that file the SmolLM2 cases FAIL (run make
// smollm2 first). Run: ./tests/run_tests -tc="*gguf*".
#include <doctest/doctest.h>
#include "tests/test_util.h"
#include "llmc/gguf.h"

#include <cmath>
#include <functional>
#include <random>
#include <sstream>
#ifdef __F16C__
#include <immintrin.h>
#endif

namespace {

const char* FIX = "tests/fixtures/gguf";
const char* SMOLLM2 = "models/SmolLM2-135M-Instruct.Q4_1.gguf";

std::string tmp_path(const char* name) { return "/tmp/test_gguf_" + std::to_string(getpid()) + "_" + name; }

void write_bytes(const std::string& path, const std::string& data) {
    FILE* f = fopen(path.c_str(), "wb");
    REQUIRE(f);
    fwrite(data.data(), 1, data.size(), f);
    fclose(f);
}

// parse from memory; the error string ("" when it parsed)
std::string parse_err(const std::string& bytes) {
    GGUF g;
    std::string err;
    bool ok = GGUF::parse((const uint8_t*)bytes.data(), bytes.size(), "mem.gguf", g, &err);
    if (ok) return "";
    return err.empty() ? "(empty error)" : err;
}

// GGUF::open of bytes in a file, in a child: exit 1, one line naming the file and containing `why`
void open_fails(const std::string& bytes, const std::string& why) {
    std::string p = tmp_path("bad.gguf");
    write_bytes(p, bytes);
    std::string err;
    int rc = run_child([&] { GGUF::open(p); }, &err);
    CAPTURE(why);
    CHECK_MESSAGE(rc == EXIT_RUNTIME, "stderr: " << err);
    CHECK_MESSAGE(err.find(why) != std::string::npos, "stderr: " << err);
    CHECK_MESSAGE(err.find(p) != std::string::npos, "stderr: " << err);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    unlink(p.c_str());
}

// a hand-assembled GGUF file: fields are written as given, so each can be made wrong
struct Raw {
    std::string b;
    template <class T> Raw& put(T v) { b.append((const char*)&v, sizeof v); return *this; }
    Raw& str(const std::string& s) { put((uint64_t)s.size()); b += s; return *this; }
    Raw& header(uint32_t version, uint64_t n_tensors, uint64_t n_kv) { b += "GGUF"; return put(version).put(n_tensors).put(n_kv); }
    Raw& tensor(const std::string& name, std::vector<uint64_t> ne, uint32_t type, uint64_t offset) {
        str(name).put((uint32_t)ne.size());
        for (uint64_t d : ne) put(d);
        return put(type).put(offset);
    }
    Raw& pad(size_t a = 32) { b.resize((b.size() + a - 1) / a * a, '\0'); return *this; }
    Raw& data(size_t n, char c = 0) { b.append(n, c); return *this; }
};

// one kv (uint32) and one F32 tensor of 32 values: a valid file to start from
std::string mini(uint32_t type = GGML_F32, std::vector<uint64_t> ne = {32}, size_t data_bytes = 128) {
    Raw r;
    r.header(3, 1, 1).str("general.k").put((uint32_t)GGUF_U32).put((uint32_t)7);
    r.tensor("w", ne, type, 0).pad().data(data_bytes);
    return r.b;
}

std::vector<float> parse_floats(const std::string& line) {
    std::vector<float> v;
    std::istringstream in(line);
    std::string tok;
    while (in >> tok) v.push_back(strtof(tok.c_str(), nullptr));
    return v;
}

// ((i * 37) % 101 - 50) * scale, as dev/gguf/make_fixtures.py computes it in fp32
std::vector<float> formula(int n, float scale) {
    std::vector<float> v(n);
    for (int i = 0; i < n; i++) v[i] = (float)((i * 37) % 101 - 50) * scale;
    return v;
}

}  // namespace

TEST_CASE("gguf: metadata of every value type (fixture from the gguf package)") {
    GGUF g = GGUF::open(std::string(FIX) + "/types.gguf");
    CHECK(g.version == 3);
    CHECK(g.alignment == 64);
    CHECK(g.data_offset % 64 == 0);
    CHECK(g.kv.size() == 20);
    CHECK(g.kv[0].first == "general.architecture");
    CHECK(g.get_str("general.architecture") == "fixture");
    CHECK(g.get_int("k.u8") == 200);
    CHECK(g.get("k.u8")->type == GGUF_U8);
    CHECK(g.get_int("k.i8") == -100);
    CHECK(g.get_int("k.u16") == 60000);
    CHECK(g.get_int("k.i16") == -30000);
    CHECK(g.get_int("k.u32") == 4000000000LL);
    CHECK(g.get_int("k.i32") == -2000000000LL);
    CHECK(g.get_f64("k.f32") == (double)0.1f);
    CHECK(g.get_int("k.bool") == 1);
    CHECK(g.get("k.bool")->type == GGUF_BOOL);
    CHECK(g.get_str("k.str") == "h\xc3\xa9llo <|im_end|>\n");
    CHECK(g.get("k.u64")->u == (1ULL << 63) + 5);
    CHECK(g.get_int("k.i64") == -(1LL << 62) - 3);
    CHECK(g.get_f64("k.f64") == 1e-300);
    const GGUFValue& ai = g.get_array("k.arr_i32", GGUF_I32);
    CHECK(ai.ints == std::vector<int64_t>{1, -2, 3});
    CHECK(g.get_array("k.arr_u8", GGUF_I64).ints == std::vector<int64_t>{0, 255, 7});  // any integer type
    CHECK(g.get_array("k.arr_f32", GGUF_F32).reals == std::vector<double>{0.5, -1.25});
    CHECK(g.get_array("k.arr_bool", GGUF_BOOL).ints == std::vector<int64_t>{1, 0, 1});
    CHECK(g.get_array("k.arr_str", GGUF_STRING).strs == std::vector<std::string>{"a", "", "\xc4\xa0the", "<|endoftext|>"});
    const GGUFValue& aa = g.get_array("k.arr_arr", GGUF_ARRAY);
    REQUIRE(aa.items.size() == 2);
    CHECK(aa.items[0].ints == std::vector<int64_t>{1, 2});
    CHECK(aa.items[1].ints == std::vector<int64_t>{3});
    CHECK(g.get("no.such.key") == nullptr);
    CHECK(g.tensors.size() == 7);
    CHECK(g.tensor("t_f32_3d").shape() == std::vector<int64_t>{2, 3, 32});
    CHECK(g.tensor("t_f32_3d").ne == std::vector<int64_t>{32, 3, 2});
    CHECK(g.tensor("t_q4_1").n_bytes == 6 * 20);

    // wrong kinds and missing keys: one clear line
    auto fails = [&](const std::function<void()>& f, const std::string& why) {
        std::string err;
        int rc = run_child(f, &err);
        CHECK_MESSAGE(rc == EXIT_RUNTIME, err);
        CHECK_MESSAGE(err.find(why) != std::string::npos, err);
        CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    };
    fails([&] { g.get_int("k.str"); }, "k.str is a string, expected an integer");
    fails([&] { g.get_str("k.u8"); }, "k.u8 is a uint8, expected a string");
    fails([&] { g.get_int("k.u64"); }, "expected an integer");  // above INT64_MAX
    fails([&] { g.get_int("missing.key"); }, "has no metadata key missing.key");
    fails([&] { g.get_array("k.arr_f32", GGUF_STRING); }, "not an array of string");
    fails([&] { g.tensor_f32("t_q8_0", {64, 3}); }, "t_q8_0 has shape [3, 64], expected [64, 3]");
    fails([&] { g.tensor_f32("nope"); }, "has no tensor nope");
}

TEST_CASE("gguf: dequantised F32, F16, BF16, Q8_0, Q4_0, Q4_1 equal the gguf package's") {
    GGUF g = GGUF::open(std::string(FIX) + "/types.gguf");
    std::string exp = read_file(std::string(FIX) + "/types.expected.txt");
    std::istringstream in(exp);
    std::string head, values;
    int n_tensors = 0;
    while (std::getline(in, head) && std::getline(in, values)) {
        std::istringstream h(head);
        std::string name, type;
        h >> name >> type;
        CAPTURE(name);
        std::vector<int64_t> ne;
        int64_t d;
        while (h >> d) ne.push_back(d);
        const GGUFTensor& t = g.tensor(name);
        CHECK(gguf::type_info(t.type).name == type);
        CHECK(t.ne == ne);
        std::vector<float> want = parse_floats(values), got = g.tensor_f32(name, t.shape());
        REQUIRE(got.size() == want.size());
        double max_err = 0;
        for (size_t i = 0; i < got.size(); i++) max_err = std::max(max_err, (double)std::fabs(got[i] - want[i]));
        CHECK_MESSAGE(max_err == 0.0, "max |ours - gguf.quants.dequantize| = " << max_err);  // same fp32 ops: exact
        n_tensors++;
    }
    CHECK(n_tensors == 7);
    // the all-zero Q4_1 block (scale 0) and Q8_0's: zeros
    std::vector<float> q41 = g.tensor_f32("t_q4_1");
    for (int j = 160; j < 192; j++) CHECK(q41[j] == 0.0f);
}

TEST_CASE("gguf: fp16 and bf16 conversions") {
    // every half: to float and back is the identity (NaNs stay NaN)
    int bad = 0;
    for (uint32_t h = 0; h < 65536; h++) {
        float f = gguf::f16_to_f32((uint16_t)h);
        if (std::isnan(f)) { bad += !std::isnan(gguf::f16_to_f32(gguf::f32_to_f16(f))); continue; }
        bad += gguf::f32_to_f16(f) != h;
#ifdef __F16C__
        float hw = _cvtsh_ss((unsigned short)h);
        bad += memcmp(&f, &hw, 4) != 0;
#endif
    }
    CHECK(bad == 0);
    CHECK(gguf::f16_to_f32(0x3C00) == 1.0f);
    CHECK(gguf::f16_to_f32(0x0001) == std::ldexp(1.0f, -24));
    CHECK(gguf::f32_to_f16(65504.0f) == 0x7BFF);
    CHECK(gguf::f32_to_f16(65519.99f) == 0x7BFF);
    CHECK(gguf::f32_to_f16(65520.0f) == 0x7C00);                     // ties to even: infinity
    CHECK(gguf::f32_to_f16(std::ldexp(1.0f, -25)) == 0x0000);        // tie between 0 and the smallest: 0
    CHECK(gguf::f32_to_f16(std::ldexp(1.5f, -25)) == 0x0001);
    CHECK(gguf::f32_to_f16(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);  // tie: even
    CHECK(gguf::f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3C02);
    CHECK(gguf::f32_to_f16(-0.0f) == 0x8000);
    CHECK(gguf::bf16_to_f32(0x3F80) == 1.0f);
#ifdef __F16C__
    // random floats of every magnitude: the same rounding as the F16C instruction (nearest, ties even)
    std::mt19937 rng(5);
    int diff = 0;
    for (int k = 0; k < 2000000; k++) {
        uint32_t bits = rng();
        float f;
        memcpy(&f, &bits, 4);
        if (std::isnan(f)) continue;
        diff += gguf::f32_to_f16(f) != _cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT);
    }
    CHECK(diff == 0);
#else
    MESSAGE("no F16C on this CPU: the fp16 checks ran without the hardware reference");
#endif
}

TEST_CASE("gguf: the writer gives the gguf package's bytes, and reads back") {
    GGUFWriter w;
    w.add_str("general.architecture", "fixture");
    w.add_u32("general.file_type", 7);
    w.add_str("general.name", "writer test");
    w.add_f32("llama.rope.freq_base", 100000.0f);
    w.add_bool("tokenizer.ggml.add_bos_token", false);
    w.add_str_array("tokenizer.ggml.tokens", {"<|endoftext|>", "a", "\xc4\xa0" "b"});
    w.add_i32_array("tokenizer.ggml.token_type", {3, 1, 1});
    std::vector<float> a = formula(64, 0.03125f), b = formula(96, 0.01f), c = formula(128, 0.07f), d = formula(5, 1.0f);
    for (int i = 64; i < 96; i++) c[i] = 0.0f;
    w.add_tensor("w_f32", {2, 32}, a.data(), GGML_F32);
    w.add_tensor("w_f16", {3, 32}, b.data(), GGML_F16);
    w.add_tensor("w_q8_0", {2, 64}, c.data(), GGML_Q8_0);
    w.add_tensor("w_vec", {5}, d.data(), GGML_F32);
    std::string ours = w.bytes(), ref = read_file(std::string(FIX) + "/writer_ref.gguf");
    CHECK(ours.size() == ref.size());
    size_t first = 0;
    while (first < std::min(ours.size(), ref.size()) && ours[first] == ref[first]) first++;
    CHECK_MESSAGE(first == ref.size(), "first differing byte " << first);

    std::string p = tmp_path("w.gguf");
    w.write(p);
    GGUF g = GGUF::open(p);
    CHECK(g.get_int("general.file_type") == 7);
    CHECK(g.get_array("tokenizer.ggml.tokens", GGUF_STRING).strs.size() == 3);
    CHECK(g.tensor_f32("w_f32", {2, 32}) == a);
    std::vector<float> bf = g.tensor_f32("w_f16", {3, 32});
    for (int i = 0; i < 96; i++) CHECK(std::fabs(bf[i] - b[i]) <= std::fabs(b[i]) * 4.9e-4f);  // fp16: 2^-11 relative
    std::vector<float> cq = g.tensor_f32("w_q8_0", {2, 64});
    double max_rel = 0;
    for (int blk = 0; blk < 4; blk++) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = std::max(amax, std::fabs(c[blk * 32 + j]));
        for (int j = 0; j < 32; j++) {
            int i = blk * 32 + j;
            if (amax == 0) CHECK(cq[i] == 0.0f);
            else max_rel = std::max(max_rel, (double)std::fabs(cq[i] - c[i]) / (amax / 127));
        }
    }
    CHECK(max_rel <= 0.51);  // within half a quantisation step (plus fp16 rounding of d)
    CHECK(max_rel > 0.3);    // and it is quantised
    unlink(p.c_str());
}

TEST_CASE("gguf: malformed and truncated files fail with one clear line") {
    std::string good = mini();
    CHECK(parse_err(good) == "");
    std::string fix = read_file(std::string(FIX) + "/types.gguf");
    REQUIRE(parse_err(fix) == "");
    // every strict prefix of both files fails cleanly (no crash, a message)
    int clean = 0, total = 0;
    for (const std::string* f : {&good, &fix})
        for (size_t n = 0; n < f->size(); n++) {
            std::string e = parse_err(f->substr(0, n));
            total++;
            clean += !e.empty() && e.find("mem.gguf: ") == 0 && e.find('\n') == std::string::npos;
        }
    CHECK(clean == total);

    auto at = [](std::string s, size_t off, const void* v, size_t n) { memcpy(&s[off], v, n); return s; };
    uint32_t u32;
    uint64_t u64;
    open_fails("", "truncated");
    open_fails("GGUF", "truncated");
    open_fails("GGML" + good.substr(4), "bad magic");
    open_fails(at(good, 4, &(u32 = 1), 4), "unsupported GGUF version 1");
    open_fails(at(good, 4, &(u32 = 4), 4), "unsupported GGUF version 4");
    open_fails(at(good, 8, &(u64 = 1ULL << 40), 8), "tensor count 1099511627776 is more than the file can hold");
    open_fails(at(good, 16, &(u64 = ~0ULL), 8), "metadata count 18446744073709551615 is more than the file can hold");
    open_fails(at(good, 24, &(u64 = 1ULL << 62), 8), "has length 4611686018427387904, past the end");  // key length
    open_fails(at(good, 41, &(u32 = 13), 4), "unknown metadata value type 13");
    open_fails(good.substr(0, good.size() - 1), "truncated: tensor w (F32, [32], 128 bytes at data offset 0) runs past the end");
    open_fails(mini(GGML_F32, {32}, 64), "runs past the end of the file");
    open_fails(mini(GGML_F32, {32}, 0), "is larger than the file");
    open_fails(mini(99), "unknown ggml type 99");
    open_fails(mini(GGML_Q8_0, {33}), "not a multiple of Q8_0's block of 32");
    open_fails(mini(GGML_F32, {1, 1, 1, 1, 1}), "has 5 dimensions (1 to 4)");
    open_fails(mini(GGML_F32, {1ULL << 32, 1ULL << 32}), "product overflows");
    open_fails(mini(GGML_F32, {1ULL << 62}), "is larger than the file");
    open_fails(mini(GGML_F32, {1ULL << 63}), "product overflows");
    {
        Raw r;  // misaligned tensor offset
        r.header(3, 1, 0).tensor("w", {8}, GGML_F32, 4).pad().data(64);
        open_fails(r.b, "offset 4, not a multiple of the alignment 32");
    }
    {
        Raw r;  // the same tensor twice
        r.header(3, 2, 0).tensor("w", {8}, GGML_F32, 0).tensor("w", {8}, GGML_F32, 32).pad().data(64);
        open_fails(r.b, "tensor w appears twice");
    }
    {
        Raw r;  // the same key twice
        r.header(3, 0, 2).str("a").put((uint32_t)GGUF_U8).put((uint8_t)1).str("a").put((uint32_t)GGUF_U8).put((uint8_t)2);
        open_fails(r.b, "metadata key a appears twice");
    }
    {
        Raw r;  // alignment not a power of two
        r.header(3, 0, 1).str("general.alignment").put((uint32_t)GGUF_U32).put((uint32_t)24);
        open_fails(r.b, "general.alignment must be a uint32 power of two");
    }
    {
        Raw r;  // a bool that is 2
        r.header(3, 0, 1).str("b").put((uint32_t)GGUF_BOOL).put((uint8_t)2);
        open_fails(r.b, "a bool is 2");
    }
    {
        Raw r;  // an array of 2^40 strings in a short file: refused before any allocation
        r.header(3, 0, 1).str("s").put((uint32_t)GGUF_ARRAY).put((uint32_t)GGUF_STRING).put((uint64_t)1 << 40).data(64);
        open_fails(r.b, "an array of 1099511627776 string runs past the end");
    }
    {
        Raw r;  // a string in an array with an absurd length
        r.header(3, 0, 1).str("s").put((uint32_t)GGUF_ARRAY).put((uint32_t)GGUF_STRING).put((uint64_t)2).put((uint64_t)1 << 50).data(64);
        open_fails(r.b, "a string in an array has length 1125899906842624, past the end");
    }
    {
        Raw r;  // an array of an unknown type
        r.header(3, 0, 1).str("s").put((uint32_t)GGUF_ARRAY).put((uint32_t)77).put((uint64_t)1).data(8);
        open_fails(r.b, "unknown element type 77");
    }
    {
        Raw r;  // arrays nested 5 deep
        r.header(3, 0, 1).str("s").put((uint32_t)GGUF_ARRAY);
        for (int k = 0; k < 5; k++) r.put((uint32_t)GGUF_ARRAY).put((uint64_t)1);
        r.put((uint32_t)GGUF_U8).put((uint64_t)1).put((uint8_t)0);
        open_fails(r.b, "nested more than 4 deep");
    }
    {
        Raw r;  // a tensor offset far past the end
        r.header(3, 1, 0).tensor("w", {8}, GGML_F32, 1ULL << 60).pad().data(64);
        open_fails(r.b, "runs past the end of the file");
    }
    open_fails(fix.substr(0, fix.size() - 10), "truncated: tensor t_f32_3d");
    {
        std::string err;
        CHECK(run_child([] { GGUF::open("/nonexistent/x.gguf"); }, &err) == EXIT_RUNTIME);
        CHECK(err.find("cannot open /nonexistent/x.gguf") != std::string::npos);
    }

    {
        Raw r;  // a name with a newline is escaped: the message stays one line
        r.header(3, 1, 0).tensor("w\nx", {8}, GGML_F32, 64).pad().data(32);
        open_fails(r.b, "tensor w\\x0Ax (F32");
    }
    {
        Raw r;  // a tensor of zero elements (a huge first dimension times 0) opens and is empty
        r.header(3, 1, 0).tensor("z", {1ULL << 40, 0}, GGML_Q8_0, 0).pad();
        CHECK(parse_err(r.b) == "");
        GGUF g;
        std::string err;
        REQUIRE(GGUF::parse((const uint8_t*)r.b.data(), r.b.size(), "z.gguf", g, &err));
        CHECK(g.tensor_f32("z").empty());
    }
    // version 2 reads like 3; a file with no tensors is fine
    CHECK(parse_err(at(good, 4, &(u32 = 2), 4)) == "");
    {
        Raw r;
        r.header(3, 0, 0);
        CHECK(parse_err(r.b) == "");
    }
    // a valid type this reader cannot dequantise opens; asking for its values is one clear line
    {
        std::string p = tmp_path("q5.gguf");
        write_bytes(p, mini(6 /* Q5_0 */, {32}, 22));
        GGUF g = GGUF::open(p);
        CHECK(g.tensor("w").n_bytes == 22);
        std::string err;
        CHECK(run_child([&] { g.tensor_f32("w"); }, &err) == EXIT_RUNTIME);
        CHECK_MESSAGE(err.find("tensor w is Q5_0; this reader dequantises F32, F16, BF16, Q8_0, Q4_0 and Q4_1 only") != std::string::npos, err);
        unlink(p.c_str());
    }
    // random byte flips of the fixture: parse either succeeds with tensors inside the file or fails cleanly
    std::mt19937 rng(3);
    int ok = 0, failed = 0;
    for (int k = 0; k < 3000; k++) {
        std::string s = fix;
        for (int f = 0, nf = 1 + rng() % 4; f < nf; f++) s[rng() % s.size()] ^= (char)(1 + rng() % 255);
        GGUF g;
        std::string err;
        if (GGUF::parse((const uint8_t*)s.data(), s.size(), "mem.gguf", g, &err)) {
            ok++;
            for (auto& t : g.tensors) CHECK(t.data + t.n_bytes <= (const uint8_t*)s.data() + s.size());
        } else failed += !err.empty();
    }
    CHECK(ok + failed == 3000);
    CHECK(failed > 100);
}

// ---- the real file ------------------------------------------------------------------------------

TEST_CASE("gguf: SmolLM2-135M-Instruct header facts") {
    REQUIRE_MESSAGE(file_exists(SMOLLM2), std::string(SMOLLM2) << " is missing: run `make smollm2` first");
    GGUF g = GGUF::open(SMOLLM2);
    CHECK(g.version == 3);
    CHECK(g.size == 98362432);
    CHECK(g.alignment == 32);
    CHECK(g.data_offset == 1785664);
    CHECK(g.kv.size() == 33);
    CHECK(g.tensors.size() == 272);
    CHECK(g.get_str("general.architecture") == "llama");
    CHECK(g.get_int("general.file_type") == 3);
    CHECK(g.get_int("llama.block_count") == 30);
    CHECK(g.get_int("llama.embedding_length") == 576);
    CHECK(g.get_int("llama.attention.head_count") == 9);
    CHECK(g.get_int("llama.attention.head_count_kv") == 3);
    CHECK(g.get_int("llama.feed_forward_length") == 1536);
    CHECK(g.get_int("llama.context_length") == 8192);
    CHECK(g.get_int("llama.vocab_size") == 49152);
    CHECK(g.get_int("llama.rope.dimension_count") == 64);
    CHECK(g.get_f64("llama.rope.freq_base") == 100000.0);
    CHECK(g.get_f64("llama.attention.layer_norm_rms_epsilon") == (double)1e-5f);
    CHECK(g.get_str("tokenizer.ggml.model") == "gpt2");
    CHECK(g.get_str("tokenizer.ggml.pre") == "smollm");
    CHECK(g.get_array("tokenizer.ggml.tokens", GGUF_STRING).n == 49152);
    CHECK(g.get_array("tokenizer.ggml.merges", GGUF_STRING).n == 48900);
    CHECK(g.find_tensor("output.weight") == nullptr);  // tied embeddings
    int n_q41 = 0, n_f32 = 0, n_q80 = 0;
    int64_t params = 0;
    for (auto& t : g.tensors) {
        n_q41 += t.type == GGML_Q4_1;
        n_f32 += t.type == GGML_F32;
        n_q80 += t.type == GGML_Q8_0;
        params += t.n_elements;
    }
    CHECK(n_q41 == 210);
    CHECK(n_f32 == 61);
    CHECK(n_q80 == 1);
    CHECK(params == 134515008);
    CHECK(g.tensor("token_embd.weight").shape() == std::vector<int64_t>{49152, 576});
    CHECK(g.tensor("blk.0.attn_k.weight").shape() == std::vector<int64_t>{192, 576});
    CHECK(g.tensor("blk.0.ffn_down.weight").shape() == std::vector<int64_t>{576, 1536});
    CHECK(g.tensor("blk.29.ffn_gate.weight").shape() == std::vector<int64_t>{1536, 576});
}

TEST_CASE("gguf: SmolLM2 dequantised tensors equal the gguf package's") {
    REQUIRE_MESSAGE(file_exists(SMOLLM2), std::string(SMOLLM2) << " is missing: run `make smollm2` first");
    GGUF g = GGUF::open(SMOLLM2);
    std::istringstream in(read_file(std::string(FIX) + "/smollm2_tensors.txt"));
    std::string head, values;
    int n = 0;
    while (std::getline(in, head) && std::getline(in, values)) {
        std::istringstream h(head);
        std::string name, type;
        h >> name >> type;
        CAPTURE(name);
        std::vector<std::string> rest;
        std::string tok;
        while (h >> tok) rest.push_back(tok);
        REQUIRE(rest.size() >= 4);
        int64_t count = atoll(rest[rest.size() - 4].c_str());
        double sum = atof(rest[rest.size() - 3].c_str()), sumsq = atof(rest[rest.size() - 2].c_str()), sumabs = atof(rest.back().c_str());
        const GGUFTensor& t = g.tensor(name);
        CHECK(gguf::type_info(t.type).name == type);
        std::vector<float> v = g.tensor_f32(name, t.shape());
        REQUIRE((int64_t)v.size() == count);
        long double s = 0, s2 = 0, sa = 0;  // 64-bit mantissa: 28M terms stay within ~1e-12 relative
        for (float x : v) { s += x; s2 += (long double)x * x; sa += std::fabs(x); }
        // numpy's pairwise float64 sums of the same fp32 values agree to ~1e-14 relative
        CHECK(std::fabs((double)s - sum) <= 1e-12 * sumabs);
        CHECK(std::fabs((double)s2 - sumsq) <= 1e-12 * sumsq);
        CHECK(std::fabs((double)sa - sumabs) <= 1e-12 * sumabs);
        std::vector<float> want = parse_floats(values);
        REQUIRE(want.size() == 128);
        int mismatch = 0;
        for (int k = 0; k < 128; k++) {
            size_t idx = k < 64 ? (size_t)k : (size_t)(((int64_t)(k - 64) * 7919 * 64 + 13) % count);
            mismatch += v[idx] != want[k];
        }
        CHECK(mismatch == 0);  // bit-exact
        n++;
    }
    CHECK(n == 7);
}
