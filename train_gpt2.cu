// train_gpt2.cu: the one trainer. Subcommands: pretrain (the default job), inject, prepare, synth,
// sample, eval, encode, bench, merge, memory; 3m, chat and capacity live in train_3m.h. Build with `make train`, run `./train` (no arguments: prepare the embedded corpus,
// pretrain a small GPT-2 on it, print samples), `./train --help` for everything else.
// It always compiles as plain C++; the GPU backend is a library it loads when a GPU is there (llmc/device.h).
#include <omp.h>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <glob.h>
#include <cmath>
#include <string>
#include <vector>
#include "llmc/args.h"
#include "llmc/checkpoint.h"
#include "llmc/comm.h"
#include "llmc/dataloader.h"
#include "llmc/device.h"
#include "llmc/eval.h"
#include "llmc/json.h"
#include "llmc/model.h"
#include "llmc/optimizer.h"
#include "llmc/plot.h"
#include "llmc/sampler.h"
#include "llmc/tokenizer.h"
#include "llmc/utils.h"
#include "data_prep/synth.h"

static const char* HELP = R"(usage: ./train [SUBCOMMAND] [--flag value ...]

With no subcommand, runs `pretrain` with its defaults: prepares the embedded corpus (tokenizer and
shards under out/data if missing), pretrains a small GPT-2 (about 7 minutes on 2 idle cores), writes
out/pretrain/{model.bin,state.bin,tokenizer.bin,log.jsonl,loss.png} and prints samples.

subcommands:
  pretrain   train a model from scratch
      --depth L (4)  --width C (256)  --heads NH (C/64)  --context T (128)   model shape
      --batch B (16)                  sequences per micro-batch
      --total-batch N (B*T)           tokens per optimizer step; a multiple of B*T (grad accumulation)
      --steps N (600)  --lr X (2e-3)  --warmup N (50)  --min-lr-frac X (0.1)
      --wd X (0.1)  --clip X (1.0)  --seed N (1337)  --threads N (all cores)
      --device auto|cpu|cuda (auto)   cuda: bf16 on the GPU (--train full of plain GPT-2, lora
                                      of rank 8k, memory / memory-sparse with ungated memory
                                      layers); auto picks it when a GPU is visible and says
                                      which backend it uses
      --data DIR (out/data)           train.bin or train_*.bin shards, val.bin, tokenizer.bin
      --out DIR (out/pretrain)        checkpoint, training state, log, plot
      --val-every N (100)  --val-batches N (20)  --save-every N (0 = only at the end)
      --sample-tokens N (64)          length of the samples printed at the end (0: none)
      --resume                        continue from OUT/model.bin + OUT/state.bin, exactly
      --stop-after N                  stop (and save) after step N of this run's schedule
      --recompute                     keep only each block's output; the backward recomputes the
                                      rest (less memory at long contexts, ~1/3 more compute; CPU)
      --dtype fp32|bf16|bf16-emulated (fp32)   CPU matmul operands: bf16 runs oneDNN's AMX /
                                      AVX512-BF16 kernels (fp32 accumulation and master weights),
                                      and falls back to fp32, saying why, on CPUs without them;
                                      bf16-emulated rounds to bf16 on any CPU (numerics, not speed)
      --mem-layers L1,L2              product-key memory beside the MLP of these blocks
      --mem-keys K (128)  --mem-topk k (32)  --mem-heads H (4)  --mem-dk D (64)  --mem-gated
                                      K^2 slots, k read per head and token, query width D per head
      --lora-rank R (0; 8 with --train lora)   LoRA adapters (alpha = 2R) on every block's matrices
      --train full|lora|memory|memory-sparse|memory-keys (full)   what trains; the rest is frozen
                                      and comes out bit-identical. memory: all memory values
                                      (AdamW); memory-sparse: values of the top-t slots per step by
                                      TF-IDF against general text (SGD); memory-keys: the memory's
                                      query, keys and values
      --topt N (10000)  --sparse-lr X (= --lr)   memory-sparse: slots per step, SGD learning rate
      --df-data DIR (out/data)  --df-batches N (200)   background text for slot frequencies (df.bin)
  inject     continue training a checkpoint: as pretrain, plus
      --init-ckpt PATH (required)     the base; memories/adapters named by the flags are attached
                                      (zero memory values, zero LoRA B: outputs unchanged at step 0)
      defaults differ: --train memory-sparse --steps 200 --lr 1e-3 --warmup 10 --wd 0
      --data DIR (required)           e.g. the output of `synth`
  prepare    tokenize the corpus into shards
      --corpus DIR (data/corpus beside the binary)  --data DIR (out/data)  --vocab N (8192)
      --tokenizer gpt2|bpe (bpe: train a byte-level BPE of --vocab tokens on the corpus)
      --val-frac X (0.02)             share of each file (its end) held out for validation
  synth      turn one document into a synthetic corpus (entity passages, restatements, QA, cloze)
      --doc FILE (.txt or .pdf; required)  --out DIR (required)
      --ckpt PATH | --tokenizer gpt2|PATH (gpt2)   whose tokenizer writes the shards
      --tokens N | --expansion X (60)  --multiplicity M (5)  --replay X (0.1)  --context T (1024)
      --replay-data DIR (default: the embedded corpus)  --seed N
      last line: {"tokens", "expansion", "coverage", ...}; DIR gets train_*.bin, preview.jsonl, report.json
  3m         the 3M 10-K experiment: base, synthetic data, five trained arms and rag (the base with
             retrieved 10-K chunks, no training), the cost ledger and capacity plan, report card in out/3m/
      --base PATH (default: pretrain one, cached in out/3m/base)  --out DIR (out/3m)
      --size cpu|tiny  --steps N (600 per arm)  --batch B (16)  --qa FILE
      --doc FILE (data/3m/3M_2022_10K.txt: memorisation loss, naive arm)
      --synth-doc FILE (the 10-K's PDF, or --doc when given: the generator's input)
      --qa-heldout FILE  --general-data DIR (out/data)  --general-tokens N (100000)
      --mem-layer L (2)  --topt N (1000)  --sparse-lr X (1e5)  --threads N
  capacity   how many bits a document adds to a model, against what its trainable regions hold
      --ckpt BASE (required)  --doc FILE (required)  --memory-slots N (65536, a square n_keys^2)
      --lora-rank R (16)      prints the base's NLL of FILE in bits (an upper bound on what is new),
                              the capacity of memory values, LoRA adapters and the whole model at 3.6
                              and 2 bits/parameter, whether FILE fits, and the memory slots and LoRA
                              rank that would hold it; the last line is one JSON object
  chat       answer questions read from stdin, one per line, as the synthetic QA data taught:
             the prompt is "Question: Q\nAnswer:", the answer is the generated line (one per question)
      --ckpt PATH (required)  --rag DOC (.txt or .pdf: the best BM25 chunks of DOC go before each question)
      --max-tokens N (64)  --temperature X (0: greedy)  --seed N (1337)
  merge      fold a checkpoint's LoRA adapters into its weights: a plain GPT-2 checkpoint
      --ckpt PATH (required)  --out PATH (required)
  memory     browse a memory layer: which slots a text reads, how many rows two checkpoints differ in
      --ckpt PATH (required)  --text TEXT  --top N (3)  --diff OTHER_CKPT
  sample     generate text
      --ckpt PATH (required)  --prompt TEXT ("")  --max-tokens N (128)  --temperature X (0.8)
      --top-k N (40)  --seed N (1337)
  eval       score a checkpoint; the last line of output is one JSON object
      --ckpt PATH (required) and one of:
      --text FILE     mean next-token cross-entropy (nats) over FILE: {"loss", "tokens"}
      --qa FILE       multiple choice, JSONL lines {"question", "choices", "answer"}; each choice
                      scored by its mean per-token log-likelihood after "Question: Q\nAnswer:":
                      {"accuracy", "n"}
  encode     print a file's token ids, one per line
      --tokenizer gpt2|PATH (a tokenizer.bin)   FILE
  bench      time training steps; the last line is one JSON object with tokens_per_s and mfu
      --depth --width --heads --context --batch --vocab (one config; default: the suite)
      --steps N (5)  --threads N  --recompute  --dtype fp32|bf16|bf16-emulated (fp32)
      (the suite adds a bf16 run of the d6 config where the CPU has bf16 kernels)
data parallel (CPU): mpirun --allow-run-as-root -np R ./train pretrain|inject ... --batch B: R processes,
  each B sequences of every micro-step; trains like one process with --batch R*B (gradients averaged)
common: --help prints this. Exit status: 0 ok, 1 runtime error, 2 usage error.
)";

// ---------------------------------------------------------------------------------------------
// where the repo's data lives: beside the binary, so ./train works from any directory

static std::string home_dir() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    std::string p(buf, n);
    return p.substr(0, p.rfind('/'));
}

static std::string dirname_of(const std::string& path) {
    size_t s = path.rfind('/');
    return s == std::string::npos ? "." : path.substr(0, s);
}

static double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static std::string fmt_duration(double s) {
    char b[32];
    if (s >= 3600) snprintf(b, sizeof b, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
    else snprintf(b, sizeof b, "%dm%02ds", (int)(s / 60), (int)s % 60);
    return b;
}

// A checkpoint names its tokenizer by what sits beside it: DIR/tokenizer.bin, or GPT-2's files
// for a 50257-token vocabulary (e.g. llm.c's gpt2_124M.bin).
static Tokenizer tokenizer_for_checkpoint(const std::string& ckpt, int V) {
    std::string beside = dirname_of(ckpt) + "/tokenizer.bin";
    Tokenizer tok;
    if (file_exists(beside)) tok = Tokenizer::load(beside);
    else if (V == 50257) tok = Tokenizer::gpt2(home_dir() + "/data/gpt2");
    else fatal(EXIT_RUNTIME, "no tokenizer for %s: expected %s (vocab %d is not GPT-2's 50257)", ckpt.c_str(), beside.c_str(), V);
    if (tok.vocab_size != V)
        fatal(EXIT_RUNTIME, "tokenizer vocab %d does not match checkpoint %s vocab %d", tok.vocab_size, ckpt.c_str(), V);
    return tok;
}

static Tokenizer tokenizer_by_name(const std::string& name) {
    if (name == "gpt2") return Tokenizer::gpt2(home_dir() + "/data/gpt2");
    if (!file_exists(name)) fatal(EXIT_USAGE, "--tokenizer must be gpt2 or a tokenizer.bin path (no file '%s')", name.c_str());
    return Tokenizer::load(name);
}

static void set_threads(Args& a) {
    int n = (int)a.integer("threads", 0, 0, 1024);
    if (n > 0) omp_set_num_threads(n);
}

// --dtype: the precision of the CPU matmuls' operands (llmc/matmul_bf16.h); returns what runs and why
static std::string set_dtype(Args& a) {
    std::string d = a.choice("dtype", "fp32", {"fp32", "bf16", "bf16-emulated"});
    std::string why;
    matmul_dtype() = MM_FP32;
    if (d == "fp32") return "fp32 matmuls";
    if (d == "bf16-emulated") {
        matmul_dtype() = MM_BF16_EMULATED;
        return "bf16-emulated matmuls (operands rounded to bf16, fp32 sgemm: bf16's numerics, not its speed)";
    }
    if (!bf16_probe(&why)) return "fp32 matmuls (--dtype bf16 falls back to fp32: " + why + ")";
    matmul_dtype() = MM_BF16;
    return "bf16 matmuls (" + why + "), fp32 accumulation and master weights";
}

// ---------------------------------------------------------------------------------------------
// prepare: corpus -> tokenizer + train/val shards

struct DataPaths {
    std::string dir, train, val, tokenizer, stamp;
    explicit DataPaths(const std::string& d) : dir(d), train(d + "/train.bin"), val(d + "/val.bin"), tokenizer(d + "/tokenizer.bin"), stamp(d + "/stamp.txt") {}
};

static std::vector<std::string> list_txt(const std::string& dir) {
    std::vector<std::string> files;
    FILE* p = popen(("ls -1 '" + dir + "' 2>/dev/null").c_str(), "r");
    if (!p) return files;
    char line[4096];
    while (fgets(line, sizeof line, p)) {
        std::string f = line;
        while (!f.empty() && (f.back() == '\n' || f.back() == '\r')) f.pop_back();
        if (f.size() > 4 && f.substr(f.size() - 4) == ".txt") files.push_back(dir + "/" + f);
    }
    pclose(p);
    std::sort(files.begin(), files.end());
    return files;
}

// makes DATA/{tokenizer.bin,train.bin,val.bin} unless the stamp says they are current
static void prepare_data(const std::string& corpus, const DataPaths& dp, const std::string& tokname, int vocab, double val_frac) {
    std::vector<std::string> files = list_txt(corpus);
    if (files.empty()) fatal(EXIT_RUNTIME, "no .txt files in corpus directory %s", corpus.c_str());
    std::string stamp = "tokenizer " + tokname + " vocab " + std::to_string(vocab) + " val " + std::to_string(val_frac) + "\n";
    for (auto& f : files) stamp += f.substr(f.rfind('/') + 1) + " " + std::to_string(file_size(f)) + "\n";
    if (file_exists(dp.stamp) && read_file(dp.stamp) == stamp && file_exists(dp.train) && file_exists(dp.val) && file_exists(dp.tokenizer)) {
        printf("prepare: %s is current, skipping\n", dp.dir.c_str());
        return;
    }
    mkdir_p(dp.dir);
    double t0 = now_s();
    std::vector<std::string> texts;
    size_t total = 0;
    for (auto& f : files) { texts.push_back(read_file(f)); total += texts.back().size(); }
    Tokenizer tok;
    if (tokname == "gpt2") {
        tok = Tokenizer::gpt2(home_dir() + "/data/gpt2");
    } else {
        // train on a slice of every file: the merges settle long before the whole corpus is read
        std::string sample;
        size_t per_file = 12000000 / files.size();
        for (auto& t : texts) sample += t.substr(0, per_file) + "\n";
        printf("prepare: training a %d-token BPE on %.1f MB...\n", vocab, sample.size() / 1e6);
        fflush(stdout);
        tok = Tokenizer::train(sample, vocab);
    }
    std::vector<int> train, val;
    for (size_t i = 0; i < texts.size(); i++) {
        std::vector<int> ids = tok.encode(texts[i], false);
        size_t cut = ids.size() - (size_t)(ids.size() * val_frac);
        train.insert(train.end(), ids.begin(), ids.begin() + cut);
        train.push_back(tok.eot);
        val.insert(val.end(), ids.begin() + cut, ids.end());
        val.push_back(tok.eot);
    }
    tok.save(dp.tokenizer);
    write_shard(dp.train, train, tok.vocab_size);
    write_shard(dp.val, val, tok.vocab_size);
    write_file_atomic(dp.stamp, stamp);
    printf("prepare: %zu files, %.1f MB -> %zu train + %zu val tokens (vocab %d) in %.1fs\n", files.size(), total / 1e6,
           train.size(), val.size(), tok.vocab_size, now_s() - t0);
}

static int cmd_prepare(Args& a) {
    std::string corpus = a.str("corpus", home_dir() + "/data/corpus");
    DataPaths dp(a.str("data", "out/data"));
    std::string tokname = a.choice("tokenizer", "bpe", {"bpe", "gpt2"});
    int vocab = (int)a.integer("vocab", 8192, 257, 65536);
    double val_frac = a.real("val-frac", 0.02, 0.001, 0.5);
    set_threads(a);
    a.finish("prepare");
    prepare_data(corpus, dp, tokname, vocab, val_frac);
    return 0;
}

// ---------------------------------------------------------------------------------------------
// pretrain

// SIGINT/SIGTERM: finish the step, save, exit 0. A second signal, once the end of the step has read
// the first, kills at once (the default action): the atomic writes leave the last complete
// checkpoint either way.
static volatile sig_atomic_t g_stop_signal = 0;
// data parallel: this process's rank among the trainer's processes. Finalised only when main
// returns: a rank that exits through fatal() must not wait in MPI_Finalize for ranks that wait on it
// (mpirun ends the job when a rank exits non-zero)
static Comm* g_comm;
static void on_signal(int sig) { g_stop_signal = sig; signal(sig, SIG_DFL); }

static void plot_losses(const std::string& png, const std::vector<double>& ts, const std::vector<double>& tl,
                        const std::vector<double>& vs, const std::vector<double>& vl, double unigram) {
    std::vector<Series> series = {{"train loss", ts, tl}, {"val loss", vs, vl}};
    if (!ts.empty()) series.push_back({"unigram baseline", {ts.front(), ts.back()}, {unigram, unigram}});
    PlotSpec spec;
    spec.title = "pretraining loss";
    spec.xlabel = "step";
    spec.ylabel = "loss (nats/token)";
    plot_lines(png, spec, series);
}

// entropy of the unigram distribution of tokens, in nats: the loss of a model that ignores context
static double unigram_entropy(const std::vector<int>& train, const std::vector<int>& val, int V) {
    std::vector<double> c(V, 1.0);  // add-one so unseen val tokens have finite cost
    for (int t : train) c[t] += 1;
    double n = 0;
    for (double x : c) n += x;
    double h = 0;
    for (int t : val) h -= std::log(c[t] / n);
    return h / val.size();
}

// the shards a training run reads: DIR/train.bin or DIR/train_*.bin (synth output), concatenated
static std::vector<int> read_train_shards(const std::string& dir, int V) {
    std::vector<int> all;
    std::vector<std::string> files;
    if (file_exists(dir + "/train.bin")) files.push_back(dir + "/train.bin");
    for (int i = 0; file_exists(dir + "/train_" + (i < 10 ? "00" : i < 100 ? "0" : "") + std::to_string(i) + ".bin"); i++)
        files.push_back(dir + "/train_" + (i < 10 ? "00" : i < 100 ? "0" : "") + std::to_string(i) + ".bin");
    if (files.empty()) fatal(EXIT_RUNTIME, "%s has no train.bin or train_000.bin shards (run ./train prepare or ./train synth)", dir.c_str());
    for (auto& f : files) { std::vector<int> t = read_shard(f, V); all.insert(all.end(), t.begin(), t.end()); }
    return all;
}

// df over `batches` batches of general text: how many batches touch each slot. Data parallel: a
// batch is B sequences from each rank, the same batch one process with B*ranks sequences sees
static SlotDF compute_df(Backend& be, const GPT2Config& cfg, const std::vector<int>& tokens, int B, int T, int batches, uint64_t seed, Comm& comm) {
    SlotDF d;
    d.N = cfg.mem.N();
    d.df.assign(cfg.L, std::vector<int>(d.N, 0));
    DataLoader dl;
    dl.init(tokens, B, T, seed + 99, comm.rank, comm.size);
    std::vector<int> x((size_t)B * T), y((size_t)B * T);
    for (int b = 0; b < batches; b++) {
        dl.next(x.data(), y.data());
        std::vector<std::vector<int>> c(cfg.L, std::vector<int>(d.N, 0));
        be.forward_backward(x.data(), nullptr, B, T, 0.0f);
        be.count_slots(c);
        for (auto& cl : c) comm.allreduce_sum(cl.data(), cl.size());
        for (int l = 0; l < cfg.L; l++)
            if (cfg.has_mem(l)) memory_df_accumulate(d.df[l].data(), c[l].data(), d.N);
    }
    d.batches = batches;
    return d;
}

static std::vector<char> trainable_for(const GPT2<float>& m, TrainMode mode) {
    std::vector<char> t(m.specs.size(), 0);
    for (size_t i = 0; i < m.specs.size(); i++) t[i] = (mode_row(mode).groups >> m.specs[i].group) & 1;
    return t;
}

// parses "1,3" into a bitmask of blocks
static uint32_t parse_layers(const std::string& s, int L) {
    uint32_t mask = 0;
    size_t p = 0;
    while (p < s.size()) {
        size_t e = s.find(',', p);
        if (e == std::string::npos) e = s.size();
        std::string tok = s.substr(p, e - p);
        char* end;
        long l = strtol(tok.c_str(), &end, 10);
        if (tok.empty() || *end || l < 0 || l >= L) fatal(EXIT_USAGE, "--mem-layers wants block indices in [0, %d) separated by commas (got '%s')", L, s.c_str());
        mask |= 1u << l;
        p = e + 1;
    }
    return mask;
}

// removes leftovers of interrupted atomic writes in dir (FILE.tmp.PID of a process that is gone,
// e.g. a run killed while saving)
static void remove_stale_tmp(const std::string& dir) {
    glob_t g;
    if (glob((dir + "/*.tmp.*").c_str(), 0, nullptr, &g) != 0) return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char* p = strrchr(g.gl_pathv[i], '.');
        long pid = p ? strtol(p + 1, nullptr, 10) : 0;
        if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH) unlink(g.gl_pathv[i]);
    }
    globfree(&g);
}

// Test hook (tests/test_reliability.cpp): LLMC_FAULT="nan@A-B,spike@S" makes the gradient norm of
// steps A..B NaN (1-based; "nan@A" one step, "nan@A-" every step from A on) and multiplies the loss
// reported at step S by 10. Unset in normal use. Acts on what every backend reports.
static void inject_fault(int step, double& loss, double& norm) {
    static const char* spec = getenv("LLMC_FAULT");
    for (const char* p = spec; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : nullptr) {
        int a = 0, n = 0;
        if (sscanf(p, "nan@%d%n", &a, &n) == 1) {
            int b = p[n] == '-' ? (p[n + 1] >= '0' && p[n + 1] <= '9' ? atoi(p + n + 1) : 1 << 30) : a;
            if (step >= a && step <= b) norm = NAN;
        } else if (sscanf(p, "spike@%d", &a) == 1 && step == a) {
            loss *= 10;
        }
    }
}

// One optimizer step on any backend: accum micro-batches of (B,T) forward and backward, the
// gradients' mean over ranks, for sparse memory training the batch's top-t slots by TF-IDF against
// the background df, then the update, unless the loss or the gradient norm is not finite (the
// weights and moments then stay as they were; the batch is consumed). pretrain, inject and bench
// run it.
struct StepResult { double loss, norm; bool updated; };
struct Stepper {
    Backend& be;
    Comm& comm;
    GPT2Config c;
    int B, T, accum, topt;
    bool sparse;
    const SlotDF* df;  // sparse only
    std::vector<int> x, y;  // (B,T)
    std::vector<std::vector<int>> counts, slots;  // per block: (N) slot accesses, the chosen slots
    Stepper(Backend& b, Comm& cm, const GPT2Config& cfg, int B_, int T_, int accum_, bool sparse_, const SlotDF* df_, int topt_)
        : be(b), comm(cm), c(cfg), B(B_), T(T_), accum(accum_), topt(topt_), sparse(sparse_), df(df_),
          x((size_t)B_ * T_), y((size_t)B_ * T_), counts(cfg.L), slots(cfg.L) {}

    // next(x, y) fills the next micro-batch; t is the 1-based step
    template <class Next> StepResult run(Next next, const OptConfig& o, double lr, int t) {
        be.zero_grad();
        if (sparse) for (int l = 0; l < c.L; l++) counts[l].assign(c.has_mem(l) ? c.mem.N() : 0, 0);
        double loss = 0;
        for (int k = 0; k < accum; k++) {
            next(x.data(), y.data());
            loss += be.forward_backward(x.data(), y.data(), B, T, 1.0f / accum) / accum;
            if (sparse) be.count_slots(counts);
        }
        be.allreduce_grads();
        comm.allreduce_sum(&loss, 1);
        loss /= comm.size;
        if (sparse) {
            ProfScope ps(PROF_MEMORY, 0, 0);
            for (int l = 0; l < c.L; l++) {
                if (!c.has_mem(l)) continue;
                comm.allreduce_sum(counts[l].data(), counts[l].size());
                slots[l].resize(topt);
                slots[l].resize(memory_topt_tfidf(slots[l].data(), counts[l].data(), df->df[l].data(), c.mem.N(), df->batches, topt));
            }
        }
        double norm = be.grad_norm();
        inject_fault(t, loss, norm);
        bool ok = std::isfinite(loss) && std::isfinite(norm);
        if (ok) be.update(o, lr, o.clip > 0 && norm > o.clip ? (float)(o.clip / norm) : 1.0f, t, slots);
        return {loss, norm, ok};
    }
};

// how many standard deviations x lies above the mean of the last `window` values of hist
// (0 until there are min_n of them): the loss-spike detector
static double loss_zscore(const std::vector<double>& hist, double x, int window, int min_n) {
    int n = (int)std::min<size_t>(hist.size(), window);
    if (n < min_n) return 0;
    double mean = 0, var = 0;
    for (int i = 0; i < n; i++) mean += hist[hist.size() - 1 - i];
    mean /= n;
    for (int i = 0; i < n; i++) var += (hist[hist.size() - 1 - i] - mean) * (hist[hist.size() - 1 - i] - mean);
    double sd = std::sqrt(var / (n - 1));
    return sd > 1e-12 ? (x - mean) / sd : 0;
}

static int cmd_train(Args& a, bool inject) {
    DataPaths dp(a.str("data", inject ? "" : "out/data"));
    std::string out = a.str("out", inject ? "out/inject" : "out/pretrain");
    std::string init_ckpt = a.str("init-ckpt", "");
    bool resume = a.flag("resume");
    TrainMode mode = TRAIN_FULL;  // a.choice has checked the name
    parse_train_mode(a.choice("train", mode_row(inject ? TRAIN_MEMORY_SPARSE : TRAIN_FULL).name, train_mode_names()), &mode);
    const ModeRow& row = mode_row(mode);
    std::string device = a.choice("device", "auto", {"auto", "cpu", "cuda"});
    GPT2Config c;
    c.L = (int)a.integer("depth", 4, 1, 31);
    c.C = (int)a.integer("width", 256, 8, 16384);
    c.NH = (int)a.integer("heads", std::max(1, c.C / 64), 1, 1024);
    c.maxT = (int)a.integer("context", 128, 2, 65536);
    bool has_depth = a.has("depth"), has_width = a.has("width"), has_heads = a.has("heads"), has_context = a.has("context"), has_lora = a.has("lora-rank");
    std::string mem_layers = a.str("mem-layers", "");
    int mem_keys = (int)a.integer("mem-keys", 128, 2, 4096);
    int mem_topk = (int)a.integer("mem-topk", 32, 1, 4096);
    int mem_heads = (int)a.integer("mem-heads", 4, 1, 64);
    int mem_dk = (int)a.integer("mem-dk", 64, 2, 4096);
    bool mem_gated = a.flag("mem-gated");
    int lora_rank = (int)a.integer("lora-rank", row.needs_lora ? 8 : 0, 0, 4096);
    int B = (int)a.integer("batch", 16, 1, 65536);
    long total_batch = a.integer("total-batch", 0, 0, 1L << 40);
    int steps = (int)a.integer("steps", inject ? 200 : 600, 1, 100000000);
    OptConfig o;
    o.lr = a.real("lr", inject ? 1e-3 : 2e-3, 0, 10);
    o.sparse_lr = a.real("sparse-lr", 0, 0, 1e6);
    int topt = (int)a.integer("topt", 10000, 1, 1 << 30);
    int df_batches = (int)a.integer("df-batches", 200, 1, 1000000);
    std::string df_data = a.str("df-data", "out/data");
    int warmup = (int)a.integer("warmup", inject ? 10 : 50, 0, 100000000);
    double min_frac = a.real("min-lr-frac", 0.1, 0, 1);
    o.wd = a.real("wd", inject ? 0.0 : 0.1, 0, 10);
    o.clip = a.real("clip", 1.0, 0, 1e9);
    uint64_t seed = (uint64_t)a.integer("seed", 1337, 0, 1L << 40);
    int val_every = (int)a.integer("val-every", 100, 0, 100000000);
    int val_batches = (int)a.integer("val-batches", 20, 1, 1000000);
    int save_every = (int)a.integer("save-every", 0, 0, 100000000);
    int sample_tokens = (int)a.integer("sample-tokens", 64, 0, 100000);
    int stop_after = (int)a.integer("stop-after", 0, 0, 100000000);
    bool recompute = a.flag("recompute");
    std::string dtype = set_dtype(a);
    set_threads(a);
    Comm& comm = *g_comm;
    // mpirun binds each rank to its share of the cores: one OpenMP thread per core of that share
    if (comm.size > 1 && !a.has("threads")) omp_set_num_threads(std::max(1, omp_get_num_procs()));
    a.finish(inject ? "inject" : "pretrain");
    if (comm.rank != 0 && !freopen("/dev/null", "w", stdout)) fatal(EXIT_RUNTIME, "cannot silence rank %d", comm.rank);
    if (c.C % c.NH) fatal(EXIT_USAGE, "--width %d must be divisible by --heads %d", c.C, c.NH);
    if (inject && init_ckpt.empty() && !resume) fatal(EXIT_USAGE, "inject needs --init-ckpt PATH (the base model)");
    if (inject && dp.dir.empty()) fatal(EXIT_USAGE, "inject needs --data DIR (e.g. the output of ./train synth)");
    if (mem_dk % 2) fatal(EXIT_USAGE, "--mem-dk must be even (two query halves)");
    if (mem_topk > mem_keys) fatal(EXIT_USAGE, "--mem-topk %d exceeds --mem-keys %d", mem_topk, mem_keys);

    // the tokenizer: the base checkpoint's when there is one, else the data's
    Tokenizer tok;
    if (!init_ckpt.empty() || resume) {
        std::string from = resume ? out + "/model.bin" : init_ckpt;
        GPT2Config hc;
        {
            GPT2<float> probe;
            probe.load(from);
            hc = probe.cfg;
        }
        tok = tokenizer_for_checkpoint(from, hc.V);
    } else {
        if (!file_exists(dp.train) || !file_exists(dp.tokenizer)) {
            if (dp.dir != "out/data") fatal(EXIT_RUNTIME, "%s has no train.bin/tokenizer.bin (run ./train prepare --data %s)", dp.dir.c_str(), dp.dir.c_str());
            prepare_data(home_dir() + "/data/corpus", dp, "bpe", 8192, 0.02);
        }
        tok = Tokenizer::load(dp.tokenizer);
    }
    std::vector<int> train_tokens = read_train_shards(dp.dir, tok.vocab_size);
    std::vector<int> val_tokens = file_exists(dp.val) ? read_shard(dp.val, tok.vocab_size) : std::vector<int>();

    mkdir_p(out);
    remove_stale_tmp(out);
    std::string ckpt = out + "/model.bin", state_path = out + "/state.bin", log_path = out + "/log.jsonl";
    GPT2<float> m;
    // a checkpoint against the shape flags that were given (those not given follow the checkpoint)
    auto check_shape = [&](const GPT2Config& k, const std::string& from) {
        if ((has_depth && k.L != c.L) || (has_width && k.C != c.C) || (has_heads && k.NH != c.NH) || (has_context && k.maxT != c.maxT))
            fatal(EXIT_USAGE, "the checkpoint %s's shape (depth %d width %d heads %d context %d) disagrees with the flags", from.c_str(), k.L, k.C, k.NH, k.maxT);
        if (!mem_layers.empty() && k.mem_layers && parse_layers(mem_layers, k.L) != k.mem_layers)
            fatal(EXIT_USAGE, "--mem-layers %s disagrees with the memory the checkpoint %s already has (blocks mask 0x%x)", mem_layers.c_str(), from.c_str(), k.mem_layers);
        if (has_lora && k.lora_rank && k.lora_rank != lora_rank)
            fatal(EXIT_USAGE, "--lora-rank %d disagrees with the checkpoint %s's adapters (rank %d)", lora_rank, from.c_str(), k.lora_rank);
    };
    if (resume) {
        m.load(ckpt);
        check_shape(m.cfg, ckpt);
        if (!mem_layers.empty() && !m.cfg.mem_layers)
            fatal(EXIT_USAGE, "--mem-layers %s: the checkpoint %s being resumed has no memory layer", mem_layers.c_str(), ckpt.c_str());
        if (has_lora && lora_rank && !m.cfg.lora_rank)
            fatal(EXIT_USAGE, "--lora-rank %d: the checkpoint %s being resumed has no adapters", lora_rank, ckpt.c_str());
        // model.bin is renamed into place before state.bin: a crash between the two leaves the model
        // one save ahead of the state, and the model the state belongs to in model.prev.bin
        uint64_t want = state_model_hash(state_path);
        if (want && params_hash(m.params) != want) {
            std::string prev = out + "/model.prev.bin";
            bool ok = file_exists(prev);
            if (ok) { m.load(prev); ok = params_hash(m.params) == want; }
            if (!ok) fatal(EXIT_RUNTIME, "%s and %s are from different saves and no %s matches (cannot resume exactly)", ckpt.c_str(), state_path.c_str(), prev.c_str());
            printf("resume: %s is newer than %s (a save was interrupted): resuming from %s\n", ckpt.c_str(), state_path.c_str(), prev.c_str());
        }
    } else if (!init_ckpt.empty()) {
        GPT2<float> base;
        base.load(init_ckpt);
        GPT2Config k = base.cfg;
        check_shape(k, init_ckpt);
        // attach what the flags ask for and the checkpoint lacks: adapters, memories
        bool attach_lora = lora_rank && !k.lora_rank, attach_mem = !mem_layers.empty() && !k.mem_layers;
        if (attach_lora) { k.lora_rank = lora_rank; k.lora_alpha = 2 * lora_rank; }
        if (attach_mem) {
            k.mem_layers = parse_layers(mem_layers, k.L);
            k.mem.n_keys = mem_keys; k.mem.topk = mem_topk; k.mem.heads = mem_heads; k.mem.dk = mem_dk; k.mem.gated = mem_gated;
        }
        m.build(k);
        for (size_t i = 0; i < base.specs.size(); i++) std::copy_n(base.params.data() + base.offset[i], base.specs[i].size, m.tensor(base.specs[i].name));
        if (attach_lora || attach_mem) {
            // a fresh init of the new tensors only; zero memory values keep the model's outputs as
            // they were (the memory-keys warm-up starts them random so keys get gradient)
            GPT2<float> fresh;
            fresh.build(k);
            fresh.init_extensions(seed, !row.random_mem_values);
            for (size_t i = 0; i < m.specs.size(); i++)
                if ((attach_lora && m.specs[i].group == G_LORA) || (attach_mem && m.specs[i].group >= G_MEM))
                    std::copy_n(fresh.params.data() + fresh.offset[i], m.specs[i].size, m.params.data() + m.offset[i]);
            printf("attached:%s%s\n", attach_lora ? " LoRA adapters" : "", attach_mem ? " memory layers" : "");
        }
    } else {
        if (!mem_layers.empty()) {
            c.mem_layers = parse_layers(mem_layers, c.L);
            c.mem.n_keys = mem_keys; c.mem.topk = mem_topk; c.mem.heads = mem_heads; c.mem.dk = mem_dk; c.mem.gated = mem_gated;
        }
        if (lora_rank) { c.lora_rank = lora_rank; c.lora_alpha = 2 * lora_rank; }
        c.V = tok.vocab_size;
        c.Vp = pad_vocab(c.V);
        m.init_random(c, seed);
    }
    if (m.cfg.V != tok.vocab_size) fatal(EXIT_RUNTIME, "checkpoint vocab %d does not match the tokenizer's %d", m.cfg.V, tok.vocab_size);
    c = m.cfg;
    if (row.needs_lora && !c.lora_rank) fatal(EXIT_USAGE, "--train %s needs adapters (--lora-rank R)", row.name);
    if (row.needs_memory && !c.mem_layers) fatal(EXIT_USAGE, "--train %s needs a memory layer (--mem-layers L or a checkpoint with one)", row.name);
    m.set_trainable(trainable_for(m, mode), row.sparse);
    m.recompute = recompute;
    if (m.num_trainable() == 0) fatal(EXIT_USAGE, "--train %s leaves nothing to train in this model", row.name);
    // the frozen tensors as they start, to prove afterwards that they did not move
    std::vector<float> frozen_before;
    for (size_t i = 0; i < m.specs.size(); i++)
        if (!m.trainable[i]) frozen_before.insert(frozen_before.end(), m.params.begin() + m.offset[i], m.params.begin() + m.offset[i] + m.specs[i].size);

    int T = c.maxT;
    long rank_batch = (long)B * T * comm.size;  // tokens of one micro-step over all ranks
    if (total_batch == 0) total_batch = rank_batch;
    if (total_batch % rank_batch) fatal(EXIT_USAGE, "--total-batch %ld must be a multiple of batch*context*ranks = %ld", total_batch, rank_batch);
    int accum = (int)(total_batch / rank_batch);

    TrainState st;
    if (resume) {
        st = load_state(state_path, m.grads.size());
        if (st.seed != seed) fatal(EXIT_USAGE, "--seed %llu differs from the resumed run's %llu", (unsigned long long)seed, (unsigned long long)st.seed);
    } else {
        st.seed = seed;
    }

    // the backend: a GPU when one is visible (auto) and it has the mode, else the CPU
    std::string gpu_name, no_gpu;
    GpuBackend cuda;
    bool use_gpu = device != "cpu" && cuda.load(home_dir(), &no_gpu) && cuda.probe(comm.rank, &gpu_name, &no_gpu);
    // the GPU model holds at most one kind of extension, the one its mode trains: plain GPT-2 in full,
    // LoRA adapters of rank 8k alone, or ungated memory layers alone
    bool gpu_mode = row.gpu && (row.needs_lora ? c.lora_rank % 8 == 0 && !c.mem_layers
                                : row.needs_memory ? !c.lora_rank && !c.mem.gated : !c.lora_rank && !c.mem_layers);
    if (use_gpu && !gpu_mode) {
        use_gpu = false;
        no_gpu = "the GPU backend trains --train full (plain GPT-2), lora (rank divisible by 8), memory and memory-sparse (ungated memory layers) only";
    }
    if (use_gpu && recompute) { use_gpu = false; no_gpu = "--recompute is implemented on the CPU only"; }
    if (device == "cuda" && !use_gpu) fatal(EXIT_USAGE, "--device cuda: %s", no_gpu.c_str());
    std::unique_ptr<Backend> be(use_gpu ? cuda.create(m, mode, comm) : new CpuBackend(m, comm));
    if (resume) be->set_moments(st.m, st.v);

    // sparse memory finetuning ranks slots against background frequencies from general text
    SlotDF df;
    if (row.sparse) {
        std::string beside = (init_ckpt.empty() ? out : dirname_of(init_ckpt)) + "/df.bin";
        if (!load_df(beside, c.L, c.mem.N(), df) && !load_df(out + "/df.bin", c.L, c.mem.N(), df)) {
            DataPaths g(df_data);
            if (!file_exists(g.train)) fatal(EXIT_RUNTIME, "memory-sparse needs background text for slot frequencies: no %s (set --df-data)", g.train.c_str());
            printf("computing slot document frequencies over %d batches of %s...\n", df_batches, g.train.c_str());
            fflush(stdout);
            df = compute_df(*be, c, read_shard(g.train, tok.vocab_size), B, T, df_batches, seed, comm);
        }
        if (comm.rank == 0) save_df(out + "/df.bin", df);
    }

    DataLoader loader;
    loader.init(std::move(train_tokens), B, T, seed, comm.rank, comm.size);
    loader.set_position(st.epoch, st.pos);
    double unigram = val_tokens.empty() ? NAN : unigram_entropy(loader.tokens, val_tokens, c.V);

    size_t dense_params = m.num_params();  // the memory's values and keys do O(k) work per token, not O(N)
    for (auto& sp : m.specs) if (sp.group >= G_MEM) dense_params -= sp.size;
    double flops_per_token = 6.0 * dense_params + 6.0 * c.L * c.C * T;
    if (comm.size > 1) printf("data parallel: %s, %d ranks, each %d sequences of every micro-step\n", comm.name(), comm.size, B);
    std::string backend = use_gpu ? "cuda, " + gpu_name + ", bf16" : "cpu, " + std::to_string(omp_get_max_threads()) + " threads" + (device == "auto" ? " (" + no_gpu + ")" : "") + ", " + dtype;
    printf("backend: %s\nmodel: depth %d width %d heads %d context %d vocab %d | %.2fM parameters, %.2fM training (--train %s)\n",
           backend.c_str(), c.L, c.C, c.NH, T, c.V, m.num_params() / 1e6, m.num_trainable() / 1e6, row.name);
    if (c.mem_layers) printf("memory: blocks mask 0x%x, %zu slots (%d^2), top-%d, %d heads, dk %d%s\n", c.mem_layers, c.mem.N(), c.mem.n_keys, c.mem.topk, c.mem.heads, c.mem.dk, c.mem.gated ? ", gated" : "");
    printf("batch %d x %d tokens x %d ranks, %d micro-steps per step = %ld tokens/step | %d steps | train %zu tokens, val %zu | unigram val loss %.3f\n",
           B, T, comm.size, accum, total_batch, steps, loader.tokens.size(), val_tokens.size(), unigram);
    if (resume) printf("resuming at step %d\n", st.step);

    std::vector<double> ts, tl, vs, vl;
    if (resume && file_exists(log_path)) {
        // the plot covers the whole run: read back what the log holds up to the checkpoint's step;
        // lines past it (a run killed after its last save) are dropped, as is a torn last line
        std::string text = read_file(log_path), kept;
        size_t p0 = 0;
        while (p0 < text.size()) {
            size_t e = text.find('\n', p0);
            if (e == std::string::npos) e = text.size();
            std::string line = text.substr(p0, e - p0);
            Json j; std::string err;
            if (json_parse(line, j, err) && j.get("step")) {
                double s = j.get("step")->num;
                if (s <= st.step) {
                    kept += line + "\n";
                    if (j.get("loss")) { ts.push_back(s); tl.push_back(j.get("loss")->num); }
                    if (j.get("val_loss")) { vs.push_back(s); vl.push_back(j.get("val_loss")->num); }
                }
            }
            p0 = e + 1;
        }
        if (kept != text) write_file_atomic(log_path, kept);
    }
    FILE* log = comm.rank == 0 ? fopen(log_path.c_str(), resume ? "a" : "w") : fopen("/dev/null", "w");
    if (!log) fatal(EXIT_RUNTIME, "cannot write %s", log_path.c_str());
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    // ...but while training they stay blocked on every thread and are read between steps: with a
    // handler that could run mid-step, 6 of 40 tiny runs signalled mid-step aborted in free() inside
    // oneDNN's sgemm (heap corrupted; the exact mechanism is not pinned down); none of 40 once blocked
    sigset_t stop_sigs;
    sigemptyset(&stop_sigs);
    sigaddset(&stop_sigs, SIGINT);
    sigaddset(&stop_sigs, SIGTERM);
    #pragma omp parallel
    pthread_sigmask(SIG_BLOCK, &stop_sigs, nullptr);

    std::string prev_ckpt = out + "/model.prev.bin";
    int saved_step = resume ? st.step : -1;
    auto save_all = [&](int step) {
        saved_step = step;
        be->download(m);
        be->get_moments(st.m, st.v);
        if (comm.rank != 0) return;  // the ranks' weights are identical (checked at the end)
        tok.save(out + "/tokenizer.bin");
        // until the new state.bin is in place, model.prev.bin (a hard link, no copy) keeps the model
        // the old state.bin belongs to: a crash between the renames resumes from it
        unlink(prev_ckpt.c_str());
        if (file_exists(ckpt) && link(ckpt.c_str(), prev_ckpt.c_str()) != 0) { /* no hard links here: no fallback copy */ }
        m.save(ckpt);
        st.step = step; st.epoch = loader.epoch; st.pos = loader.pos;
        st.model_hash = params_hash(m.params);
        save_state(state_path, st);
        unlink(prev_ckpt.c_str());
    };
    auto validate = [&](int step) {
        if (val_tokens.empty() || comm.rank != 0) return;
        double vloss = eval_windows([&](const int* x, const int* y, int b, int t) { return be->forward_backward(x, y, b, t, 0.0f); }, val_tokens, B, T, val_batches);
        printf("step %d | val loss %.4f\n", step, vloss);
        fprintf(log, "{\"step\": %d, \"val_loss\": %.6f}\n", step, vloss);
        fflush(log);
        vs.push_back(step); vl.push_back(vloss);
    };

    Stepper stepper(*be, comm, c, B, T, accum, row.sparse, &df, topt);
    const int max_bad = 5;
    int bad_streak = 0, last_step = st.step;
    double t_start = now_s(), ema_ms = 0;
    int timed = 0;
    for (int step = st.step; step < steps; step++) {
        if (val_every && step % val_every == 0 && !(resume && step == st.step && step > 0)) validate(step);
        double t0 = now_s();
        double lr_t = lr_schedule(step, steps, warmup, o.lr, min_frac);
        StepResult r = stepper.run([&](int* x, int* y) { loader.next(x, y); }, o, lr_t, step + 1);
        double loss = r.loss, norm = r.norm;
        if (!r.updated) {
            // the weights and moments stay as they were; the batch is consumed
            bad_streak++;
            printf("step %d: loss %g, grad norm %g: not finite, update skipped (%d in a row)\n", step + 1, loss, norm, bad_streak);
            fflush(stdout);
            fprintf(log, "{\"step\": %d, \"skipped\": \"non-finite loss or gradient norm\"}\n", step + 1);
            fflush(log);
            if (bad_streak >= max_bad) {
                std::string where = saved_step >= 0 ? "the last good checkpoint is " + ckpt + " (step " + std::to_string(saved_step) + ")"
                                                    : std::string("no checkpoint was saved by this run (--save-every N saves periodically)");
                fatal(EXIT_RUNTIME, "%d consecutive non-finite steps (%d to %d), stopping; %s", max_bad, step + 2 - max_bad, step + 1, where.c_str());
            }
        } else {
            bad_streak = 0;
            double ms = (now_s() - t0) * 1000;
            if (step > st.step) { ema_ms = timed ? 0.9 * ema_ms + 0.1 * ms : ms; timed++; }
            double tok_s = total_batch / (ms / 1000);
            double eta = (timed ? ema_ms : ms) / 1000 * (steps - step - 1);
            printf("step %5d/%d | loss %.4f | lr %.2e | norm %.3f | %.0f tok/s | %.0f ms | %.1f GFLOP/s | ETA %s\n",
                   step + 1, steps, loss, lr_t, norm, tok_s, ms, flops_per_token * total_batch / (ms / 1000) / 1e9, fmt_duration(eta).c_str());
            // a loss spike: more than 4 standard deviations above the last 50 steps' mean (logged, not acted on)
            double z = loss_zscore(tl, loss, 50, 10);
            char spike[64] = "";
            if (z > 4) {
                printf("step %d: loss spike: %.4f is %.1f standard deviations above the mean of the last %d steps\n", step + 1, loss, z, (int)std::min<size_t>(tl.size(), 50));
                snprintf(spike, sizeof spike, ", \"spike_z\": %.2f", z);
            }
            fflush(stdout);
            fprintf(log, "{\"step\": %d, \"loss\": %.6f, \"lr\": %.6g, \"norm\": %.6f, \"ms\": %.1f, \"tok_s\": %.1f%s}\n", step + 1, loss, lr_t, norm, ms, tok_s, spike);
            fflush(log);
            ts.push_back(step + 1); tl.push_back(loss);
            last_step = step + 1;
        }
        timespec no_wait = {0, 0};
        int got = sigtimedwait(&stop_sigs, nullptr, &no_wait);
        if (got > 0) {  // a second signal kills at once: default action, unblocked on this thread
            g_stop_signal = got;
            signal(got, SIG_DFL);
            pthread_sigmask(SIG_UNBLOCK, &stop_sigs, nullptr);
        }
        int stop = g_stop_signal;  // a signal to one rank stops all of them at the same step
        comm.allreduce_max(&stop, 1);
        bool last = step + 1 == steps || (stop_after && step + 1 >= stop_after) || stop;
        if (last && step + 1 == steps && val_every) validate(step + 1);
        if ((save_every && (step + 1) % save_every == 0) || last) save_all(step + 1);
        if (stop) { printf("signal %d: saved step %d to %s, exiting\n", stop, step + 1, ckpt.c_str()); g_stop_signal = stop; break; }
        if (last) break;
    }
    if (last_step == st.step && st.step >= steps) save_all(st.step);
    pthread_sigmask(SIG_UNBLOCK, &stop_sigs, nullptr);  // from here a signal goes to on_signal again
    fclose(log);
    be->download(m);
    // in every mode but full the frozen weights must come out bit-identical
    std::vector<float> frozen_after;
    for (size_t i = 0; i < m.specs.size(); i++)
        if (!m.trainable[i]) frozen_after.insert(frozen_after.end(), m.params.begin() + m.offset[i], m.params.begin() + m.offset[i] + m.specs[i].size);
    if (frozen_after != frozen_before) fatal(EXIT_RUNTIME, "internal error: frozen weights changed during --train %s", row.name);
    if (!frozen_before.empty()) printf("frozen weights: %zu values, bit-identical to the start\n", frozen_before.size());
    if (comm.size > 1) {
        uint64_t mine = params_hash(m.params);
        std::vector<int> h = comm.allgather(std::vector<int>{(int)(uint32_t)mine, (int)(uint32_t)(mine >> 32)});
        for (int r = 1; r < comm.size; r++)
            if (h[2 * r] != h[0] || h[2 * r + 1] != h[1]) fatal(EXIT_RUNTIME, "internal error: the ranks' weights diverged");
        printf("data parallel: the %d ranks' weights are bit-identical\n", comm.size);
        if (comm.rank != 0) return 0;
    }
    plot_losses(out + "/loss.png", ts, tl, vs, vl, unigram);
    printf("done: %d steps in %s; checkpoint %s, log %s, plot %s/loss.png\n", last_step, fmt_duration(now_s() - t_start).c_str(),
           ckpt.c_str(), log_path.c_str(), out.c_str());
    if (sample_tokens > 0 && !g_stop_signal) {
        for (const char* prompt : {"The ", "It was a truth", "The economy of the United States"}) {
            std::string s = generate(m, tok, prompt, sample_tokens, 0.8, 40, seed);
            printf("--- sample: %s%s\n", prompt, s.c_str());
        }
    }
    return 0;
}

// ---------------------------------------------------------------------------------------------
// synth: one document -> a large, diverse synthetic corpus (data_prep/synth.h)

static int cmd_synth(Args& a) {
    std::string doc = a.str("doc", ""), out = a.str("out", "");
    std::string ckpt = a.str("ckpt", ""), tokname = a.str("tokenizer", "gpt2");
    synth::SynthConfig sc;
    sc.seed = (uint64_t)a.integer("seed", 1337, 0, 1L << 40);
    sc.multiplicity = (int)a.integer("multiplicity", sc.multiplicity, 1, 1000);
    sc.replay = a.real("replay", sc.replay, 0, 0.9);
    sc.context = (int)a.integer("context", sc.context, 16, 1 << 20);
    sc.target_expansion = a.real("expansion", sc.target_expansion, 1, 100000);
    sc.target_tokens = a.integer("tokens", 0, 0, 1L << 40);
    std::string replay_dir = a.str("replay-data", "");
    set_threads(a);
    a.finish("synth");
    if (doc.empty() || out.empty()) fatal(EXIT_USAGE, "synth needs --doc FILE (.txt or .pdf) and --out DIR");
    if (!file_exists(doc)) fatal(EXIT_RUNTIME, "document %s does not exist", doc.c_str());
    Tokenizer tok;
    if (!ckpt.empty()) {
        GPT2<float> probe;
        probe.load(ckpt);
        tok = tokenizer_for_checkpoint(ckpt, probe.cfg.V);
    } else {
        tok = tokenizer_by_name(tokname);
    }
    // replay: general text in the same tokenizer, from --replay-data's train.bin or the embedded corpus
    std::vector<int> replay;
    if (sc.replay > 0) {
        if (!replay_dir.empty()) {
            replay = read_shard(replay_dir + "/train.bin", tok.vocab_size);
        } else {
            std::string text;
            for (auto& f : list_txt(home_dir() + "/data/corpus")) text += read_file(f).substr(0, 1500000) + "\n";
            replay = tok.encode(text, false);
        }
    }
    mkdir_p(out);
    auto encode = [&](const std::string& t) { return tok.encode(t, false); };
    synth::SynthReport rep = synth::synth_run(doc, out, sc, encode, tok.eot, tok.vocab_size, replay);
    puts(rep.json().c_str());
    return 0;
}

// ---------------------------------------------------------------------------------------------
// sample, eval, encode

static int cmd_sample(Args& a) {
    std::string ckpt = a.str("ckpt", "");
    std::string prompt = a.str("prompt", "");
    int max_tokens = (int)a.integer("max-tokens", 128, 1, 1000000);
    double temperature = a.real("temperature", 0.8, 0, 100);
    int top_k = (int)a.integer("top-k", 40, 0, 1 << 24);
    uint64_t seed = (uint64_t)a.integer("seed", 1337, 0, 1L << 40);
    set_threads(a);
    a.finish("sample");
    if (ckpt.empty()) fatal(EXIT_USAGE, "sample needs --ckpt PATH");
    GPT2<float> m;
    m.load(ckpt);
    Tokenizer tok = tokenizer_for_checkpoint(ckpt, m.cfg.V);
    printf("%s%s\n", prompt.c_str(), generate(m, tok, prompt, max_tokens, temperature, top_k, seed).c_str());
    return 0;
}

static int cmd_eval(Args& a) {
    std::string ckpt = a.str("ckpt", ""), text = a.str("text", ""), qa = a.str("qa", "");
    int B = (int)a.integer("batch", 8, 1, 65536);
    set_threads(a);
    a.finish("eval");
    if (ckpt.empty()) fatal(EXIT_USAGE, "eval needs --ckpt PATH");
    if (text.empty() == qa.empty()) fatal(EXIT_USAGE, "eval needs exactly one of --text FILE or --qa FILE");
    GPT2<float> m;
    m.load(ckpt);
    Tokenizer tok = tokenizer_for_checkpoint(ckpt, m.cfg.V);
    if (!text.empty()) {
        if (!file_exists(text)) fatal(EXIT_RUNTIME, "text file %s does not exist", text.c_str());
        std::vector<int> ids = tok.encode(read_file(text), false);
        if (ids.size() < 2) fatal(EXIT_RUNTIME, "%s holds fewer than 2 tokens", text.c_str());
        long n = 0;
        double loss = text_loss(m, ids, B, &n);
        printf("{\"loss\": %.6f, \"tokens\": %ld}\n", loss, n);
        return 0;
    }
    std::vector<QAItem> items = read_qa(qa);
    int correct = qa_correct(m, tok, items);
    printf("{\"accuracy\": %.6f, \"n\": %zu, \"correct\": %d}\n", (double)correct / items.size(), items.size(), correct);
    return 0;
}

static int cmd_encode(Args& a) {
    std::string name = a.str("tokenizer", "gpt2");
    a.finish("encode", 1);
    if (a.positional.empty()) fatal(EXIT_USAGE, "encode needs a FILE");
    if (!file_exists(a.positional[0])) fatal(EXIT_RUNTIME, "file %s does not exist", a.positional[0].c_str());
    Tokenizer tok = tokenizer_by_name(name);
    std::vector<int> ids = tok.encode(read_file(a.positional[0]), false);
    std::string out;
    for (int id : ids) { out += std::to_string(id); out += '\n'; }
    fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

// ---------------------------------------------------------------------------------------------
// bench

// nominal fp32 peak: cores x clock x FMA lanes x 2 flops x 2 FMA units per core (x86 since Haswell)
static double cpu_peak_flops(std::string* how) {
    int cores = omp_get_max_threads();
    double ghz = 0;
    std::string maxf = read_file_if("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
    if (!maxf.empty()) ghz = atof(maxf.c_str()) / 1e6;
    if (ghz <= 0) {
        std::string info = read_file_if("/proc/cpuinfo");
        size_t p = info.find("cpu MHz");
        if (p != std::string::npos) ghz = atof(info.c_str() + info.find(':', p) + 1) / 1000;
    }
    if (ghz <= 0) ghz = 2.0;
    int lanes = __builtin_cpu_supports("avx512f") ? 16 : __builtin_cpu_supports("avx2") ? 8 : 4;
    double peak = cores * ghz * 1e9 * lanes * 2 * 2;
    char b[256];
    snprintf(b, sizeof b, "%d threads x %.2f GHz x %d fp32 lanes x 2 (FMA) x 2 FMA units = %.0f GFLOP/s", cores, ghz, lanes, peak / 1e9);
    *how = b;
    return peak;
}

struct BenchResult { double ms, tokens_per_s, mfu, rss_mib; };

// median time of a full training step (everything trains; memory values, if any, sparsely by SGD
// on the top-t slots, as memory-sparse does); MFU counts the dense model's FLOPs only
static BenchResult bench_config(GPT2Config c, int B, int steps, double peak, bool recompute = false, int topt = 10000) {
    peak_rss_reset();  // the previous config's buffers are freed: measure this one's peak alone
    GPT2<float> m;
    m.init_random(c, 1);
    m.recompute = recompute;
    m.set_trainable(std::vector<char>(m.specs.size(), 1), c.mem_layers != 0);
    int T = c.maxT;
    Rng rng(2);
    std::vector<int> x((size_t)B * T), y((size_t)B * T);
    for (auto& v : x) v = (int)rng.below(c.V);
    for (auto& v : y) v = (int)rng.below(c.V);
    Comm one;
    CpuBackend be(m, one);
    SlotDF df;  // a background that never touched a slot: ranking by counts alone
    df.batches = 100;
    df.df.assign(c.L, std::vector<int>(c.mem_layers ? c.mem.N() : 0, 0));
    Stepper stepper(be, one, c, B, T, 1, c.mem_layers != 0, &df, topt);
    auto same_batch = [&](int* xb, int* yb) { std::copy(x.begin(), x.end(), xb); std::copy(y.begin(), y.end(), yb); };
    std::vector<double> times;
    for (int s = 0; s <= steps; s++) {  // step 0 warms up (allocation, JIT kernels)
        if (s == 1) prof_reset();
        double t0 = now_s();
        stepper.run(same_batch, OptConfig(), 1e-4, s + 1);
        if (s > 0) times.push_back(now_s() - t0);
    }
    std::sort(times.begin(), times.end());
    double med = times[times.size() / 2];
    size_t dense = m.num_params();
    for (size_t i = 0; i < m.specs.size(); i++) if (m.specs[i].group >= G_MEM) dense -= m.specs[i].size;
    double flops = (6.0 * dense + 6.0 * c.L * c.C * T) * B * T;
    std::string mem = c.mem_layers ? " | memory " + std::to_string(c.mem.N()) + " slots, top-" + std::to_string(topt) + " SGD" : "";
    double rss = peak_rss_mib();
    if (recompute) mem += " | --recompute";
    printf("bench: depth %d width %d heads %d context %d vocab %d batch %d%s | %.2fM params | median %.1f ms/step | %.0f tokens/s | %.1f GFLOP/s | MFU %.1f%% | peak RSS %.0f MiB\n",
           c.L, c.C, c.NH, T, c.V, B, mem.c_str(), m.num_params() / 1e6, med * 1000, B * T / med, flops / med / 1e9, 100 * flops / med / peak, rss);
    double total = 0;
    for (double t : times) total += t;
    prof_report(total, steps);
    fflush(stdout);
    return {med * 1000, B * T / med, flops / med / peak, rss};
}

static int cmd_bench(Args& a) {
    bool one = a.has("depth") || a.has("width") || a.has("context") || a.has("batch") || a.has("vocab") || a.has("heads");
    GPT2Config c;
    c.L = (int)a.integer("depth", 6, 1, 128);
    c.C = (int)a.integer("width", 384, 8, 16384);
    c.NH = (int)a.integer("heads", std::max(1, c.C / 64), 1, 1024);
    c.maxT = (int)a.integer("context", 256, 2, 65536);
    c.V = (int)a.integer("vocab", 8192, 2, 1 << 24);
    c.Vp = pad_vocab(c.V);
    int B = (int)a.integer("batch", 8, 1, 65536);
    int steps = (int)a.integer("steps", 5, 1, 100000);
    bool recompute = a.flag("recompute");
    std::string dtype = set_dtype(a);
    set_threads(a);
    a.finish("bench");
    if (c.C % c.NH) fatal(EXIT_USAGE, "--width %d must be divisible by --heads %d", c.C, c.NH);
    std::string how;
    double peak = cpu_peak_flops(&how);
    printf("peak: %s\nprecision: %s\n", how.c_str(), dtype.c_str());
    if (one) {
        BenchResult r = bench_config(c, B, steps, peak, recompute);
        printf("{\"tokens_per_s\": %.1f, \"mfu\": %.4f, \"ms_per_step\": %.1f, \"peak_rss_mib\": %.1f}\n", r.tokens_per_s, r.mfu, r.ms, r.rss_mib);
        return 0;
    }
    // the suite: tokenizer speed, the d6 config, and GPT-2 124M's shape for a couple of steps
    std::string text;
    for (auto& f : list_txt(home_dir() + "/data/corpus")) { text += read_file(f); if (text.size() > 4000000) break; }
    Tokenizer gpt2 = Tokenizer::gpt2(home_dir() + "/data/gpt2");
    double t0 = now_s();
    size_t ntok = gpt2.encode(text, false).size();
    double mbs = text.size() / 1e6 / (now_s() - t0);
    printf("bench: GPT-2 tokenizer encodes %.1f MB/s (%.1f MB -> %zu tokens, one thread)\n", mbs, text.size() / 1e6, ntok);
    BenchResult d6 = bench_config(c, B, steps, peak);
    // mixed precision: the same config with bf16 matmul operands, where the CPU has the kernels
    std::string why;
    if (matmul_dtype() == MM_FP32 && bf16_probe(&why)) {
        matmul_dtype() = MM_BF16;
        printf("bench: --dtype bf16 (%s):\n", why.c_str());
        BenchResult bf = bench_config(c, B, steps, peak);
        matmul_dtype() = MM_FP32;
        printf("bench: bf16 / fp32 tokens/s on the d6 config: %.2fx\n", bf.tokens_per_s / d6.tokens_per_s);
    } else if (matmul_dtype() == MM_FP32) {
        printf("bench: no bf16 run: %s\n", why.c_str());
    }
    // the memory layer's cost: the same step with a memory beside block 3's MLP, 256^2 and 1024^2 slots
    double mem_ms[2], mem_rss[2];
    for (int i = 0; i < 2; i++) {
        GPT2Config mc = c;
        mc.mem_layers = 1u << (c.L / 2);
        mc.mem.n_keys = i ? 1024 : 256; mc.mem.topk = 32; mc.mem.heads = 4; mc.mem.dk = 128;
        BenchResult r = bench_config(mc, B, steps, peak);
        mem_ms[i] = r.ms; mem_rss[i] = r.rss_mib;
    }
    printf("bench: memory overhead on the step: %.2fx (256^2 slots), %.2fx (1024^2 slots)\n", mem_ms[0] / d6.ms, mem_ms[1] / d6.ms);
    // activation recomputation at a long context: memory saved, time paid
    GPT2Config lc = c;
    lc.maxT = 1024;
    BenchResult keep = bench_config(lc, 1, 2, peak), recomp = bench_config(lc, 1, 2, peak, true);
    printf("bench: --recompute at context 1024, batch 1: peak RSS %.0f -> %.0f MiB (%.2fx), step time %.2fx\n",
           keep.rss_mib, recomp.rss_mib, recomp.rss_mib / keep.rss_mib, recomp.ms / keep.ms);
    GPT2Config g = c;
    g.L = 12; g.C = 768; g.NH = 12; g.maxT = 64; g.V = 50257; g.Vp = pad_vocab(g.V);
    BenchResult big = bench_config(g, 4, 2, peak);
    printf("{\"tokens_per_s\": %.1f, \"mfu\": %.4f, \"ms_per_step\": %.1f, \"peak_rss_mib\": %.1f, \"config\": \"d6 C384 T256 V8192 B8\", "
           "\"memory_256sq_ms_per_step\": %.1f, \"memory_1024sq_ms_per_step\": %.1f, \"memory_256sq_peak_rss_mib\": %.1f, \"memory_1024sq_peak_rss_mib\": %.1f, "
           "\"gpt2_124M_tokens_per_s\": %.1f, \"gpt2_124M_mfu\": %.4f, \"gpt2_124M_peak_rss_mib\": %.1f, \"tokenizer_mb_per_s\": %.2f, "
           "\"t1024_peak_rss_mib\": %.1f, \"t1024_recompute_peak_rss_mib\": %.1f, \"t1024_recompute_time_ratio\": %.3f}\n",
           d6.tokens_per_s, d6.mfu, d6.ms, d6.rss_mib, mem_ms[0], mem_ms[1], mem_rss[0], mem_rss[1], big.tokens_per_s, big.mfu, big.rss_mib, mbs,
           keep.rss_mib, recomp.rss_mib, recomp.ms / keep.ms);
    return 0;
}

// ---------------------------------------------------------------------------------------------
// merge and memory: fold LoRA into the weights; browse what a memory layer holds

static int cmd_merge(Args& a) {
    std::string ckpt = a.str("ckpt", ""), out = a.str("out", "");
    a.finish("merge");
    if (ckpt.empty() || out.empty()) fatal(EXIT_USAGE, "merge needs --ckpt PATH and --out PATH");
    GPT2<float> m;
    m.load(ckpt);
    if (!m.cfg.lora_rank) fatal(EXIT_RUNTIME, "%s has no LoRA adapters to merge", ckpt.c_str());
    Tokenizer tok = tokenizer_for_checkpoint(ckpt, m.cfg.V);
    int r = m.cfg.lora_rank;
    m.merge_lora();
    mkdir_p(dirname_of(out));
    m.save(out);
    tok.save(dirname_of(out) + "/tokenizer.bin");
    printf("merged rank-%d adapters of %s into %s (%.2fM parameters)\n", r, ckpt.c_str(), out.c_str(), m.num_params() / 1e6);
    return 0;
}

static int cmd_memory(Args& a) {
    std::string ckpt = a.str("ckpt", ""), text = a.str("text", ""), other = a.str("diff", "");
    int top = (int)a.integer("top", 3, 1, 64);
    set_threads(a);
    a.finish("memory");
    if (ckpt.empty()) fatal(EXIT_USAGE, "memory needs --ckpt PATH");
    GPT2<float> m;
    m.load(ckpt);
    if (!m.cfg.mem_layers) fatal(EXIT_RUNTIME, "%s has no memory layer", ckpt.c_str());
    const MemoryConfig& mc = m.cfg.mem;
    printf("%s: memory in blocks mask 0x%x, %zu slots each (%d^2), top-%d of %d heads, dk %d%s\n", ckpt.c_str(), m.cfg.mem_layers,
           mc.N(), mc.n_keys, mc.topk, mc.heads, mc.dk, mc.gated ? ", gated" : "");
    if (!other.empty()) {  // which value rows differ between two checkpoints of the same shape
        GPT2<float> o;
        o.load(other);
        if (o.cfg.mem_layers != m.cfg.mem_layers || o.cfg.mem.N() != mc.N() || o.cfg.C != m.cfg.C)
            fatal(EXIT_RUNTIME, "%s and %s do not have the same memory layers", ckpt.c_str(), other.c_str());
        for (int l = 0; l < m.cfg.L; l++) {
            if (!m.cfg.has_mem(l)) continue;
            size_t changed = 0;
            double d2 = 0;
            for (size_t r = 0; r < mc.N(); r++) {
                const float *x = m.p.mem[l].values + r * m.cfg.C, *y = o.p.mem[l].values + r * m.cfg.C;
                bool diff = false;
                for (int c = 0; c < m.cfg.C; c++) { double d = (double)x[c] - y[c]; d2 += d * d; diff |= x[c] != y[c]; }
                changed += diff;
            }
            printf("block %d: %zu of %zu value rows differ (%.2f%%), L2 distance %.4g\n", l, changed, mc.N(), 100.0 * changed / mc.N(), std::sqrt(d2));
        }
    }
    if (text.empty()) return 0;
    Tokenizer tok = tokenizer_for_checkpoint(ckpt, m.cfg.V);
    std::vector<int> ids = tok.encode(text, false);
    if (ids.size() > (size_t)m.cfg.maxT) ids.resize(m.cfg.maxT);
    if (ids.empty()) fatal(EXIT_USAGE, "--text holds no tokens");
    m.forward(ids.data(), nullptr, 1, (int)ids.size());
    for (int l = 0; l < m.cfg.L; l++) {
        if (!m.cfg.has_mem(l)) continue;
        printf("block %d: per token, the slots read with the largest weights (summed over heads)\n", l);
        const MemoryCache<float>& c = m.mcache[l];
        int HK = mc.heads * mc.topk;
        for (size_t t = 0; t < ids.size(); t++) {
            std::vector<std::pair<float, int>> w;  // (weight, slot), merged over heads
            for (int e = 0; e < HK; e++) {
                int slot = c.idx[t * HK + e];
                float wt = c.w[t * HK + e] / mc.heads;
                bool found = false;
                for (auto& p : w) if (p.second == slot) { p.first += wt; found = true; }
                if (!found) w.push_back({wt, slot});
            }
            std::sort(w.begin(), w.end(), [](auto& x, auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
            std::string piece = tok.decode_token(ids[t]);
            for (auto& ch : piece) if (ch == '\n') ch = ' ';
            printf("  %-16s", ("'" + piece + "'").c_str());
            for (int k = 0; k < top && k < (int)w.size(); k++) printf("  slot %6d (%.3f)", w[k].second, w[k].first);
            printf("\n");
        }
    }
    return 0;
}

#include "train_3m.h"  // ./train 3m, chat, capacity: the experiment and knowledge in context vs weights

// ---------------------------------------------------------------------------------------------

static int dispatch(const std::string& cmd, Args& a) {
    if (cmd == "pretrain") return cmd_train(a, false);
    if (cmd == "inject") return cmd_train(a, true);
    if (cmd == "prepare") return cmd_prepare(a);
    if (cmd == "sample") return cmd_sample(a);
    if (cmd == "eval") return cmd_eval(a);
    if (cmd == "encode") return cmd_encode(a);
    if (cmd == "bench") return cmd_bench(a);
    if (cmd == "synth") return cmd_synth(a);
    if (cmd == "3m") return cmd_3m(a);
    if (cmd == "merge") return cmd_merge(a);
    if (cmd == "memory") return cmd_memory(a);
    if (cmd == "capacity") return cmd_capacity(a);
    if (cmd == "chat") return cmd_chat(a);
    fatal(EXIT_USAGE, "unknown subcommand '%s' (see ./train --help)", cmd.c_str());
}

int main(int argc, char** argv) {
    std::string cmd = argc > 1 ? argv[1] : "pretrain";
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(HELP, stdout); return 0; }
    int start = 2;
    if (cmd.rfind("--", 0) == 0) { cmd = "pretrain"; start = 1; }  // ./train --steps 10 ...
    Args a(argc, argv, start);
    g_comm = comm_open().release();
    int rc = dispatch(cmd, a);
    delete g_comm;
    return rc;
}
