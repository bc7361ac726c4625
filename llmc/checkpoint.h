// checkpoint.h: the training run's own files beside model.bin (whose format is model.h's): the
// training state (state.bin: step, data position, seed, AdamW moments, the fingerprint of the
// model.bin saved with it) and the memory slots' background document frequencies (df.bin). Both
// start with a header of 256 int32 like llm.c's files, and both are written atomically.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>
#include "utils.h"

// the file's header of 256 int32 into h, and the file open just past it; NULL when the file is
// missing or shorter than the header
inline FILE* open_header(const std::string& path, int h[256]) {
    FILE* f = fopen(path.c_str(), "rb");
    if (f && fread(h, 4, 256, f) != 256) { fclose(f); f = nullptr; }
    return f;
}

enum { STATE_MAGIC = 20240527, STATE_VERSION = 1 };

struct TrainState {
    int step = 0;
    long epoch = 0, pos = 0;
    uint64_t seed = 0;
    uint64_t model_hash = 0;  // params_hash() of the model.bin saved with it; 0 = not recorded
    std::vector<float> m, v;
};

// a running fingerprint of raw bytes: h, then the n bytes at b
inline uint64_t hash_into(uint64_t h, const void* p, size_t n) {
    const unsigned char* b = (const unsigned char*)p;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
    }
    for (; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

// a fingerprint of the parameters (never 0), to tell whether model.bin and state.bin belong together
inline uint64_t params_hash(const std::vector<float>& p) {
    uint64_t h = hash_into(0x9E3779B97F4A7C15ull ^ p.size(), p.data(), p.size() * 4);
    return h ? h : 1;
}

inline void save_state(const std::string& path, const TrainState& s) {
    int h[256] = {0};
    h[0] = STATE_MAGIC; h[1] = STATE_VERSION; h[2] = s.step;
    long long ext[4] = {(long long)s.epoch, (long long)s.pos, (long long)s.m.size(), (long long)s.seed};
    memcpy(h + 8, ext, sizeof ext);
    memcpy(h + 16, &s.model_hash, 8);
    AtomicFile af(path);
    af.write(h, sizeof h);
    af.write(s.m.data(), s.m.size() * 4);
    af.write(s.v.data(), s.v.size() * 4);
    af.commit();
}

inline TrainState load_state(const std::string& path, size_t nparams) {
    long size = file_size(path);
    if (size < 0) fatal(EXIT_RUNTIME, "training state %s does not exist (nothing to resume)", path.c_str());
    int h[256];
    FILE* f = open_header(path, h);
    if (!f) fatal(EXIT_RUNTIME, "training state %s is truncated", path.c_str());
    if (h[0] != STATE_MAGIC || h[1] != STATE_VERSION) { fclose(f); fatal(EXIT_RUNTIME, "%s is not a training state (magic %d version %d)", path.c_str(), h[0], h[1]); }
    long long ext[4];
    memcpy(ext, h + 8, sizeof ext);
    TrainState s;
    s.step = h[2]; s.epoch = ext[0]; s.pos = ext[1]; s.seed = (uint64_t)ext[3];
    memcpy(&s.model_hash, h + 16, 8);
    if (s.step < 0 || s.epoch < 0 || s.pos < 0) { fclose(f); fatal(EXIT_RUNTIME, "training state %s is corrupt (step %d, epoch %ld, position %ld)", path.c_str(), s.step, s.epoch, s.pos); }
    if ((size_t)ext[2] != nparams) { fclose(f); fatal(EXIT_RUNTIME, "training state %s holds %lld optimizer entries, the model has %zu", path.c_str(), ext[2], nparams); }
    if ((size_t)size != 1024 + 8 * nparams) { fclose(f); fatal(EXIT_RUNTIME, "training state %s is truncated or oversized (%ld bytes)", path.c_str(), size); }
    s.m.resize(nparams); s.v.resize(nparams);
    fread_check(s.m.data(), 4, nparams, f, path.c_str());
    fread_check(s.v.data(), 4, nparams, f, path.c_str());
    fclose(f);
    for (size_t i = 0; i < nparams; i++)  // a NaN moment would turn every weight it touches into NaN
        if (!std::isfinite(s.m[i]) || !std::isfinite(s.v[i]) || s.v[i] < 0)
            fatal(EXIT_RUNTIME, "training state %s is corrupt: optimizer entry %zu has moments %g, %g", path.c_str(), i, s.m[i], s.v[i]);
    return s;
}

// the model fingerprint a training state records (0 when the file is missing, foreign or older)
inline uint64_t state_model_hash(const std::string& path) {
    int h[256];
    FILE* f = open_header(path, h);
    if (!f) return 0;
    fclose(f);
    uint64_t x = 0;
    if (h[0] == STATE_MAGIC && h[1] == STATE_VERSION) memcpy(&x, h + 16, 8);
    return x;
}

// background document frequencies of memory slots (Lin et al. 2025), stored beside a checkpoint:
// header (256 int32: magic 20241105, version 2, [2] batches, [3] N, [4] L, [5..6] key), then (L, N)
// int32. The key fingerprints what the counts depend on (the caller's: train_gpt2.cu's
// slot_df_key); a file with another key, or a version-1 file without one, is not loaded.
enum { DF_MAGIC = 20241105, DF_VERSION = 2 };
struct SlotDF { int batches = 0; size_t N = 0; uint64_t key = 0; std::vector<std::vector<int>> df; };  // df[l] is (N)

inline void save_df(const std::string& path, const SlotDF& d) {
    int h[256] = {0};
    h[0] = DF_MAGIC; h[1] = DF_VERSION; h[2] = d.batches; h[3] = (int)d.N; h[4] = (int)d.df.size();
    memcpy(h + 5, &d.key, 8);
    AtomicFile af(path);
    af.write(h, sizeof h);
    for (auto& v : d.df) af.write(v.data(), v.size() * 4);
    af.commit();
}

inline bool load_df(const std::string& path, int L, size_t N, uint64_t key, SlotDF& d) {
    if (file_size(path) != (long)(1024 + (size_t)L * N * 4)) return false;
    int h[256];
    FILE* f = open_header(path, h);
    if (!f) return false;
    uint64_t k;
    memcpy(&k, h + 5, 8);
    if (h[0] != DF_MAGIC || h[1] != DF_VERSION || h[3] != (int)N || h[4] != L || k != key) { fclose(f); return false; }
    d.batches = h[2]; d.N = N; d.key = key;
    d.df.assign(L, std::vector<int>(N));
    for (auto& v : d.df) fread_check(v.data(), 4, N, f, path.c_str());
    fclose(f);
    for (auto& v : d.df)  // a corrupt file is recomputed, not trusted (a df outside [0, batches] makes NaN scores)
        for (int x : v)
            if (x < 0 || x > d.batches) return false;
    return d.batches >= 0;
}
