// train.h: what the trainer's three translation units share. train_gpt2.cu holds the CLI, the
// training loop and the model commands; train_3m.cpp the 3M experiment, chat and capacity, which run
// the trainer's stages through the typed configs below (no argv re-parsing, no state carried over);
// train_bench.cpp the benchmark.
#pragma once
#include <csignal>
#include <string>
#include <vector>
#include "data_prep/synth.h"
#include "llmc/flags.h"
#include "llmc/matmul_bf16.h"
#include "llmc/model.h"
#include "llmc/modes.h"
#include "llmc/optimizer.h"
#include "llmc/tokenizer.h"

enum DeviceChoice { DEVICE_AUTO, DEVICE_CPU, DEVICE_CUDA };

// pretrain and inject: one config, two sets of defaults
struct TrainConfig {
    bool inject = false;
    std::string data = "out/data", out = "out/pretrain", init_ckpt, df_data = "out/data", mem_layers, doc_name;
    TrainMode mode = TRAIN_FULL;
    DeviceChoice device = DEVICE_AUTO;
    MatmulDtype dtype = MM_FP32;
    int L = 0, C = 0, NH = 0, T = 0;  // 0: the checkpoint's, or for a new model 4, 256, C/64, 128
    int mem_keys = 128, mem_topk = 32, mem_heads = 4, mem_dk = 64;
    bool mem_gated = false, mem_exclusive = false, mem_quiet_digits = false, mem_whiten = false, resume = false, recompute = false;
    int lora_rank = -1;               // -1: 8 with --train lora, else none
    int B = 16, steps = 600, warmup = 50, topt = 10000, df_batches = 200;
    long total_batch = 0;             // 0: B*T*ranks (no accumulation)
    OptConfig opt;                    // lr 2e-3, wd 0.1, clip 1 (set by for_pretrain/for_inject)
    double min_lr_frac = 0.1;
    uint64_t seed = 1337;
    int val_every = 100, val_batches = 20, save_every = 0, sample_tokens = 64, stop_after = 0, threads = 0;

    static TrainConfig for_pretrain() { TrainConfig c; c.opt.lr = 2e-3; c.opt.wd = 0.1; return c; }
    static TrainConfig for_inject() {
        TrainConfig c;
        c.inject = true; c.data = ""; c.out = "out/inject"; c.mode = TRAIN_MEMORY_SPARSE;
        c.steps = 200; c.warmup = 10; c.opt.lr = 1e-3; c.opt.wd = 0;
        return c;
    }
};
void train_flags(Flags& f, TrainConfig& c);
int run_train(const TrainConfig& c);

// synth: one document -> a synthetic corpus (data_prep/synth.h)
struct SynthStage {
    std::string doc, out, ckpt, tokenizer = "gpt2", replay_data, pages;
    synth::SynthConfig sc;
    int threads = 0;
};
void synth_flags(Flags& f, SynthStage& s);
int run_synth(const SynthStage& s);

// the command line a config stands for: "inject --init-ckpt ... --steps 6" (flags left at their
// defaults are left out). The 3m pipeline prints it and keys its stages' done.txt by it.
template <class Config> std::string command_line(const char* cmd, const Config& c, const Config& defaults, void (*declare)(Flags&, Config&)) {
    Flags now(Flags::DUMP), base(Flags::DUMP);
    Config a = c, b = defaults;
    declare(now, a);
    declare(base, b);
    return cmd + now.command_line(base);
}

// SIGINT/SIGTERM seen by a stage: it saved and returned; the pipeline stops too
extern volatile sig_atomic_t g_stop_signal;
void set_threads(int n);  // OpenMP threads; 0 leaves the default (all cores)
Tokenizer tokenizer_for_checkpoint(const std::string& ckpt, int V);
std::vector<char> trainable_for(const GPT2<float>& m, TrainMode mode);
std::string set_dtype(MatmulDtype d);  // the CPU matmuls' operand precision; returns what runs and why
double dense_flops_per_token(const GPT2<float>& m, int T);  // llm.c's 6N + 6LCT over the dense weights

// the commands train_3m.cpp defines
int cmd_3m(Flags& f);
int cmd_chat(Flags& f);
int cmd_capacity(Flags& f);
int cmd_replay(Flags& f);
int cmd_bench(Flags& f);  // train_bench.cpp
