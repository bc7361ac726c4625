// dataloader.h: token shards in llm.c's format and a shuffled, seeded batch loader.
// Shard: 256 int32 header (magic 20240520, version 1 = uint16 tokens / version 2 = uint32 tokens,
// [2] = token count), then the tokens. The reader checks the file size against the count.
#pragma once
#include "utils.h"

enum { SHARD_MAGIC = 20240520 };

inline void write_shard(const std::string& path, const std::vector<int>& tokens, int vocab_size) {
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

// reads a whole shard; vocab_size > 0 checks every id against it
inline std::vector<int> read_shard(const std::string& path, int vocab_size) {
    long size = file_size(path);
    if (size < 0) fatal(EXIT_RUNTIME, "shard %s does not exist", path.c_str());
    if (size < 1024) fatal(EXIT_RUNTIME, "shard %s is %s (%ld bytes, header needs 1024)", path.c_str(), size ? "truncated" : "empty", size);
    FILE* f = fopen_check(path.c_str(), "rb");
    int header[256];
    fread_check(header, 4, 256, f, path.c_str());
    if (header[0] != SHARD_MAGIC) { fclose(f); fatal(EXIT_RUNTIME, "shard %s has bad magic %d (expected %d)", path.c_str(), header[0], SHARD_MAGIC); }
    if (header[1] != 1 && header[1] != 2) { fclose(f); fatal(EXIT_RUNTIME, "shard %s has unsupported version %d", path.c_str(), header[1]); }
    long n = header[2], width = header[1] == 1 ? 2 : 4;
    if (n < 0 || 1024 + n * width != size) {
        fclose(f);
        fatal(EXIT_RUNTIME, "shard %s is %s: header says %ld tokens, file holds %ld bytes of tokens", path.c_str(),
              1024 + n * width > size ? "truncated" : "oversized", n, size - 1024);
    }
    std::vector<int> tokens(n);
    if (width == 2) {
        std::vector<uint16_t> t(n);
        fread_check(t.data(), 2, n, f, path.c_str());
        for (long i = 0; i < n; i++) tokens[i] = t[i];
    } else {
        std::vector<uint32_t> t(n);
        fread_check(t.data(), 4, n, f, path.c_str());
        for (long i = 0; i < n; i++) tokens[i] = (int)t[i];
    }
    fclose(f);
    if (vocab_size > 0)
        for (long i = 0; i < n; i++)
            if (tokens[i] < 0 || tokens[i] >= vocab_size)
                fatal(EXIT_RUNTIME, "shard %s: token %d at position %ld is outside the vocabulary (size %d)", path.c_str(), tokens[i], i, vocab_size);
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
