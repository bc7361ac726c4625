// dataloader.h: token shards in llm.c's format and a shuffled, seeded batch loader.
// Shard: 256 int32 header (magic 20240520, version 1 = uint16 tokens / version 2 = uint32 tokens,
// [2] = token count), then the tokens. The reader checks the file size against the count.
#pragma once
#include "utils.h"

enum { SHARD_MAGIC = 20240520 };

// ids must lie in [0, vocab_size): uint16 holds them when vocab_size <= 65536, else uint32
inline void write_shard(const std::string& path, const std::vector<int>& tokens, int vocab_size) {
    for (int id : tokens)
        if (id < 0 || id >= vocab_size) fatal(EXIT_RUNTIME, "%s: token id %d is outside the vocabulary (size %d)", path.c_str(), id, vocab_size);
    int header[256] = {0};
    bool wide = vocab_size > 65536;  // ids up to 65535 fit uint16
    header[0] = SHARD_MAGIC;
    header[1] = wide ? 2 : 1;
    header[2] = (int)tokens.size();
    AtomicFile af(path);
    af.write(header, sizeof header);
    if (wide) {
        std::vector<uint32_t> t(tokens.begin(), tokens.end());
        af.write(t.data(), t.size() * 4);
    } else {
        std::vector<uint16_t> t(tokens.size());
        for (size_t i = 0; i < tokens.size(); i++) t[i] = (uint16_t)tokens[i];
        af.write(t.data(), t.size() * 2);
    }
    af.commit();
}

// Parses a shard held in memory; vocab_size > 0 checks every id against it. Never exits: on bad
// input returns false with `err` saying what is wrong (read_shard puts the path in front). The
// fuzz target tests/fuzz/fuzz_shard.cpp drives this directly.
inline bool parse_shard(const void* data, size_t size, int vocab_size, std::vector<int>& tokens, std::string& err) {
    char b[256];
    tokens.clear();
    if (size < 1024) {
        snprintf(b, sizeof b, "is %s (%zu bytes, header needs 1024)", size ? "truncated" : "empty", size);
        err = b;
        return false;
    }
    int header[256];
    memcpy(header, data, sizeof header);
    if (header[0] != SHARD_MAGIC) { snprintf(b, sizeof b, "has bad magic %d (expected %d)", header[0], SHARD_MAGIC); err = b; return false; }
    if (header[1] != 1 && header[1] != 2) { snprintf(b, sizeof b, "has unsupported version %d (1 = uint16, 2 = uint32 tokens)", header[1]); err = b; return false; }
    long long n = header[2], width = header[1] == 1 ? 2 : 4, have = (long long)size - 1024;
    if (n < 0) { snprintf(b, sizeof b, "has a negative token count %lld in its header", n); err = b; return false; }
    if (n * width != have) {
        snprintf(b, sizeof b, "is %s: header says %lld tokens, file holds %lld bytes of tokens", n * width > have ? "truncated" : "oversized", n, have);
        err = b;
        return false;
    }
    const unsigned char* src = (const unsigned char*)data + 1024;
    tokens.resize(n);
    for (long long i = 0; i < n; i++) {
        uint32_t t;
        if (width == 2) { uint16_t h; memcpy(&h, src + 2 * i, 2); t = h; }
        else memcpy(&t, src + 4 * i, 4);
        if ((vocab_size > 0 && t >= (uint32_t)vocab_size) || t > 0x7fffffffu) {
            snprintf(b, sizeof b, "has token %u at position %lld, outside the vocabulary (size %d)", t, i, vocab_size);
            err = b;
            tokens.clear();
            return false;
        }
        tokens[i] = (int)t;
    }
    return true;
}

// reads a whole shard; vocab_size > 0 checks every id against it. Bad files are fatal, one line.
inline std::vector<int> read_shard(const std::string& path, int vocab_size) {
    if (file_size(path) < 0) fatal(EXIT_RUNTIME, "shard %s does not exist", path.c_str());
    std::string bytes = read_file(path);
    std::vector<int> tokens;
    std::string err;
    if (!parse_shard(bytes.data(), bytes.size(), vocab_size, tokens, err)) fatal(EXIT_RUNTIME, "shard %s %s", path.c_str(), err.c_str());
    return tokens;
}

// Serves (B,T) input/target batches from a token stream. The stream is cut into windows of T+1
// tokens (stride T); each epoch visits every window once in an order shuffled by (seed, epoch).
// Its position is two integers (epoch, next window), which is all a resume needs. With several
// data-parallel ranks, rank r of R takes windows r, r+R, r+2R... of the same permutation.
#include "rand.h"
struct DataLoader {
    std::vector<int> tokens;
    int B = 0, T = 0, rank = 0, world = 1;
    uint64_t seed = 0;
    long epoch = 0, pos = 0;  // pos: index of the next window in this epoch's permutation
    std::vector<long> order;

    void init(std::vector<int> toks, int b, int t, uint64_t s, int r = 0, int w = 1) {
        tokens = std::move(toks); B = b; T = t; seed = s; rank = r; world = w;
        if (num_windows() < (long)B * world)
            fatal(EXIT_RUNTIME, "too little data: %zu tokens make %ld windows of %d, a batch needs %ld", tokens.size(), num_windows(), T + 1, (long)B * world);
        set_position(0, 0);
    }
    long num_windows() const { return tokens.size() > (size_t)T ? (long)((tokens.size() - 1) / T) : 0; }
    void set_position(long e, long p) {
        epoch = e; pos = p;
        order.resize(num_windows());
        for (long i = 0; i < (long)order.size(); i++) order[i] = i;
        Rng rng(seed * 1000003 + epoch);
        shuffle(order, rng);
    }
    // x and y are (B,T): y is x shifted by one token
    void next(int* x, int* y) {
        for (int b = 0; b < B; b++) {
            if (pos + world > (long)order.size()) set_position(epoch + 1, 0);
            long w = order[pos + rank];
            pos += world;
            const int* src = tokens.data() + (size_t)w * T;
            for (int t = 0; t < T; t++) { x[b * T + t] = src[t]; y[b * T + t] = src[t + 1]; }
        }
    }
};
