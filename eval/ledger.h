// ledger.h: FLOPs counted from a model's shapes, as model.h computes them (2 FLOPs per
// multiply-add), for the 3M experiment's cost ledger: the training FLOPs an arm spends up front and
// the FLOPs of scoring one question.
//
// forward, per token of a length-n sequence: 2 x (the multiply-adds with weights: the tied LM head
//   Vp*C, 12C^2 per block, r*(in+out) per LoRA-adapted matrix, and a memory layer's query, sub-key
//   scores and the top-k value rows it reads) + causal attention 2*L*C*n (QK^T and AV, over n/2
//   keys on average)
// training, per token: the forward
//   + activation gradients: the head's, and 2 x the weights of every block the backward passes
//     through (model.h stops below the lowest trainable block; in that block only the MLP branch),
//     attention 2x its forward
//   + weight gradients: 2 x the trainable weights a token meets (full: all; LoRA: the adapters;
//     memory: the value rows it read)
// Full training is llm.c's 6N + 6LCT. Not counted: layernorms, GELU, softmax, the optimizer step.
// Tests: tests/test_costs.cpp.
#pragma once
#include <string>
#include "llmc/model.h"

// multiply-adds per token in one block's attention branch (qkv, attproj) and MLP (fc, fcproj),
// adapters included
inline double attn_mults(const GPT2Config& c) {
    double C = c.C, n = C * c.qkv_width() + C * C;
    auto lm = lora_matrices(c);
    for (int m = 0; m < 2; m++) n += (double)c.lora_rank * (lm[m].in + lm[m].out);
    return n;
}
inline double mlp_mults(const GPT2Config& c) {
    double C = c.C, n = C * c.fc_width() + (double)c.ffn() * C;
    auto lm = lora_matrices(c);
    for (int m = 2; m < 4; m++) n += (double)c.lora_rank * (lm[m].in + lm[m].out);
    return n;
}
// the base weights of a block's matrices (12 C^2 for GPT-2)
inline double block_mults(const GPT2Config& c) {
    GPT2Config plain = c;
    plain.lora_rank = 0;
    return attn_mults(plain) + mlp_mults(plain);
}
// one memory layer: the query, every sub-key of every head, the top-k value rows per head, the gate
inline double mem_mults(const GPT2Config& c) {
    const MemoryConfig& m = c.mem;
    return (double)m.qdim() * c.C + (double)m.heads * m.n_keys * m.dk + (double)m.heads * m.topk * c.C + (m.gated ? 2.0 * c.C * c.C : 0);
}
inline int num_mem_layers(const GPT2Config& c) { return __builtin_popcount(c.mem_layers); }

// one forward over a sequence of n tokens
inline double forward_flops(const GPT2Config& c, int n) {
    double per_token = (double)c.Vp * c.C + c.L * (attn_mults(c) + mlp_mults(c)) + num_mem_layers(c) * mem_mults(c);
    return 2 * per_token * n + 2.0 * c.L * c.C * n * n;
}

// per training token of (B, T) sequences in a training mode; stop is the model's stop_layer() (-1:
// the backward goes all the way down)
inline double train_flops_per_token(const GPT2Config& c, int T, int stop, TrainMode mode) {
    double act = 2.0 * c.Vp * c.C;
    for (int l = c.L - 1; l >= std::max(stop, 0); l--) {
        act += 2 * mlp_mults(c);
        if (l == stop) break;
        act += 2 * attn_mults(c) + 4.0 * c.C * T + (c.has_mem(l) ? 2 * mem_mults(c) : 0);
    }
    double w = 0;  // multiply-adds of the weight gradients
    switch (mode_row(mode).ledger) {
        case LEDGER_ALL: w = (double)c.Vp * c.C + c.L * (attn_mults(c) + mlp_mults(c)) + num_mem_layers(c) * mem_mults(c); break;
        case LEDGER_ADAPTERS: w = c.L * (attn_mults(c) + mlp_mults(c) - block_mults(c)); break;
        case LEDGER_MEMORY_READS: w = num_mem_layers(c) * (double)c.mem.heads * c.mem.topk * c.C; break;
        case LEDGER_NONE: break;
    }
    return forward_flops(c, T) / T + act + 2 * w;
}
