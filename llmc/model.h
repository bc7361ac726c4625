// model.h: the GPT-2 model: parameters, activations, forward, backward, checkpoints.
// The orchestration (which op runs on which buffer, in which order) is written once here; the ops
// themselves live in encoder.h, layernorm.h, matmul.h, attention.h, gelu.h, classifier.h.
// T is the float type: float for training, double for the finite-difference tests.
//
// Beyond llm.c's 16 tensors a model may carry LoRA adapters (lora.h) and product-key memory
// layers (memory.h) in chosen blocks, in parallel with the MLP. Gradients and optimizer state
// exist only for the tensors that train (set_trainable), so frozen weights cost no memory and their
// weight gradients are never computed.
#pragma once
#include <cmath>
#include <string>
#include <vector>
#include "adamw.h"
#include "attention.h"
#include "classifier.h"
#include "encoder.h"
#include "gelu.h"
#include "layernorm.h"
#include "lora.h"
#include "matmul.h"
#include "memory.h"
#include "modes.h"
#include "rand.h"
#include "utils.h"

enum { CKPT_MAGIC = 20240326, CKPT_FP32 = 3, CKPT_BF16 = 5 };

struct GPT2Config {
    int maxT = 256;  // context length
    int V = 8192;    // vocabulary size
    int Vp = 8192;   // V padded up to a multiple of 128 (the padded logits are never used)
    int L = 6;       // layers
    int NH = 6;      // attention heads
    int C = 384;     // channels
    int lora_rank = 0, lora_alpha = 0;  // rank > 0: adapters on qkv, attproj, fc, fcproj of every block
    uint32_t mem_layers = 0;            // bit l set: block l has a memory layer beside its MLP
    MemoryConfig mem;                   // the shape of every memory layer (mem.C == C)
    bool has_mem(int l) const { return (mem_layers >> l) & 1u; }
};

inline int pad_vocab(int V) { return (V + 127) / 128 * 128; }

// the four adapted matrices of a block; in and out are multiples of C
struct LoraMatrix { const char* name; int in, out; };
inline std::vector<LoraMatrix> lora_matrices() { return {{"qkv", 1, 3}, {"attproj", 1, 1}, {"fc", 1, 4}, {"fcproj", 4, 1}}; }

// parameter tensors in checkpoint order: llm.c's 16, then LoRA's, then each memory layer's.
// decay marks those AdamW decays; group (modes.h) says which training modes train them.
struct TensorSpec { std::string name; size_t size; bool decay; int group; };
inline std::vector<TensorSpec> gpt2_tensors(const GPT2Config& c) {
    size_t L = c.L, C = c.C, r = c.lora_rank;
    std::vector<TensorSpec> v = {
        {"wte", (size_t)c.Vp * C, true, G_BASE},  {"wpe", (size_t)c.maxT * C, false, G_BASE},
        {"ln1w", L * C, false, G_BASE},           {"ln1b", L * C, false, G_BASE},
        {"qkvw", L * 3 * C * C, true, G_BASE},    {"qkvb", L * 3 * C, false, G_BASE},
        {"attprojw", L * C * C, true, G_BASE},    {"attprojb", L * C, false, G_BASE},
        {"ln2w", L * C, false, G_BASE},           {"ln2b", L * C, false, G_BASE},
        {"fcw", L * 4 * C * C, true, G_BASE},     {"fcb", L * 4 * C, false, G_BASE},
        {"fcprojw", L * C * 4 * C, true, G_BASE}, {"fcprojb", L * C, false, G_BASE},
        {"lnfw", C, false, G_BASE},               {"lnfb", C, false, G_BASE}};
    if (r) {  // A (r, in), B (out, r) for each adapted matrix, stacked over L
        for (auto& m : lora_matrices()) {
            v.push_back({std::string("lora_") + m.name + "_A", L * r * m.in * C, false, G_LORA});
            v.push_back({std::string("lora_") + m.name + "_B", L * m.out * C * r, false, G_LORA});
        }
    }
    for (int l = 0; l < c.L; l++)
        if (c.has_mem(l))
            for (auto& t : c.mem.param_tensors())
                v.push_back({"block" + std::to_string(l) + "." + t.name, t.numel, t.name != "mem_values" && t.name != "mem_bq",
                             t.name == "mem_values" ? G_MEM_VALUES : G_MEM});
    return v;
}

// one pointer per tensor, in spec order (for params, grads, or optimizer moments); NULL = absent
template <class T> struct ParamPtrs {
    T *wte, *wpe, *ln1w, *ln1b, *qkvw, *qkvb, *attprojw, *attprojb, *ln2w, *ln2b, *fcw, *fcb, *fcprojw,
        *fcprojb, *lnfw, *lnfb;
    T* loraA[4] = {nullptr, nullptr, nullptr, nullptr};  // in lora_matrices() order, (L, r, in)
    T* loraB[4] = {nullptr, nullptr, nullptr, nullptr};  // (L, out, r)
    std::vector<MemoryParams<T>> mem;                     // (L): only blocks with a memory are set
    void point(const std::vector<T*>& t, const GPT2Config& c) {
        T** slots[] = {&wte, &wpe, &ln1w, &ln1b, &qkvw, &qkvb, &attprojw, &attprojb, &ln2w, &ln2b,
                       &fcw, &fcb, &fcprojw, &fcprojb, &lnfw, &lnfb};
        size_t k = 0;
        for (; k < 16; k++) *slots[k] = t[k];
        if (c.lora_rank)
            for (int m = 0; m < 4; m++) { loraA[m] = t[k++]; loraB[m] = t[k++]; }
        mem.assign(c.L, MemoryParams<T>());
        for (int l = 0; l < c.L; l++) {
            if (!c.has_mem(l)) continue;
            for (auto& mt : c.mem.param_tensors()) {
                T* ptr = t[k++];
                if (mt.name == "mem_wq") mem[l].wq = ptr;
                else if (mt.name == "mem_bq") mem[l].bq = ptr;
                else if (mt.name == "mem_keys") mem[l].keys = ptr;
                else if (mt.name == "mem_w1") mem[l].w1 = ptr;
                else if (mt.name == "mem_w2") mem[l].w2 = ptr;
                else if (mt.name == "mem_values") mem[l].values = ptr;
            }
        }
    }
};

// base + off, or NULL when the tensor is absent (a frozen tensor has no gradient)
template <class T> inline T* at(T* base, size_t off) { return base ? base + off : nullptr; }

// forward activations for a (B,T) batch; per-layer buffers are stacked over Lk layers: Lk = L, or
// Lk = 1 with activation recomputation (only the blocks' outputs, residual3, are kept for all L)
template <class T> struct Activations {
    std::vector<T> buf;
    T *encoded;              // (B,T,C)
    T *ln1, *ln1_mean, *ln1_rstd;  // (Lk,B,T,C), (Lk,B,T), (Lk,B,T)
    T *qkv;                  // (Lk,B,T,3C)
    T *atty;                 // (Lk,B,T,C)
    T *att_lse;              // (Lk,B,NH,T): each query row's softmax log-sum-exp (attention.h)
    T *residual2;            // (Lk,B,T,C)
    T *ln2, *ln2_mean, *ln2_rstd;  // (Lk,B,T,C), (Lk,B,T), (Lk,B,T)
    T *fch, *fch_gelu;       // (Lk,B,T,4C)
    T *residual3;            // (L,B,T,C)
    T *lnf, *lnf_mean, *lnf_rstd;  // (B,T,C), (B,T), (B,T)
    T *logits;               // (B,T,Vp); holds dlogits after a training forward
    T *losses;               // (B,T)
    // backward scratch, reused by every layer
    T *dresidual, *dln, *datty;  // (B,T,C)
    T *dqkv;                 // (B,T,3C)
    T *dfch;                 // (B,T,4C)
    T *scratch;              // (B,T,4C): the output of a projection before it joins the residual

    void allocate(const GPT2Config& c, int B, int T_, bool recompute) {
        size_t BT = (size_t)B * T_, L = recompute ? 1 : c.L, C = c.C;
        std::vector<std::pair<T**, size_t>> lay = {
            {&encoded, BT * C}, {&ln1, L * BT * C}, {&ln1_mean, L * BT}, {&ln1_rstd, L * BT},
            {&qkv, L * BT * 3 * C}, {&atty, L * BT * C}, {&att_lse, L * B * c.NH * (size_t)T_},
            {&residual2, L * BT * C}, {&ln2, L * BT * C}, {&ln2_mean, L * BT}, {&ln2_rstd, L * BT},
            {&fch, L * BT * 4 * C}, {&fch_gelu, L * BT * 4 * C}, {&residual3, c.L * BT * C},
            {&lnf, BT * C}, {&lnf_mean, BT}, {&lnf_rstd, BT}, {&logits, BT * c.Vp}, {&losses, BT},
            {&dresidual, BT * C}, {&dln, BT * C}, {&datty, BT * C}, {&dqkv, BT * 3 * C},
            {&dfch, BT * 4 * C}, {&scratch, BT * 4 * C}};
        size_t total = 0;
        for (auto& p : lay) total += p.second;
        buf.assign(total, T(0));
        T* base = buf.data();
        for (auto& p : lay) { *p.first = base; base += p.second; }
    }
};

template <class T> struct GPT2 {
    GPT2Config cfg;
    std::vector<TensorSpec> specs;
    std::vector<size_t> offset;        // each tensor's offset in params
    std::vector<T> params;             // every tensor, contiguous, in spec order
    std::vector<char> trainable;       // per tensor
    std::vector<size_t> goffset;       // each trainable tensor's offset in grads (and in m, v)
    std::vector<T> grads;              // trainable tensors only, compact
    bool sparse_values = false;        // memory values: gradient as touched rows (MemorySparseGrad)
    std::vector<MemorySparseGrad<T>> dvalues;  // (L), used when sparse_values
    std::vector<MemoryCache<T>> mcache;         // (L)
    ParamPtrs<T> p, g;
    Activations<T> acts;
    std::vector<T> lora_u;             // (L, 4, B*T, r): the adapters' low-rank activations
    int B = 0, T_ = 0;                 // the batch shape the activations are sized for
    bool recompute = false;            // keep one block's activations; backward recomputes each block
    bool acts_recompute = false;       // what the activations were sized for
    std::vector<int> inputs, targets;  // (B,T) of the last forward
    T mean_loss = -1;

    size_t num_params() const { return params.size(); }
    size_t num_trainable() const { size_t n = 0; for (size_t i = 0; i < specs.size(); i++) if (trainable[i]) n += specs[i].size; return n; }
    T* tensor(const std::string& name) { for (size_t i = 0; i < specs.size(); i++) if (specs[i].name == name) return params.data() + offset[i]; return nullptr; }

    void build(const GPT2Config& c) {
        cfg = c;
        cfg.mem.C = c.C;
        specs = gpt2_tensors(cfg);
        offset.clear();
        size_t n = 0;
        for (auto& s : specs) { offset.push_back(n); n += s.size; }
        params.assign(n, T(0));
        std::vector<T*> ptrs;
        for (size_t i = 0; i < specs.size(); i++) ptrs.push_back(params.data() + offset[i]);
        p.point(ptrs, cfg);
        mcache.assign(c.L, MemoryCache<T>());
        set_trainable(std::vector<char>(specs.size(), 1), false);
        B = T_ = 0;
    }

    // chooses what trains: grads (and the caller's optimizer state) cover exactly these tensors
    void set_trainable(const std::vector<char>& which, bool sparse_memory_values) {
        trainable = which;
        sparse_values = sparse_memory_values;
        goffset.assign(specs.size(), (size_t)-1);
        size_t n = 0;
        for (size_t i = 0; i < specs.size(); i++) {
            bool dense = trainable[i] && !(sparse_values && specs[i].group == G_MEM_VALUES);
            if (dense) { goffset[i] = n; n += specs[i].size; }
        }
        grads.assign(n, T(0));
        std::vector<T*> ptrs;
        for (size_t i = 0; i < specs.size(); i++) ptrs.push_back(goffset[i] == (size_t)-1 ? nullptr : grads.data() + goffset[i]);
        g.point(ptrs, cfg);
        dvalues.assign(cfg.L, MemorySparseGrad<T>());
    }

    // where the backward may stop: -1 = go all the way down (an embedding or a tensor stacked
    // over all blocks trains); l >= 0 = block l's memory is the lowest thing that trains, so the
    // backward ends right after it; L = only the final LayerNorm trains
    int stop_layer() const {
        int low = cfg.L;
        for (size_t i = 0; i < specs.size(); i++) {
            if (!trainable[i]) continue;
            const std::string& n = specs[i].name;
            if (n.rfind("block", 0) == 0) low = std::min(low, atoi(n.c_str() + 5));
            else if (n != "lnfw" && n != "lnfb") return -1;
        }
        return low;
    }

    // GPT-2's init: N(0, 0.02), residual projections scaled by 1/sqrt(2L), LayerNorm = identity.
    // LoRA: A ~ U(+-1/sqrt(in)), B = 0. Memory: memory_init with zero values (attach mode) or not.
    void init_random(const GPT2Config& c, uint64_t seed, bool zero_mem_values = false) {
        build(c);
        Rng rng(seed);
        auto normal = [&](T* w, size_t n, double std) { for (size_t i = 0; i < n; i++) w[i] = T(rng.normal() * std); };
        size_t C = c.C, L = c.L;
        normal(p.wte, (size_t)c.V * C, 0.02);  // padded rows stay zero
        normal(p.wpe, (size_t)c.maxT * C, 0.02);
        double proj = 0.02 / std::sqrt(2.0 * c.L);
        normal(p.qkvw, L * 3 * C * C, 0.02);
        normal(p.attprojw, L * C * C, proj);
        normal(p.fcw, L * 4 * C * C, 0.02);
        normal(p.fcprojw, L * 4 * C * C, proj);
        for (size_t i = 0; i < L * C; i++) p.ln1w[i] = p.ln2w[i] = 1;
        for (size_t i = 0; i < C; i++) p.lnfw[i] = 1;
        init_extensions(seed, zero_mem_values);
    }

    // initialises LoRA and memory tensors only (attaching them to a trained model)
    void init_extensions(uint64_t seed, bool zero_mem_values) {
        Rng rng(seed + 7);
        auto lm = lora_matrices();
        for (int m = 0; m < 4 && cfg.lora_rank; m++) {
            size_t in = (size_t)lm[m].in * cfg.C, n = (size_t)cfg.L * cfg.lora_rank * in;
            double a = 1.0 / std::sqrt((double)in);
            for (size_t i = 0; i < n; i++) p.loraA[m][i] = T((2 * rng.uniform() - 1) * a);
            std::fill(p.loraB[m], p.loraB[m] + (size_t)cfg.L * lm[m].out * cfg.C * cfg.lora_rank, T(0));
        }
        for (int l = 0; l < cfg.L; l++)
            if (cfg.has_mem(l)) memory_init(cfg.mem, p.mem[l], seed + 1000 + l, zero_mem_values);
    }

    void ensure_batch(int b, int t) {
        if (t > cfg.maxT) fatal(EXIT_USAGE, "sequence length %d exceeds the model's context %d", t, cfg.maxT);
        if (b == B && t == T_ && recompute == acts_recompute) return;
        B = b; T_ = t; acts_recompute = recompute;
        acts.allocate(cfg, b, t, recompute);
        lora_u.assign((size_t)cfg.L * 4 * b * t * cfg.lora_rank, T(0));
    }

    // a linear layer of block l with its adapter: out (BT,OC) = inp (BT,IC) W^T + bias [+ LoRA m]
    void linear_forward(int l, int m, T* out, const T* inp, const T* W, const T* bias, int IC, int OC) {
        size_t BT = (size_t)B * T_;
        matmul_forward(out, inp, W + (size_t)l * OC * IC, bias + (size_t)l * OC, (int)BT, IC, OC);
        int r = cfg.lora_rank;
        if (r) lora_forward(out, lora_u.data() + ((size_t)l * 4 + m) * BT * r, inp, p.loraA[m] + (size_t)l * r * IC,
                            p.loraB[m] + (size_t)l * OC * r, (int)BT, IC, OC, r, T(cfg.lora_alpha) / r);
    }
    void linear_backward(int l, int m, T* dinp, T* dW, T* dbias, const T* dout, const T* inp, const T* W, int IC, int OC) {
        size_t BT = (size_t)B * T_;
        matmul_backward(dinp, at(dW, (size_t)l * OC * IC), at(dbias, (size_t)l * OC), dout, inp, W + (size_t)l * OC * IC, (int)BT, IC, OC);
        int r = cfg.lora_rank;
        if (r && g.loraA[m])
            lora_backward(dinp, g.loraA[m] + (size_t)l * r * IC, g.loraB[m] + (size_t)l * OC * r, dout, inp,
                          lora_u.data() + ((size_t)l * 4 + m) * BT * r, p.loraA[m] + (size_t)l * r * IC,
                          p.loraB[m] + (size_t)l * OC * r, (int)BT, IC, OC, r, T(cfg.lora_alpha) / r);
    }

    // block l's activations (in slot 0 of the per-layer buffers when recomputing)
    struct BlockActs { T *ln1, *ln1_mean, *ln1_rstd, *qkv, *atty, *att_lse, *res2, *ln2, *ln2_mean, *ln2_rstd, *fch, *fchg; };
    BlockActs block_acts(int l) {
        Activations<T>& a = acts;
        const size_t BT = (size_t)B * T_, C = cfg.C, k = recompute ? 0 : l;
        return {a.ln1 + k * BT * C, a.ln1_mean + k * BT, a.ln1_rstd + k * BT, a.qkv + k * BT * 3 * C, a.atty + k * BT * C,
                a.att_lse + k * B * cfg.NH * (size_t)T_, a.residual2 + k * BT * C, a.ln2 + k * BT * C, a.ln2_mean + k * BT,
                a.ln2_rstd + k * BT, a.fch + k * BT * 4 * C, a.fch_gelu + k * BT * 4 * C};
    }

    // block l: residual3[l] from residual3[l-1] (or the embeddings); deterministic, so the
    // backward's recomputation reproduces the forward's activations bit for bit
    void block_forward(int l) {
        const GPT2Config& c = cfg;
        const int C = c.C, NH = c.NH, b = B, t = T_;
        const size_t BT = (size_t)b * t;
        Activations<T>& a = acts;
        BlockActs k = block_acts(l);
        const T* residual = l == 0 ? a.encoded : a.residual3 + (l - 1) * BT * C;
        T* res3 = a.residual3 + l * BT * C;
        layernorm_forward(k.ln1, k.ln1_mean, k.ln1_rstd, residual, p.ln1w + l * C, p.ln1b + l * C, (int)BT, C);
        linear_forward(l, 0, k.qkv, k.ln1, p.qkvw, p.qkvb, C, 3 * C);
        attention_forward(k.atty, k.att_lse, k.qkv, b, t, C, NH);
        linear_forward(l, 1, a.scratch, k.atty, p.attprojw, p.attprojb, C, C);
        residual_forward(k.res2, residual, a.scratch, BT * C);
        layernorm_forward(k.ln2, k.ln2_mean, k.ln2_rstd, k.res2, p.ln2w + l * C, p.ln2b + l * C, (int)BT, C);
        linear_forward(l, 2, k.fch, k.ln2, p.fcw, p.fcb, C, 4 * C);
        gelu_forward(k.fchg, k.fch, BT * 4 * C);
        linear_forward(l, 3, a.scratch, k.fchg, p.fcprojw, p.fcprojb, 4 * C, C);
        residual_forward(res3, k.res2, a.scratch, BT * C);
        if (c.has_mem(l)) {  // the memory reads the MLP's input and adds to the residual beside it
            memory_forward(c.mem, a.scratch, mcache[l], p.mem[l], k.ln2, (int)BT);
            residual_forward(res3, res3, a.scratch, BT * C);
        }
    }

    // inp and targets are (B,T); targets may be NULL (inference: logits are kept).
    // With targets, returns the mean loss; if grad_scale != 0 the logits are replaced by dlogits
    // (scaled by grad_scale / (B*T)) ready for backward().
    T forward(const int* inp, const int* tgt, int b, int t, T grad_scale = 0) {
        ensure_batch(b, t);
        const GPT2Config& c = cfg;
        const int C = c.C, L = c.L;
        const size_t BT = (size_t)b * t;
        for (size_t i = 0; i < BT; i++)
            if (inp[i] < 0 || inp[i] >= c.V) fatal(EXIT_RUNTIME, "token id %d is outside the vocabulary (size %d)", inp[i], c.V);
        inputs.assign(inp, inp + BT);
        Activations<T>& a = acts;
        encoder_forward(a.encoded, inp, p.wte, p.wpe, b, t, C);
        for (int l = 0; l < L; l++) block_forward(l);
        const T* last = a.residual3 + (L - 1) * BT * C;
        layernorm_forward(a.lnf, a.lnf_mean, a.lnf_rstd, last, p.lnfw, p.lnfb, (int)BT, C);
        matmul_forward(a.logits, a.lnf, p.wte, (const T*)nullptr, (int)BT, C, c.Vp);
        if (!tgt) { mean_loss = -1; return mean_loss; }
        for (size_t i = 0; i < BT; i++)
            if (tgt[i] < 0 || tgt[i] >= c.V) fatal(EXIT_RUNTIME, "target id %d is outside the vocabulary (size %d)", tgt[i], c.V);
        targets.assign(tgt, tgt + BT);
        crossentropy_forward_backward(a.logits, a.losses, tgt, (int)BT, c.V, c.Vp, grad_scale / T(BT));
        double s = 0;
        for (size_t i = 0; i < BT; i++) s += a.losses[i];
        mean_loss = T(s / BT);
        return mean_loss;
    }

    void zero_grad() {
        std::fill(grads.begin(), grads.end(), T(0));
        for (auto& d : dvalues) d.clear();
    }

    // accumulates the trainable tensors' gradients; needs a forward with targets and grad_scale != 0
    // just before. Frozen weights get no weight gradient; blocks below stop_layer() are skipped.
    void backward() {
        const GPT2Config& c = cfg;
        const int C = c.C, NH = c.NH, L = c.L, b = B, t = T_;
        const size_t BT = (size_t)b * t;
        const int stop = stop_layer();
        Activations<T>& a = acts;
        std::fill(a.dresidual, a.dresidual + BT * C, T(0));
        std::fill(a.dln, a.dln + BT * C, T(0));
        // the LM head is tied to wte: its gradient lands in dwte
        matmul_backward(a.dln, g.wte, (T*)nullptr, a.logits, a.lnf, p.wte, (int)BT, C, c.Vp);
        const T* last = a.residual3 + (L - 1) * BT * C;
        layernorm_backward(a.dresidual, g.lnfw, g.lnfb, a.dln, last, p.lnfw, a.lnf_mean, a.lnf_rstd, (int)BT, C);
        for (int l = L - 1; l >= std::max(stop, 0); l--) {
            if (recompute) block_forward(l);  // its inputs, residual3[l-1], were kept
            const T* residual = l == 0 ? a.encoded : a.residual3 + (l - 1) * BT * C;
            BlockActs k = block_acts(l);
            T *ln1 = k.ln1, *qkv = k.qkv, *atty = k.atty, *res2 = k.res2, *ln2 = k.ln2, *fch = k.fch, *fchg = k.fchg;
            // dresidual holds d(res3); the MLP branch, the memory and the skip all receive it
            std::fill(a.dfch, a.dfch + BT * 4 * C, T(0));
            linear_backward(l, 3, a.dfch, g.fcprojw, g.fcprojb, a.dresidual, fchg, p.fcprojw, 4 * C, C);
            std::fill(a.scratch, a.scratch + BT * 4 * C, T(0));
            gelu_backward(a.scratch, fch, a.dfch, BT * 4 * C);
            std::fill(a.dln, a.dln + BT * C, T(0));
            linear_backward(l, 2, a.dln, g.fcw, g.fcb, a.scratch, ln2, p.fcw, C, 4 * C);
            if (c.has_mem(l))
                memory_backward(c.mem, g.mem[l], sparse_values ? &dvalues[l] : nullptr, l == stop ? nullptr : a.dln,
                                a.dresidual, ln2, p.mem[l], mcache[l], (int)BT);  // at the stop, nothing needs d(ln2)
            if (l == stop) break;  // nothing below this memory trains
            layernorm_backward(a.dresidual, at(g.ln2w, l * C), at(g.ln2b, l * C), a.dln, res2, p.ln2w + l * C, k.ln2_mean, k.ln2_rstd, (int)BT, C);
            // dresidual now holds d(res2); the attention branch and the skip both receive it
            std::fill(a.datty, a.datty + BT * C, T(0));
            linear_backward(l, 1, a.datty, g.attprojw, g.attprojb, a.dresidual, atty, p.attprojw, C, C);
            std::fill(a.dqkv, a.dqkv + BT * 3 * C, T(0));
            attention_backward(a.dqkv, a.datty, qkv, atty, k.att_lse, b, t, C, NH);
            std::fill(a.dln, a.dln + BT * C, T(0));
            linear_backward(l, 0, a.dln, g.qkvw, g.qkvb, a.dqkv, ln1, p.qkvw, C, 3 * C);
            layernorm_backward(a.dresidual, at(g.ln1w, l * C), at(g.ln1b, l * C), a.dln, residual, p.ln1w + l * C, k.ln1_mean, k.ln1_rstd, (int)BT, C);
        }
        if (g.wte || g.wpe) encoder_backward(g.wte, g.wpe, a.dresidual, inputs.data(), b, t, C);
    }

    // logits row for position (b,t) of the last inference forward: (Vp), first V real
    const T* logits_at(int bi, int ti) const { return acts.logits + ((size_t)bi * T_ + ti) * cfg.Vp; }

    // folds LoRA adapters into the weights and drops them: same logits, a plain GPT-2 again
    void merge_lora() {
        if (!cfg.lora_rank) return;
        GPT2<T> merged;
        GPT2Config c = cfg;
        c.lora_rank = c.lora_alpha = 0;
        merged.build(c);
        for (size_t i = 0; i < merged.specs.size(); i++)  // every tensor but the adapters, by name
            std::copy_n(tensor(merged.specs[i].name), merged.specs[i].size, merged.params.data() + merged.offset[i]);
        T* W[4] = {merged.p.qkvw, merged.p.attprojw, merged.p.fcw, merged.p.fcprojw};
        auto lm = lora_matrices();
        int r = cfg.lora_rank;
        for (int m = 0; m < 4; m++) {
            int IC = lm[m].in * cfg.C, OC = lm[m].out * cfg.C;
            for (int l = 0; l < cfg.L; l++)
                lora_merge(W[m] + (size_t)l * OC * IC, p.loraA[m] + (size_t)l * r * IC, p.loraB[m] + (size_t)l * OC * r, IC, OC, r, T(cfg.lora_alpha) / r);
        }
        build(c);  // this model becomes the merged one (its pointers must point into its own buffer)
        std::copy(merged.params.begin(), merged.params.end(), params.begin());
    }

    // ---- checkpoints: llm.c's format. header[0..7] as llm.c. Extensions live in header[8..16]
    // (zero in plain GPT-2 checkpoints, which llm.c's readers also ignore) and their tensors
    // follow llm.c's 16: [8] = 1 marks extensions, [9] LoRA rank, [10] LoRA alpha, [11] bitmask
    // of blocks with a memory, [12] sqrt(N) sub-keys, [13] top-k, [14] memory heads, [15] query
    // width per head, [16] Memory+ gating.
    void save(const std::string& path) const {
        int header[256] = {0};
        header[0] = CKPT_MAGIC; header[1] = CKPT_FP32; header[2] = cfg.maxT; header[3] = cfg.V;
        header[4] = cfg.L; header[5] = cfg.NH; header[6] = cfg.C; header[7] = cfg.Vp;
        if (cfg.lora_rank || cfg.mem_layers) {
            header[8] = 1; header[9] = cfg.lora_rank; header[10] = cfg.lora_alpha; header[11] = (int)cfg.mem_layers;
            header[12] = cfg.mem.n_keys; header[13] = cfg.mem.topk; header[14] = cfg.mem.heads;
            header[15] = cfg.mem.dk; header[16] = cfg.mem.gated;
        }
        std::vector<float> f(params.begin(), params.end());
        AtomicFile af(path);
        af.write(header, sizeof header);
        af.write(f.data(), f.size() * sizeof(float));
        af.commit();
    }

    // Checks a checkpoint's 256-int header against the file's size before anything is allocated
    // (a hostile header must not make us allocate terabytes). Never exits: on a bad header returns
    // false with `err` a whole sentence naming `path`. On success `c` is the model's shape and
    // *width the bytes per stored parameter (4 = fp32, 2 = bf16). tests/fuzz/fuzz_checkpoint.cpp.
    static bool parse_header(const int* h, long long size, const std::string& path, GPT2Config& c, size_t* width, std::string& err) {
        const char* P = path.c_str();
        char b[512];
        auto bad = [&](const char* fmt, auto... args) { snprintf(b, sizeof b, fmt, args...); err = b; return false; };
        if (h[0] != CKPT_MAGIC) return bad("%s is not a model checkpoint (magic %d, expected %d)", P, h[0], CKPT_MAGIC);
        if (h[1] != CKPT_FP32 && h[1] != CKPT_BF16) return bad("checkpoint %s has unsupported version %d (3 = fp32, 5 = bf16)", P, h[1]);
        c = GPT2Config();
        c.maxT = h[2]; c.V = h[3]; c.L = h[4]; c.NH = h[5]; c.C = h[6]; c.Vp = h[7] ? h[7] : h[3];
        if (c.maxT <= 0 || c.V <= 0 || c.L <= 0 || c.NH <= 0 || c.C <= 0 || c.C % c.NH || c.Vp < c.V ||
            c.maxT > (1 << 20) || c.V > (1 << 24) || c.Vp > (1 << 24) + 128 || c.L > 31 || c.C > (1 << 16))
            return bad("checkpoint %s has an invalid shape (maxT %d V %d L %d NH %d C %d Vp %d)", P, c.maxT, c.V, c.L, c.NH, c.C, c.Vp);
        if (h[8] == 1) {
            c.lora_rank = h[9]; c.lora_alpha = h[10]; c.mem_layers = (uint32_t)h[11];
            c.mem.C = c.C; c.mem.n_keys = h[12]; c.mem.topk = h[13]; c.mem.heads = h[14]; c.mem.dk = h[15]; c.mem.gated = h[16] != 0;
            bool invalid = c.lora_rank < 0 || c.lora_rank > c.C || (c.mem_layers >> c.L) != 0 || (h[16] != 0 && h[16] != 1);
            if (c.mem_layers && (c.mem.n_keys <= 0 || c.mem.n_keys > 4096 || c.mem.topk <= 0 || c.mem.topk > c.mem.n_keys ||
                                 c.mem.heads <= 0 || c.mem.heads > 64 || c.mem.dk <= 0 || c.mem.dk % 2 || c.mem.dk > 4096)) invalid = true;
            if (invalid) return bad("checkpoint %s has an invalid LoRA/memory header", P);
        } else if (h[8] != 0) {
            return bad("checkpoint %s has an unknown extension marker %d", P, h[8]);
        }
        size_t n = 0;
        for (auto& t : gpt2_tensors(c)) n += t.size;  // sizes only: nothing is allocated
        *width = h[1] == CKPT_FP32 ? 4 : 2;
        unsigned long long need = 1024 + (unsigned long long)n * *width;
        if ((unsigned long long)size < need) return bad("checkpoint %s is truncated: %zu parameters need %llu bytes, file has %lld", P, n, need, size);
        if ((unsigned long long)size > need) return bad("checkpoint %s is oversized: %zu parameters need %llu bytes, file has %lld", P, n, need, size);
        return true;
    }

    // the parameters from n stored values of `width` bytes (fp32, or bf16 widened)
    void set_params(const void* src, size_t width) {
        size_t n = params.size();
        const unsigned char* s = (const unsigned char*)src;
        for (size_t i = 0; i < n; i++) {
            float x;
            if (width == 4) memcpy(&x, s + 4 * i, 4);
            else { uint16_t u16; memcpy(&u16, s + 2 * i, 2); uint32_t u = (uint32_t)u16 << 16; memcpy(&x, &u, 4); }
            params[i] = T(x);
        }
    }

    // reads fp32 (version 3) or bf16 (version 5, e.g. llm.c's gpt2_124M_bf16.bin) checkpoints
    void load(const std::string& path) {
        long size = file_size(path);
        if (size < 0) fatal(EXIT_RUNTIME, "checkpoint %s does not exist", path.c_str());
        if (size < 1024) fatal(EXIT_RUNTIME, "checkpoint %s is %s (%ld bytes, header needs 1024)", path.c_str(), size ? "truncated" : "empty", size);
        FILE* f = fopen_check(path.c_str(), "rb");
        int h[256];
        fread_check(h, 4, 256, f, path.c_str());
        GPT2Config c;
        size_t width = 0;
        std::string err;
        if (!parse_header(h, size, path, c, &width, err)) { fclose(f); fatal(EXIT_RUNTIME, "%s", err.c_str()); }
        build(c);
        std::vector<unsigned char> buf(params.size() * width);
        fread_check(buf.data(), 1, buf.size(), f, path.c_str());
        fclose(f);
        set_params(buf.data(), width);
        for (size_t i = 0; i < specs.size(); i++)  // a NaN weight poisons every output: refuse it here, by name
            for (size_t k = 0; k < specs[i].size; k++)
                if (!std::isfinite((double)params[offset[i] + k]))
                    fatal(EXIT_RUNTIME, "checkpoint %s holds a non-finite value in tensor %s (element %zu)", path.c_str(), specs[i].name.c_str(), k);
    }
};
