// fuzz_tokenizer.cpp: libFuzzer target for the byte-level BPE encoder (llmc/tokenizer.h).
// Any bytes (valid UTF-8 or not, NULs, "<|endoftext|>" pieces) must encode without a crash into ids
// inside the vocabulary, encode the same way twice (the piece cache must not change results), and
// decode back to exactly the input. Tokenizers: GPT-2's (data/gpt2; run from the repo root), one
// trained at start-up on the fixture corpus, and (mode bit 4) one trained on the input itself.
// The first input byte is the mode: bit 1 = the small tokenizer, bit 2 = "<|endoftext|>" special.
// Build and run: make fuzz (tests/fuzz/run.sh).
#include <cstdint>
#include "llmc/tokenizer.h"

static const Tokenizer* g_gpt2 = nullptr;
static const Tokenizer* g_small = nullptr;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_gpt2 = new Tokenizer(Tokenizer::gpt2("data/gpt2"));
    g_small = new Tokenizer(Tokenizer::train(read_file("tests/fixtures/corpus/emma_head.txt").substr(0, 30000), 400));
    return 0;
}

static void roundtrip(const Tokenizer& t, const std::string& s, bool special) {
    std::vector<int> ids = t.encode(s, special);
    for (int id : ids)
        if (id < 0 || id >= t.vocab_size) __builtin_trap();
    if (t.encode(s, special) != ids) __builtin_trap();  // cached pieces give the same ids
    if (t.decode(ids) != s) __builtin_trap();          // lossless, "<|endoftext|>" included
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const int mode = data[0];
    const std::string s((const char*)data + 1, size - 1);
    const bool special = mode & 2;
    roundtrip(mode & 1 ? *g_small : *g_gpt2, s, special);
    if ((mode & 4) && s.size() <= 2048) {  // the trainer on arbitrary text, then its encoder
        Tokenizer t = Tokenizer::train(s, 257 + (mode >> 3) * 4);
        roundtrip(t, s, special);
        roundtrip(t, "<|endoftext|> plain text after it", special);
    }
    return 0;
}
