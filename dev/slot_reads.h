// dev/slot_reads.h: what dev/slot_reads.cpp and dev/para_reads.cpp share: the slots a memory reads
// at some positions of the last forward, as a distribution; the overlap of two such; and fresh zero
// 512^2 memories attached at given blocks, as ./train 3m attaches them.
#pragma once
#include <algorithm>
#include <cstdlib>
#include <map>
#include "llmc/model.h"

typedef std::map<int, double> Reads;  // slot -> share of the read weight

// the slots block l reads at positions [from, to) of the last forward, normalised to sum 1
inline Reads reads(const GPT2<float>& m, int l, int from, int to) {
    const MemoryConfig& mc = m.cfg.mem;
    const int HK = mc.heads * mc.topk;
    Reads r;
    for (int t = from; t < to; t++)
        for (int e = 0; e < HK; e++) r[m.mcache[l].idx[t * HK + e]] += m.mcache[l].w[t * HK + e] / (mc.heads * (double)(to - from));
    return r;
}

inline double overlap(const Reads& a, const Reads& b) {
    double s = 0;
    for (auto& [slot, w] : a) { auto it = b.find(slot); if (it != b.end()) s += std::min(w, it->second); }
    return s;
}

// m with zero memories at BLOCKS ("10,20"): 512^2 slots, 4 heads of top-32, dk 128, the keys and
// query of `inject --mem-keys 512 --mem-heads 4 --mem-dk 128 --seed 1337`
inline void attach_fresh_memories(GPT2<float>& m, const char* blocks) {
    if (m.cfg.mem_layers) fatal(EXIT_USAGE, "BLOCKS: the checkpoint already has a memory");
    GPT2Config k = m.cfg;
    for (const char* s = blocks; *s; s += *s == ',') {
        char* end;
        long l = strtol(s, &end, 10);
        if (end == s || l < 0 || l >= k.L) fatal(EXIT_USAGE, "BLOCKS: a comma-separated list of blocks 0..%d, not %s", k.L - 1, blocks);
        k.mem_layers |= 1u << l;
        s = end;
    }
    k.mem.n_keys = 512; k.mem.topk = 32; k.mem.heads = 4; k.mem.dk = 128;
    GPT2<float> a;
    a.build(k);
    for (size_t i = 0; i < m.specs.size(); i++) std::copy_n(m.params.data() + m.offset[i], m.specs[i].size, a.tensor(m.specs[i].name));
    a.init_extensions(1337, true);
    m = std::move(a);
}
