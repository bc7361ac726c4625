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
