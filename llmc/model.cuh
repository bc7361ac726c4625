// model.cuh: the model on the GPU (the CUDA twin of model.h), both of its families: GPT-2 and Llama
// (RMSNorm, RoPE, grouped-query attention, SwiGLU; no biases, no position table). bf16 weights,
// activations and gradients, fp32 master weights and AdamW state, composed from the kernels in
// llmc/*.cuh. Read model.h first: the tensor table (model_tensors) and its pointers (ParamPtrs) are
// model.h's, and block_forward / block_backward run its operations in its order, the family's
// differences behind the same norm_* / act_* helpers. Two fusions: each residual add runs inside
// the norm that reads it (fused_residual_forward, fused_residual_rmsnorm_forward), and GPT-2's GELU
// runs in the fc matmul's cuBLASLt epilogue (forward and, on Hopper, backward; see matmul.cuh).
// Attention saves only its logsumexp (B,NH,T), never the (T,T) probabilities. Gradients of the
// base model are deterministic (no float atomics; the memory layer's key and value gradients use them).
// Checkpoints are read through model.h's GPT2<float>::load (llm.c format fp32 or bf16, or GGUF).
// Memory layers (memory.cuh, ungated) sit beside the MLP of their blocks as in model.h; their values
// keep fp32 master weights and a dense fp32 gradient, and train alone (the rest frozen): by AdamW on
// every value (--train memory) or by SGD on host-chosen slots (--train memory-sparse). LoRA adapters
// (lora.cuh) sit on the four matrices of every block as in model.h and train alone by AdamW
// (--train lora); GPT-2's fc GELU then runs unfused, since the adapter adds to its input.
// Used by tests/test_cuda.cu (whole-model checks), dev/cuda/bench_gpt2.cu, dev/cuda/eval_text.cu
// and llmc/device_cuda.cu.
#pragma once
#include <cmath>
#include <string>
#include <vector>
#include "adamw.cuh"
#include "attention.cuh"
#include "classifier.cuh"
#include "cuda_common.cuh"
#include "encoder.cuh"
#include "gelu.cuh"
#include "global_norm.cuh"
#include "layernorm.cuh"
#include "lora.cuh"
#include "matmul.cuh"
#include "memory.cuh"
#include "model.h"
#include "rmsnorm.cuh"
#include "rope.cuh"
#include "swiglu.cuh"

// the base tensors of model.h's table, in its (checkpoint) order: they come first in the table,
// before any adapter or memory tensor (the memory layers are kept apart, in MemLayerCuda)
inline std::vector<TensorSpec> base_tensors(const GPT2Config& c) {
    std::vector<TensorSpec> v;
    for (auto& s : model_tensors(c))
        if (s.group == G_BASE) v.push_back(s);
    return v;
}

// one block's memory layer: bf16 weights for the forward; the values also as fp32 master weights
// and a dense fp32 gradient (N,C); per-batch saved state in cache
struct MemLayerCuda {
    floatX *wq = nullptr, *bq = nullptr, *keys = nullptr, *values = nullptr;
    float *values_master = nullptr, *dvalues = nullptr;
    float *adam_m = nullptr, *adam_v = nullptr;  // (N,C), --train memory only
    MemoryCacheCuda cache{};
};

struct GPT2Cuda {
    GPT2Config cfg;
    std::vector<TensorSpec> specs;  // base_tensors(cfg)
    size_t num_params = 0;
    floatX* params = nullptr;   // (num_params) bf16: the weights the forward reads, checkpoint order
    floatX* grads = nullptr;    // (num_params) bf16, same layout
    float* master = nullptr;    // (num_params) fp32 master weights
    float *adam_m = nullptr, *adam_v = nullptr;  // (num_params) fp32, allocated by the first update
    // model.h's pointers: the base tensors into params and grads, the adapters into lora and
    // lora_grads; NULL where the family has no such tensor (GPT-2's biases, wpe under Llama)
    ParamPtrs<floatX> p, g;
    int gelu_fusion = GELU_FUSION_NONE;
    cudaStream_t stream = nullptr;
    std::vector<MemLayerCuda> mem;               // (L); only blocks with a memory have buffers
    int* d_slots = nullptr;                      // (N) the slots of one sparse update
    // LoRA (rank r > 0): the 8 adapter tensors of model.h's spec order, contiguous: A (L,r,in), B (L,out,r)
    // for qkv, attproj, fc, fcproj; bf16 copy, fp32 master, bf16 gradients, AdamW moments
    size_t lora_size = 0;
    floatX *lora = nullptr, *lora_grads = nullptr;
    float *lora_master = nullptr, *lora_m = nullptr, *lora_v = nullptr;
    float* rope_cs = nullptr;                    // (maxT, hs/2, 2) Llama: RoPE's cos and sin (rope.h's rope_table)

    // activations for a (B,T) batch; per-layer buffers stacked over L. QKV = 3C (GPT-2) or C + 2*NKV*hs
    // (Llama); FC = F = 4C (GPT-2), FC = 2F (Llama, [gate | up]). The means are LayerNorm's (GPT-2 only).
    int B = 0, T = 0;
    floatX* encoded = nullptr;                    // (B,T,C)
    floatX* ln1 = nullptr;                        // (L,B,T,C)
    float *ln1_mean = nullptr, *ln1_rstd = nullptr;  // (L,B,T)
    floatX* qkv = nullptr;                        // (L,B,T,QKV), q and k rotated by RoPE (Llama)
    floatX* atty = nullptr;                       // (L,B,T,C)
    float* att_lse = nullptr;                     // (L,B,NH,T)
    floatX* residual2 = nullptr;                  // (L,B,T,C)
    floatX* ln2 = nullptr;                        // (L,B,T,C)
    float *ln2_mean = nullptr, *ln2_rstd = nullptr;  // (L,B,T)
    floatX* fch = nullptr;                        // (L,B,T,FC) fc's output, before the activation
    floatX* fch_gelu = nullptr;                   // (L,B,T,F) the activation's output (GELU, or SwiGLU)
    floatX* residual3 = nullptr;                  // (L,B,T,C)
    floatX* lnf = nullptr;                        // (B,T,C)
    float *lnf_mean = nullptr, *lnf_rstd = nullptr;  // (B,T)
    floatX* logits = nullptr;                     // (B,T,Vp); dlogits after a training forward
    float* losses = nullptr;                      // (B,T)
    // backward buffers, reused by every layer
    floatX *dresidual = nullptr, *dln = nullptr, *datty = nullptr;  // (B,T,C)
    floatX* dqkv = nullptr;                       // (B,T,QKV)
    floatX* dfch = nullptr;                       // (B,T,FC) d(fch)
    floatX* dfchg = nullptr;                      // (B,T,F) d(fch_gelu), when the activation runs unfused
                                                  // (its backward reads it while writing dfch)
    floatX* proj = nullptr;                       // (B,T,C): a projection's output before the residual add
    floatX *mem_out = nullptr, *dln_mem = nullptr;  // (B,T,C): a memory's output; its d(ln2)
    floatX* lora_u = nullptr;                     // (L,4,B,T,r) the adapters' low-rank activations
    floatX* lora_du = nullptr;                    // (B,T,r) backward scratch
    float* scratch = nullptr;                     // fp32 scratch of the reductions (size scratch_floats)
    size_t scratch_floats = 0;
    int* enc_workspace = nullptr;                 // encoder backward buckets
    int *d_inputs = nullptr, *d_targets = nullptr;  // (B,T)
    float* d_norm = nullptr;                      // (1)
    std::vector<int> h_inputs;                    // (B,T) of the last forward (the encoder backward reads it)
    std::vector<float> h_losses;                  // (B,T)
    float mean_loss = -1.0f;

    GPT2Cuda() = default;
    GPT2Cuda(const GPT2Cuda&) = delete;
    GPT2Cuda& operator=(const GPT2Cuda&) = delete;
    ~GPT2Cuda() { free_all(); }

    // GELU in the fc matmul's epilogue: GPT-2 without adapters (an adapter adds to GELU's input;
    // SwiGLU has no epilogue)
    bool act_fused() const { return !cfg.llama() && !cfg.lora_rank; }

    // ---- setup ----

    // takes the weights of a CPU model (fp32); the bf16 copy is rounded to nearest
    void init_from(const GPT2<float>& cpu, int gelu_fusion_level = -1) {
        free_all();
        cfg = cpu.cfg;
        cuda_require(cfg.C % 8 == 0 && cfg.Vp % 8 == 0, "C=%d and Vp=%d must be multiples of 8", cfg.C, cfg.Vp);
        cuda_require(!cfg.llama() || (cfg.hs() % 8 == 0 && cfg.F % 8 == 0), "Llama: head size %d and SwiGLU width %d must be multiples of 8", cfg.hs(), cfg.F);
        specs = base_tensors(cfg);
        num_params = 0;
        for (auto& s : specs) num_params += s.size;
        if ((cfg.mem_layers && cfg.mem.gated) || (cfg.mem_layers && cfg.lora_rank) || cfg.lora_rank % 8)
            fatal(EXIT_RUNTIME, "the GPU model runs ungated memory layers or LoRA of a rank divisible by 8, not both");
        const size_t nb = specs.size();
        cuda_require(cpu.offset[nb - 1] + specs[nb - 1].size == num_params, "the base tensors must come first");
        gelu_fusion = !act_fused() ? GELU_FUSION_NONE : gelu_fusion_level >= 0 ? gelu_fusion_level : default_gelu_fusion();
        cudaCheck(cudaStreamCreate(&stream));
        params = cuda_malloc<floatX>(num_params);
        grads = cuda_malloc<floatX>(num_params);
        master = cuda_malloc<float>(num_params);
        cuda_upload(master, cpu.params.data(), num_params);
        fp32_to_bf16(params, master, num_params, stream);
        cudaCheck(cudaMemsetAsync(grads, 0, num_params * sizeof(floatX), stream));
        d_norm = cuda_malloc<float>(1);
        lora_size = 0;
        for (size_t i = nb; i < cpu.specs.size() && cpu.specs[i].group == G_LORA; i++) lora_size += cpu.specs[i].size;
        if (lora_size) {
            lora = cuda_malloc<floatX>(lora_size);
            lora_grads = cuda_malloc<floatX>(lora_size);
            lora_master = cuda_malloc<float>(lora_size);
            cuda_upload(lora_master, cpu.params.data() + cpu.offset[nb], lora_size);  // adapters follow the base
            fp32_to_bf16(lora, lora_master, lora_size, stream);
            cudaCheck(cudaMemsetAsync(lora_grads, 0, lora_size * sizeof(floatX), stream));
        }
        // model.h's pointer table over the device buffers: base tensors, then adapters, each contiguous
        std::vector<floatX*> pp, gp;
        size_t off = 0, loff = 0;
        for (size_t i = 0; i < cpu.specs.size(); i++) {
            const TensorSpec& s = cpu.specs[i];
            if (i < nb) { pp.push_back(params + off); gp.push_back(grads + off); off += s.size; }
            else if (s.group == G_LORA) { pp.push_back(lora + loff); gp.push_back(lora_grads + loff); loff += s.size; }
            else { pp.push_back(nullptr); gp.push_back(nullptr); }  // a memory layer's: MemLayerCuda holds them
        }
        p = ParamPtrs<floatX>();
        g = ParamPtrs<floatX>();
        p.point(pp, cpu.specs, cfg);
        g.point(gp, cpu.specs, cfg);
        if (cfg.llama()) {
            rope_cs = cuda_malloc<float>(cpu.rope_cs.size());
            cuda_upload(rope_cs, cpu.rope_cs.data(), cpu.rope_cs.size());
        }
        mem.assign(cfg.L, MemLayerCuda());
        for (int l = 0; l < cfg.L; l++) {
            if (!cfg.has_mem(l)) continue;
            const MemoryConfig& mc = cfg.mem;
            const MemoryParams<float>& src = cpu.p.mem[l];
            MemLayerCuda& M = mem[l];
            auto up = [&](const float* x, size_t n) {
                floatX* d = cuda_malloc<floatX>(n);
                std::vector<floatX> h = to_bf16(x, n);
                cuda_upload(d, h.data(), n);
                return d;
            };
            const size_t nv = mc.N() * mc.C;
            M.wq = up(src.wq, (size_t)mc.qdim() * mc.C);
            M.bq = up(src.bq, mc.qdim());
            M.keys = up(src.keys, (size_t)mc.heads * 2 * mc.n_keys * mc.dkh());
            M.values = up(src.values, nv);
            M.values_master = cuda_malloc<float>(nv);
            cuda_upload(M.values_master, src.values, nv);
            M.dvalues = cuda_malloc<float>(nv);
            cudaCheck(cudaMemsetAsync(M.dvalues, 0, nv * sizeof(float), stream));
            if (!d_slots) d_slots = cuda_malloc<int>(mc.N());
        }
        cudaCheck(cudaStreamSynchronize(stream));
    }
    void load(const std::string& path, int gelu_fusion_level = -1) {
        GPT2<float> cpu;
        cpu.load(path);
        init_from(cpu, gelu_fusion_level);
    }

    void free_activations() {
        void* bufs[] = {encoded, ln1, ln1_mean, ln1_rstd, qkv, atty, att_lse, residual2, ln2, ln2_mean, ln2_rstd,
                        fch, fch_gelu, residual3, lnf, lnf_mean, lnf_rstd, logits, losses, dresidual, dln, datty,
                        dqkv, dfch, dfchg, proj, scratch, enc_workspace, d_inputs, d_targets, mem_out, dln_mem, lora_u, lora_du};
        for (void* b : bufs) if (b) cudaCheck(cudaFree(b));
        for (MemLayerCuda& M : mem) {
            void* mb[] = {M.cache.q, M.cache.qn, M.cache.rstd, M.cache.idx, M.cache.w, M.cache.scratch};
            for (void* b : mb) if (b) cudaCheck(cudaFree(b));
            M.cache = MemoryCacheCuda{};
        }
        mem_out = dln_mem = lora_u = lora_du = nullptr;
        encoded = ln1 = qkv = atty = residual2 = ln2 = fch = fch_gelu = residual3 = lnf = logits = nullptr;
        dresidual = dln = datty = dqkv = dfch = dfchg = proj = nullptr;
        ln1_mean = ln1_rstd = att_lse = ln2_mean = ln2_rstd = lnf_mean = lnf_rstd = losses = scratch = nullptr;
        enc_workspace = d_inputs = d_targets = nullptr;
        B = T = 0;
    }
    void free_all() {
        if (stream) cudaCheck(cudaStreamSynchronize(stream));
        free_activations();
        void* bufs[] = {params, grads, master, adam_m, adam_v, d_norm, d_slots, lora, lora_grads, lora_master, lora_m, lora_v, rope_cs};
        for (void* b : bufs) if (b) cudaCheck(cudaFree(b));
        for (MemLayerCuda& M : mem) {
            void* mb[] = {M.wq, M.bq, M.keys, M.values, M.values_master, M.dvalues, M.adam_m, M.adam_v};
            for (void* b : mb) if (b) cudaCheck(cudaFree(b));
        }
        mem.clear();
        d_slots = nullptr;
        lora = lora_grads = nullptr;
        lora_master = lora_m = lora_v = nullptr;
        lora_size = 0;
        params = grads = nullptr;
        master = adam_m = adam_v = d_norm = rope_cs = nullptr;
        if (stream) cudaCheck(cudaStreamDestroy(stream));
        stream = nullptr;
    }

    void ensure_batch(int b, int t) {
        if (t > cfg.maxT) fatal(EXIT_USAGE, "sequence length %d exceeds the model's context %d", t, cfg.maxT);
        if (b == B && t == T) return;
        cudaCheck(cudaStreamSynchronize(stream));
        free_activations();
        B = b; T = t;
        const size_t BT = (size_t)b * t, L = cfg.L, C = cfg.C, NH = cfg.NH, QKV = cfg.qkv_width(), FC = cfg.fc_width(), F = cfg.ffn();
        auto mean = [&](size_t n) { return cfg.llama() ? nullptr : cuda_malloc<float>(n); };  // RMSNorm has none
        encoded = cuda_malloc<floatX>(BT * C);
        ln1 = cuda_malloc<floatX>(L * BT * C);
        ln1_mean = mean(L * BT);
        ln1_rstd = cuda_malloc<float>(L * BT);
        qkv = cuda_malloc<floatX>(L * BT * QKV);
        atty = cuda_malloc<floatX>(L * BT * C);
        att_lse = cuda_malloc<float>(L * NH * BT);
        residual2 = cuda_malloc<floatX>(L * BT * C);
        ln2 = cuda_malloc<floatX>(L * BT * C);
        ln2_mean = mean(L * BT);
        ln2_rstd = cuda_malloc<float>(L * BT);
        fch = cuda_malloc<floatX>(L * BT * FC);
        fch_gelu = cuda_malloc<floatX>(L * BT * F);
        residual3 = cuda_malloc<floatX>(L * BT * C);
        lnf = cuda_malloc<floatX>(BT * C);
        lnf_mean = mean(BT);
        lnf_rstd = cuda_malloc<float>(BT);
        logits = cuda_malloc<floatX>(BT * cfg.Vp);
        losses = cuda_malloc<float>(BT);
        dresidual = cuda_malloc<floatX>(BT * C);
        dln = cuda_malloc<floatX>(BT * C);
        datty = cuda_malloc<floatX>(BT * C);
        dqkv = cuda_malloc<floatX>(BT * QKV);
        dfch = cuda_malloc<floatX>(BT * FC);
        if (!act_fused()) dfchg = cuda_malloc<floatX>(BT * F);
        proj = cuda_malloc<floatX>(BT * C);
        const size_t norm_scratch = cfg.llama() ? rmsnorm_backward_scratch_floats(cfg.C) : layernorm_backward_scratch_floats(cfg.C);
        scratch_floats = std::max({norm_scratch, matmul_backward_scratch_floats((int)FC),
                                   attention_backward_scratch_floats(b, t, cfg.NH), global_norm_scratch_floats()});
        scratch = cuda_malloc<float>(scratch_floats);
        enc_workspace = cuda_malloc<int>(encoder_backward_workspace_ints(b, t));
        d_inputs = cuda_malloc<int>(BT);
        d_targets = cuda_malloc<int>(BT);
        h_losses.assign(BT, 0.0f);
        if (cfg.lora_rank) {
            lora_u = cuda_malloc<floatX>(L * 4 * BT * cfg.lora_rank);
            lora_du = cuda_malloc<floatX>(BT * cfg.lora_rank);
        }
        if (cfg.mem_layers) {
            mem_out = cuda_malloc<floatX>(BT * C);
            dln_mem = cuda_malloc<floatX>(BT * C);
        }
        for (int l = 0; l < cfg.L; l++) {
            if (!cfg.has_mem(l)) continue;
            const size_t QD = cfg.mem.qdim(), HK = (size_t)cfg.mem.heads * cfg.mem.topk;
            mem[l].cache = MemoryCacheCuda{cuda_malloc<floatX>(BT * QD), cuda_malloc<float>(BT * QD),
                                           cuda_malloc<float>(BT * cfg.mem.heads * 2), cuda_malloc<int>(BT * HK),
                                           cuda_malloc<float>(BT * HK), cuda_malloc<float>(matmul_backward_scratch_floats(QD))};
        }
    }

    // ---- forward / backward ----

    // a base weight's gradient buffer, or NULL when the base is frozen (LoRA or memory layers train)
    floatX* gw(floatX* x) const { return cfg.lora_rank || cfg.mem_layers ? nullptr : x; }

    // a linear layer of block l with its adapter (model.h's linear_forward): out (BT,OC) = inp (BT,IC)
    // W^T + bias [+ LoRA m, in lora_matrices() order: qkv, attproj, fc, fcproj]; bias may be NULL
    void linear_forward(int l, int m, floatX* out, const floatX* inp, const floatX* W, const floatX* bias, int IC, int OC) {
        const size_t BT = (size_t)B * T;
        matmul_forward(out, inp, W + (size_t)l * OC * IC, at(bias, (size_t)l * OC), (int)BT, IC, OC, stream);
        const int r = cfg.lora_rank;
        if (r)
            lora_forward(out, lora_u + ((size_t)l * 4 + m) * BT * r, inp, p.loraA[m] + (size_t)l * r * IC,
                         p.loraB[m] + (size_t)l * OC * r, (int)BT, IC, OC, r, (float)cfg.lora_alpha / r, stream);
    }
    // its backward: dinp (BT,IC) OVERWRITTEN (then += the adapter's share), the weight and bias
    // gradients += when the base trains, the adapter's += when it has one. With pre_gelu (BT,OC of
    // the layer before) dinp is the gradient of GELU's input (matmul.cuh's dGELU epilogue).
    void linear_backward(int l, int m, floatX* dinp, floatX* dW, floatX* dbias, const floatX* dout, const floatX* inp,
                         const floatX* W, int IC, int OC, const floatX* pre_gelu = nullptr) {
        const size_t BT = (size_t)B * T;
        matmul_backward(dinp, gw(at(dW, (size_t)l * OC * IC)), gw(at(dbias, (size_t)l * OC)), scratch, dout, inp,
                        W + (size_t)l * OC * IC, (int)BT, IC, OC, stream, pre_gelu, gelu_fusion);
        const int r = cfg.lora_rank;
        if (r)
            lora_backward(dinp, g.loraA[m] + (size_t)l * r * IC, g.loraB[m] + (size_t)l * OC * r, lora_du, dout, inp,
                          lora_u + ((size_t)l * 4 + m) * BT * r, p.loraA[m] + (size_t)l * r * IC,
                          p.loraB[m] + (size_t)l * OC * r, (int)BT, IC, OC, r, (float)cfg.lora_alpha / r, stream);
    }

    // block l's activations in the per-layer buffers (the means are NULL under RMSNorm)
    struct BlockActs {
        floatX* ln1; float *ln1_mean, *ln1_rstd;
        floatX *qkv, *atty; float* att_lse;
        floatX *res2, *ln2; float *ln2_mean, *ln2_rstd;
        floatX *fch, *fchg, *res3;
    };
    BlockActs block_acts(int l) const {
        const size_t BT = (size_t)B * T, C = cfg.C, k = l;
        return {ln1 + k * BT * C, at(ln1_mean, k * BT), ln1_rstd + k * BT, qkv + k * BT * cfg.qkv_width(), atty + k * BT * C,
                att_lse + k * BT * cfg.NH, residual2 + k * BT * C, ln2 + k * BT * C, at(ln2_mean, k * BT), ln2_rstd + k * BT,
                fch + k * BT * cfg.fc_width(), fch_gelu + k * BT * cfg.ffn(), residual3 + k * BT * C};
    }

    // where the families differ, as model.h's norm_* / act_*: the norm (LayerNorm with mean and bias,
    // or RMSNorm with weight only) over rows (BT,C), and the MLP's activation (GELU of (BT,4C), or
    // SwiGLU of [gate | up] (BT,2F) into (BT,F))
    void norm_forward(floatX* out, float* mean, float* rstd, const floatX* inp, const floatX* w, const floatX* b) {
        if (cfg.llama()) rmsnorm_forward(out, rstd, inp, w, B * T, cfg.C, cfg.norm_eps, stream);
        else layernorm_forward(out, mean, rstd, inp, w, b, B * T, cfg.C, stream);
    }
    // residual = inp1 + inp2, and out = norm(residual): the residual add fused into the norm after it
    void residual_norm_forward(floatX* residual, floatX* out, float* mean, float* rstd, const floatX* inp1,
                               const floatX* inp2, const floatX* w, const floatX* b) {
        if (cfg.llama()) fused_residual_rmsnorm_forward(residual, out, rstd, inp1, inp2, w, B * T, cfg.C, cfg.norm_eps, stream);
        else fused_residual_forward(residual, out, mean, rstd, inp1, inp2, w, b, B * T, cfg.C, stream);
    }
    // dinp += , dw += , db += (GPT-2) from dout and the forward's inp, mean, rstd
    void norm_backward(floatX* dinp, floatX* dw, floatX* db, const floatX* dout, const floatX* inp, const floatX* w,
                       const float* mean, const float* rstd) {
        if (cfg.llama()) rmsnorm_backward(dinp, dw, scratch, dout, inp, w, rstd, B * T, cfg.C, stream);
        else layernorm_backward(dinp, dw, db, scratch, dout, inp, w, mean, rstd, B * T, cfg.C, stream);
    }
    void act_forward(floatX* out, const floatX* inp) {
        if (cfg.llama()) swiglu_forward(out, inp, B * T, cfg.F, stream);
        else gelu_forward(out, inp, (size_t)B * T * 4 * cfg.C, stream);
    }
    // dinp (OVERWRITTEN) from dout; dinp must not alias dout
    void act_backward(floatX* dinp, const floatX* inp, const floatX* dout) {
        if (cfg.llama()) swiglu_backward(dinp, dout, inp, B * T, cfg.F, stream);
        else gelu_backward(dinp, inp, dout, (size_t)B * T * 4 * cfg.C, stream);
    }

    // block l, as model.h's block_forward: from ln1[l] (its first norm, already applied to its input)
    // to residual3[l], which the norm after it reads (block l+1's first, or the final one), fused
    void block_forward(int l) {
        const GPT2Config& c = cfg;
        const int C = c.C, NH = c.NH, b = B, t = T, QKV = c.qkv_width(), FC = c.fc_width(), F = c.ffn();
        const size_t BT = (size_t)b * t;
        BlockActs k = block_acts(l);
        const floatX* residual = l == 0 ? encoded : residual3 + (size_t)(l - 1) * BT * C;
        linear_forward(l, 0, k.qkv, k.ln1, p.qkvw, p.qkvb, C, QKV);
        if (c.llama()) rope_forward(k.qkv, rope_cs, b, t, NH, c.NKV, c.hs(), stream);
        attention_forward(k.atty, k.att_lse, k.qkv, b, t, C, NH, stream, c.kv_heads());
        linear_forward(l, 1, proj, k.atty, p.attprojw, p.attprojb, C, C);
        residual_norm_forward(k.res2, k.ln2, k.ln2_mean, k.ln2_rstd, residual, proj, p.ln2w + l * C, at(p.ln2b, (size_t)l * C));
        if (act_fused()) {
            matmul_forward(k.fchg, k.ln2, p.fcw + (size_t)l * FC * C, p.fcb + (size_t)l * FC, (int)BT, C, FC, stream, k.fch, gelu_fusion);
        } else {
            linear_forward(l, 2, k.fch, k.ln2, p.fcw, p.fcb, C, FC);
            act_forward(k.fchg, k.fch);
        }
        linear_forward(l, 3, proj, k.fchg, p.fcprojw, p.fcprojb, F, C);
        if (c.has_mem(l)) {  // the memory reads the MLP's input and adds to the residual beside it
            MemLayerCuda& M = mem[l];
            memory_forward(c.mem, mem_out, M.cache, M.wq, M.bq, M.keys, M.values, k.ln2, (int)BT, stream);
            memory_add(proj, mem_out, BT * C, stream);
        }
        if (l + 1 < c.L) {
            BlockActs n = block_acts(l + 1);
            residual_norm_forward(k.res3, n.ln1, n.ln1_mean, n.ln1_rstd, k.res2, proj, p.ln1w + (l + 1) * C, at(p.ln1b, (size_t)(l + 1) * C));
        } else {
            residual_norm_forward(k.res3, lnf, lnf_mean, lnf_rstd, k.res2, proj, p.lnfw, p.lnfb);
        }
    }

    // inputs, targets are (B,T) on the host; targets may be NULL (logits are kept). With targets,
    // returns the mean loss; if grad_scale != 0 the logits are replaced by dlogits scaled by
    // grad_scale / (B*T), ready for backward(). Synchronises (to read the losses) when targets given.
    float forward(const int* inputs, const int* targets, int b, int t, float grad_scale = 0.0f) {
        ensure_batch(b, t);
        const int C = cfg.C;
        const size_t BT = (size_t)b * t;
        for (size_t i = 0; i < BT; i++)
            if (inputs[i] < 0 || inputs[i] >= cfg.V) fatal(EXIT_RUNTIME, "token id %d is outside the vocabulary (size %d)", inputs[i], cfg.V);
        h_inputs.assign(inputs, inputs + BT);
        cudaCheck(cudaMemcpyAsync(d_inputs, inputs, BT * sizeof(int), cudaMemcpyHostToDevice, stream));

        encoder_forward(encoded, d_inputs, p.wte, p.wpe, b, t, C, stream);  // Llama: no wpe
        norm_forward(ln1, ln1_mean, ln1_rstd, encoded, p.ln1w, p.ln1b);  // block 0's first norm (the others are fused)
        for (int l = 0; l < cfg.L; l++) block_forward(l);
        matmul_forward(logits, lnf, p.wte, nullptr, (int)BT, C, cfg.Vp, stream);
        if (!targets) { mean_loss = -1.0f; return mean_loss; }
        for (size_t i = 0; i < BT; i++)
            if (targets[i] < 0 || targets[i] >= cfg.V) fatal(EXIT_RUNTIME, "target id %d is outside the vocabulary (size %d)", targets[i], cfg.V);
        cudaCheck(cudaMemcpyAsync(d_targets, targets, BT * sizeof(int), cudaMemcpyHostToDevice, stream));
        fused_classifier(logits, losses, d_targets, (int)BT, cfg.V, cfg.Vp, grad_scale / (float)BT, grad_scale != 0.0f, stream);
        cudaCheck(cudaMemcpyAsync(h_losses.data(), losses, BT * sizeof(float), cudaMemcpyDeviceToHost, stream));
        cudaCheck(cudaStreamSynchronize(stream));
        double s = 0;
        for (size_t i = 0; i < BT; i++) s += h_losses[i];
        mean_loss = (float)(s / BT);
        return mean_loss;
    }

    void zero_grad() {
        cudaCheck(cudaMemsetAsync(grads, 0, num_params * sizeof(floatX), stream));
        if (lora_grads) cudaCheck(cudaMemsetAsync(lora_grads, 0, lora_size * sizeof(floatX), stream));
        for (MemLayerCuda& M : mem)
            if (M.dvalues) cudaCheck(cudaMemsetAsync(M.dvalues, 0, cfg.mem.N() * cfg.C * sizeof(float), stream));
    }

    // block l's backward, as model.h's: dresidual holds d(residual3[l]) and leaves holding the
    // gradient of the block's input; the gradients of what trains +=
    void block_backward(int l) {
        const GPT2Config& c = cfg;
        const int C = c.C, NH = c.NH, b = B, t = T, QKV = c.qkv_width(), FC = c.fc_width(), F = c.ffn();
        const size_t BT = (size_t)b * t;
        BlockActs k = block_acts(l);
        const floatX* residual = l == 0 ? encoded : residual3 + (size_t)(l - 1) * BT * C;
        // dresidual holds d(res3): the MLP branch, the memory and the skip all receive it
        if (act_fused()) {
            linear_backward(l, 3, dfch, g.fcprojw, g.fcprojb, dresidual, k.fchg, p.fcprojw, F, C, k.fch);
        } else {  // d(fchg) gets the adapter's share before the activation's backward
            linear_backward(l, 3, dfchg, g.fcprojw, g.fcprojb, dresidual, k.fchg, p.fcprojw, F, C);
            act_backward(dfch, k.fch, dfchg);
        }
        linear_backward(l, 2, dln, g.fcw, g.fcb, dfch, k.ln2, p.fcw, C, FC);
        if (c.has_mem(l)) {  // the memory's d(ln2) joins the MLP's
            MemLayerCuda& M = mem[l];
            memory_backward(c.mem, dln_mem, nullptr, nullptr, nullptr, M.dvalues, dresidual, k.ln2, M.wq, M.keys,
                            M.values, M.cache, (int)BT, stream);
            memory_add(dln, dln_mem, BT * C, stream);
        }
        norm_backward(dresidual, g.ln2w + l * C, at(g.ln2b, (size_t)l * C), dln, k.res2, p.ln2w + l * C, k.ln2_mean, k.ln2_rstd);
        // dresidual now holds d(res2): the attention branch and the skip both receive it
        linear_backward(l, 1, datty, g.attprojw, g.attprojb, dresidual, k.atty, p.attprojw, C, C);
        attention_backward(dqkv, scratch, datty, k.qkv, k.atty, k.att_lse, b, t, C, NH, stream, c.kv_heads());
        if (c.llama()) rope_backward(dqkv, rope_cs, b, t, NH, c.NKV, c.hs(), stream);
        linear_backward(l, 0, dln, g.qkvw, g.qkvb, dqkv, k.ln1, p.qkvw, C, QKV);
        norm_backward(dresidual, g.ln1w + l * C, at(g.ln1b, (size_t)l * C), dln, residual, p.ln1w + l * C, k.ln1_mean, k.ln1_rstd);
    }

    // accumulates (+=) the parameter gradients; needs a forward with targets and grad_scale != 0 just before
    void backward() {
        const int C = cfg.C, L = cfg.L;
        const size_t BT = (size_t)B * T;
        // the LM head is tied to wte: its weight gradient lands in dwte
        matmul_backward(dln, gw(g.wte), nullptr, scratch, logits, lnf, p.wte, (int)BT, C, cfg.Vp, stream);
        cudaCheck(cudaMemsetAsync(dresidual, 0, BT * C * sizeof(floatX), stream));
        norm_backward(dresidual, g.lnfw, g.lnfb, dln, residual3 + (size_t)(L - 1) * BT * C, p.lnfw, lnf_mean, lnf_rstd);
        for (int l = L - 1; l >= 0; l--) block_backward(l);
        if (gw(g.wte)) encoder_backward(g.wte, g.wpe, enc_workspace, dresidual, h_inputs.data(), B, T, C, stream);
    }

    // the sum of squares of a gradient buffer g (n), bf16 or fp32 (synchronises)
    template <class G> double norm_squared(const G* g, size_t n) {
        cuda_require(scratch, "a gradient norm needs a forward first (it sizes the scratch)");
        global_norm_squared(d_norm, scratch, g, n, stream);
        float n2 = 0;
        cudaCheck(cudaMemcpyAsync(&n2, d_norm, sizeof(float), cudaMemcpyDeviceToHost, stream));
        cudaCheck(cudaStreamSynchronize(stream));
        return n2;
    }
    // the L2 norms of what trains: all weights, the adapters, or the memory values of every layer
    float grad_norm() { return (float)std::sqrt(norm_squared(grads, num_params)); }
    float lora_grad_norm() { return (float)std::sqrt(norm_squared(lora_grads, lora_size)); }
    float memory_grad_norm() {
        double s = 0;
        for (MemLayerCuda& M : mem)
            if (M.dvalues) s += norm_squared(M.dvalues, cfg.mem.N() * cfg.C);
        return (float)std::sqrt(s);
    }

    // counts[l] (N) += the accesses of block l's memory in the last forward (synchronises)
    void count_slots(std::vector<std::vector<int>>& counts) {
        const size_t n = (size_t)B * T * cfg.mem.heads * cfg.mem.topk;
        std::vector<int> idx(n);
        for (int l = 0; l < cfg.L; l++) {
            if (!cfg.has_mem(l)) continue;
            cudaCheck(cudaStreamSynchronize(stream));
            cuda_download(idx.data(), mem[l].cache.idx, n);
            memory_count_accesses(counts[l].data(), idx.data(), n);
        }
    }

    // sparse SGD of the memory values on slots[l] of each block, learning rate lr
    void update_memory_slots(const std::vector<std::vector<int>>& slots, float lr) {
        for (int l = 0; l < cfg.L; l++) {
            if (!cfg.has_mem(l) || l >= (int)slots.size() || slots[l].empty()) continue;
            cudaCheck(cudaStreamSynchronize(stream));  // d_slots may still be read by the previous layer's update
            cuda_upload(d_slots, slots[l].data(), slots[l].size());
            memory_sgd_slots(mem[l].values, mem[l].values_master, mem[l].dvalues, d_slots, (int)slots[l].size(), cfg.C, lr, stream);
        }
        cudaCheck(cudaStreamSynchronize(stream));
    }

    // AdamW on the adapters (no weight decay, as model.h marks them), gradients scaled by grad_scale
    void update_lora(float lr, float beta1, float beta2, float eps, float grad_scale, int t) {
        if (!lora_m) {
            lora_m = cuda_malloc<float>(lora_size);
            lora_v = cuda_malloc<float>(lora_size);
            cudaCheck(cudaMemsetAsync(lora_m, 0, lora_size * sizeof(float), stream));
            cudaCheck(cudaMemsetAsync(lora_v, 0, lora_size * sizeof(float), stream));
        }
        adamw_update(lora, lora_master, lora_grads, lora_m, lora_v, lora_size, lr, beta1, beta2, eps, 0.0f, grad_scale, t, 0,
                     false, stream);
    }

    // AdamW on every memory value (no weight decay: values are not matrices), gradients scaled by grad_scale
    void update_memory_adamw(float lr, float beta1, float beta2, float eps, float grad_scale, int t) {
        const size_t n = cfg.mem.N() * cfg.C;
        for (MemLayerCuda& M : mem) {
            if (!M.values) continue;
            if (!M.adam_m) {
                M.adam_m = cuda_malloc<float>(n);
                M.adam_v = cuda_malloc<float>(n);
                cudaCheck(cudaMemsetAsync(M.adam_m, 0, n * sizeof(float), stream));
                cudaCheck(cudaMemsetAsync(M.adam_v, 0, n * sizeof(float), stream));
            }
            adamw_update(M.values, M.values_master, M.dvalues, M.adam_m, M.adam_v, n, lr, beta1, beta2, eps, 0.0f,
                         grad_scale, t, 0, false, stream);
        }
    }

    // one AdamW step per tensor (weight decay only on the tensors model_tensors marks), t 1-based.
    // stochastic: bf16 copy by stochastic rounding seeded by (seed, t, tensor).
    void update(float lr, float beta1, float beta2, float eps, float weight_decay, float grad_scale, int t,
                bool stochastic = false, uint32_t seed = 1337) {
        if (!adam_m) {
            adam_m = cuda_malloc<float>(num_params);
            adam_v = cuda_malloc<float>(num_params);
            cudaCheck(cudaMemsetAsync(adam_m, 0, num_params * sizeof(float), stream));
            cudaCheck(cudaMemsetAsync(adam_v, 0, num_params * sizeof(float), stream));
        }
        size_t off = 0;
        for (size_t i = 0; i < specs.size(); i++) {
            const TensorSpec& s = specs[i];
            adamw_update(params + off, master + off, grads + off, adam_m + off, adam_v + off, s.size, lr, beta1, beta2,
                         eps, s.decay ? weight_decay : 0.0f, grad_scale, t, hash_u32((uint32_t)(t * 16 + i), seed),
                         stochastic, stream);
            off += s.size;
        }
    }

    // ---- host copies (synchronise) ----
    std::vector<float> download_bf16(const floatX* d, size_t n) {
        std::vector<floatX> h(n);
        cudaCheck(cudaStreamSynchronize(stream));
        cuda_download(h.data(), d, n);
        return from_bf16(h.data(), n);
    }
    std::vector<float> download_f32(const float* d, size_t n) {
        std::vector<float> h(n);
        cudaCheck(cudaStreamSynchronize(stream));
        cuda_download(h.data(), d, n);
        return h;
    }
    std::vector<float> get_grads() { return download_bf16(grads, num_params); }
    // the fp32 master weights into m, a CPU model of this one's shape: the base tensors, the adapters
    // and the memory values (the memory's query and keys never train here: m keeps its own)
    void download(GPT2<float>& m) {
        cudaCheck(cudaStreamSynchronize(stream));
        cuda_download(m.params.data(), master, num_params);  // the base tensors come first (init_from checks)
        if (lora_size) cuda_download(m.params.data() + m.offset[specs.size()], lora_master, lora_size);  // then the adapters
        for (int l = 0; l < cfg.L; l++)
            if (cfg.has_mem(l)) cuda_download(m.p.mem[l].values, mem[l].values_master, cfg.mem.N() * cfg.C);
    }
    std::vector<float> get_master() { return download_f32(master, num_params); }
    std::vector<float> get_logits() { return download_bf16(logits, (size_t)B * T * cfg.Vp); }  // (B,T,Vp)
};
