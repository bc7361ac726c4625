// model.h: the GPT-2 model: parameters, activations, forward, backward, checkpoints.
// The orchestration (which op runs on which buffer, in which order) is written once here; the ops
// themselves live in encoder.h, layernorm.h, matmul.h, attention.h, gelu.h, classifier.h.
// T is the float type: float for training, double for the finite-difference tests.
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
#include "matmul.h"
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
};

inline int pad_vocab(int V) { return (V + 127) / 128 * 128; }

// the 16 parameter tensors in llm.c's checkpoint order; decay marks those AdamW decays
struct TensorSpec { const char* name; size_t size; bool decay; };
inline std::vector<TensorSpec> gpt2_tensors(const GPT2Config& c) {
    size_t L = c.L, C = c.C;
    return {{"wte", (size_t)c.Vp * C, true},  {"wpe", (size_t)c.maxT * C, false},
            {"ln1w", L * C, false},           {"ln1b", L * C, false},
            {"qkvw", L * 3 * C * C, true},    {"qkvb", L * 3 * C, false},
            {"attprojw", L * C * C, true},    {"attprojb", L * C, false},
            {"ln2w", L * C, false},           {"ln2b", L * C, false},
            {"fcw", L * 4 * C * C, true},     {"fcb", L * 4 * C, false},
            {"fcprojw", L * C * 4 * C, true}, {"fcprojb", L * C, false},
            {"lnfw", C, false},               {"lnfb", C, false}};
}

// pointers into one contiguous buffer, in checkpoint order (used for params and for grads)
template <class T> struct ParamPtrs {
    T *wte, *wpe, *ln1w, *ln1b, *qkvw, *qkvb, *attprojw, *attprojb, *ln2w, *ln2b, *fcw, *fcb, *fcprojw,
        *fcprojb, *lnfw, *lnfb;
    void point(T* base, const std::vector<TensorSpec>& specs) {
        T** slots[] = {&wte, &wpe, &ln1w, &ln1b, &qkvw, &qkvb, &attprojw, &attprojb, &ln2w, &ln2b,
                       &fcw, &fcb, &fcprojw, &fcprojb, &lnfw, &lnfb};
        for (size_t i = 0; i < 16; i++) { *slots[i] = base; base += specs[i].size; }
    }
};

// forward activations for a (B,T) batch; per-layer buffers are stacked over L
template <class T> struct Activations {
    std::vector<T> buf;
    T *encoded;              // (B,T,C)
    T *ln1, *ln1_mean, *ln1_rstd;  // (L,B,T,C), (L,B,T), (L,B,T)
    T *qkv;                  // (L,B,T,3C)
    T *atty;                 // (L,B,T,C)
    T *att;                  // (L,B,NH,T,T)
    T *residual2;            // (L,B,T,C)
    T *ln2, *ln2_mean, *ln2_rstd;  // (L,B,T,C), (L,B,T), (L,B,T)
    T *fch, *fch_gelu;       // (L,B,T,4C)
    T *residual3;            // (L,B,T,C)
    T *lnf, *lnf_mean, *lnf_rstd;  // (B,T,C), (B,T), (B,T)
    T *logits;               // (B,T,Vp); holds dlogits after a training forward
    T *losses;               // (B,T)
    // backward scratch, reused by every layer
    T *dresidual, *dln, *datty;  // (B,T,C)
    T *dqkv;                 // (B,T,3C)
    T *dfch;                 // (B,T,4C)
    T *scratch;              // (B,T,4C): the output of a projection before it joins the residual

    void allocate(const GPT2Config& c, int B, int T_) {
        size_t BT = (size_t)B * T_, L = c.L, C = c.C;
        std::vector<std::pair<T**, size_t>> lay = {
            {&encoded, BT * C}, {&ln1, L * BT * C}, {&ln1_mean, L * BT}, {&ln1_rstd, L * BT},
            {&qkv, L * BT * 3 * C}, {&atty, L * BT * C}, {&att, L * B * c.NH * (size_t)T_ * T_},
            {&residual2, L * BT * C}, {&ln2, L * BT * C}, {&ln2_mean, L * BT}, {&ln2_rstd, L * BT},
            {&fch, L * BT * 4 * C}, {&fch_gelu, L * BT * 4 * C}, {&residual3, L * BT * C},
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
    std::vector<T> params, grads;
    ParamPtrs<T> p, g;
    Activations<T> acts;
    int B = 0, T_ = 0;                 // the batch shape the activations are sized for
    std::vector<int> inputs, targets;  // (B,T) of the last forward
    T mean_loss = -1;

    size_t num_params() const { return params.size(); }

    void build(const GPT2Config& c) {
        cfg = c;
        specs = gpt2_tensors(c);
        size_t n = 0;
        for (auto& s : specs) n += s.size;
        params.assign(n, T(0));
        grads.assign(n, T(0));
        p.point(params.data(), specs);
        g.point(grads.data(), specs);
        B = T_ = 0;
    }

    // GPT-2's init: N(0, 0.02), residual projections scaled by 1/sqrt(2L), LayerNorm = identity
    void init_random(const GPT2Config& c, uint64_t seed) {
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
    }

    void ensure_batch(int b, int t) {
        if (t > cfg.maxT) fatal(EXIT_USAGE, "sequence length %d exceeds the model's context %d", t, cfg.maxT);
        if (b == B && t == T_) return;
        B = b; T_ = t;
        acts.allocate(cfg, b, t);
    }

    // inp and targets are (B,T); targets may be NULL (inference: logits are kept).
    // With targets, returns the mean loss; if grad_scale != 0 the logits are replaced by dlogits
    // (scaled by grad_scale / (B*T)) ready for backward().
    T forward(const int* inp, const int* tgt, int b, int t, T grad_scale = 0) {
        ensure_batch(b, t);
        const GPT2Config& c = cfg;
        const int C = c.C, NH = c.NH, L = c.L;
        const size_t BT = (size_t)b * t;
        for (size_t i = 0; i < BT; i++)
            if (inp[i] < 0 || inp[i] >= c.V) fatal(EXIT_RUNTIME, "token id %d is outside the vocabulary (size %d)", inp[i], c.V);
        inputs.assign(inp, inp + BT);
        Activations<T>& a = acts;
        encoder_forward(a.encoded, inp, p.wte, p.wpe, b, t, C);
        for (int l = 0; l < L; l++) {
            const T* residual = l == 0 ? a.encoded : a.residual3 + (l - 1) * BT * C;
            T *ln1 = a.ln1 + l * BT * C, *qkv = a.qkv + l * BT * 3 * C, *atty = a.atty + l * BT * C;
            T *att = a.att + (size_t)l * b * NH * t * t, *res2 = a.residual2 + l * BT * C;
            T *ln2 = a.ln2 + l * BT * C, *fch = a.fch + l * BT * 4 * C, *fchg = a.fch_gelu + l * BT * 4 * C;
            T *res3 = a.residual3 + l * BT * C;
            layernorm_forward(ln1, a.ln1_mean + l * BT, a.ln1_rstd + l * BT, residual, p.ln1w + l * C, p.ln1b + l * C, (int)BT, C);
            matmul_forward(qkv, ln1, p.qkvw + (size_t)l * 3 * C * C, p.qkvb + l * 3 * C, (int)BT, C, 3 * C);
            attention_forward(atty, att, qkv, b, t, C, NH);
            matmul_forward(a.scratch, atty, p.attprojw + (size_t)l * C * C, p.attprojb + l * C, (int)BT, C, C);
            residual_forward(res2, residual, a.scratch, BT * C);
            layernorm_forward(ln2, a.ln2_mean + l * BT, a.ln2_rstd + l * BT, res2, p.ln2w + l * C, p.ln2b + l * C, (int)BT, C);
            matmul_forward(fch, ln2, p.fcw + (size_t)l * 4 * C * C, p.fcb + l * 4 * C, (int)BT, C, 4 * C);
            gelu_forward(fchg, fch, BT * 4 * C);
            matmul_forward(a.scratch, fchg, p.fcprojw + (size_t)l * 4 * C * C, p.fcprojb + l * C, (int)BT, 4 * C, C);
            residual_forward(res3, res2, a.scratch, BT * C);
        }
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

    void zero_grad() { std::fill(grads.begin(), grads.end(), T(0)); }

    // accumulates parameter gradients; needs a forward with targets and grad_scale != 0 just before
    void backward() {
        const GPT2Config& c = cfg;
        const int C = c.C, NH = c.NH, L = c.L, b = B, t = T_;
        const size_t BT = (size_t)b * t;
        Activations<T>& a = acts;
        std::fill(a.dresidual, a.dresidual + BT * C, T(0));
        std::fill(a.dln, a.dln + BT * C, T(0));
        // the LM head is tied to wte: its gradient lands in dwte
        matmul_backward(a.dln, g.wte, (T*)nullptr, a.logits, a.lnf, p.wte, (int)BT, C, c.Vp);
        const T* last = a.residual3 + (L - 1) * BT * C;
        layernorm_backward(a.dresidual, g.lnfw, g.lnfb, a.dln, last, p.lnfw, a.lnf_mean, a.lnf_rstd, (int)BT, C);
        for (int l = L - 1; l >= 0; l--) {
            const T* residual = l == 0 ? a.encoded : a.residual3 + (l - 1) * BT * C;
            T *ln1 = a.ln1 + l * BT * C, *qkv = a.qkv + l * BT * 3 * C, *atty = a.atty + l * BT * C;
            T *att = a.att + (size_t)l * b * NH * t * t, *res2 = a.residual2 + l * BT * C;
            T *ln2 = a.ln2 + l * BT * C, *fch = a.fch + l * BT * 4 * C, *fchg = a.fch_gelu + l * BT * 4 * C;
            // dresidual holds d(res3); the MLP branch and the skip both receive it
            std::fill(a.dfch, a.dfch + BT * 4 * C, T(0));
            matmul_backward(a.dfch, g.fcprojw + (size_t)l * 4 * C * C, g.fcprojb + l * C, a.dresidual, fchg, p.fcprojw + (size_t)l * 4 * C * C, (int)BT, 4 * C, C);
            std::fill(a.scratch, a.scratch + BT * 4 * C, T(0));
            gelu_backward(a.scratch, fch, a.dfch, BT * 4 * C);
            std::fill(a.dln, a.dln + BT * C, T(0));
            matmul_backward(a.dln, g.fcw + (size_t)l * 4 * C * C, g.fcb + l * 4 * C, a.scratch, ln2, p.fcw + (size_t)l * 4 * C * C, (int)BT, C, 4 * C);
            layernorm_backward(a.dresidual, g.ln2w + l * C, g.ln2b + l * C, a.dln, res2, p.ln2w + l * C, a.ln2_mean + l * BT, a.ln2_rstd + l * BT, (int)BT, C);
            // dresidual now holds d(res2); the attention branch and the skip both receive it
            std::fill(a.datty, a.datty + BT * C, T(0));
            matmul_backward(a.datty, g.attprojw + (size_t)l * C * C, g.attprojb + l * C, a.dresidual, atty, p.attprojw + (size_t)l * C * C, (int)BT, C, C);
            std::fill(a.dqkv, a.dqkv + BT * 3 * C, T(0));
            attention_backward(a.dqkv, a.datty, qkv, att, b, t, C, NH);
            std::fill(a.dln, a.dln + BT * C, T(0));
            matmul_backward(a.dln, g.qkvw + (size_t)l * 3 * C * C, g.qkvb + l * 3 * C, a.dqkv, ln1, p.qkvw + (size_t)l * 3 * C * C, (int)BT, C, 3 * C);
            layernorm_backward(a.dresidual, g.ln1w + l * C, g.ln1b + l * C, a.dln, residual, p.ln1w + l * C, a.ln1_mean + l * BT, a.ln1_rstd + l * BT, (int)BT, C);
        }
        encoder_backward(g.wte, g.wpe, a.dresidual, inputs.data(), b, t, C);
    }

    // logits row for position (b,t) of the last inference forward: (Vp), first V real
    const T* logits_at(int bi, int ti) const { return acts.logits + ((size_t)bi * T_ + ti) * cfg.Vp; }

    // ---- checkpoints: llm.c's format. header[0..7] as llm.c; the rest stays zero for plain GPT-2.
    void save(const std::string& path) const {
        int header[256] = {0};
        header[0] = CKPT_MAGIC; header[1] = CKPT_FP32; header[2] = cfg.maxT; header[3] = cfg.V;
        header[4] = cfg.L; header[5] = cfg.NH; header[6] = cfg.C; header[7] = cfg.Vp;
        std::vector<float> f(params.begin(), params.end());
        AtomicFile af(path);
        af.write(header, sizeof header);
        af.write(f.data(), f.size() * sizeof(float));
        af.commit();
    }

    // reads fp32 (version 3) or bf16 (version 5, e.g. llm.c's gpt2_124M_bf16.bin) checkpoints
    void load(const std::string& path) {
        long size = file_size(path);
        if (size < 0) fatal(EXIT_RUNTIME, "checkpoint %s does not exist", path.c_str());
        if (size < 1024) fatal(EXIT_RUNTIME, "checkpoint %s is truncated (%ld bytes, header needs 1024)", path.c_str(), size);
        FILE* f = fopen_check(path.c_str(), "rb");
        int h[256];
        fread_check(h, 4, 256, f, path.c_str());
        if (h[0] != CKPT_MAGIC) { fclose(f); fatal(EXIT_RUNTIME, "%s is not a model checkpoint (magic %d, expected %d)", path.c_str(), h[0], CKPT_MAGIC); }
        if (h[1] != CKPT_FP32 && h[1] != CKPT_BF16) { fclose(f); fatal(EXIT_RUNTIME, "checkpoint %s has unsupported version %d (3 = fp32, 5 = bf16)", path.c_str(), h[1]); }
        GPT2Config c;
        c.maxT = h[2]; c.V = h[3]; c.L = h[4]; c.NH = h[5]; c.C = h[6]; c.Vp = h[7] ? h[7] : h[3];
        if (c.maxT <= 0 || c.V <= 0 || c.L <= 0 || c.NH <= 0 || c.C <= 0 || c.C % c.NH || c.Vp < c.V ||
            c.maxT > (1 << 20) || c.V > (1 << 24) || c.L > 1024 || c.C > (1 << 16))
            { fclose(f); fatal(EXIT_RUNTIME, "checkpoint %s has an invalid shape (maxT %d V %d L %d NH %d C %d Vp %d)", path.c_str(), c.maxT, c.V, c.L, c.NH, c.C, c.Vp); }
        build(c);
        size_t n = params.size(), width = h[1] == CKPT_FP32 ? 4 : 2;
        if ((size_t)size < 1024 + n * width) { fclose(f); fatal(EXIT_RUNTIME, "checkpoint %s is truncated: %zu parameters need %zu bytes, file has %ld", path.c_str(), n, 1024 + n * width, size); }
        if (width == 4) {
            std::vector<float> buf(n);
            fread_check(buf.data(), 4, n, f, path.c_str());
            for (size_t i = 0; i < n; i++) params[i] = buf[i];
        } else {
            std::vector<uint16_t> buf(n);
            fread_check(buf.data(), 2, n, f, path.c_str());
            for (size_t i = 0; i < n; i++) { uint32_t u = (uint32_t)buf[i] << 16; float x; memcpy(&x, &u, 4); params[i] = x; }
        }
        fclose(f);
    }
};
