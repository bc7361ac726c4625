// fuzz_ledger.cpp: libFuzzer target for the memory ledger's reader (llmc/memory_ledger.h:
// Ledger::parse), what `./train memory --docs/--erase` and inject --doc-name read beside a
// checkpoint. Any bytes must parse or fail with a message, never crash; a parsed ledger names only
// memory rows of the model (erase writes there) and writes back to bytes that parse to the same.
// Build and run: make fuzz (tests/fuzz/run.sh).
#include <cstdint>
#include "llmc/memory_ledger.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    GPT2Config cfg;  // a memory on block 1 of 2, 4 x 4 = 16 slots, rows of 4
    cfg.maxT = 8; cfg.V = 16; cfg.Vp = 16; cfg.L = 2; cfg.NH = 1; cfg.C = 4;
    cfg.mem_layers = 2; cfg.mem.C = 4; cfg.mem.n_keys = 4; cfg.mem.topk = 2; cfg.mem.heads = 1; cfg.mem.dk = 2;
    std::string s((const char*)data, size), err;
    if (size >= 1 && !(data[0] & 1)) {  // even first byte: a valid header of (data[0] / 2) % 4 documents, then the rest
        int h[4] = {Ledger::MAGIC, Ledger::VERSION, cfg.C, (data[0] >> 1) % 4};
        s = std::string((const char*)h, sizeof h) + std::string(1024 - sizeof h, '\0') + s.substr(1);
    }
    Ledger g;
    if (!Ledger::parse(s, cfg, g, err)) {
        if (err.empty()) __builtin_trap();
        return 0;
    }
    for (auto& d : g.docs) {
        if (d.block.size() != d.rows() || d.delta.size() != d.rows() * (size_t)cfg.C) __builtin_trap();
        for (size_t i = 0; i < d.rows(); i++)
            if (d.block[i] != 1 || d.slot[i] < 0 || d.slot[i] >= 16) __builtin_trap();
    }
    Ledger again;
    if (!Ledger::parse(g.bytes(), cfg, again, err) || again.bytes() != g.bytes()) __builtin_trap();
    return 0;
}
