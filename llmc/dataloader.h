// dataloader.h: token shards in llm.c's format, streams of them mapped from disk, and a shuffled,
// seeded batch loader.
// Shard: 256 int32 header ([0] magic, [1] version, [2] token count), then the tokens: llm.c's
// GPT-2 shards (magic 20240520, version 1: uint16) and, for vocabularies past 65,536, its Llama 3
// shards (magic 20240801, version 7: uint32). The reader checks the file size against the count.
#pragma once
#include <sys/mman.h>
#include "utils.h"

enum { SHARD_MAGIC = 20240520, SHARD_VERSION = 1, SHARD_MAGIC_U32 = 20240801, SHARD_VERSION_U32 = 7 };

// token i of a shard's data (past the header), stored in `width` bytes
inline uint32_t shard_token(const unsigned char* src, int width, long long i) {
    if (width == 2) { uint16_t h; memcpy(&h, src + 2 * i, 2); return h; }
    uint32_t t;
    memcpy(&t, src + 4 * i, 4);
    return t;
}

// ids must lie in [0, vocab_size): uint16 holds them when vocab_size <= 65536, else uint32
inline void write_shard(const std::string& path, const std::vector<int>& tokens, int vocab_size) {
    for (int id : tokens)
        if (id < 0 || id >= vocab_size) fatal(EXIT_RUNTIME, "%s: token id %d is outside the vocabulary (size %d)", path.c_str(), id, vocab_size);
    int header[256] = {0};
    bool wide = vocab_size > 65536;  // ids up to 65535 fit uint16
    header[0] = wide ? SHARD_MAGIC_U32 : SHARD_MAGIC;
    header[1] = wide ? SHARD_VERSION_U32 : SHARD_VERSION;
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

// Checks a shard held in memory: the header, the size, and every id against vocab_size (when > 0);
// *n and *width (2 or 4 bytes) say what it holds. Never exits: on bad input returns false with `err`
// saying what is wrong (the readers put the path in front).
inline bool check_shard(const void* data, size_t size, int vocab_size, long long* n_out, int* width_out, std::string& err) {
    char b[256];
    if (size < 1024) {
        snprintf(b, sizeof b, "is %s (%zu bytes, header needs 1024)", size ? "truncated" : "empty", size);
        err = b;
        return false;
    }
    int header[256];
    memcpy(header, data, sizeof header);
    if (header[0] != SHARD_MAGIC && header[0] != SHARD_MAGIC_U32) {
        snprintf(b, sizeof b, "has bad magic %d (expected %d, or %d for uint32 tokens)", header[0], SHARD_MAGIC, SHARD_MAGIC_U32);
        err = b;
        return false;
    }
    bool wide = header[0] == SHARD_MAGIC_U32;
    if (header[1] != (wide ? SHARD_VERSION_U32 : SHARD_VERSION)) {
        snprintf(b, sizeof b, "has unsupported version %d (magic %d: version %d)", header[1], header[0], wide ? SHARD_VERSION_U32 : SHARD_VERSION);
        err = b;
        return false;
    }
    long long n = header[2], width = wide ? 4 : 2, have = (long long)size - 1024;
    if (n < 0) { snprintf(b, sizeof b, "has a negative token count %lld in its header", n); err = b; return false; }
    if (n * width != have) {
        snprintf(b, sizeof b, "is %s: header says %lld tokens, file holds %lld bytes of tokens", n * width > have ? "truncated" : "oversized", n, have);
        err = b;
        return false;
    }
    const unsigned char* src = (const unsigned char*)data + 1024;
    for (long long i = 0; i < n; i++) {
        uint32_t t = shard_token(src, (int)width, i);
        if ((vocab_size > 0 && t >= (uint32_t)vocab_size) || t > 0x7fffffffu) {
            snprintf(b, sizeof b, "has token %u at position %lld, outside the vocabulary (size %d)", t, i, vocab_size);
            err = b;
            return false;
        }
    }
    *n_out = n;
    *width_out = (int)width;
    return true;
}

// the shard's tokens as a vector; the fuzz target tests/fuzz/fuzz_shard.cpp drives this directly
inline bool parse_shard(const void* data, size_t size, int vocab_size, std::vector<int>& tokens, std::string& err) {
    long long n;
    int width;
    tokens.clear();
    if (!check_shard(data, size, vocab_size, &n, &width, err)) return false;
    tokens.resize(n);
    for (long long i = 0; i < n; i++) tokens[i] = (int)shard_token((const unsigned char*)data + 1024, width, i);
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

// Shards concatenated into one stream of tokens, mapped from disk rather than read into memory: a
// corpus larger than RAM is paged in as the loader walks it. Each shard is checked when it is added
// (one pass over it, nothing kept). A stream can also hold its tokens in memory (tests, fuzzing).
struct TokenStream {
    struct Part { const unsigned char* data; size_t start, n; int width; void* map; size_t map_size; };  // width 0: `owned`
    std::vector<Part> parts;
    std::vector<int> owned;
    size_t n = 0;

    TokenStream() {}
    TokenStream(std::vector<int> t) : owned(std::move(t)), n(owned.size()) { parts.push_back({nullptr, 0, n, 0, nullptr, 0}); }
    TokenStream(const std::string& path, int vocab_size) { add(path, vocab_size); }
    TokenStream(TokenStream&& o) noexcept { *this = std::move(o); }
    TokenStream& operator=(TokenStream&& o) noexcept {
        std::swap(parts, o.parts); std::swap(owned, o.owned); std::swap(n, o.n);
        return *this;
    }
    TokenStream(const TokenStream&) = delete;
    ~TokenStream() { for (auto& p : parts) if (p.map) munmap(p.map, p.map_size); }

    void add(const std::string& path, int vocab_size) {
        long size = file_size(path);
        if (size < 0) fatal(EXIT_RUNTIME, "shard %s does not exist", path.c_str());
        int fd = open(path.c_str(), O_RDONLY);
        void* map = size > 0 && fd >= 0 ? mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : nullptr;
        if (fd >= 0) close(fd);
        if (size > 0 && (!map || map == MAP_FAILED)) fatal(EXIT_RUNTIME, "cannot map shard %s", path.c_str());
        long long cnt = 0;
        int width = 0;
        std::string err;
        if (!check_shard(map, size, vocab_size, &cnt, &width, err)) {
            if (map) munmap(map, size);
            fatal(EXIT_RUNTIME, "shard %s %s", path.c_str(), err.c_str());
        }
        parts.push_back({(const unsigned char*)map + 1024, n, (size_t)cnt, width, map, (size_t)size});
        n += cnt;
    }
    size_t size() const { return n; }
    // out[0..count) = tokens i..i+count-1 of the stream
    void read(size_t i, size_t count, int* out) const {
        size_t k = 0;
        while (k + 1 < parts.size() && parts[k + 1].start <= i) k++;
        for (; count > 0; k++) {
            const Part& p = parts[k];
            for (size_t j = i - p.start; j < p.n && count > 0; j++, i++, count--)
                *out++ = p.width ? (int)shard_token(p.data, p.width, j) : owned[j];
        }
    }
};

// DIR/train.bin or DIR/train_000.bin, train_001.bin, ... (synth's output), as one stream
inline TokenStream train_shards(const std::string& dir, int vocab_size) {
    TokenStream s;
    char name[32];
    if (file_exists(dir + "/train.bin")) s.add(dir + "/train.bin", vocab_size);
    for (int i = 0; snprintf(name, sizeof name, "/train_%03d.bin", i), file_exists(dir + name); i++) s.add(dir + name, vocab_size);
    if (s.parts.empty()) fatal(EXIT_RUNTIME, "%s has no train.bin or train_000.bin shards (run ./train prepare or ./train synth)", dir.c_str());
    return s;
}

// Serves (B,T) input/target batches from a token stream. The stream is cut into windows of T+1
// tokens (stride T); each epoch visits every window once in an order shuffled by (seed, epoch).
// Its position is two integers (epoch, next window), which is all a resume needs. With several
// data-parallel ranks, rank r of R takes windows r, r+R, r+2R... of the same permutation.
#include "rand.h"
struct DataLoader {
    TokenStream tokens;
    int B = 0, T = 0, rank = 0, world = 1;
    uint64_t seed = 0;
    long epoch = 0, pos = 0;  // pos: index of the next window in this epoch's permutation
    std::vector<long> order;
    std::vector<int> window;  // (T+1) tokens

    void init(TokenStream toks, int b, int t, uint64_t s, int r = 0, int w = 1) {
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
            window.resize(T + 1);
            tokens.read((size_t)w * T, T + 1, window.data());
            for (int t = 0; t < T; t++) { x[b * T + t] = window[t]; y[b * T + t] = window[t + 1]; }
        }
    }
};
