// memory_ledger.h: which memory slots each document wrote, and by how much: the "neural file
// system" over a sparse memory. Values are zero at attach and memory-sparse writes only the slots
// it picks, so what a document changed is a set of value rows and their deltas. An inject run given
// --doc-name records them at its end (delta = values now - values of its --init-ckpt) in
// OUT/ledger.bin, beside model.bin, carrying over the --init-ckpt folder's ledger; `./train memory
// --docs` lists it and `--erase NAME` takes a document back out.
//   Ledger g = Ledger::load_beside(ckpt, cfg); g.record(name, tokens, before, m); g.erase(name, m, &report);
// File: 256-int header (magic, version, C, documents), then per document: name length and bytes,
// tokens, unix time, rows n (int64 each), n blocks and n slots (int32), n*C deltas (fp32).
#pragma once
#include <ctime>
#include <map>
#include <string>
#include <vector>
#include "model.h"
#include "utils.h"

struct LedgerDoc {
    std::string name;
    long long tokens = 0, time = 0;  // tokens trained; when it was written (unix seconds)
    std::vector<int> block, slot;    // the value rows it changed: (block, slot), n of them
    std::vector<float> delta;        // (n, C): what it added to each row
    size_t rows() const { return slot.size(); }
};

struct Ledger {
    static constexpr int MAGIC = 20261205, VERSION = 1;
    int C = 0;
    std::vector<LedgerDoc> docs;

    static std::string path_beside(const std::string& ckpt) { return dirname_of(ckpt) + "/ledger.bin"; }

    // a ledger's bytes for a model of shape cfg. Never exits: on bad bytes returns false with `err`
    // (every row must name a memory block of cfg and a slot of it: erase writes there).
    // tests/fuzz/fuzz_ledger.cpp.
    static bool parse(const std::string& s, const GPT2Config& cfg, Ledger& g, std::string& err) {
        g = Ledger();
        g.C = cfg.C;
        const int C = cfg.C;
        size_t at = 1024;
        auto take = [&](void* dst, size_t n) {
            if (n > s.size() - at) return false;
            if (n) memcpy(dst, s.data() + at, n);  // an empty vector's data() may be null
            at += n;
            return true;
        };
        int h[256];
        if (s.size() < sizeof h) { err = "is truncated"; return false; }
        memcpy(h, s.data(), sizeof h);
        if (h[0] != MAGIC || h[1] != VERSION) { err = "is not a memory ledger (magic " + std::to_string(h[0]) + " version " + std::to_string(h[1]) + ")"; return false; }
        if (h[2] != C) { err = "has rows of " + std::to_string(h[2]) + ", the model " + std::to_string(C); return false; }
        if (h[3] < 0) { err = "is corrupt (" + std::to_string(h[3]) + " documents)"; return false; }
        for (int d = 0; d < h[3]; d++) {
            LedgerDoc doc;
            long long len = 0, n = 0;
            if (!take(&len, 8)) { err = "is truncated"; return false; }
            if (len < 0 || len > 4096) { err = "is corrupt (a name of " + std::to_string(len) + " bytes)"; return false; }
            doc.name.resize(len);
            if (!take(&doc.name[0], len) || !take(&doc.tokens, 8) || !take(&doc.time, 8) || !take(&n, 8) ||
                n < 0 || (unsigned long long)n > (s.size() - at) / (8 + 4 * (size_t)C)) { err = "is truncated"; return false; }
            doc.block.resize(n); doc.slot.resize(n); doc.delta.resize((size_t)n * C);
            take(doc.block.data(), 4 * n); take(doc.slot.data(), 4 * n); take(doc.delta.data(), 4 * (size_t)n * C);
            for (long long i = 0; i < n; i++)
                if (doc.block[i] < 0 || doc.block[i] >= cfg.L || !cfg.has_mem(doc.block[i]) || doc.slot[i] < 0 || (size_t)doc.slot[i] >= cfg.mem.N()) {
                    err = "is corrupt (document " + doc.name + " names block " + std::to_string(doc.block[i]) + " slot " + std::to_string(doc.slot[i]) + ", not a memory row of the model)";
                    return false;
                }
            g.docs.push_back(std::move(doc));
        }
        if (at != s.size()) { err = "has " + std::to_string(s.size() - at) + " bytes past its last document"; return false; }
        return true;
    }

    // the ledger beside a checkpoint of shape cfg, or an empty one when there is none
    static Ledger load_beside(const std::string& ckpt, const GPT2Config& cfg) {
        Ledger g;
        g.C = cfg.C;
        std::string path = path_beside(ckpt), err;
        if (!file_exists(path)) return g;
        if (!parse(read_file(path), cfg, g, err)) fatal(EXIT_RUNTIME, "memory ledger %s %s", path.c_str(), err.c_str());
        return g;
    }

    std::string bytes() const {
        std::string s;
        auto put = [&](const void* p, size_t n) { s.append((const char*)p, n); };
        int h[256] = {MAGIC, VERSION, C, (int)docs.size()};
        put(h, sizeof h);
        for (auto& d : docs) {
            long long len = (long long)d.name.size(), n = (long long)d.rows();
            put(&len, 8); put(d.name.data(), len);
            put(&d.tokens, 8); put(&d.time, 8); put(&n, 8);
            put(d.block.data(), 4 * n); put(d.slot.data(), 4 * n); put(d.delta.data(), 4 * (size_t)n * C);
        }
        return s;
    }
    void save(const std::string& path) const { write_file_atomic(path, bytes()); }

    const LedgerDoc* find(const std::string& name) const {
        for (auto& d : docs) if (d.name == name) return &d;
        return nullptr;
    }

    // adds document `name`: every value row of m that differs from `before` (a checkpoint of the same
    // shape before the write; nullptr: all zero, a memory just attached)
    void record(const std::string& name, long long tokens, const GPT2<float>* before, const GPT2<float>& m) {
        if (find(name)) fatal(EXIT_USAGE, "--doc-name %s: the memory already holds a document of that name", name.c_str());
        LedgerDoc d;
        d.name = name; d.tokens = tokens; d.time = (long long)std::time(nullptr);
        for (int l = 0; l < m.cfg.L; l++) {
            if (!m.cfg.has_mem(l)) continue;
            for (size_t r = 0; r < m.cfg.mem.N(); r++) {
                const float* now = m.p.mem[l].values + r * C;
                const float* was = before ? before->p.mem[l].values + r * C : nullptr;
                bool changed = false;
                for (int c = 0; c < C && !changed; c++) changed = now[c] != (was ? was[c] : 0.0f);
                if (!changed) continue;
                d.block.push_back(l); d.slot.push_back((int)r);
                for (int c = 0; c < C; c++) d.delta.push_back(now[c] - (was ? was[c] : 0.0f));
            }
        }
        docs.push_back(std::move(d));
    }

    // takes document `name` out of m: a row no other document wrote goes back to what it was
    // before the write (its value minus the delta: exactly zero for a memory's first writer); a
    // shared row keeps the other documents' deltas (its delta subtracted). Returns {rows restored,
    // rows shared}.
    std::pair<size_t, size_t> erase(const std::string& name, GPT2<float>& m) {
        const LedgerDoc* doc = find(name);
        if (!doc) fatal(EXIT_USAGE, "--erase %s: no such document in the memory's ledger", name.c_str());
        std::map<std::pair<int, int>, int> writers;
        for (auto& d : docs) for (size_t i = 0; i < d.rows(); i++) writers[{d.block[i], d.slot[i]}]++;
        size_t alone = 0, shared = 0;
        for (size_t i = 0; i < doc->rows(); i++) {
            float* row = m.p.mem[doc->block[i]].values + (size_t)doc->slot[i] * C;
            const float* delta = doc->delta.data() + i * C;
            for (int c = 0; c < C; c++) row[c] -= delta[c];
            (writers[{doc->block[i], doc->slot[i]}] > 1 ? shared : alone)++;
        }
        docs.erase(docs.begin() + (doc - docs.data()));
        return {alone, shared};
    }
};
