// model.cuh: the GPT-2 model on the GPU (the CUDA twin of model.h): bf16 weights, activations and
// gradients, fp32 master weights and AdamW state, composed from the kernels in llmc/*.cuh.
// The order of operations is model.h's, with two fusions: the residual add runs inside the next
// LayerNorm (fused_residual_forward), and GELU runs in the fc matmul's cuBLASLt epilogue (forward
// and, on Hopper, backward; see matmul.cuh). Attention saves only its logsumexp (B,NH,T), never
// the (T,T) probabilities. Plain GPT-2's gradients are deterministic (no float atomics;
// the memory layer's key and value gradients use them).
// Checkpoints are read through model.h's GPT2<float>::load (llm.c format, fp32 or bf16).
// Memory layers (memory.cuh, ungated) sit beside the MLP of their blocks as in model.h; their values
// keep fp32 master weights and a dense fp32 gradient, and train alone (the rest frozen): by AdamW on
// every value (--train memory) or by SGD on host-chosen slots (--train memory-sparse). LoRA adapters
// (lora.cuh) sit on the four matrices of every block as in model.h and train alone by AdamW
// (--train lora); the fc GELU then runs unfused, since the adapter adds to its input.
// Used by tests/test_cuda.cu (whole-model checks), dev/cuda/bench_gpt2.cu and llmc/device_cuda.cu.
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

// the 16 tensors of plain GPT-2 in llm.c's checkpoint order (model.h's model_tensors() starts with
// the same 16; the memory layers are kept apart, in MemLayerCuda)
struct CudaTensorSpec { const char* name; size_t size; bool decay; };
inline std::vector<CudaTensorSpec> gpt2_base_tensors(const GPT2Config& c) {
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

// pointers to the 16 tensors inside one contiguous device buffer (params or grads)
struct CudaParamPtrs {
    floatX *wte, *wpe, *ln1w, *ln1b, *qkvw, *qkvb, *attprojw, *attprojb, *ln2w, *ln2b, *fcw, *fcb, *fcprojw,
        *fcprojb, *lnfw, *lnfb;
    void point(floatX* base, const std::vector<CudaTensorSpec>& specs) {
        floatX** slots[] = {&wte, &wpe, &ln1w, &ln1b, &qkvw, &qkvb, &attprojw, &attprojb, &ln2w, &ln2b,
                            &fcw, &fcb, &fcprojw, &fcprojb, &lnfw, &lnfb};
        for (size_t i = 0; i < 16; i++) { *slots[i] = base; base += specs[i].size; }
    }
};

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
    std::vector<CudaTensorSpec> specs;
    size_t num_params = 0;
    floatX* params = nullptr;   // (num_params) bf16: the weights the forward reads, checkpoint order
    floatX* grads = nullptr;    // (num_params) bf16, same layout
    float* master = nullptr;    // (num_params) fp32 master weights
    float *adam_m = nullptr, *adam_v = nullptr;  // (num_params) fp32, allocated by the first update
    CudaParamPtrs p, g;
    int gelu_fusion = GELU_FUSION_NONE;
    cudaStream_t stream = nullptr;
    std::vector<MemLayerCuda> mem;               // (L); only blocks with a memory have buffers
    int* d_slots = nullptr;                      // (N) the slots of one sparse update
    // LoRA (rank r > 0): the 8 adapter tensors of model.h's spec order, contiguous: A (L,r,in), B (L,out,r)
    // for qkv, attproj, fc, fcproj; bf16 copy, fp32 master, bf16 gradients, AdamW moments
    size_t lora_size = 0;
    std::vector<size_t> lora_off;                // (8) offsets of the adapter tensors
    floatX *lora = nullptr, *lora_grads = nullptr;
    float *lora_master = nullptr, *lora_m = nullptr, *lora_v = nullptr;

    // activations for a (B,T) batch; per-layer buffers stacked over L
    int B = 0, T = 0;
    floatX* encoded = nullptr;                    // (B,T,C)
    floatX* ln1 = nullptr;                        // (L,B,T,C)
    float *ln1_mean = nullptr, *ln1_rstd = nullptr;  // (L,B,T)
    floatX* qkv = nullptr;                        // (L,B,T,3C)
    floatX* atty = nullptr;                       // (L,B,T,C)
    float* att_lse = nullptr;                     // (L,B,NH,T)
    floatX* residual2 = nullptr;                  // (L,B,T,C)
    floatX* ln2 = nullptr;                        // (L,B,T,C)
    float *ln2_mean = nullptr, *ln2_rstd = nullptr;  // (L,B,T)
    floatX* fch = nullptr;                        // (L,B,T,4C) pre-GELU
    floatX* fch_gelu = nullptr;                   // (L,B,T,4C)
    floatX* residual3 = nullptr;                  // (L,B,T,C)
    floatX* lnf = nullptr;                        // (B,T,C)
    float *lnf_mean = nullptr, *lnf_rstd = nullptr;  // (B,T)
    floatX* logits = nullptr;                     // (B,T,Vp); dlogits after a training forward
    float* losses = nullptr;                      // (B,T)
    // backward buffers, reused by every layer
    floatX *dresidual = nullptr, *dln = nullptr, *datty = nullptr;  // (B,T,C)
    floatX* dqkv = nullptr;                       // (B,T,3C)
    floatX* dfch = nullptr;                       // (B,T,4C)
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

    // ---- setup ----

    // takes the weights of a CPU model (fp32); the bf16 copy is rounded to nearest
    void init_from(const GPT2<float>& cpu, int gelu_fusion_level = -1) {
        free_all();
        cfg = cpu.cfg;
        cuda_require(cfg.C % 8 == 0 && cfg.Vp % 8 == 0, "C=%d and Vp=%d must be multiples of 8", cfg.C, cfg.Vp);
        specs = gpt2_base_tensors(cfg);
        num_params = 0;
        for (auto& s : specs) num_params += s.size;
        if ((cfg.mem_layers && cfg.mem.gated) || (cfg.mem_layers && cfg.lora_rank) || cfg.lora_rank % 8)
            fatal(EXIT_RUNTIME, "the GPU model runs GPT-2 with ungated memory layers or LoRA of a rank divisible by 8, not both");
        cuda_require(cpu.offset[15] + specs[15].size == num_params, "the base tensors must come first");
        gelu_fusion = cfg.lora_rank ? GELU_FUSION_NONE : gelu_fusion_level >= 0 ? gelu_fusion_level : default_gelu_fusion();
        cudaCheck(cudaStreamCreate(&stream));
        params = cuda_malloc<floatX>(num_params);
        grads = cuda_malloc<floatX>(num_params);
        master = cuda_malloc<float>(num_params);
        cuda_upload(master, cpu.params.data(), num_params);
        fp32_to_bf16(params, master, num_params, stream);
        cudaCheck(cudaMemsetAsync(grads, 0, num_params * sizeof(floatX), stream));
        p.point(params, specs);
        g.point(grads, specs);
        d_norm = cuda_malloc<float>(1);
        lora_off.clear();
        lora_size = 0;
        for (size_t i = 16; i < cpu.specs.size() && cpu.specs[i].group == G_LORA; i++) { lora_off.push_back(lora_size); lora_size += cpu.specs[i].size; }
        if (lora_size) {
            lora = cuda_malloc<floatX>(lora_size);
            lora_grads = cuda_malloc<floatX>(lora_size);
            lora_master = cuda_malloc<float>(lora_size);
            cuda_upload(lora_master, cpu.params.data() + cpu.offset[16], lora_size);  // adapters follow the base
            fp32_to_bf16(lora, lora_master, lora_size, stream);
            cudaCheck(cudaMemsetAsync(lora_grads, 0, lora_size * sizeof(floatX), stream));
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
                        dqkv, dfch, proj, scratch, enc_workspace, d_inputs, d_targets, mem_out, dln_mem, lora_u, lora_du};
        for (void* b : bufs) if (b) cudaCheck(cudaFree(b));
        for (MemLayerCuda& M : mem) {
            void* mb[] = {M.cache.q, M.cache.qn, M.cache.rstd, M.cache.idx, M.cache.w, M.cache.scratch};
            for (void* b : mb) if (b) cudaCheck(cudaFree(b));
            M.cache = MemoryCacheCuda{};
        }
        mem_out = dln_mem = lora_u = lora_du = nullptr;
        encoded = ln1 = qkv = atty = residual2 = ln2 = fch = fch_gelu = residual3 = lnf = logits = nullptr;
        dresidual = dln = datty = dqkv = dfch = proj = nullptr;
        ln1_mean = ln1_rstd = att_lse = ln2_mean = ln2_rstd = lnf_mean = lnf_rstd = losses = scratch = nullptr;
        enc_workspace = d_inputs = d_targets = nullptr;
        B = T = 0;
    }
    void free_all() {
        if (stream) cudaCheck(cudaStreamSynchronize(stream));
        free_activations();
        void* bufs[] = {params, grads, master, adam_m, adam_v, d_norm, d_slots, lora, lora_grads, lora_master, lora_m, lora_v};
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
        master = adam_m = adam_v = d_norm = nullptr;
        if (stream) cudaCheck(cudaStreamDestroy(stream));
        stream = nullptr;
    }

    void ensure_batch(int b, int t) {
        if (t > cfg.maxT) fatal(EXIT_USAGE, "sequence length %d exceeds the model's context %d", t, cfg.maxT);
        if (b == B && t == T) return;
        cudaCheck(cudaStreamSynchronize(stream));
        free_activations();
        B = b; T = t;
        const size_t BT = (size_t)b * t, L = cfg.L, C = cfg.C, NH = cfg.NH;
        encoded = cuda_malloc<floatX>(BT * C);
        ln1 = cuda_malloc<floatX>(L * BT * C);
        ln1_mean = cuda_malloc<float>(L * BT);
        ln1_rstd = cuda_malloc<float>(L * BT);
        qkv = cuda_malloc<floatX>(L * BT * 3 * C);
        atty = cuda_malloc<floatX>(L * BT * C);
        att_lse = cuda_malloc<float>(L * NH * BT);
        residual2 = cuda_malloc<floatX>(L * BT * C);
        ln2 = cuda_malloc<floatX>(L * BT * C);
        ln2_mean = cuda_malloc<float>(L * BT);
        ln2_rstd = cuda_malloc<float>(L * BT);
        fch = cuda_malloc<floatX>(L * BT * 4 * C);
        fch_gelu = cuda_malloc<floatX>(L * BT * 4 * C);
        residual3 = cuda_malloc<floatX>(L * BT * C);
        lnf = cuda_malloc<floatX>(BT * C);
        lnf_mean = cuda_malloc<float>(BT);
        lnf_rstd = cuda_malloc<float>(BT);
        logits = cuda_malloc<floatX>(BT * cfg.Vp);
        losses = cuda_malloc<float>(BT);
        dresidual = cuda_malloc<floatX>(BT * C);
        dln = cuda_malloc<floatX>(BT * C);
        datty = cuda_malloc<floatX>(BT * C);
        dqkv = cuda_malloc<floatX>(BT * 3 * C);
        dfch = cuda_malloc<floatX>(BT * 4 * C);
        proj = cuda_malloc<floatX>(BT * C);
        scratch_floats = std::max({layernorm_backward_scratch_floats(cfg.C), matmul_backward_scratch_floats(4 * cfg.C),
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

    // block l's adapter on matrix m (lora_matrices() order: qkv, attproj, fc, fcproj), inp (BT,IC) -> out (BT,OC) +=
    void lora_fwd(int l, int m, floatX* out, const floatX* inp, int IC, int OC) {
        if (!cfg.lora_rank) return;
        const int r = cfg.lora_rank;
        const size_t BT = (size_t)B * T;
        lora_forward(out, lora_u + ((size_t)l * 4 + m) * BT * r, inp, lora + lora_off[2 * m] + (size_t)l * r * IC,
                     lora + lora_off[2 * m + 1] + (size_t)l * OC * r, (int)BT, IC, OC, r, (float)cfg.lora_alpha / r, stream);
    }
    // its backward: the adapter's gradients +=, dinp (BT,IC) +=
    void lora_bwd(int l, int m, floatX* dinp, const floatX* dout, const floatX* inp, int IC, int OC) {
        if (!cfg.lora_rank) return;
        const int r = cfg.lora_rank;
        const size_t BT = (size_t)B * T, a = lora_off[2 * m] + (size_t)l * r * IC, b = lora_off[2 * m + 1] + (size_t)l * OC * r;
        lora_backward(dinp, lora_grads + a, lora_grads + b, lora_du, dout, inp, lora_u + ((size_t)l * 4 + m) * BT * r,
                      lora + a, lora + b, (int)BT, IC, OC, r, (float)cfg.lora_alpha / r, stream);
    }
    // a base weight's gradient buffer, or NULL when the base is frozen (LoRA or memory layers train)
    floatX* gw(floatX* x) const { return cfg.lora_rank || cfg.mem_layers ? nullptr : x; }

    // inputs, targets are (B,T) on the host; targets may be NULL (logits are kept). With targets,
    // returns the mean loss; if grad_scale != 0 the logits are replaced by dlogits scaled by
    // grad_scale / (B*T), ready for backward(). Synchronises (to read the losses) when targets given.
    float forward(const int* inputs, const int* targets, int b, int t, float grad_scale = 0.0f) {
        ensure_batch(b, t);
        const int C = cfg.C, NH = cfg.NH, L = cfg.L;
        const size_t BT = (size_t)b * t;
        for (size_t i = 0; i < BT; i++)
            if (inputs[i] < 0 || inputs[i] >= cfg.V) fatal(EXIT_RUNTIME, "token id %d is outside the vocabulary (size %d)", inputs[i], cfg.V);
        h_inputs.assign(inputs, inputs + BT);
        cudaCheck(cudaMemcpyAsync(d_inputs, inputs, BT * sizeof(int), cudaMemcpyHostToDevice, stream));

        encoder_forward(encoded, d_inputs, p.wte, p.wpe, b, t, C, stream);
        layernorm_forward(ln1, ln1_mean, ln1_rstd, encoded, p.ln1w, p.ln1b, (int)BT, C, stream);
        for (int l = 0; l < L; l++) {
            const floatX* residual = l == 0 ? encoded : residual3 + (size_t)(l - 1) * BT * C;
            floatX* l_ln1 = ln1 + l * BT * C;
            floatX* l_qkv = qkv + l * BT * 3 * C;
            floatX* l_atty = atty + l * BT * C;
            float* l_lse = att_lse + l * BT * NH;
            floatX* l_res2 = residual2 + l * BT * C;
            floatX* l_ln2 = ln2 + l * BT * C;
            floatX* l_fch = fch + l * BT * 4 * C;
            floatX* l_fchg = fch_gelu + l * BT * 4 * C;
            floatX* l_res3 = residual3 + l * BT * C;
            matmul_forward(l_qkv, l_ln1, p.qkvw + (size_t)l * 3 * C * C, p.qkvb + l * 3 * C, (int)BT, C, 3 * C, stream);
            lora_fwd(l, 0, l_qkv, l_ln1, C, 3 * C);
            attention_forward(l_atty, l_lse, l_qkv, b, t, C, NH, stream);
            matmul_forward(proj, l_atty, p.attprojw + (size_t)l * C * C, p.attprojb + l * C, (int)BT, C, C, stream);
            lora_fwd(l, 1, proj, l_atty, C, C);
            fused_residual_forward(l_res2, l_ln2, ln2_mean + l * BT, ln2_rstd + l * BT, residual, proj,
                                   p.ln2w + l * C, p.ln2b + l * C, (int)BT, C, stream);
            if (cfg.lora_rank) {  // the adapter adds to GELU's input: no fused epilogue
                matmul_forward(l_fch, l_ln2, p.fcw + (size_t)l * 4 * C * C, p.fcb + l * 4 * C, (int)BT, C, 4 * C, stream);
                lora_fwd(l, 2, l_fch, l_ln2, C, 4 * C);
                gelu_forward(l_fchg, l_fch, BT * 4 * C, stream);
            } else {
                matmul_forward(l_fchg, l_ln2, p.fcw + (size_t)l * 4 * C * C, p.fcb + l * 4 * C, (int)BT, C, 4 * C, stream,
                               l_fch, gelu_fusion);
            }
            matmul_forward(proj, l_fchg, p.fcprojw + (size_t)l * 4 * C * C, p.fcprojb + l * C, (int)BT, 4 * C, C, stream);
            lora_fwd(l, 3, proj, l_fchg, 4 * C, C);
            if (cfg.has_mem(l)) {  // the memory reads the MLP's input and adds to the residual beside it
                MemLayerCuda& M = mem[l];
                memory_forward(cfg.mem, mem_out, M.cache, M.wq, M.bq, M.keys, M.values, l_ln2, (int)BT, stream);
                memory_add(proj, mem_out, BT * C, stream);
            }
            if (l + 1 < L) {
                fused_residual_forward(l_res3, ln1 + (l + 1) * BT * C, ln1_mean + (l + 1) * BT, ln1_rstd + (l + 1) * BT,
                                       l_res2, proj, p.ln1w + (l + 1) * C, p.ln1b + (l + 1) * C, (int)BT, C, stream);
            } else {
                fused_residual_forward(l_res3, lnf, lnf_mean, lnf_rstd, l_res2, proj, p.lnfw, p.lnfb, (int)BT, C, stream);
            }
        }
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

    // accumulates (+=) the parameter gradients; needs a forward with targets and grad_scale != 0 just before
    void backward() {
        const int C = cfg.C, NH = cfg.NH, L = cfg.L, b = B, t = T;
        const size_t BT = (size_t)b * t;
        // the LM head is tied to wte: its weight gradient lands in dwte
        matmul_backward(dln, gw(g.wte), nullptr, scratch, logits, lnf, p.wte, (int)BT, C, cfg.Vp, stream);
        cudaCheck(cudaMemsetAsync(dresidual, 0, BT * C * sizeof(floatX), stream));
        layernorm_backward(dresidual, g.lnfw, g.lnfb, scratch, dln, residual3 + (size_t)(L - 1) * BT * C, p.lnfw,
                           lnf_mean, lnf_rstd, (int)BT, C, stream);
        for (int l = L - 1; l >= 0; l--) {
            const floatX* residual = l == 0 ? encoded : residual3 + (size_t)(l - 1) * BT * C;
            const floatX* l_ln1 = ln1 + l * BT * C;
            const floatX* l_qkv = qkv + l * BT * 3 * C;
            const floatX* l_atty = atty + l * BT * C;
            const float* l_lse = att_lse + l * BT * NH;
            const floatX* l_res2 = residual2 + l * BT * C;
            const floatX* l_ln2 = ln2 + l * BT * C;
            const floatX* l_fch = fch + l * BT * 4 * C;
            const floatX* l_fchg = fch_gelu + l * BT * 4 * C;
            // dresidual holds d(res3): the MLP branch and the skip both receive it
            if (cfg.lora_rank) {  // d(fchg) gets the adapter's share before GELU's backward
                matmul_backward(dfch, nullptr, nullptr, scratch, dresidual, l_fchg, p.fcprojw + (size_t)l * 4 * C * C,
                                (int)BT, 4 * C, C, stream);
                lora_bwd(l, 3, dfch, dresidual, l_fchg, 4 * C, C);
                gelu_backward(dfch, l_fch, dfch, BT * 4 * C, stream);
            } else {
                matmul_backward(dfch, gw(g.fcprojw + (size_t)l * 4 * C * C), gw(g.fcprojb + l * C), scratch, dresidual,
                                l_fchg, p.fcprojw + (size_t)l * 4 * C * C, (int)BT, 4 * C, C, stream, l_fch, gelu_fusion);
            }
            matmul_backward(dln, gw(g.fcw + (size_t)l * 4 * C * C), gw(g.fcb + l * 4 * C), scratch, dfch, l_ln2,
                            p.fcw + (size_t)l * 4 * C * C, (int)BT, C, 4 * C, stream);
            lora_bwd(l, 2, dln, dfch, l_ln2, C, 4 * C);
            if (cfg.has_mem(l)) {  // the memory receives d(res3) too; its d(ln2) joins the MLP's
                MemLayerCuda& M = mem[l];
                memory_backward(cfg.mem, dln_mem, nullptr, nullptr, nullptr, M.dvalues, dresidual, l_ln2, M.wq, M.keys,
                                M.values, M.cache, (int)BT, stream);
                memory_add(dln, dln_mem, BT * C, stream);
            }
            layernorm_backward(dresidual, g.ln2w + l * C, g.ln2b + l * C, scratch, dln, l_res2, p.ln2w + l * C,
                               ln2_mean + l * BT, ln2_rstd + l * BT, (int)BT, C, stream);
            // dresidual now holds d(res2): the attention branch and the skip both receive it
            matmul_backward(datty, gw(g.attprojw + (size_t)l * C * C), gw(g.attprojb + l * C), scratch, dresidual, l_atty,
                            p.attprojw + (size_t)l * C * C, (int)BT, C, C, stream);
            lora_bwd(l, 1, datty, dresidual, l_atty, C, C);
            attention_backward(dqkv, scratch, datty, l_qkv, l_atty, l_lse, b, t, C, NH, stream);
            matmul_backward(dln, gw(g.qkvw + (size_t)l * 3 * C * C), gw(g.qkvb + l * 3 * C), scratch, dqkv, l_ln1,
                            p.qkvw + (size_t)l * 3 * C * C, (int)BT, C, 3 * C, stream);
            lora_bwd(l, 0, dln, dqkv, l_ln1, C, 3 * C);
            layernorm_backward(dresidual, g.ln1w + l * C, g.ln1b + l * C, scratch, dln, residual, p.ln1w + l * C,
                               ln1_mean + l * BT, ln1_rstd + l * BT, (int)BT, C, stream);
        }
        if (gw(g.wte)) encoder_backward(g.wte, g.wpe, enc_workspace, dresidual, h_inputs.data(), b, t, C, stream);
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
            const CudaTensorSpec& s = specs[i];
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
    std::vector<float> get_master() { return download_f32(master, num_params); }
    std::vector<float> get_logits() { return download_bf16(logits, (size_t)B * T * cfg.Vp); }  // (B,T,Vp)
};
