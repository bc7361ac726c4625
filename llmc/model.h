// model.h: the model: parameters, activations, forward, backward, checkpoints, for two families
// that share one orchestration (which op runs on which buffer, in which order), written once here:
//   GPT-2: LayerNorm, learned positions, GELU MLP, biases
//   Llama (SmolLM2): RMSNorm, RoPE, grouped-query attention, SwiGLU MLP, no biases
// Where they differ, a block calls norm_*/act_* below, which pick the family's op; the tensor table
// (model_tensors) leaves out what a family lacks. The ops live in encoder.h, layernorm.h, rmsnorm.h,
// matmul.h, rope.h, attention.h, gelu.h, swiglu.h, classifier.h. T is the float type: float for
// training, double for the finite-difference tests.
//
// Beyond llm.c's 16 tensors a model may carry LoRA adapters (lora.h) and product-key memory
// layers (memory.h) in chosen blocks, in parallel with the MLP. Gradients and optimizer state
// exist only for the tensors that train (set_trainable), so frozen weights cost no memory and their
// weight gradients are never computed.
#pragma once
#include <cmath>
#include <type_traits>
#include <string>
#include <vector>
#include "adamw.h"
#include "attention.h"
#include "classifier.h"
#include "encoder.h"
#include "gelu.h"
#include "gguf.h"
#include "layernorm.h"
#include "lora.h"
#include "matmul.h"
#include "memory.h"
#include "modes.h"
#include "rand.h"
#include "rmsnorm.h"
#include "rope.h"
#include "swiglu.h"
#include "utils.h"

enum { CKPT_MAGIC = 20240326, CKPT_FP32 = 3, CKPT_BF16 = 5 };

enum ModelFamily { FAMILY_GPT2, FAMILY_LLAMA };

// a model's shape (either family; the name is llm.c's)
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
    ModelFamily family = FAMILY_GPT2;
    int NKV = 0;                        // Llama: key/value heads (grouped-query attention); GPT-2: NH
    int F = 0;                          // Llama: SwiGLU width; GPT-2: 4C
    float rope_theta = 10000, norm_eps = 1e-5f;  // Llama only (GPT-2's LayerNorm eps is 1e-5)
    bool has_mem(int l) const { return (mem_layers >> l) & 1u; }
    bool llama() const { return family == FAMILY_LLAMA; }
    int hs() const { return C / NH; }
    int kv_heads() const { return llama() ? NKV : NH; }
    int qkv_width() const { return C + 2 * kv_heads() * hs(); }  // [q | k | v]
    int ffn() const { return llama() ? F : 4 * C; }              // the MLP's hidden width
    int fc_width() const { return llama() ? 2 * F : 4 * C; }     // fc's output: Llama's is [gate | up]
};

inline int pad_vocab(int V) { return (V + 127) / 128 * 128; }

// the four adapted matrices of a block, (in, out) in channels
struct LoraMatrix { const char* name; int in, out; };
inline std::vector<LoraMatrix> lora_matrices(const GPT2Config& c) {
    return {{"qkv", c.C, c.qkv_width()}, {"attproj", c.C, c.C}, {"fc", c.C, c.fc_width()}, {"fcproj", c.ffn(), c.C}};
}

// parameter tensors in checkpoint order: llm.c's 16 (those of the family), then LoRA's, then each
// memory layer's. decay marks those AdamW decays; group (modes.h) says which training modes train them.
struct TensorSpec { std::string name; size_t size; bool decay; int group; };
inline std::vector<TensorSpec> model_tensors(const GPT2Config& c) {
    size_t L = c.L, C = c.C, r = c.lora_rank, QKV = c.qkv_width(), FC = c.fc_width(), F = c.ffn();
    size_t g = c.llama() ? 0 : 1;  // GPT-2 alone has biases, LayerNorm biases and a position table
    std::vector<TensorSpec> all = {
        {"wte", (size_t)c.Vp * C, true, G_BASE},  {"wpe", g * c.maxT * C, false, G_BASE},
        {"ln1w", L * C, false, G_BASE},           {"ln1b", g * L * C, false, G_BASE},
        {"qkvw", L * QKV * C, true, G_BASE},      {"qkvb", g * L * QKV, false, G_BASE},
        {"attprojw", L * C * C, true, G_BASE},    {"attprojb", g * L * C, false, G_BASE},
        {"ln2w", L * C, false, G_BASE},           {"ln2b", g * L * C, false, G_BASE},
        {"fcw", L * FC * C, true, G_BASE},        {"fcb", g * L * FC, false, G_BASE},
        {"fcprojw", L * C * F, true, G_BASE},     {"fcprojb", g * L * C, false, G_BASE},
        {"lnfw", C, false, G_BASE},               {"lnfb", g * C, false, G_BASE}};
    std::vector<TensorSpec> v;
    for (auto& t : all) if (t.size) v.push_back(t);
    if (r) {  // A (r, in), B (out, r) for each adapted matrix, stacked over L
        for (auto& m : lora_matrices(c)) {
            v.push_back({std::string("lora_") + m.name + "_A", L * r * m.in, false, G_LORA});
            v.push_back({std::string("lora_") + m.name + "_B", L * m.out * r, false, G_LORA});
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
    // t[i] is specs[i]'s buffer; a tensor the table lacks (a family's, or an absent gradient) stays NULL
    void point(const std::vector<T*>& t, const std::vector<TensorSpec>& specs, const GPT2Config& c) {
        const std::pair<const char*, T**> base[] = {{"wte", &wte}, {"wpe", &wpe}, {"ln1w", &ln1w}, {"ln1b", &ln1b}, {"qkvw", &qkvw},
            {"qkvb", &qkvb}, {"attprojw", &attprojw}, {"attprojb", &attprojb}, {"ln2w", &ln2w}, {"ln2b", &ln2b}, {"fcw", &fcw},
            {"fcb", &fcb}, {"fcprojw", &fcprojw}, {"fcprojb", &fcprojb}, {"lnfw", &lnfw}, {"lnfb", &lnfb}};
        for (auto& b : base) *b.second = nullptr;
        mem.assign(c.L, MemoryParams<T>());
        auto lm = lora_matrices(c);
        for (size_t i = 0; i < specs.size(); i++) {
            const std::string& n = specs[i].name;
            for (auto& b : base) if (n == b.first) *b.second = t[i];
            for (int m = 0; m < 4; m++) {
                if (n == std::string("lora_") + lm[m].name + "_A") loraA[m] = t[i];
                if (n == std::string("lora_") + lm[m].name + "_B") loraB[m] = t[i];
            }
            if (n.rfind("block", 0) != 0) continue;  // blockL.mem_*: block L's memory layer
            MemoryParams<T>& mp = mem[atoi(n.c_str() + 5)];
            std::string f = n.substr(n.find('.') + 1);
            T** field = f == "mem_wq" ? &mp.wq : f == "mem_bq" ? &mp.bq : f == "mem_keys" ? &mp.keys : f == "mem_w1" ? &mp.w1 : f == "mem_w2" ? &mp.w2 : &mp.values;
            *field = t[i];
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
    T *qkv;                  // (Lk,B,T,QKV): q, k, v; QKV = 3C (GPT-2) or C + 2*NKV*hs (Llama)
    T *atty;                 // (Lk,B,T,C)
    T *att_lse;              // (Lk,B,NH,T): each query row's softmax log-sum-exp (attention.h)
    T *residual2;            // (Lk,B,T,C)
    T *ln2, *ln2_mean, *ln2_rstd;  // (Lk,B,T,C), (Lk,B,T), (Lk,B,T)
    T *fch, *fch_gelu;       // (Lk,B,T,FC), (Lk,B,T,F): fc's output and the activation's (GELU, or
                             // SwiGLU of [gate | up]); FC = F = 4C (GPT-2), FC = 2F (Llama)
    T *residual3;            // (L,B,T,C)
    T *lnf, *lnf_mean, *lnf_rstd;  // (B,T,C), (B,T), (B,T)
    T *logits;               // (B,T,Vp); holds dlogits after a training forward
    T *losses;               // (B,T)
    // backward scratch, reused by every layer
    T *dresidual, *dln, *datty;  // (B,T,C)
    T *dqkv;                 // (B,T,QKV)
    T *dfch;                 // (B,T,F)
    T *scratch;              // (B,T,max(FC,C)): a projection's output before it joins the residual; d(fch)

    void allocate(const GPT2Config& c, int B, int T_, bool recompute) {
        size_t BT = (size_t)B * T_, L = recompute ? 1 : c.L, C = c.C, QKV = c.qkv_width(), FC = c.fc_width(), F = c.ffn();
        std::vector<std::pair<T**, size_t>> lay = {
            {&encoded, BT * C}, {&ln1, L * BT * C}, {&ln1_mean, L * BT}, {&ln1_rstd, L * BT},
            {&qkv, L * BT * QKV}, {&atty, L * BT * C}, {&att_lse, L * B * c.NH * (size_t)T_},
            {&residual2, L * BT * C}, {&ln2, L * BT * C}, {&ln2_mean, L * BT}, {&ln2_rstd, L * BT},
            {&fch, L * BT * FC}, {&fch_gelu, L * BT * F}, {&residual3, c.L * BT * C},
            {&lnf, BT * C}, {&lnf_mean, BT}, {&lnf_rstd, BT}, {&logits, BT * c.Vp}, {&losses, BT},
            {&dresidual, BT * C}, {&dln, BT * C}, {&datty, BT * C}, {&dqkv, BT * QKV},
            {&dfch, BT * F}, {&scratch, BT * std::max(FC, C)}};
        size_t total = 0;
        for (auto& p : lay) total += p.second;
        buf.assign(total, T(0));
        T* base = buf.data();
        for (auto& p : lay) { *p.first = base; base += p.second; }
    }
};

// A KV cache for generation, kept apart from the model (as nanochat's Engine keeps it): every block's
// keys and values of the positions fed so far, so the next token's forward runs over that token
// alone. forward(..., &cache) appends to it; eval.h's continue_ids drives it.
template <class T> struct KVCache {
    int pos = 0, maxT = 0;
    size_t width = 0;    // NKV * hs
    std::vector<T> k, v;  // (L, maxT, width)
    // room for `capacity` positions (0: the model's context)
    explicit KVCache(const GPT2Config& c, int capacity = 0) : maxT(capacity > 0 ? std::min(capacity, c.maxT) : c.maxT),
        width((size_t)c.kv_heads() * c.hs()), k((size_t)c.L * maxT * width), v((size_t)c.L * maxT * width) {}
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
    std::vector<float> rope_cs;        // Llama: (maxT, hs/2, 2) cos and sin of RoPE's angles (rope.h)
    int B = 0, T_ = 0;                 // the batch shape the activations are sized for
    bool recompute = false;            // keep one block's activations; backward recomputes each block
    bool acts_recompute = false;       // what the activations were sized for
    std::vector<int> inputs, targets;  // (B,T) of the last forward
    // (V) or empty: a forward with targets keeps the memory quiet (memory_forward's quiet) at every
    // position whose target token is flagged here; inject --mem-quiet-digits flags the tokens with a digit
    std::vector<uint8_t> mem_quiet_targets;
    std::vector<uint8_t> mem_quiet;    // (B,T) of the last forward, or empty
    T mean_loss = -1;
    // --dtype bf16: bf16 copies of the matrices the matmuls take as weights (wte, qkvw, attprojw, fcw,
    // fcprojw), so no matmul rounds a weight on each call. CpuBackend makes them before its first
    // forward and remakes the trainable ones after each update; while bf16_current is false (a new or
    // loaded model; whoever else writes params must clear it) each matmul rounds its own
    std::vector<uint16_t> params_bf16;  // the copied matrices, in spec order
    std::vector<size_t> bf16_offset;    // per tensor: its copy's offset in params_bf16, or -1 (not copied)
    bool bf16_current = false;

    size_t num_params() const { return params.size(); }
    size_t num_trainable() const { size_t n = 0; for (size_t i = 0; i < specs.size(); i++) if (trainable[i]) n += specs[i].size; return n; }
    T* tensor(const std::string& name) { for (size_t i = 0; i < specs.size(); i++) if (specs[i].name == name) return params.data() + offset[i]; return nullptr; }

    void build(const GPT2Config& c) {
        cfg = c;
        cfg.mem.C = c.C;
        specs = model_tensors(cfg);
        rope_cs = cfg.llama() ? rope_table(cfg.maxT, cfg.hs(), cfg.rope_theta) : std::vector<float>();
        offset.clear();
        size_t n = 0;
        for (auto& s : specs) { offset.push_back(n); n += s.size; }
        assign_huge(params, n, T(0));
        std::vector<T*> ptrs;
        for (size_t i = 0; i < specs.size(); i++) ptrs.push_back(params.data() + offset[i]);
        p.point(ptrs, specs, cfg);
        mcache.assign(c.L, MemoryCache<T>());
        set_trainable(std::vector<char>(specs.size(), 1), false);
        B = T_ = 0;
        params_bf16.clear();
        bf16_offset.clear();
        bf16_current = false;
    }

    static bool bf16_copied(const TensorSpec& s) { return s.group == G_BASE && s.decay; }  // the base's matrices
    // the bf16 copies of every base matrix, or (trainable_only) of those that train: the only ones an update changes
    void refresh_bf16(bool trainable_only) {
        if constexpr (std::is_same<T, float>::value) {
            ProfScope prof_(PROF_BF16, 0, 0);
            if (bf16_offset.empty()) {
                size_t n = 0;
                for (auto& sp : specs) { bf16_offset.push_back(bf16_copied(sp) ? n : (size_t)-1); n += bf16_copied(sp) ? sp.size : 0; }
                params_bf16.resize(n);
            }
            for (size_t i = 0; i < specs.size(); i++) {
                if (bf16_offset[i] == (size_t)-1 || (trainable_only && !trainable[i])) continue;
                prof_totals().bytes[PROF_BF16] += 6.0 * specs[i].size;
                bf16_convert(params_bf16.data() + bf16_offset[i], (int)(specs[i].size / cfg.C), cfg.C, params.data() + offset[i], cfg.C);  // C divides every matrix
            }
            bf16_current = true;
        }
    }
    // w's bf16 copy where it is current and bf16 matmuls run, else NULL; w lies inside a copied matrix
    const uint16_t* bf16_of(const T* w) const {
        if constexpr (std::is_same<T, float>::value)
            if (bf16_current && matmul_dtype() == MM_BF16) {
                size_t at = (size_t)(w - params.data());
                size_t i = (size_t)(std::upper_bound(offset.begin(), offset.end(), at) - offset.begin()) - 1;  // the tensor w lies in
                return params_bf16.data() + bf16_offset[i] + (at - offset[i]);
            }
        return nullptr;
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
        g.point(ptrs, specs, cfg);
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

    // GPT-2's init: N(0, 0.02), residual projections scaled by 1/sqrt(2L), norms = identity (both
    // families; Llama models normally come from GGUF). LoRA: A ~ U(+-1/sqrt(in)), B = 0. Memory:
    // memory_init with zero values (attach mode) or not.
    void init_random(const GPT2Config& c, uint64_t seed, bool zero_mem_values = false) {
        build(c);
        Rng rng(seed);
        auto normal = [&](T* w, size_t n, double std) { for (size_t i = 0; i < n; i++) w[i] = T(rng.normal() * std); };
        size_t C = c.C, L = c.L;
        normal(p.wte, (size_t)c.V * C, 0.02);  // padded rows stay zero
        if (p.wpe) normal(p.wpe, (size_t)c.maxT * C, 0.02);
        double proj = 0.02 / std::sqrt(2.0 * c.L);
        normal(p.qkvw, L * c.qkv_width() * C, 0.02);
        normal(p.attprojw, L * C * C, proj);
        normal(p.fcw, L * c.fc_width() * C, 0.02);
        normal(p.fcprojw, L * c.ffn() * C, proj);
        for (size_t i = 0; i < L * C; i++) p.ln1w[i] = p.ln2w[i] = 1;
        for (size_t i = 0; i < C; i++) p.lnfw[i] = 1;
        init_extensions(seed, zero_mem_values);
    }

    // initialises LoRA and memory tensors only (attaching them to a trained model)
    void init_extensions(uint64_t seed, bool zero_mem_values) {
        Rng rng(seed + 7);
        auto lm = lora_matrices(cfg);
        for (int m = 0; m < 4 && cfg.lora_rank; m++) {
            size_t in = (size_t)lm[m].in, n = (size_t)cfg.L * cfg.lora_rank * in;
            double a = 1.0 / std::sqrt((double)in);
            for (size_t i = 0; i < n; i++) p.loraA[m][i] = T((2 * rng.uniform() - 1) * a);
            std::fill(p.loraB[m], p.loraB[m] + (size_t)cfg.L * lm[m].out * cfg.lora_rank, T(0));
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
        matmul_forward(out, inp, W + (size_t)l * OC * IC, at(bias, (size_t)l * OC), (int)BT, IC, OC, bf16_of(W + (size_t)l * OC * IC));
        int r = cfg.lora_rank;
        if (r) lora_forward(out, lora_u.data() + ((size_t)l * 4 + m) * BT * r, inp, p.loraA[m] + (size_t)l * r * IC,
                            p.loraB[m] + (size_t)l * OC * r, (int)BT, IC, OC, r, T(cfg.lora_alpha) / r);
    }
    void linear_backward(int l, int m, T* dinp, T* dW, T* dbias, const T* dout, const T* inp, const T* W, int IC, int OC) {
        size_t BT = (size_t)B * T_;
        matmul_backward(dinp, at(dW, (size_t)l * OC * IC), at(dbias, (size_t)l * OC), dout, inp, W + (size_t)l * OC * IC, (int)BT, IC, OC,
                        bf16_of(W + (size_t)l * OC * IC));
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
        return {a.ln1 + k * BT * C, a.ln1_mean + k * BT, a.ln1_rstd + k * BT, a.qkv + k * BT * cfg.qkv_width(), a.atty + k * BT * C,
                a.att_lse + k * B * cfg.NH * (size_t)T_, a.residual2 + k * BT * C, a.ln2 + k * BT * C, a.ln2_mean + k * BT,
                a.ln2_rstd + k * BT, a.fch + k * BT * cfg.fc_width(), a.fch_gelu + k * BT * cfg.ffn()};
    }

    // where the families differ: the norm (LayerNorm with mean and bias, or RMSNorm), the MLP's
    // activation (GELU, or SwiGLU of [gate | up]); inp and out are (N,C) and (N,FC)/(N,F)
    void norm_forward(T* out, T* mean, T* rstd, const T* inp, const T* w, const T* b, int N) {
        if (cfg.llama()) rmsnorm_forward(out, rstd, inp, w, N, cfg.C, T(cfg.norm_eps));
        else layernorm_forward(out, mean, rstd, inp, w, b, N, cfg.C);
    }
    void norm_backward(T* dinp, T* dw, T* db, const T* dout, const T* inp, const T* w, const T* mean, const T* rstd, int N) {
        if (cfg.llama()) rmsnorm_backward(dinp, dw, dout, inp, w, rstd, N, cfg.C);
        else layernorm_backward(dinp, dw, db, dout, inp, w, mean, rstd, N, cfg.C);
    }
    void act_forward(T* out, const T* inp, size_t N) {
        if (cfg.llama()) swiglu_forward(out, inp, (int)N, cfg.F);
        else gelu_forward(out, inp, N * 4 * cfg.C);
    }
    void act_backward(T* dinp, const T* inp, const T* dout, size_t N) {
        if (cfg.llama()) swiglu_backward(dinp, dout, inp, (int)N, cfg.F);
        else gelu_backward(dinp, inp, dout, N * 4 * cfg.C);
    }

    // block l: residual3[l] from residual3[l-1] (or the embeddings); deterministic, so the
    // backward's recomputation reproduces the forward's activations bit for bit
    void block_forward(int l, KVCache<T>* kv = nullptr) {
        const GPT2Config& c = cfg;
        const int C = c.C, NH = c.NH, b = B, t = T_, QKV = c.qkv_width();
        const size_t BT = (size_t)b * t;
        Activations<T>& a = acts;
        BlockActs k = block_acts(l);
        const T* residual = l == 0 ? a.encoded : a.residual3 + (l - 1) * BT * C;
        T* res3 = a.residual3 + l * BT * C;
        norm_forward(k.ln1, k.ln1_mean, k.ln1_rstd, residual, p.ln1w + l * C, at(p.ln1b, l * C), (int)BT);
        linear_forward(l, 0, k.qkv, k.ln1, p.qkvw, p.qkvb, C, QKV);
        if (c.llama()) rope_forward(k.qkv, rope_cs.data() + (size_t)(kv ? kv->pos : 0) * c.hs(), b, t, NH, c.NKV, c.hs());
        if (kv) {  // the new tokens' keys and values join the cache; their queries read all of it
            T *kc = kv->k.data() + ((size_t)l * kv->maxT + kv->pos) * kv->width, *vc = kv->v.data() + ((size_t)l * kv->maxT + kv->pos) * kv->width;
            for (int i = 0; i < t; i++) {
                std::copy_n(k.qkv + (size_t)i * QKV + C, kv->width, kc + (size_t)i * kv->width);
                std::copy_n(k.qkv + (size_t)i * QKV + C + kv->width, kv->width, vc + (size_t)i * kv->width);
            }
            const size_t base = (size_t)l * kv->maxT * kv->width;
            attention_cached(k.atty, k.qkv, kv->k.data() + base, kv->v.data() + base, t, kv->pos, C, NH, c.kv_heads());
        } else {
            attention_forward(k.atty, k.att_lse, k.qkv, b, t, C, NH, c.kv_heads());
        }
        linear_forward(l, 1, a.scratch, k.atty, p.attprojw, p.attprojb, C, C);
        residual_forward(k.res2, residual, a.scratch, BT * C);
        norm_forward(k.ln2, k.ln2_mean, k.ln2_rstd, k.res2, p.ln2w + l * C, at(p.ln2b, l * C), (int)BT);
        linear_forward(l, 2, k.fch, k.ln2, p.fcw, p.fcb, C, c.fc_width());
        act_forward(k.fchg, k.fch, BT);
        linear_forward(l, 3, a.scratch, k.fchg, p.fcprojw, p.fcprojb, c.ffn(), C);
        residual_forward(res3, k.res2, a.scratch, BT * C);
        if (c.has_mem(l)) {  // the memory reads the MLP's input and adds to the residual beside it
            memory_forward(c.mem, a.scratch, mcache[l], p.mem[l], k.ln2, (int)BT, mem_quiet.empty() ? nullptr : mem_quiet.data());
            residual_forward(res3, res3, a.scratch, BT * C);
        }
    }

    // inp and targets are (B,T); targets may be NULL (inference: logits are kept).
    // With targets, returns the mean loss; if grad_scale != 0 the logits are replaced by dlogits
    // (scaled by grad_scale / (B*T)) ready for backward(). With a KV cache (inference, B = 1) the t
    // tokens sit at positions kv->pos.. and attend to the cache, which they join.
    T forward(const int* inp, const int* tgt, int b, int t, T grad_scale = 0, KVCache<T>* kv = nullptr) {
        if (kv && (b != 1 || tgt || kv->pos + t > kv->maxT)) fatal(EXIT_RUNTIME, "internal error: a KV cache serves inference of one sequence within the context");
        ensure_batch(b, t);
        const GPT2Config& c = cfg;
        const int C = c.C, L = c.L;
        const size_t BT = (size_t)b * t;
        for (size_t i = 0; i < BT; i++)
            if (inp[i] < 0 || inp[i] >= c.V) fatal(EXIT_RUNTIME, "token id %d is outside the vocabulary (size %d)", inp[i], c.V);
        inputs.assign(inp, inp + BT);
        if (tgt)
            for (size_t i = 0; i < BT; i++)
                if (tgt[i] < 0 || tgt[i] >= c.V) fatal(EXIT_RUNTIME, "target id %d is outside the vocabulary (size %d)", tgt[i], c.V);
        mem_quiet.clear();
        if (tgt && !mem_quiet_targets.empty())
            for (size_t i = 0; i < BT; i++) mem_quiet.push_back(mem_quiet_targets[tgt[i]]);
        Activations<T>& a = acts;
        encoder_forward(a.encoded, inp, p.wte, p.wpe ? p.wpe + (size_t)(kv ? kv->pos : 0) * C : nullptr, b, t, C);
        for (int l = 0; l < L; l++) block_forward(l, kv);
        if (kv) kv->pos += t;
        const T* last = a.residual3 + (L - 1) * BT * C;
        norm_forward(a.lnf, a.lnf_mean, a.lnf_rstd, last, p.lnfw, p.lnfb, (int)BT);
        matmul_forward(a.logits, a.lnf, p.wte, (const T*)nullptr, (int)BT, C, c.Vp, bf16_of(p.wte));
        if (!tgt) { mean_loss = -1; return mean_loss; }
        targets.assign(tgt, tgt + BT);
        crossentropy_forward_backward(a.logits, a.losses, tgt, (int)BT, c.V, c.Vp, grad_scale / T(BT));
        double s = 0;
        for (size_t i = 0; i < BT; i++) s += a.losses[i];
        mean_loss = T(s / BT);
        return mean_loss;
    }

    void zero_grad() {
        ProfScope prof_(PROF_GRADS, 0, sizeof(T) * (double)grads.size());
        std::fill(grads.begin(), grads.end(), T(0));
        for (auto& d : dvalues) d.clear();
    }

    // accumulates the trainable tensors' gradients; needs a forward with targets and grad_scale != 0
    // just before. Frozen weights get no weight gradient; blocks below stop_layer() are skipped.
    // keep_rows (per block, or NULL): sparse value gradients only for these slots (memory_backward)
    void backward(const std::vector<std::vector<int>>* keep_rows = nullptr) {
        const GPT2Config& c = cfg;
        const int C = c.C, NH = c.NH, L = c.L, b = B, t = T_, QKV = c.qkv_width(), F = c.ffn(), FC = c.fc_width();
        const size_t BT = (size_t)b * t;
        const int stop = stop_layer();
        Activations<T>& a = acts;
        std::fill(a.dresidual, a.dresidual + BT * C, T(0));
        std::fill(a.dln, a.dln + BT * C, T(0));
        // the LM head is tied to wte: its gradient lands in dwte
        matmul_backward(a.dln, g.wte, (T*)nullptr, a.logits, a.lnf, p.wte, (int)BT, C, c.Vp, bf16_of(p.wte));
        const T* last = a.residual3 + (L - 1) * BT * C;
        norm_backward(a.dresidual, g.lnfw, g.lnfb, a.dln, last, p.lnfw, a.lnf_mean, a.lnf_rstd, (int)BT);
        for (int l = L - 1; l >= std::max(stop, 0); l--) {
            if (recompute) block_forward(l);  // its inputs, residual3[l-1], were kept
            const T* residual = l == 0 ? a.encoded : a.residual3 + (l - 1) * BT * C;
            BlockActs k = block_acts(l);
            T *ln1 = k.ln1, *qkv = k.qkv, *atty = k.atty, *res2 = k.res2, *ln2 = k.ln2, *fch = k.fch, *fchg = k.fchg;
            // dresidual holds d(res3); the MLP branch, the memory and the skip all receive it
            std::fill(a.dfch, a.dfch + BT * F, T(0));
            linear_backward(l, 3, a.dfch, g.fcprojw, g.fcprojb, a.dresidual, fchg, p.fcprojw, F, C);
            std::fill(a.scratch, a.scratch + BT * FC, T(0));
            act_backward(a.scratch, fch, a.dfch, BT);
            std::fill(a.dln, a.dln + BT * C, T(0));
            linear_backward(l, 2, a.dln, g.fcw, g.fcb, a.scratch, ln2, p.fcw, C, FC);
            if (c.has_mem(l))
                memory_backward(c.mem, g.mem[l], sparse_values ? &dvalues[l] : nullptr, l == stop ? nullptr : a.dln,
                                a.dresidual, ln2, p.mem[l], mcache[l], (int)BT,  // at the stop, nothing needs d(ln2)
                                keep_rows ? &(*keep_rows)[l] : nullptr);
            if (l == stop) break;  // nothing below this memory trains
            norm_backward(a.dresidual, at(g.ln2w, l * C), at(g.ln2b, l * C), a.dln, res2, p.ln2w + l * C, k.ln2_mean, k.ln2_rstd, (int)BT);
            // dresidual now holds d(res2); the attention branch and the skip both receive it
            std::fill(a.datty, a.datty + BT * C, T(0));
            linear_backward(l, 1, a.datty, g.attprojw, g.attprojb, a.dresidual, atty, p.attprojw, C, C);
            std::fill(a.dqkv, a.dqkv + BT * QKV, T(0));
            attention_backward(a.dqkv, a.datty, qkv, atty, k.att_lse, b, t, C, NH, c.kv_heads());
            if (c.llama()) rope_backward(a.dqkv, rope_cs.data(), b, t, NH, c.NKV, c.hs());
            std::fill(a.dln, a.dln + BT * C, T(0));
            linear_backward(l, 0, a.dln, g.qkvw, g.qkvb, a.dqkv, ln1, p.qkvw, C, QKV);
            norm_backward(a.dresidual, at(g.ln1w, l * C), at(g.ln1b, l * C), a.dln, residual, p.ln1w + l * C, k.ln1_mean, k.ln1_rstd, (int)BT);
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
        auto lm = lora_matrices(cfg);
        int r = cfg.lora_rank;
        for (int m = 0; m < 4; m++) {
            int IC = lm[m].in, OC = lm[m].out;
            for (int l = 0; l < cfg.L; l++)
                lora_merge(W[m] + (size_t)l * OC * IC, p.loraA[m] + (size_t)l * r * IC, p.loraB[m] + (size_t)l * OC * r, IC, OC, r, T(cfg.lora_alpha) / r);
        }
        build(c);  // this model becomes the merged one (its pointers must point into its own buffer)
        std::copy(merged.params.begin(), merged.params.end(), params.begin());
    }

    // ---- checkpoints: llm.c's format. header[0..7] as llm.c. Extensions live in header[8..21]
    // (zero in plain GPT-2 checkpoints, which llm.c's readers also ignore) and their tensors
    // follow the family's base tensors: [8] = 1 marks extensions, [9] LoRA rank, [10] LoRA alpha,
    // [11] bitmask of blocks with a memory, [12] sqrt(N) sub-keys, [13] top-k, [14] memory heads,
    // [15] query width per head, [16] Memory+ gating; the family: [17] 1 = Llama, [18] KV heads,
    // [19] SwiGLU width, [20] RoPE theta and [21] RMSNorm eps (float bits); [22] = 1 marks [23..24],
    // a 64-bit checksum of the header (those two zeroed) and the weights, so a header edited after
    // the write (NH, maxT, Vp: values that keep the byte count) is refused rather than misread.
    static uint64_t checksum(const int* header, const void* weights, size_t bytes) {
        int h[256];
        memcpy(h, header, sizeof h);
        h[23] = h[24] = 0;
        uint64_t x = 1469598103934665603ull;  // FNV-1a over 64-bit words: a corruption check, not a MAC
        auto mix = [&](const unsigned char* p, size_t n) {
            for (size_t i = 0; i + 8 <= n; i += 8) { uint64_t w; memcpy(&w, p + i, 8); x = (x ^ w) * 1099511628211ull; }
            for (size_t i = n & ~(size_t)7; i < n; i++) x = (x ^ p[i]) * 1099511628211ull;
        };
        mix((const unsigned char*)h, sizeof h);
        mix((const unsigned char*)weights, bytes);
        return x;
    }
    // the 1024-byte header save() writes before weights f (the parameters as stored)
    void file_header(int* header, const std::vector<float>& f) const {
        memset(header, 0, 256 * sizeof(int));
        header[0] = CKPT_MAGIC; header[1] = CKPT_FP32; header[2] = cfg.maxT; header[3] = cfg.V;
        header[4] = cfg.L; header[5] = cfg.NH; header[6] = cfg.C; header[7] = cfg.Vp;
        if (cfg.lora_rank || cfg.mem_layers || cfg.llama()) {
            header[8] = 1; header[9] = cfg.lora_rank; header[10] = cfg.lora_alpha; header[11] = (int)cfg.mem_layers;
            header[12] = cfg.mem.n_keys; header[13] = cfg.mem.topk; header[14] = cfg.mem.heads;
            header[15] = cfg.mem.dk; header[16] = cfg.mem.gated;
        }
        if (cfg.llama()) {
            header[17] = 1; header[18] = cfg.NKV; header[19] = cfg.F;
            memcpy(&header[20], &cfg.rope_theta, 4);
            memcpy(&header[21], &cfg.norm_eps, 4);
        }
        header[22] = 1;
        uint64_t sum = checksum(header, f.data(), f.size() * sizeof(float));
        memcpy(&header[23], &sum, 8);
    }
    void save(const std::string& path) const {
        int header[256];
        std::vector<float> f(params.begin(), params.end());
        file_header(header, f);
        AtomicFile af(path);
        af.write(header, sizeof header);
        af.write(f.data(), f.size() * sizeof(float));
        af.commit();
    }
    // true when path already holds what save() would write (same header, checksum included, and
    // size), so a caller can leave a file others cache against untouched
    bool saved_as(const std::string& path) const {
        int header[256];
        std::vector<float> f(params.begin(), params.end());
        file_header(header, f);
        return file_size(path) == (long)(sizeof header + f.size() * sizeof(float)) &&
               read_file_head(path, sizeof header) == std::string((const char*)header, sizeof header);
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
            if (h[17] == 1) {
                c.family = FAMILY_LLAMA; c.NKV = h[18]; c.F = h[19];
                memcpy(&c.rope_theta, &h[20], 4);
                memcpy(&c.norm_eps, &h[21], 4);
                if (c.NKV <= 0 || c.NH % c.NKV || c.hs() % 2 || c.F <= 0 || c.F > (1 << 18) || !(c.rope_theta > 0 && c.rope_theta < 1e12f) ||
                    !(c.norm_eps > 0 && c.norm_eps < 1))
                    return bad("checkpoint %s has an invalid Llama header (KV heads %d, SwiGLU width %d)", P, c.NKV, c.F);
            } else if (h[17] != 0) {
                return bad("checkpoint %s names an unknown model family %d", P, h[17]);
            }
        } else if (h[8] != 0) {
            return bad("checkpoint %s has an unknown extension marker %d", P, h[8]);
        }
        if (h[22] != 0 && h[22] != 1) return bad("checkpoint %s has an unknown checksum marker %d", P, h[22]);
        size_t n = 0;
        for (auto& t : model_tensors(c)) n += t.size;  // sizes only: nothing is allocated
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

    // Where each tensor of a Llama GGUF file lives in params: token_embd -> wte (rows past V stay
    // zero), blk.l.attn_norm -> ln1w, attn_q, attn_k, attn_v -> qkvw's [q | k | v] rows, attn_output
    // -> attprojw, ffn_norm -> ln2w, ffn_gate, ffn_up -> fcw's [gate | up] rows, ffn_down -> fcprojw,
    // output_norm -> lnfw. q and k rows stay as llama.cpp's converter permuted them, for the
    // interleaved RoPE of rope.h. Shapes are row-major (out, in), as gguf.h gives them.
    struct GGUFSlot { std::string name; std::vector<int64_t> shape; size_t offset; };
    std::vector<GGUFSlot> gguf_slots() const {
        const int64_t C = cfg.C, KV = (int64_t)cfg.NKV * cfg.hs(), F = cfg.F, QKV = cfg.qkv_width();
        auto off = [&](const T* ptr) { return (size_t)(ptr - params.data()); };
        std::vector<GGUFSlot> v = {{"token_embd.weight", {cfg.V, C}, off(p.wte)}, {"output_norm.weight", {C}, off(p.lnfw)}};
        for (int64_t l = 0; l < cfg.L; l++) {
            std::string b = "blk." + std::to_string(l) + ".";
            size_t qkv = off(p.qkvw + l * QKV * C), fc = off(p.fcw + l * 2 * F * C);
            std::vector<GGUFSlot> blk = {
                {b + "attn_norm.weight", {C}, off(p.ln1w + l * C)},        {b + "attn_q.weight", {C, C}, qkv},
                {b + "attn_k.weight", {KV, C}, qkv + C * C},               {b + "attn_v.weight", {KV, C}, qkv + (C + KV) * C},
                {b + "attn_output.weight", {C, C}, off(p.attprojw + l * C * C)}, {b + "ffn_norm.weight", {C}, off(p.ln2w + l * C)},
                {b + "ffn_gate.weight", {F, C}, fc},                       {b + "ffn_up.weight", {F, C}, fc + F * C},
                {b + "ffn_down.weight", {C, F}, off(p.fcprojw + l * C * F)}};
            v.insert(v.end(), blk.begin(), blk.end());
        }
        return v;
    }

    // a Llama-family model from llama.cpp's GGUF (e.g. SmolLM2), dequantised to fp32 (gguf_slots says
    // where each tensor goes). The tokenizer is Tokenizer::from_gguf's.
    void load_gguf(const std::string& path) {
        GGUF g = GGUF::open(path);
        build(gguf_config(g, path));
        for (auto& t : gguf_slots()) {
            std::vector<float> w = g.tensor_f32(t.name, t.shape);
            std::copy(w.begin(), w.end(), params.begin() + t.offset);
        }
        check_finite(path);
    }
    static GPT2Config gguf_config(const GGUF& g, const std::string& path) {
        const char* P = path.c_str();
        std::string arch = g.get_str("general.architecture");
        if (arch != "llama") fatal(EXIT_RUNTIME, "%s: architecture '%s' is not supported (llama only)", P, arch.c_str());
        if (g.find_tensor("output.weight")) fatal(EXIT_RUNTIME, "%s has an untied output head (output.weight): not supported", P);
        auto meta = [&](const char* k) { return g.get_int("llama." + std::string(k)); };
        GPT2Config c;
        c.family = FAMILY_LLAMA;
        c.L = (int)meta("block_count"); c.C = (int)meta("embedding_length"); c.NH = (int)meta("attention.head_count");
        c.NKV = (int)meta("attention.head_count_kv"); c.F = (int)meta("feed_forward_length"); c.maxT = (int)meta("context_length");
        c.rope_theta = g.get("llama.rope.freq_base") ? (float)g.get_f64("llama.rope.freq_base") : 10000.0f;
        c.norm_eps = (float)g.get_f64("llama.attention.layer_norm_rms_epsilon");
        c.V = (int)g.tensor("token_embd.weight").shape()[0];
        c.Vp = pad_vocab(c.V);
        if (c.L <= 0 || c.L > 31 || c.C <= 0 || c.NH <= 0 || c.C % c.NH || c.NKV <= 0 || c.NH % c.NKV || c.hs() % 2 || c.F <= 0 || c.maxT <= 1)
            fatal(EXIT_RUNTIME, "%s: unsupported llama shape (blocks %d, width %d, heads %d, KV heads %d, SwiGLU %d)", P, c.L, c.C, c.NH, c.NKV, c.F);
        if (g.get("llama.rope.dimension_count") && g.get_int("llama.rope.dimension_count") != c.hs())
            fatal(EXIT_RUNTIME, "%s: RoPE over %lld of %d head channels is not supported", P, (long long)g.get_int("llama.rope.dimension_count"), c.hs());
        return c;
    }

    // a NaN weight poisons every output: refuse it at load, by name
    void check_finite(const std::string& path) const {
        for (size_t i = 0; i < specs.size(); i++)
            for (size_t k = 0; k < specs[i].size; k++)
                if (!std::isfinite((double)params[offset[i] + k]))
                    fatal(EXIT_RUNTIME, "checkpoint %s holds a non-finite value in tensor %s (element %zu)", path.c_str(), specs[i].name.c_str(), k);
    }

    // reads fp32 (version 3) or bf16 (version 5, e.g. llm.c's gpt2_124M_bf16.bin) checkpoints, and
    // GGUF files (load_gguf)
    void load(const std::string& path) {
        size_t width = 0;
        if (read_file_head(path, 4) == "GGUF") return load_gguf(path);
        GPT2Config c = read_config(path, &width);
        FILE* f = fopen_check(path.c_str(), "rb");
        fseek(f, 1024, SEEK_SET);
        build(c);
        std::vector<unsigned char> buf(params.size() * width);
        fread_check(buf.data(), 1, buf.size(), f, path.c_str());
        fclose(f);
        set_params(buf.data(), width);
        check_finite(path);
        int h[256];
        memcpy(h, read_file_head(path, 1024).data(), 1024);
        uint64_t sum;
        memcpy(&sum, &h[23], 8);
        if (h[22] == 1 && checksum(h, buf.data(), buf.size()) != sum)
            fatal(EXIT_RUNTIME, "checkpoint %s does not match its checksum: its header or weights changed after it was written", path.c_str());
    }

    // a checkpoint's or GGUF's configuration, from its header or metadata alone (no weights read);
    // *width: bytes per stored parameter (checkpoints only)
    static GPT2Config read_config(const std::string& path, size_t* width = nullptr) {
        long size = file_size(path);
        if (size < 0) fatal(EXIT_RUNTIME, "checkpoint %s does not exist", path.c_str());
        if (size >= 4 && read_file_head(path, 4) == "GGUF") return gguf_config(GGUF::open(path), path);
        if (size < 1024) fatal(EXIT_RUNTIME, "checkpoint %s is %s (%ld bytes, header needs 1024)", path.c_str(), size ? "truncated" : "empty", size);
        std::string head = read_file_head(path, 1024);
        int h[256];
        memcpy(h, head.data(), 1024);
        GPT2Config c;
        size_t w = 0;
        std::string err;
        if (!parse_header(h, size, path, c, &w, err)) fatal(EXIT_RUNTIME, "%s", err.c_str());
        if (width) *width = w;
        return c;
    }
};
