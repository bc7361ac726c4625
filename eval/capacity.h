// capacity.h: the capacity planner: how many bits a document adds to a model, and whether a
// trainable region can hold them. A language model stores about 3.6 bits per parameter (Morris et
// al. 2025, measured on random sequences) and about 2 bits of extractable knowledge per parameter
// (Allen-Zhu & Li 2024). The document's new information is at most the base model's total negative
// log-likelihood of it in bits: what the base cannot already predict.
// `./train capacity --ckpt BASE --doc FILE` prints capacity_report(); `./train 3m` puts it in its
// report. Tests: tests/test_costs.cpp (a hand-computed case).
#pragma once
#include <cmath>
#include <string>
#include <vector>
#include "llmc/json.h"
#include "llmc/model.h"

// LoRA parameters at rank r, placed as model.h places them: A (r, in) and B (out, r) on qkv,
// attproj, fc and fcproj of every block: 16 r C per block
inline double lora_params(int L, int C, int r) {
    GPT2Config c;
    c.L = L; c.C = C; c.NH = 1;
    double n = 0;
    for (auto& m : lora_matrices(c)) n += (double)r * (m.in + m.out);
    return n * L;
}

// the smallest n_keys whose n_keys^2 memory slots (C values each) hold `bits` at bits_per_param
inline long memory_keys_needed(double bits, double bits_per_param, int C) {
    long k = std::max(1L, (long)std::ceil(std::sqrt(bits / (bits_per_param * C))));
    while ((double)(k - 1) * (k - 1) * C * bits_per_param >= bits && k > 1) k--;  // sqrt's rounding
    while ((double)k * k * C * bits_per_param < bits) k++;
    return k;
}

// the smallest LoRA rank whose adapters hold `bits` at bits_per_param
inline long lora_rank_needed(double bits, double bits_per_param, int L, int C) {
    return std::max(1L, (long)std::ceil(bits / (bits_per_param * lora_params(L, C, 1))));
}

// The plan as text (markdown): the document's bits, a table of regions (params, capacity at 3.6
// and at 2 bits per parameter, fits or not), the memory slots N = n_keys^2 and the LoRA rank that
// would hold it; *json gets the same numbers.
inline std::string capacity_report(double doc_bits, long doc_tokens, int L, int C, double model_params, long slots, int rank, Json* json) {
    struct Region { std::string name; double params; };
    std::vector<Region> regions = {{"memory values (" + std::to_string(slots) + " slots x " + std::to_string(C) + ")", (double)slots * C},
                                   {"LoRA adapters, rank " + std::to_string(rank) + ", all matrices of " + std::to_string(L) + " blocks", lora_params(L, C, rank)},
                                   {"the whole model", model_params}};
    const double bpp[2] = {3.6, 2.0};
    char b[512];
    snprintf(b, sizeof b, "document: %ld tokens, base NLL %.0f bits (%.3f bits/token): at most this much is new to the model\n",
             doc_tokens, doc_bits, doc_bits / std::max(1L, doc_tokens));
    std::string s = b;
    Json js, rows;
    js.set("doc_tokens", (double)doc_tokens).set("doc_bits", doc_bits);
    s += "| region | params | capacity at 3.6 bits/param | fits | capacity at 2 bits/param | fits |\n|---|---|---|---|---|---|\n";
    for (size_t i = 0; i < regions.size(); i++) {
        auto& r = regions[i];
        snprintf(b, sizeof b, "| %s | %.0f | %.0f bits | %s | %.0f bits | %s |\n", r.name.c_str(), r.params, r.params * bpp[0],
                 r.params * bpp[0] >= doc_bits ? "yes" : "no", r.params * bpp[1], r.params * bpp[1] >= doc_bits ? "yes" : "no");
        s += b;
        Json row;
        row.set("region", r.name).set("params", r.params).set("bits_at_3.6", r.params * bpp[0]).set("fits_at_3.6", Json::boolean(r.params * bpp[0] >= doc_bits))
           .set("bits_at_2", r.params * bpp[1]).set("fits_at_2", Json::boolean(r.params * bpp[1] >= doc_bits));
        rows.push(row);
    }
    js.set("regions", rows);
    for (double x : bpp) {
        long k = memory_keys_needed(doc_bits, x, C), r = lora_rank_needed(doc_bits, x, L, C);
        snprintf(b, sizeof b, "needed at %g bits/param: a memory of N = %ld^2 = %ld slots, or LoRA rank %ld\n", x, k, k * k, r);
        s += b;
        snprintf(b, sizeof b, "%g", x);
        js.set(std::string("memory_slots_needed_at_") + b, (double)(k * k)).set(std::string("lora_rank_needed_at_") + b, (double)r);
    }
    *json = js;
    return s;
}
