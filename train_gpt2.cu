// train_gpt2.cu: the one trainer. A table of subcommands, each declaring its flags once (llmc/flags.h:
// the same declarations parse the command line and print --help); the training loop that pretrain
// and inject share (run_train, stepping with llmc/stepper.h); the model commands prepare, synth, sample,
// eval, encode, merge and memory. 3m, chat and capacity live in train_3m.cpp, bench in train_bench.cpp. Build with `make train`; `./train` alone
// prepares the embedded corpus, pretrains a small GPT-2 and prints samples; `./train --help` lists
// every subcommand and flag. It always compiles as plain C++; the GPU backend is a library it loads
// when a GPU is there (llmc/device.h).
#include <omp.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <csignal>
#include <glob.h>
#include <sys/file.h>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>
#include "train.h"
#include "data_prep/prepare.h"
#include "eval/eval.h"
#include "eval/plot.h"
#include "llmc/checkpoint.h"
#include "llmc/comm.h"
#include "llmc/dataloader.h"
#include "llmc/device.h"
#include "llmc/json.h"
#include "llmc/memory_ledger.h"
#include "llmc/sampler.h"
#include "llmc/stepper.h"

static const char* INTRO = R"(usage: ./train [SUBCOMMAND] [--flag value ...]

With no subcommand, runs `pretrain` with its defaults: prepares the embedded corpus (tokenizer and
shards under out/data if missing), pretrains a small GPT-2 (about 7 minutes on 2 idle cores), writes
out/pretrain/{model.bin,state.bin,tokenizer.bin,log.jsonl,loss.png} and prints samples.

subcommands (flag, value, (default), what it does):
)";
static const char* OUTRO = R"(data parallel (CPU): mpirun --allow-run-as-root -np R ./train pretrain|inject ... --batch B: R
  processes, each B sequences of every micro-step; trains like one process with --batch R*B
  (gradients averaged)
common: --help prints this. Exit status: 0 ok, 1 runtime error, 2 usage error.
)";

// ---------------------------------------------------------------------------------------------
// shared by the subcommands

// data parallel: this process's rank among the trainer's processes. Finalised only when main
// returns: a rank that exits through fatal() must not wait in MPI_Finalize for ranks that wait on it
// (mpirun ends the job when a rank exits non-zero)
static Comm* g_comm;

// A checkpoint names its tokenizer by what sits beside it: DIR/tokenizer.bin, or GPT-2's files
// for a 50257-token vocabulary (e.g. llm.c's gpt2_124M.bin); a GGUF file holds its own.
Tokenizer tokenizer_for_checkpoint(const std::string& ckpt, int V) {
    std::string beside = dirname_of(ckpt) + "/tokenizer.bin";
    Tokenizer tok;
    if (read_file_head(ckpt, 4) == "GGUF") tok = Tokenizer::from_gguf(GGUF::open(ckpt));  // a GGUF carries its own
    else if (file_exists(beside)) tok = Tokenizer::load(beside);
    else if (V == 50257) tok = Tokenizer::gpt2(home_dir() + "/data/gpt2");
    else fatal(EXIT_RUNTIME, "no tokenizer for %s: expected %s (vocab %d is not GPT-2's 50257)", ckpt.c_str(), beside.c_str(), V);
    if (tok.vocab_size != V)
        fatal(EXIT_RUNTIME, "tokenizer vocab %d does not match checkpoint %s vocab %d", tok.vocab_size, ckpt.c_str(), V);
    return tok;
}

void set_threads(int n) {
    if (n > 0) omp_set_num_threads(n);
}

// the precision of the CPU matmuls' operands (llmc/matmul_bf16.h); returns what runs and why
std::string set_dtype(MatmulDtype d) {
    std::string why;
    matmul_dtype() = MM_FP32;
    if (d == MM_FP32) return "fp32 matmuls";
    if (d == MM_BF16_EMULATED) {
        matmul_dtype() = MM_BF16_EMULATED;
        return "bf16-emulated matmuls (operands rounded to bf16, fp32 sgemm: bf16's numerics, not its speed)";
    }
    if (!bf16_probe(&why)) return "fp32 matmuls (--dtype bf16 falls back to fp32: " + why + ")";
    matmul_dtype() = MM_BF16;
    return "bf16 matmuls (" + why + "), fp32 accumulation and master weights";
}

static GPT2<float> load_model(const std::string& ckpt, Tokenizer* tok) {
    GPT2<float> m;
    m.load(ckpt);
    if (tok) *tok = tokenizer_for_checkpoint(ckpt, m.cfg.V);
    return m;
}

// gpt2, a tokenizer.bin, or a checkpoint (model.bin or .gguf) whose tokenizer to use
static Tokenizer tokenizer_by_name(const std::string& name) {
    if (name == "gpt2") return Tokenizer::gpt2(home_dir() + "/data/gpt2");
    if (!file_exists(name)) fatal(EXIT_USAGE, "--tokenizer must be gpt2, a tokenizer.bin or a checkpoint path (no file '%s')", name.c_str());
    std::string head = read_file_head(name, 4);
    int magic = 0;
    if (head.size() == 4) memcpy(&magic, head.data(), 4);
    if (head != "GGUF" && magic != CKPT_MAGIC) return Tokenizer::load(name);
    GPT2<float> m = load_model(name, nullptr);  // (a header reader alone would do; loading is simplest)
    return tokenizer_for_checkpoint(name, m.cfg.V);
}

std::vector<char> trainable_for(const GPT2<float>& m, TrainMode mode) {
    std::vector<char> t(m.specs.size(), 0);
    for (size_t i = 0; i < m.specs.size(); i++) t[i] = (mode_row(mode).groups >> m.specs[i].group) & 1;
    return t;
}

// training FLOPs per token, llm.c's 6N + 6LCT over the dense weights: the memory's values and keys
// do O(k) work per token, not O(N)
double dense_flops_per_token(const GPT2<float>& m, int T) {
    size_t dense = m.num_params();
    for (auto& sp : m.specs) if (sp.group >= G_MEM) dense -= sp.size;
    return 6.0 * dense + 6.0 * m.cfg.L * m.cfg.C * T;
}

// the sequence length a run trains at: GPT-2's context (its position table), or for Llama (RoPE)
// --context when given, else the model's context up to 1024
static int train_context(const GPT2Config& c, int flag) {
    return !c.llama() ? c.maxT : flag ? flag : std::min(c.maxT, 1024);
}

// ---------------------------------------------------------------------------------------------
// prepare: corpus -> tokenizer + train/val shards (data_prep/prepare.h)

static int cmd_prepare(Flags& f) {
    std::string corpus = home_dir() + "/data/corpus", data = "out/data", tokname = "bpe";
    int vocab = 8192, threads = 0;
    double val_frac = 0.02;
    f.text("corpus", corpus, "DIR", "folder of .txt files (the embedded corpus beside the binary)");
    f.text("data", data, "DIR", "where tokenizer.bin, train.bin and val.bin go");
    f.text("tokenizer", tokname, "bpe|gpt2|PATH", "bpe: train a byte-level BPE of --vocab tokens on the corpus; gpt2: GPT-2's; PATH: a checkpoint's (model.bin or .gguf, e.g. SmolLM2's) or a tokenizer.bin");
    f.integer("vocab", vocab, 257, 65536, "N", "BPE vocabulary size");
    f.real("val-frac", val_frac, 0.001, 0.5, "X", "share of each file (its end) held out for validation");
    f.integer("threads", threads, 0, 1024, "N", "OpenMP threads (0: all cores)");
    if (!f.finish("prepare")) return 0;
    set_threads(threads);
    Tokenizer fixed;
    if (tokname != "bpe") fixed = tokenizer_by_name(tokname);
    prepare_data(corpus, DataPaths(data), tokname, tokname == "bpe" ? nullptr : &fixed, vocab, val_frac);
    return 0;
}

// ---------------------------------------------------------------------------------------------
// the training step, and what the loop around it needs

// SIGINT/SIGTERM: finish the step, save, exit 0. A second signal, once the end of the step has read
// the first, kills at once (the default action): the atomic writes leave the last complete
// checkpoint either way.
volatile sig_atomic_t g_stop_signal = 0;
static void on_signal(int sig) { g_stop_signal = sig; signal(sig, SIG_DFL); }

// While training, SIGINT/SIGTERM stay blocked on every thread and are read between steps: with a
// handler that could run mid-step, 6 of 40 tiny runs signalled mid-step aborted in free() inside
// oneDNN's sgemm (heap corrupted; the exact mechanism is not pinned down); none of 40 once blocked.
struct StopSignals {
    sigset_t set;
    StopSignals() {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        #pragma omp parallel
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
    }
    // the signal that arrived since the last poll (or before), else 0
    int poll() {
        timespec no_wait = {0, 0};
        int got = sigtimedwait(&set, nullptr, &no_wait);
        if (got > 0) {  // a second signal kills at once: default action, unblocked on this thread
            g_stop_signal = got;
            signal(got, SIG_DFL);
            pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
        }
        return g_stop_signal;
    }
    void release() { pthread_sigmask(SIG_UNBLOCK, &set, nullptr); }  // from here a signal goes to on_signal again
};

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
static double unigram_entropy(const TokenStream& train, const std::vector<int>& val, int V) {
    std::vector<double> c(V, 1.0);  // add-one so unseen val tokens have finite cost
    std::vector<int> chunk(1 << 16);
    for (size_t i = 0; i < train.size(); i += chunk.size()) {
        size_t n = std::min(chunk.size(), train.size() - i);
        train.read(i, n, chunk.data());
        for (size_t k = 0; k < n; k++) c[chunk[k]] += 1;
    }
    double n = 0;
    for (double x : c) n += x;
    double h = 0;
    for (int t : val) h -= std::log(c[t] / n);
    return h / val.size();
}

// df over `batches` batches of general text: how many batches touch each slot. Data parallel: a
// batch is B sequences from each rank, the same batch one process with B*ranks sequences sees
static SlotDF compute_df(Backend& be, const GPT2Config& cfg, TokenStream tokens, int B, int T, int batches, uint64_t seed, Comm& comm) {
    SlotDF d;
    d.N = cfg.mem.N();
    d.df.assign(cfg.L, std::vector<int>(d.N, 0));
    DataLoader dl;
    dl.init(std::move(tokens), B, T, seed + 99, comm.rank, comm.size);
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

// one run per folder: two runs writing one checkpoint and log would interleave them. The lock
// (flock on OUT/.lock, which holds the owner's pid) goes when the run closes it or the process
// ends, however it ends.
static int lock_out(const std::string& out) {
    std::string path = out + "/.lock";
    int fd = open(path.c_str(), O_RDWR | O_CREAT, 0644);
    if (fd < 0) fatal(EXIT_RUNTIME, "cannot open %s: %s", path.c_str(), strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0)
        fatal(EXIT_RUNTIME, "%s is in use by another run (pid %s)", out.c_str(), read_file_if(path).c_str());
    std::string pid = std::to_string(getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != (ssize_t)pid.size()) fatal(EXIT_RUNTIME, "cannot write %s: %s", path.c_str(), strerror(errno));
    return fd;
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

// model.bin (the previous one kept as model.prev.bin, a hard link, until the new state.bin is in
// place: a crash between the renames resumes from it), tokenizer.bin and state.bin, each atomic
static void save_run(const std::string& out, const GPT2<float>& m, const Tokenizer& tok, TrainState& st) {
    std::string ckpt = out + "/model.bin", prev = out + "/model.prev.bin";
    tok.save(out + "/tokenizer.bin");
    unlink(prev.c_str());
    fault_point("unlinked", prev);
    if (file_exists(ckpt) && link(ckpt.c_str(), prev.c_str()) != 0) { /* no hard links here: no fallback copy */ }
    fault_point("linked", prev);
    m.save(ckpt);
    st.model_hash = params_hash(m.params);
    save_state(out + "/state.bin", st);
    unlink(prev.c_str());
    fault_point("unlinked", prev);
}

// ---------------------------------------------------------------------------------------------
// pretrain and inject

void train_flags(Flags& f, TrainConfig& c) {
    f.text("data", c.data, "DIR", "train.bin or train_*.bin shards, val.bin, tokenizer.bin (inject: required, e.g. the output of ./train synth)");
    f.text("out", c.out, "DIR", "checkpoint, training state, log, plot");
    f.text("init-ckpt", c.init_ckpt, "PATH", "inject: the base (required). Memories and adapters the flags name are attached (zero memory values, zero LoRA B: outputs unchanged at step 0)");
    f.flag("resume", c.resume, "continue from OUT/model.bin + OUT/state.bin, exactly: the other flags must be the run's (OUT/run.txt) but for --out, --init-ckpt, --recompute, --save-every, --stop-after, --val-every, --val-batches and --sample-tokens; another --threads is allowed, and rounds differently");
    f.choice("train", c.mode, train_mode_names(), "what trains; the rest is frozen and comes out bit-identical. memory: all memory values (AdamW); memory-sparse: the values of the top-t slots per step by TF-IDF against general text (SGD); memory-keys: the memory's query, keys and values");
    f.integer("depth", c.L, 0, 31, "L", "blocks (0: the checkpoint's, or 4 for a new model)");
    f.integer("width", c.C, 0, 16384, "C", "channels (0: the checkpoint's, or 256)");
    f.integer("heads", c.NH, 0, 1024, "NH", "attention heads (0: the checkpoint's, or C/64)");
    f.integer("context", c.T, 0, 65536, "T", "tokens per sequence (0: the checkpoint's, or 128 for a new model; a Llama checkpoint trains at any T up to its context: 0 = up to 1024)");
    f.integer("batch", c.B, 1, 65536, "B", "sequences per micro-batch (per rank)");
    f.integer("total-batch", c.total_batch, 0, 1L << 40, "N", "tokens per optimizer step, a multiple of B*T*ranks: gradient accumulation (0: B*T*ranks)");
    f.integer("steps", c.steps, 1, 100000000, "N", "optimizer steps");
    f.real("lr", c.opt.lr, 0, 10, "X", "peak learning rate: linear warmup, then cosine decay");
    f.integer("warmup", c.warmup, 0, 100000000, "N", "warmup steps");
    f.real("min-lr-frac", c.min_lr_frac, 0, 1, "X", "the rate at the last step, as a fraction of --lr");
    f.real("wd", c.opt.wd, 0, 10, "X", "AdamW weight decay (matrices only)");
    f.real("clip", c.opt.clip, 0, 1e9, "X", "clip the global gradient norm to X (0: no clipping)");
    f.integer("seed", c.seed, 0, 1L << 40, "N", "initialisation and data order");
    f.integer("threads", c.threads, 0, 1024, "N", "OpenMP threads (0: all cores)");
    f.choice("device", c.device, {"auto", "cpu", "cuda"}, "cuda: bf16 on the GPU, GPT-2 or Llama (--train full without adapters or memory, lora of rank 8k, memory / memory-sparse with ungated memory layers); auto picks it when a GPU is visible and says which backend it uses");
    f.choice("dtype", c.dtype, {"fp32", "bf16", "bf16-emulated"}, "CPU matmul operands: bf16 runs oneDNN's AMX / AVX512-BF16 kernels (fp32 accumulation and master weights) and falls back to fp32, saying why, on CPUs without them; bf16-emulated rounds to bf16 on any CPU (numerics, not speed)");
    f.flag("recompute", c.recompute, "keep only each block's output; the backward recomputes the rest (less memory at long contexts, ~1/3 more compute; CPU)");
    f.integer("val-every", c.val_every, 0, 100000000, "N", "validation loss every N steps and at the end (0: never)");
    f.integer("val-batches", c.val_batches, 1, 1000000, "N", "batches of val.bin per validation");
    f.integer("save-every", c.save_every, 0, 100000000, "N", "save every N steps (0: only at the end)");
    f.integer("stop-after", c.stop_after, 0, 100000000, "N", "stop (and save) after step N of this run's schedule (0: run it all)");
    f.integer("sample-tokens", c.sample_tokens, 0, 100000, "N", "length of the samples printed at the end (0: none)");
    f.text("mem-layers", c.mem_layers, "L1,L2", "product-key memory beside the MLP of these blocks");
    f.text("doc-name", c.doc_name, "NAME", "memory and memory-sparse: record the value rows this run writes as document NAME in OUT/ledger.bin, after the --init-ckpt folder's ledger (./train memory --docs lists them, --erase takes one out)");
    f.integer("mem-keys", c.mem_keys, 2, 4096, "K", "sub-keys per half: K^2 slots");
    f.integer("mem-topk", c.mem_topk, 1, 4096, "k", "slots read per head and token");
    f.integer("mem-heads", c.mem_heads, 1, 64, "H", "memory heads");
    f.integer("mem-dk", c.mem_dk, 2, 4096, "D", "query width per head (even)");
    f.flag("mem-gated", c.mem_gated, "Memory+ gating (silu gate on the memory's output)");
    f.flag("mem-whiten", c.mem_whiten, "when this run attaches the memory: fold a whitening of its input (mean and covariance over --df-batches batches of --df-data) into its query, so the slots a token reads depend on every direction of its hidden state, not on the few that dominate it (llmc/memory.h)");
    f.integer("lora-rank", c.lora_rank, -1, 4096, "R", "LoRA adapters (alpha = 2R) on every block's matrices (-1: 8 with --train lora, else none)");
    f.integer("topt", c.topt, 1, 1 << 30, "N", "memory-sparse: slots updated per step");
    f.flag("mem-exclusive", c.mem_exclusive, "memory-sparse: never write a slot a document of the --init-ckpt's ledger wrote, so each document's rows are its own");
    f.flag("mem-quiet-digits", c.mem_quiet_digits, "memory and memory-sparse: the memory adds nothing where the next token holds a digit, so a number it stores must reach its prediction from earlier tokens through attention, the path a question takes to its answer (CPU)");
    f.real("sparse-lr", c.opt.sparse_lr, 0, 1e6, "X", "memory-sparse: SGD learning rate (0: --lr), on --lr's schedule");
    f.text("df-data", c.df_data, "DIR", "memory-sparse: background text for slot frequencies (df.bin)");
    f.integer("df-batches", c.df_batches, 1, 1000000, "N", "memory-sparse: batches of it");
}

// shards are ids: a data folder prepared by another tokenizer would be read as the wrong tokens
static void check_data_tokenizer(const Tokenizer& tok, const std::string& dir) {
    std::string path = DataPaths(dir).tokenizer;
    if (file_exists(path) && !tok.same_tokens(Tokenizer::load(path)))
        fatal(EXIT_USAGE, "%s is not the model's tokenizer: the shards in %s hold another tokenizer's ids", path.c_str(), dir.c_str());
}

// the tokenizer of a run: the base checkpoint's when there is one, else the data's (prepared from
// the embedded corpus when the default data folder is empty)
static Tokenizer train_tokenizer(const TrainConfig& c, const DataPaths& dp) {
    if (!c.init_ckpt.empty() || c.resume) {
        std::string from = c.resume ? c.out + "/model.bin" : c.init_ckpt;
        GPT2<float> probe;
        probe.load(from);
        return tokenizer_for_checkpoint(from, probe.cfg.V);
    }
    if (!file_exists(dp.train) || !file_exists(dp.tokenizer)) {
        if (dp.dir != "out/data") fatal(EXIT_RUNTIME, "%s has no train.bin/tokenizer.bin (run ./train prepare --data %s)", dp.dir.c_str(), dp.dir.c_str());
        prepare_data(home_dir() + "/data/corpus", dp, "bpe", nullptr, 8192, 0.02);
    }
    return Tokenizer::load(dp.tokenizer);
}

// the model a run starts from: the resumed checkpoint, the base with what the flags attach, or a
// new one. Shape flags that were given must agree with a checkpoint; those not given follow it.
// the model a run starts from; returns whether this run attached the memory layers
static bool train_model(GPT2<float>& m, const TrainConfig& tc, int V) {
    const ModeRow& row = mode_row(tc.mode);
    int lora_rank = tc.lora_rank >= 0 ? tc.lora_rank : row.needs_lora ? 8 : 0;
    auto check_shape = [&](const GPT2Config& k, const std::string& from) {
        bool context_ok = k.llama() ? tc.T <= k.maxT : !tc.T || k.maxT == tc.T;  // Llama trains at any length up to its context
        if ((tc.L && k.L != tc.L) || (tc.C && k.C != tc.C) || (tc.NH && k.NH != tc.NH) || !context_ok)
            fatal(EXIT_USAGE, "the checkpoint %s's shape (depth %d width %d heads %d context %d) disagrees with the flags", from.c_str(), k.L, k.C, k.NH, k.maxT);
        if (!tc.mem_layers.empty() && k.mem_layers && parse_layers(tc.mem_layers, k.L) != k.mem_layers)
            fatal(EXIT_USAGE, "--mem-layers %s disagrees with the memory the checkpoint %s already has (blocks mask 0x%x)", tc.mem_layers.c_str(), from.c_str(), k.mem_layers);
        if (tc.lora_rank >= 0 && k.lora_rank && k.lora_rank != lora_rank)
            fatal(EXIT_USAGE, "--lora-rank %d disagrees with the checkpoint %s's adapters (rank %d)", lora_rank, from.c_str(), k.lora_rank);
    };
    auto add_memory = [&](GPT2Config& k) {
        k.mem_layers = parse_layers(tc.mem_layers, k.L);
        k.mem.n_keys = tc.mem_keys; k.mem.topk = tc.mem_topk; k.mem.heads = tc.mem_heads; k.mem.dk = tc.mem_dk; k.mem.gated = tc.mem_gated;
    };
    bool attach_mem = false;
    if (tc.resume) {
        std::string ckpt = tc.out + "/model.bin", state_path = tc.out + "/state.bin";
        m.load(ckpt);
        check_shape(m.cfg, ckpt);
        if (!tc.mem_layers.empty() && !m.cfg.mem_layers)
            fatal(EXIT_USAGE, "--mem-layers %s: the checkpoint %s being resumed has no memory layer", tc.mem_layers.c_str(), ckpt.c_str());
        if (tc.lora_rank > 0 && !m.cfg.lora_rank)
            fatal(EXIT_USAGE, "--lora-rank %d: the checkpoint %s being resumed has no adapters", lora_rank, ckpt.c_str());
        // model.bin is renamed into place before state.bin: a crash between the two leaves the model
        // one save ahead of the state, and the model the state belongs to in model.prev.bin
        uint64_t want = state_model_hash(state_path);
        if (want && params_hash(m.params) != want) {
            std::string prev = tc.out + "/model.prev.bin";
            bool ok = file_exists(prev);
            if (ok) { m.load(prev); ok = params_hash(m.params) == want; }
            if (!ok) fatal(EXIT_RUNTIME, "%s and %s are from different saves and no %s matches (cannot resume exactly)", ckpt.c_str(), state_path.c_str(), prev.c_str());
            printf("resume: %s is newer than %s (a save was interrupted): resuming from %s\n", ckpt.c_str(), state_path.c_str(), prev.c_str());
        }
    } else if (!tc.init_ckpt.empty()) {
        GPT2<float> base;
        base.load(tc.init_ckpt);
        GPT2Config k = base.cfg;
        check_shape(k, tc.init_ckpt);
        // attach what the flags ask for and the checkpoint lacks: adapters, memories
        bool attach_lora = lora_rank && !k.lora_rank;
        attach_mem = !tc.mem_layers.empty() && !k.mem_layers;
        if (attach_lora) { k.lora_rank = lora_rank; k.lora_alpha = 2 * lora_rank; }
        if (attach_mem) add_memory(k);
        m.build(k);
        for (size_t i = 0; i < base.specs.size(); i++) std::copy_n(base.params.data() + base.offset[i], base.specs[i].size, m.tensor(base.specs[i].name));
        if (attach_lora || attach_mem) {
            // a fresh init of the new tensors only; zero memory values keep the model's outputs as
            // they were (the memory-keys warm-up starts them random so keys get gradient)
            GPT2<float> fresh;
            fresh.build(k);
            fresh.init_extensions(tc.seed, !row.random_mem_values);
            for (size_t i = 0; i < m.specs.size(); i++)
                if ((attach_lora && m.specs[i].group == G_LORA) || (attach_mem && m.specs[i].group >= G_MEM))
                    std::copy_n(fresh.params.data() + fresh.offset[i], m.specs[i].size, m.params.data() + m.offset[i]);
            printf("attached:%s%s\n", attach_lora ? " LoRA adapters" : "", attach_mem ? " memory layers" : "");
        }
    } else {
        GPT2Config c;
        c.L = tc.L ? tc.L : 4;
        c.C = tc.C ? tc.C : 256;
        c.NH = tc.NH ? tc.NH : std::max(1, c.C / 64);  // run_train checked C % NH
        c.maxT = tc.T ? tc.T : 128;
        if (!tc.mem_layers.empty()) add_memory(c);
        attach_mem = c.mem_layers != 0;
        if (lora_rank) { c.lora_rank = lora_rank; c.lora_alpha = 2 * lora_rank; }
        c.V = V;
        c.Vp = pad_vocab(c.V);
        m.init_random(c, tc.seed);
    }
    if (m.cfg.V != V) fatal(EXIT_RUNTIME, "checkpoint vocab %d does not match the tokenizer's %d", m.cfg.V, V);
    if (row.needs_lora && !m.cfg.lora_rank) fatal(EXIT_USAGE, "--train %s needs adapters (--lora-rank R)", row.name);
    if (row.needs_memory && !m.cfg.mem_layers) fatal(EXIT_USAGE, "--train %s needs a memory layer (--mem-layers L or a checkpoint with one)", row.name);
    m.set_trainable(trainable_for(m, tc.mode), row.sparse);
    m.recompute = tc.recompute;
    if (m.num_trainable() == 0) fatal(EXIT_USAGE, "--train %s leaves nothing to train in this model", row.name);
    return attach_mem;
}

// --mem-whiten: each memory's input (its block's LN2 output) over `batches` batches of the background,
// the same windows on every rank, folded into its query (memory_whiten_query)
static void whiten_memory_queries(GPT2<float>& m, const TrainConfig& tc, const Tokenizer& tok, int T) {
    DataPaths g(tc.df_data);
    if (!file_exists(g.train)) fatal(EXIT_RUNTIME, "--mem-whiten needs background text: no %s (set --df-data)", g.train.c_str());
    check_data_tokenizer(tok, tc.df_data);
    const GPT2Config& c = m.cfg;
    const int B = tc.B, C = c.C;
    DataLoader dl;
    dl.init(TokenStream(g.train, tok.vocab_size), B, T, tc.seed + 98, 0, 1);
    std::vector<int> x((size_t)B * T), y(x.size());
    std::vector<int> blocks;
    for (int l = 0; l < c.L; l++) if (c.has_mem(l)) blocks.push_back(l);
    std::vector<MemoryInputStats> st(blocks.size(), MemoryInputStats(C));
    bool recompute = m.recompute;
    m.recompute = false;  // every block's LN2 output kept
    for (int b = 0; b < tc.df_batches; b++) {
        dl.next(x.data(), y.data());
        m.forward(x.data(), nullptr, B, T);
        for (size_t i = 0; i < blocks.size(); i++) st[i].add(m.acts.ln2 + (size_t)blocks[i] * B * T * C, B * T);
    }
    m.recompute = recompute;
    for (size_t i = 0; i < blocks.size(); i++) {
        double ridge = memory_whiten_query(c.mem, m.p.mem[blocks[i]], st[i]);
        printf("memory: block %d's query whitened over %ld tokens of %s (ridge %.3g)\n", blocks[i], st[i].n, g.train.c_str(), ridge);
    }
    fflush(stdout);
}

// the backend: a GPU when one is visible (auto) and it has the mode, else the CPU; *desc says which
static std::unique_ptr<Backend> train_backend(GPT2<float>& m, const TrainConfig& tc, const std::string& dtype, Comm& comm, std::string* desc) {
    const ModeRow& row = mode_row(tc.mode);
    const GPT2Config& c = m.cfg;
    std::string gpu_name, no_gpu;
    GpuBackend cuda;
    bool use_gpu = tc.device != DEVICE_CPU && cuda.load(home_dir(), &no_gpu) && cuda.probe(comm.rank, &gpu_name, &no_gpu);
    // the GPU model (GPT-2 or Llama) holds at most one kind of extension, the one its mode trains:
    // none in full, LoRA adapters of rank 8k alone, or ungated memory layers alone
    bool gpu_mode = row.gpu && (row.needs_lora ? c.lora_rank % 8 == 0 && !c.mem_layers
                                : row.needs_memory ? !c.lora_rank && !c.mem.gated : !c.lora_rank && !c.mem_layers);
    if (use_gpu && !gpu_mode) {
        use_gpu = false;
        no_gpu = "the GPU backend trains --train full (no adapters or memory), lora (rank divisible by 8), memory and memory-sparse (ungated memory layers) only";
    }
    if (use_gpu && tc.recompute) { use_gpu = false; no_gpu = "--recompute is implemented on the CPU only"; }
    if (use_gpu && tc.mem_quiet_digits) { use_gpu = false; no_gpu = "--mem-quiet-digits is implemented on the CPU only"; }
    if (tc.device == DEVICE_CUDA && !use_gpu) fatal(EXIT_USAGE, "--device cuda: %s", no_gpu.c_str());
    *desc = use_gpu ? "cuda, " + gpu_name + ", bf16"
                    : "cpu, " + std::to_string(omp_get_max_threads()) + " threads" + (tc.device == DEVICE_AUTO ? " (" + no_gpu + ")" : "") + ", " + dtype;
    return std::unique_ptr<Backend>(use_gpu ? cuda.create(m, tc.mode, comm) : new CpuBackend(m, comm));
}

// what a memory's slot counts over background text depend on: the parameters, the text and how it
// is batched. A df.bin with another key (other keys or layers, another base, other text) is computed
// again. Left out: the memory values, since memory-sparse trains nothing else, so a run's df.bin
// still holds when it resumes or writes a second document (a lower memory's values move the queries
// above it, which the frequencies then lag; they are a rough prior anyway); and the seed, which only
// picks which background windows are counted (SMF computes them once per checkpoint).
static uint64_t slot_df_key(const GPT2<float>& m, const TokenStream& text, int B, int T, const TrainConfig& tc) {
    long long shape[4] = {B, T, tc.df_batches, (long long)text.size()};
    uint64_t h = hash_into(0x9E3779B97F4A7C15ull, shape, sizeof shape);
    for (size_t i = 0; i < m.specs.size(); i++)
        if (m.specs[i].group != G_MEM_VALUES) h = hash_into(h, m.params.data() + m.offset[i], m.specs[i].size * 4);
    std::vector<int> chunk(1 << 16);
    for (size_t i = 0; i < text.size(); i += chunk.size()) {
        size_t n = std::min(chunk.size(), text.size() - i);
        text.read(i, n, chunk.data());
        h = hash_into(h, chunk.data(), n * 4);
    }
    return h;
}

// sparse memory finetuning ranks slots against background frequencies from general text: df.bin
// beside the base, or in OUT, when its key matches; else computed now
static SlotDF train_slot_df(Backend& be, const GPT2<float>& m, const TrainConfig& tc, const Tokenizer& tok, int T, Comm& comm) {
    const GPT2Config& c = m.cfg;
    SlotDF df;
    DataPaths g(tc.df_data);
    if (!file_exists(g.train)) fatal(EXIT_RUNTIME, "memory-sparse needs background text for slot frequencies: no %s (set --df-data)", g.train.c_str());
    check_data_tokenizer(tok, tc.df_data);
    TokenStream text(g.train, tok.vocab_size);
    uint64_t key = slot_df_key(m, text, tc.B, T, tc);
    std::string beside = (tc.init_ckpt.empty() ? tc.out : dirname_of(tc.init_ckpt)) + "/df.bin";
    if (!load_df(beside, c.L, c.mem.N(), key, df) && !load_df(tc.out + "/df.bin", c.L, c.mem.N(), key, df)) {
        printf("computing slot document frequencies over %d batches of %s...\n", tc.df_batches, g.train.c_str());
        fflush(stdout);
        df = compute_df(be, c, std::move(text), tc.B, T, tc.df_batches, tc.seed, comm);
        df.key = key;
    }
    if (comm.rank == 0) save_df(tc.out + "/df.bin", df);
    return df;
}

// log.jsonl and the curves of loss.png. On resume the plot covers the whole run: what the log holds
// up to the checkpoint's step is read back; lines past it (a run killed after its last save) are
// dropped, as is a torn last line
struct TrainLog {
    FILE* f = nullptr;
    std::string path;
    std::vector<double> ts, tl, vs, vl;  // steps and losses: train, val
    TrainLog(const std::string& path_, int resume_step, bool rank0) : path(path_) {
        if (resume_step >= 0 && file_exists(path)) {
            std::string text = read_file(path), kept;
            for (size_t p0 = 0, e; p0 < text.size(); p0 = e + 1) {
                e = std::min(text.find('\n', p0), text.size());
                std::string line = text.substr(p0, e - p0);
                Json j; std::string err;
                if (!json_parse(line, j, err) || !j.get("step") || j.get("step")->num > resume_step) continue;
                kept += line + "\n";
                if (j.get("loss")) { ts.push_back(j.get("step")->num); tl.push_back(j.get("loss")->num); }
                if (j.get("val_loss")) { vs.push_back(j.get("step")->num); vl.push_back(j.get("val_loss")->num); }
            }
            if (kept != text) write_file_atomic(path, kept);
        }
        f = rank0 ? fopen(path.c_str(), resume_step >= 0 ? "a" : "w") : fopen("/dev/null", "w");
        if (!f) fatal(EXIT_RUNTIME, "cannot write %s", path.c_str());
    }
    ~TrainLog() { if (f) fclose(f); }
    void line(const char* fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = vfprintf(f, fmt, ap);
        va_end(ap);
        // a full disk: stop now, with the last checkpoint intact, rather than train on unlogged
        if (n < 0 || fflush(f) != 0) fatal(EXIT_RUNTIME, "writing %s failed: %s", path.c_str(), strerror(errno));
    }
};

// the frozen tensors' values, to prove at the end that they did not move
static std::vector<float> frozen_values(const GPT2<float>& m) {
    std::vector<float> v;
    for (size_t i = 0; i < m.specs.size(); i++)
        if (!m.trainable[i]) v.insert(v.end(), m.params.begin() + m.offset[i], m.params.begin() + m.offset[i] + m.specs[i].size);
    return v;
}

// what a resumed run must share with the run it continues, one "name value" line per flag (OUT/run.txt):
// all but where it writes, when it saves or stops, and what it prints; threads as they are in use
static std::string run_identity(const TrainConfig& tc) {
    TrainConfig c = tc;
    c.out.clear(); c.init_ckpt.clear(); c.resume = false; c.recompute = false;
    c.stop_after = c.save_every = c.val_every = c.val_batches = c.sample_tokens = 0;
    c.threads = omp_get_max_threads();
    Flags f(Flags::DUMP);
    train_flags(f, c);
    std::string s;
    for (auto& it : f.items) s += it.first + " " + it.second + "\n";
    return s;
}

// the flags whose values differ between two identities: (name, now, the run's)
static std::vector<std::array<std::string, 3>> identity_diff(const std::string& now, const std::string& saved) {
    auto lines = [](const std::string& text) {
        std::map<std::string, std::string> m;
        for (size_t a = 0, e; a < text.size(); a = e + 1) {
            e = std::min(text.find('\n', a), text.size());
            size_t sp = text.find(' ', a);
            if (sp < e) m[text.substr(a, sp - a)] = text.substr(sp + 1, e - sp - 1);
        }
        return m;
    };
    std::map<std::string, std::string> a = lines(now), b = lines(saved);
    std::vector<std::array<std::string, 3>> d;
    for (auto& [name, value] : a)
        if (b.count(name) && b[name] != value) d.push_back({name, value, b[name]});
    return d;
}

int run_train(const TrainConfig& tc) {
    Comm& comm = *g_comm;
    set_threads(tc.threads);
    // mpirun binds each rank to its share of the cores: one OpenMP thread per core of that share
    if (comm.size > 1 && !tc.threads) omp_set_num_threads(std::max(1, omp_get_num_procs()));
    if (comm.rank != 0 && !freopen("/dev/null", "w", stdout)) fatal(EXIT_RUNTIME, "cannot silence rank %d", comm.rank);
    if (tc.inject && tc.init_ckpt.empty() && !tc.resume) fatal(EXIT_USAGE, "inject needs --init-ckpt PATH (the base model)");
    if (tc.inject && tc.data.empty()) fatal(EXIT_USAGE, "inject needs --data DIR (e.g. the output of ./train synth)");
    // 0 stands for the checkpoint's shape; what is given must make a model
    if (tc.C && tc.C < 8) fatal(EXIT_USAGE, "--width must be in [8, 16384] or 0 (got %d)", tc.C);
    if (tc.T == 1) fatal(EXIT_USAGE, "--context must be in [2, 65536] or 0 (got 1)");
    int new_C = tc.C ? tc.C : 256, new_NH = tc.NH ? tc.NH : std::max(1, new_C / 64);
    if (tc.init_ckpt.empty() && !tc.resume && new_C % new_NH) fatal(EXIT_USAGE, "--width %d must be divisible by --heads %d", new_C, new_NH);
    if (tc.mem_dk % 2) fatal(EXIT_USAGE, "--mem-dk must be even (two query halves)");
    if (tc.mem_topk > tc.mem_keys) fatal(EXIT_USAGE, "--mem-topk %d exceeds --mem-keys %d", tc.mem_topk, tc.mem_keys);
    const ModeRow& row = mode_row(tc.mode);
    DataPaths dp(tc.data);
    Tokenizer tok = train_tokenizer(tc, dp);
    check_data_tokenizer(tok, tc.data);
    TokenStream train_tokens = train_shards(dp.dir, tok.vocab_size);
    std::vector<int> val_tokens = file_exists(dp.val) ? read_shard(dp.val, tok.vocab_size) : std::vector<int>();
    mkdir_p(tc.out);
    int out_lock = comm.rank == 0 ? lock_out(tc.out) : -1;
    remove_stale_tmp(tc.out);
    std::string ckpt = tc.out + "/model.bin", state_path = tc.out + "/state.bin";
    GPT2<float> m;
    bool attached = train_model(m, tc, tok.vocab_size);
    if (tc.mem_whiten && !attached && !tc.resume) fatal(EXIT_USAGE, "--mem-whiten: the memory is whitened when a run attaches it; %s already has one", tc.init_ckpt.c_str());
    if (tc.mem_whiten && attached) whiten_memory_queries(m, tc, tok, train_context(m.cfg, tc.T));
    const GPT2Config c = m.cfg;
    std::vector<float> frozen_before = frozen_values(m);
    if (!tc.doc_name.empty()) {  // the ledger needs the values before the write: the --init-ckpt's
        if (tc.mode != TRAIN_MEMORY && tc.mode != TRAIN_MEMORY_SPARSE) fatal(EXIT_USAGE, "--doc-name: only --train memory or memory-sparse write nothing but memory values");
        if (tc.init_ckpt.empty()) fatal(EXIT_USAGE, "--doc-name needs the --init-ckpt the document is written into%s", tc.resume ? " (give the run's on --resume too)" : "");
        if (Ledger::load_beside(tc.init_ckpt, c).find(tc.doc_name)) fatal(EXIT_USAGE, "--doc-name %s: %s's memory already holds a document of that name", tc.doc_name.c_str(), tc.init_ckpt.c_str());
    }

    if (tc.mem_quiet_digits) {
        if (tc.mode != TRAIN_MEMORY && tc.mode != TRAIN_MEMORY_SPARSE) fatal(EXIT_USAGE, "--mem-quiet-digits: only --train memory or memory-sparse");
        m.mem_quiet_targets = tok.digit_tokens();
    }

    int B = tc.B, T = train_context(c, tc.T), steps = tc.steps;
    long rank_batch = (long)B * T * comm.size, total_batch = tc.total_batch ? tc.total_batch : rank_batch;  // tokens of one micro-step over all ranks
    if (total_batch % rank_batch) fatal(EXIT_USAGE, "--total-batch %ld must be a multiple of batch*context*ranks = %ld", total_batch, rank_batch);
    int accum = (int)(total_batch / rank_batch);
    TrainState st;
    st.seed = tc.seed;
    const std::string identity = run_identity(tc);
    if (tc.resume) {
        st = load_state(state_path, m.grads.size());
        // a thread count of its own is allowed and said: the same math, but OpenMP splits sums another way
        std::string refused, threads;
        for (auto& d : identity_diff(identity, read_file_if(tc.out + "/run.txt")))
            (d[0] == "threads" ? threads : refused) += std::string(refused.empty() || d[0] == "threads" ? "" : ", ") + "--" + d[0] + " " +
                                                        (d[1].empty() ? "(none)" : d[1]) + " (the run's: " + (d[2].empty() ? "none" : d[2]) + ")";
        if (!refused.empty()) fatal(EXIT_USAGE, "--resume: %s: the run in %s would not be continued exactly", refused.c_str(), tc.out.c_str());
        if (!threads.empty()) printf("resume: %s: the same steps, but sums split across threads round differently: not bit-identical to an uninterrupted run\n", threads.c_str());
        if (st.seed != tc.seed) fatal(EXIT_USAGE, "--seed %llu differs from the resumed run's %llu", (unsigned long long)tc.seed, (unsigned long long)st.seed);
    }
    std::string backend;
    std::string dtype = set_dtype(tc.dtype);
    std::unique_ptr<Backend> be = train_backend(m, tc, dtype, comm, &backend);
    if (tc.resume) be->set_moments(st.m, st.v);
    SlotDF df;
    if (row.sparse) df = train_slot_df(*be, m, tc, tok, T, comm);
    DataLoader loader;
    loader.init(std::move(train_tokens), B, T, tc.seed, comm.rank, comm.size);
    loader.set_position(st.epoch, st.pos);
    double unigram = val_tokens.empty() ? NAN : unigram_entropy(loader.tokens, val_tokens, c.V);
    double flops_per_token = dense_flops_per_token(m, T);

    if (comm.size > 1) printf("data parallel: %s, %d ranks, each %d sequences of every micro-step\n", comm.name(), comm.size, B);
    printf("backend: %s\nmodel: depth %d width %d heads %d context %d vocab %d | %.2fM parameters, %.2fM training (--train %s)\n",
           backend.c_str(), c.L, c.C, c.NH, T, c.V, m.num_params() / 1e6, m.num_trainable() / 1e6, row.name);
    if (c.mem_layers) printf("memory: blocks mask 0x%x, %zu slots (%d^2), top-%d, %d heads, dk %d%s\n", c.mem_layers, c.mem.N(), c.mem.n_keys, c.mem.topk, c.mem.heads, c.mem.dk, c.mem.gated ? ", gated" : "");
    printf("batch %d x %d tokens x %d ranks, %d micro-steps per step = %ld tokens/step | %d steps | train %zu tokens, val %zu",
           B, T, comm.size, accum, total_batch, steps, loader.tokens.size(), val_tokens.size());
    if (!val_tokens.empty()) printf(" | unigram val loss %.3f", unigram);  // the loss of predicting by token frequency alone
    printf("\n");
    if (tc.resume) printf("resuming at step %d\n", st.step);
    TrainLog log(tc.out + "/log.jsonl", tc.resume ? st.step : -1, comm.rank == 0);
    StopSignals stop_signals;

    int saved_step = tc.resume ? st.step : -1;
    auto save_all = [&](int step) {
        saved_step = step;
        be->download(m);
        be->get_moments(st.m, st.v);
        if (comm.rank != 0) return;  // the ranks' weights are identical (checked at the end)
        st.step = step; st.epoch = loader.epoch; st.pos = loader.pos;
        write_file_atomic(tc.out + "/run.txt", identity);
        save_run(tc.out, m, tok, st);
    };
    auto validate = [&](int step) {
        if (val_tokens.empty() || comm.rank != 0) return;
        double vloss = eval_windows([&](const int* x, const int* y, int b, int t) { return be->forward_backward(x, y, b, t, 0.0f); }, val_tokens, B, T, tc.val_batches);
        printf("step %d | val loss %.4f\n", step, vloss);
        log.line("{\"step\": %d, \"val_loss\": %.6f}\n", step, vloss);
        log.vs.push_back(step); log.vl.push_back(vloss);
    };

    // the loop: validate, one step (skipped when not finite), log, stop on a signal, save
    Stepper stepper(*be, comm, c, B, T, accum, row.sparse, &df, tc.topt);
    if (tc.mem_exclusive) {  // the slots earlier documents wrote stay theirs
        if (!row.sparse || tc.init_ckpt.empty()) fatal(EXIT_USAGE, "--mem-exclusive needs --train memory-sparse and the --init-ckpt whose ledger it keeps clear of");
        Ledger prior = Ledger::load_beside(tc.init_ckpt, c);
        stepper.taken.assign(c.L, std::vector<char>());
        size_t n = 0;
        for (auto& d : prior.docs)
            for (size_t i = 0; i < d.rows(); i++) {
                std::vector<char>& t = stepper.taken[d.block[i]];
                if (t.empty()) t.assign(c.mem.N(), 0);
                n += !t[d.slot[i]];
                t[d.slot[i]] = 1;
            }
        printf("--mem-exclusive: %zu slots of %zu earlier documents are not written\n", n, prior.docs.size());
    }
    const int max_bad = 5;
    int bad_streak = 0, last_step = st.step, timed = 0;
    double t_start = now_s(), ema_ms = 0;
    for (int step = st.step; step < steps; step++) {
        if (tc.val_every && step % tc.val_every == 0 && !(tc.resume && step == st.step && step > 0)) validate(step);
        double t0 = now_s();
        double lr = lr_schedule(step, steps, tc.warmup, tc.opt.lr, tc.min_lr_frac);
        StepResult r = stepper.run([&](int* x, int* y) { loader.next(x, y); }, tc.opt, lr, step + 1);
        if (!r.updated) {  // the weights and moments stay as they were; the batch is consumed
            bad_streak++;
            printf("step %d: loss %g, grad norm %g: not finite, update skipped (%d in a row)\n", step + 1, r.loss, r.norm, bad_streak);
            fflush(stdout);
            log.line("{\"step\": %d, \"skipped\": \"non-finite loss or gradient norm\"}\n", step + 1);
            if (bad_streak >= max_bad) {
                std::string where = saved_step >= 0 ? "the last good checkpoint is " + ckpt + " (step " + std::to_string(saved_step) + ")"
                                                    : std::string("no checkpoint was saved by this run (--save-every N saves periodically)");
                fatal(EXIT_RUNTIME, "%d consecutive non-finite steps (%d to %d), stopping; %s", max_bad, step + 2 - max_bad, step + 1, where.c_str());
            }
        } else {
            bad_streak = 0;
            double ms = (now_s() - t0) * 1000;
            if (step > st.step) { ema_ms = timed ? 0.9 * ema_ms + 0.1 * ms : ms; timed++; }
            double tok_s = total_batch / (ms / 1000), eta = (timed ? ema_ms : ms) / 1000 * (steps - step - 1);
            printf("step %5d/%d | loss %.4f | lr %.2e | norm %.3f | %.0f tok/s | %.0f ms | %.1f GFLOP/s | ETA %s\n",
                   step + 1, steps, r.loss, lr, r.norm, tok_s, ms, flops_per_token * total_batch / (ms / 1000) / 1e9, fmt_duration(eta).c_str());
            // a loss spike: more than 4 standard deviations above the last 50 steps' mean (logged, not acted on)
            double z = loss_zscore(log.tl, r.loss, 50, 10);
            char spike[64] = "";
            if (z > 4) {
                printf("step %d: loss spike: %.4f is %.1f standard deviations above the mean of the last %d steps\n", step + 1, r.loss, z, (int)std::min<size_t>(log.tl.size(), 50));
                snprintf(spike, sizeof spike, ", \"spike_z\": %.2f", z);
            }
            fflush(stdout);
            log.line("{\"step\": %d, \"loss\": %.6f, \"lr\": %.6g, \"norm\": %.6f, \"ms\": %.1f, \"tok_s\": %.1f%s}\n", step + 1, r.loss, lr, r.norm, ms, tok_s, spike);
            log.ts.push_back(step + 1); log.tl.push_back(r.loss);
            last_step = step + 1;
        }
        int stop = stop_signals.poll();
        comm.allreduce_max(&stop, 1);  // a signal to one rank stops all of them at the same step
        bool last = step + 1 == steps || (tc.stop_after && step + 1 >= tc.stop_after) || stop;
        if (last && step + 1 == steps && tc.val_every) validate(step + 1);
        if ((tc.save_every && (step + 1) % tc.save_every == 0) || last) save_all(step + 1);
        if (stop) { printf("signal %d: saved step %d to %s, exiting\n", stop, step + 1, ckpt.c_str()); g_stop_signal = stop; break; }
        if (last) break;
    }
    if (last_step == st.step && st.step >= steps) save_all(st.step);
    stop_signals.release();
    be->download(m);

    // in every mode but full the frozen weights must come out bit-identical
    std::vector<float> frozen_after = frozen_values(m);
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
    if (!tc.doc_name.empty() && last_step >= steps) {
        GPT2<float> before;
        before.load(tc.init_ckpt);
        Ledger g = Ledger::load_beside(tc.init_ckpt, c);
        g.record(tc.doc_name, (long long)steps * total_batch, before.cfg.mem_layers ? &before : nullptr, m);
        g.save(tc.out + "/ledger.bin");
        printf("ledger: document %s wrote %zu value rows; %s holds %zu documents\n", tc.doc_name.c_str(), g.docs.back().rows(), (tc.out + "/ledger.bin").c_str(), g.docs.size());
    }
    plot_losses(tc.out + "/loss.png", log.ts, log.tl, log.vs, log.vl, unigram);
    printf("done: %d steps in %s; checkpoint %s, log %s/log.jsonl, plot %s/loss.png\n", last_step, fmt_duration(now_s() - t_start).c_str(),
           ckpt.c_str(), tc.out.c_str(), tc.out.c_str());
    close(out_lock);  // nothing more is written to the folder
    if (tc.sample_tokens > 0 && !g_stop_signal)
        for (const char* prompt : {"The ", "It was a truth", "The economy of the United States"})
            printf("--- sample: %s%s\n", prompt, generate(m, tok, prompt, tc.sample_tokens, 0.8, 40, tc.seed).c_str());
    return 0;
}

static int cmd_pretrain(Flags& f) {
    TrainConfig c = TrainConfig::for_pretrain();
    train_flags(f, c);
    return f.finish("pretrain") ? run_train(c) : 0;
}

static int cmd_inject(Flags& f) {
    TrainConfig c = TrainConfig::for_inject();
    train_flags(f, c);
    return f.finish("inject") ? run_train(c) : 0;
}

// ---------------------------------------------------------------------------------------------
// synth: one document -> a large, diverse synthetic corpus (data_prep/synth.h)

void synth_flags(Flags& f, SynthStage& s) {
    f.text("doc", s.doc, "FILE", ".txt or .pdf (required)");
    f.text("pages", s.pages, "A-B", "only pages A to B of the document (form feeds separate a .txt's pages); the cover page still names the company and the other pages its business segments");
    f.text("out", s.out, "DIR", "train_*.bin shards, preview.jsonl, report.json (required)");
    f.text("ckpt", s.ckpt, "PATH", "write the shards in this checkpoint's tokenizer (else --tokenizer)");
    f.text("tokenizer", s.tokenizer, "gpt2|PATH", "GPT-2's, or a tokenizer.bin");
    f.integer("tokens", s.sc.target_tokens, 0, 1L << 40, "N", "synthetic tokens to write (0: --expansion times the document's)");
    f.real("expansion", s.sc.target_expansion, 1, 100000, "X", "synthetic tokens per document token");
    f.integer("multiplicity", s.sc.multiplicity, 1, 1000, "M", "restatements of each fact");
    f.real("replay", s.sc.replay, 0, 0.9, "X", "share of general text mixed in");
    f.text("replay-data", s.replay_data, "DIR", "its train.bin (default: the embedded corpus)");
    f.integer("context", s.sc.context, 16, 1 << 20, "T", "tokens per packed sequence");
    f.real("chat-share", s.sc.chat_share, 0, 1, "X", "share of QA and restatement samples in the tokenizer's chat template (none without one)");
    f.integer("seed", s.sc.seed, 0, 1L << 40, "N", "generator seed");
    f.integer("threads", s.threads, 0, 1024, "N", "OpenMP threads (0: all cores)");
}

int run_synth(const SynthStage& s) {
    set_threads(s.threads);
    if (s.doc.empty() || s.out.empty()) fatal(EXIT_USAGE, "synth needs --doc FILE (.txt or .pdf) and --out DIR");
    if (!file_exists(s.doc)) fatal(EXIT_RUNTIME, "document %s does not exist", s.doc.c_str());
    synth::SynthConfig sc = s.sc;
    if (!synth::parse_page_range(s.pages, &sc.pages)) fatal(EXIT_USAGE, "--pages takes A-B with 1 <= A <= B (got '%s')", s.pages.c_str());
    Tokenizer tok;
    if (!s.ckpt.empty()) load_model(s.ckpt, &tok);
    else tok = tokenizer_by_name(s.tokenizer);
    // replay: general text in the same tokenizer, from --replay-data's train.bin or the embedded corpus
    std::vector<int> replay;
    if (s.sc.replay > 0) {
        if (!s.replay_data.empty()) {
            replay = read_shard(s.replay_data + "/train.bin", tok.vocab_size);
        } else {
            std::string text;
            for (auto& f : list_txt(home_dir() + "/data/corpus")) text += read_file(f).substr(0, 1500000) + "\n";
            replay = tok.encode(text, false);
        }
    }
    mkdir_p(s.out);
    auto encode = [&](const std::string& t) { return tok.encode(t, false); };
    // chat samples: the template's text (Tokenizer::chat_text, its default system turn included, as
    // encode_chat prompts the model) encoded with the special tokens; GPT-2's tokenizer has no template
    synth::ChatCodec chat;
    chat.render = [&](const std::vector<std::pair<std::string, std::string>>& turns) {
        std::vector<Tokenizer::ChatTurn> t;
        for (auto& x : turns) t.push_back({x.first, x.second});
        return tok.chat_text(t, false);
    };
    chat.encode = [&](const std::string& t) { return tok.encode(t, true); };
    synth::SynthReport rep = synth::synth_run(s.doc, s.out, sc, encode, tok.eot, tok.vocab_size, replay, tok.chat == CHAT_CHATML ? &chat : nullptr);
    puts(rep.json().c_str());
    return 0;
}

static int cmd_synth(Flags& f) {
    SynthStage s;
    synth_flags(f, s);
    return f.finish("synth") ? run_synth(s) : 0;
}

// ---------------------------------------------------------------------------------------------
// sample, eval, encode

static int cmd_sample(Flags& f) {
    std::string ckpt, prompt;
    int max_tokens = 128, top_k = 40, threads = 0;
    double temperature = 0.8;
    uint64_t seed = 1337;
    f.text("ckpt", ckpt, "PATH", "the model (required)");
    f.text("prompt", prompt, "TEXT", "what to continue");
    f.integer("max-tokens", max_tokens, 1, 1000000, "N", "tokens to generate");
    f.real("temperature", temperature, 0, 100, "X", "0: greedy");
    f.integer("top-k", top_k, 0, 1 << 24, "N", "sample from the k most likely tokens (0: all)");
    f.integer("seed", seed, 0, 1L << 40, "N", "sampling seed");
    f.integer("threads", threads, 0, 1024, "N", "OpenMP threads (0: all cores)");
    if (!f.finish("sample")) return 0;
    set_threads(threads);
    if (ckpt.empty()) fatal(EXIT_USAGE, "sample needs --ckpt PATH");
    Tokenizer tok;
    GPT2<float> m = load_model(ckpt, &tok);
    printf("%s%s\n", prompt.c_str(), generate(m, tok, prompt, max_tokens, temperature, top_k, seed).c_str());
    return 0;
}

static int cmd_eval(Flags& f) {
    std::string ckpt, text, qa, answers;
    int B = 0, T = 0, threads = 0, ask = 0;  // ask: an index into how[] below
    f.text("ckpt", ckpt, "PATH", "the model (required), and one of --text or --qa");
    f.text("text", text, "FILE", "mean next-token cross-entropy (nats) over FILE: {\"loss\", \"tokens\"}");
    f.text("qa", qa, "FILE", "multiple choice, JSONL lines {\"question\", \"choices\", \"answer\"}; each choice scored by its mean per-token log-likelihood after \"Question: Q\\nAnswer:\": {\"accuracy\", \"n\"}");
    f.text("answers", answers, "FILE", "--qa: also one JSON line per question: {\"i\", \"question\", \"answer\", \"chosen\", \"correct\", \"p_right\"} "
           "(p_right: the right choice's share of a softmax over the choices' scores)");
    f.choice("ask", ask, {"closed", "oracle", "no-question"}, "--qa: closed: the question alone; oracle: after the item's evidence passage (the "
             "ceiling of reading); no-question: the choices after \"Answer:\" alone, the familiarity control");
    f.integer("batch", B, 0, 65536, "B", "--text: sequences per forward (0: 1024 tokens' worth)");
    f.integer("context", T, 0, 1 << 20, "T", "--text: tokens per window, at most the model's context (0: the model's, at most 1024)");
    f.integer("threads", threads, 0, 1024, "N", "OpenMP threads (0: all cores)");
    if (!f.finish("eval")) return 0;
    set_threads(threads);
    if (ckpt.empty()) fatal(EXIT_USAGE, "eval needs --ckpt PATH");
    if (text.empty() == qa.empty()) fatal(EXIT_USAGE, "eval needs exactly one of --text FILE or --qa FILE");
    Tokenizer tok;
    GPT2<float> m = load_model(ckpt, &tok);
    if (!text.empty()) {
        if (!file_exists(text)) fatal(EXIT_RUNTIME, "text file %s does not exist", text.c_str());
        std::vector<int> ids = tok.encode(read_file(text), false);
        if (ids.size() < 2) fatal(EXIT_RUNTIME, "%s holds fewer than 2 tokens", text.c_str());
        if (!T) T = std::min(m.cfg.maxT, 1024);
        if (!B) B = std::max(1, 1024 / T);
        long n = 0;
        double loss = text_loss(m, ids, B, T, &n);
        printf("{\"loss\": %.6f, \"tokens\": %ld}\n", loss, n);
        return 0;
    }
    std::vector<QAItem> items = read_qa(qa);
    const QAContext how[] = {QA_CLOSED, QA_ORACLE, QA_NO_QUESTION};
    QARun r = qa_run(m, tok, items, how[ask], nullptr, m.cfg.maxT);
    if (!answers.empty()) {  // per question, to compare two models question by question
        std::string lines;
        for (size_t i = 0; i < items.size(); i++)
            lines += json_dump(Json().set("i", (double)i).set("question", items[i].question).set("answer", (double)items[i].answer)
                                     .set("chosen", (double)r.chosen[i]).set("correct", r.chosen[i] == items[i].answer ? 1.0 : 0.0).set("p_right", r.p_right[i])) + "\n";
        write_file_atomic(answers, lines);
    }
    printf("{\"accuracy\": %.6f, \"n\": %zu, \"correct\": %d}\n", (double)r.correct / items.size(), items.size(), r.correct);
    return 0;
}

static int cmd_encode(Flags& f) {
    std::string name = "gpt2";
    f.text("tokenizer", name, "gpt2|PATH", "GPT-2's, or a tokenizer.bin; then FILE: prints its ids, one per line");
    if (!f.finish("encode", 1)) return 0;
    if (f.positional.empty()) fatal(EXIT_USAGE, "encode needs a FILE");
    if (!file_exists(f.positional[0])) fatal(EXIT_RUNTIME, "file %s does not exist", f.positional[0].c_str());
    Tokenizer tok = tokenizer_by_name(name);
    std::vector<int> ids = tok.encode(read_file(f.positional[0]), false);
    std::string out;
    for (int id : ids) { out += std::to_string(id); out += '\n'; }
    fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

// ---------------------------------------------------------------------------------------------
// merge and memory: fold LoRA into the weights; browse what a memory layer holds

static int cmd_merge(Flags& f) {
    std::string ckpt, out;
    f.text("ckpt", ckpt, "PATH", "a checkpoint with LoRA adapters (required)");
    f.text("out", out, "PATH", "the merged plain GPT-2 checkpoint (required)");
    if (!f.finish("merge")) return 0;
    if (ckpt.empty() || out.empty()) fatal(EXIT_USAGE, "merge needs --ckpt PATH and --out PATH");
    GPT2<float> m = load_model(ckpt, nullptr);
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

static int cmd_memory(Flags& f) {
    std::string ckpt, text, other, erase, out, map, doc;
    int top = 3, threads = 0;
    bool docs = false;
    f.text("ckpt", ckpt, "PATH", "a checkpoint with a memory layer (required)");
    f.text("text", text, "TEXT", "per token, the slots it reads with the largest weights (and the documents that wrote them)");
    f.integer("top", top, 1, 64, "N", "slots shown per token");
    f.text("doc", doc, "NAME", "with --text: only the slots document NAME wrote, and the share of each token's read weight on them");
    f.text("diff", other, "OTHER_CKPT", "how many value rows differ from this checkpoint's");
    f.flag("docs", docs, "the documents the memory's ledger holds: value rows, bytes, tokens, when written, rows shared");
    f.text("erase", erase, "NAME", "take document NAME out of the memory (rows it alone wrote go back to their value before it; shared rows lose its delta) and save the model in --out");
    f.text("out", out, "DIR", "where --erase writes model.bin, tokenizer.bin and ledger.bin");
    f.text("map", map, "PNG", "the ledger's slots as an image per memory block: which document wrote each slot, which are shared, which unwritten");
    f.integer("threads", threads, 0, 1024, "N", "OpenMP threads (0: all cores)");
    if (!f.finish("memory")) return 0;
    set_threads(threads);
    if (ckpt.empty()) fatal(EXIT_USAGE, "memory needs --ckpt PATH");
    if (!erase.empty() && out.empty()) fatal(EXIT_USAGE, "--erase needs --out DIR");
    if (!doc.empty() && text.empty()) fatal(EXIT_USAGE, "--doc needs --text TEXT");
    GPT2<float> m;
    m.load(ckpt);
    if (!m.cfg.mem_layers) fatal(EXIT_RUNTIME, "%s has no memory layer", ckpt.c_str());
    const MemoryConfig& mc = m.cfg.mem;
    Ledger ledger = Ledger::load_beside(ckpt, m.cfg);
    std::map<std::pair<int, int>, std::string> writers;  // (block, slot) -> the documents that wrote it
    for (auto& d : ledger.docs)
        for (size_t i = 0; i < d.rows(); i++) { std::string& w = writers[{d.block[i], d.slot[i]}]; w += (w.empty() ? "" : ",") + d.name; }
    printf("%s: memory in blocks mask 0x%x, %zu slots each (%d^2), top-%d of %d heads, dk %d%s\n", ckpt.c_str(), m.cfg.mem_layers,
           mc.N(), mc.n_keys, mc.topk, mc.heads, mc.dk, mc.gated ? ", gated" : "");
    if (docs) {
        printf("%zu documents in %s\n", ledger.docs.size(), Ledger::path_beside(ckpt).c_str());
        for (auto& d : ledger.docs) {
            size_t shared = 0;
            for (size_t i = 0; i < d.rows(); i++) shared += writers[{d.block[i], d.slot[i]}] != d.name;
            char when[32];
            time_t t = (time_t)d.time;
            strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&t));
            printf("  %-24s %8zu value rows (%.2f%% of the slots), %.1f MB, %lld tokens, %s; %zu rows shared with other documents\n", d.name.c_str(), d.rows(),
                   100.0 * d.rows() / (mc.N() * __builtin_popcount(m.cfg.mem_layers)), d.rows() * m.cfg.C * 4 / 1e6, d.tokens, when, shared);
        }
    }
    if (!map.empty()) {  // one image per memory block, side by side
        std::vector<std::string> names;
        for (auto& d : ledger.docs) names.push_back(d.name);
        std::vector<Canvas> maps;
        for (int l = 0; l < m.cfg.L; l++) {
            if (!m.cfg.has_mem(l)) continue;
            std::vector<int> owner(mc.N(), -1);
            for (size_t k = 0; k < ledger.docs.size(); k++)
                for (size_t i = 0; i < ledger.docs[k].rows(); i++)
                    if (ledger.docs[k].block[i] == l) { int& o = owner[ledger.docs[k].slot[i]]; o = o < 0 ? (int)k : (int)names.size(); }
            maps.push_back(render_slot_map("block " + std::to_string(l) + ": " + std::to_string(mc.N()) + " slots (" + std::to_string(mc.n_keys) +
                                           "^2), row = first sub-key", mc.n_keys, owner, names));
        }
        Canvas all(0, 0);
        for (auto& c : maps) all.w += c.w, all.h = std::max(all.h, c.h);
        all = Canvas(all.w, all.h);
        int x0 = 0;
        for (auto& c : maps) {
            for (int y = 0; y < c.h; y++) for (int x = 0; x < c.w; x++) all.set(x0 + x, y, c.get(x, y));
            x0 += c.w;
        }
        write_png(map, all);
        printf("slot map: %s\n", map.c_str());
    }
    if (!erase.empty()) {
        auto [alone, shared] = ledger.erase(erase, m);
        mkdir_p(out);
        m.save(out + "/model.bin");
        tokenizer_for_checkpoint(ckpt, m.cfg.V).save(out + "/tokenizer.bin");
        ledger.save(out + "/ledger.bin");
        printf("erased %s: %zu value rows it alone wrote restored, %zu shared rows lost its delta; %s/model.bin holds %zu documents\n", erase.c_str(), alone, shared, out.c_str(), ledger.docs.size());
    }
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
    std::set<std::pair<int, int>> mine;  // (block, slot) rows --doc wrote
    if (!doc.empty()) {
        const LedgerDoc* d = nullptr;
        for (auto& x : ledger.docs) if (x.name == doc) d = &x;
        if (!d) fatal(EXIT_USAGE, "--doc %s: no such document in %s", doc.c_str(), Ledger::path_beside(ckpt).c_str());
        for (size_t i = 0; i < d->rows(); i++) mine.insert({d->block[i], d->slot[i]});
    }
    Tokenizer tok = tokenizer_for_checkpoint(ckpt, m.cfg.V);
    std::vector<int> ids = tok.encode(text, false);
    if (ids.size() > (size_t)m.cfg.maxT) ids.resize(m.cfg.maxT);
    if (ids.empty()) fatal(EXIT_USAGE, "--text holds no tokens");
    m.forward(ids.data(), nullptr, 1, (int)ids.size());
    for (int l = 0; l < m.cfg.L; l++) {
        if (!m.cfg.has_mem(l)) continue;
        printf("block %d: per token, the slots read with the largest weights (summed over heads)%s\n", l,
               doc.empty() ? "" : (", of those " + doc + " wrote, after its share of the token's read weight").c_str());
        const MemoryCache<float>& c = m.mcache[l];
        int HK = mc.heads * mc.topk;
        std::map<std::string, double> by_writer;  // the text's read weight by who wrote the rows ("" = nobody)
        for (size_t t = 0; t < ids.size(); t++) {
            std::vector<std::pair<float, int>> w;  // (weight, slot), merged over heads
            for (int e = 0; e < HK; e++) {
                int slot = c.idx[t * HK + e];
                float wt = c.w[t * HK + e] / mc.heads;
                bool found = false;
                for (auto& p : w) if (p.second == slot) { p.first += wt; found = true; }
                if (!found) w.push_back({wt, slot});
            }
            for (auto& p : w) {
                auto who = writers.find({l, p.second});
                by_writer[who == writers.end() ? "" : who->second] += p.first / ids.size();
            }
            std::string piece = tok.decode_token(ids[t]);
            for (auto& ch : piece) if (ch == '\n') ch = ' ';
            printf("  %-16s", ("'" + piece + "'").c_str());
            if (!doc.empty()) {  // only its rows, and how much of the read they carry
                double share = 0;
                std::vector<std::pair<float, int>> kept;
                for (auto& p : w) if (mine.count({l, p.second})) { kept.push_back(p); share += p.first; }
                w.swap(kept);
                printf(" %5.1f%%", 100 * share);
            }
            std::sort(w.begin(), w.end(), [](auto& x, auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
            for (int k = 0; k < top && k < (int)w.size(); k++) {
                auto who = writers.find({l, w[k].second});
                printf("  slot %6d (%.3f)%s", w[k].second, w[k].first, who == writers.end() ? "" : (" [" + who->second + "]").c_str());
            }
            printf("\n");
        }
        if (ledger.docs.empty()) continue;
        printf("block %d: the text's read weight by the documents that wrote the rows:", l);
        for (auto& [who, wt] : by_writer) printf(" %s %.1f%%", who.empty() ? "unwritten" : who.c_str(), 100 * wt);
        printf("\n");
    }
    return 0;
}

// ---------------------------------------------------------------------------------------------
// export: a Llama-family checkpoint (LoRA merged) as GGUF, for llama.cpp and the gguf package

static int cmd_export(Flags& f) {
    std::string ckpt, out;
    enum Type { F32, F16, Q8_0 } type = F32;
    f.text("ckpt", ckpt, "PATH", "a Llama-family checkpoint (model.bin or .gguf; LoRA adapters are merged) (required)");
    f.text("out", out, "PATH", "the GGUF file to write (required)");
    f.choice("type", type, {"f32", "f16", "q8_0"}, "the matrices' and embedding's type (norms stay F32)");
    if (!f.finish("export")) return 0;
    if (ckpt.empty() || out.empty()) fatal(EXIT_USAGE, "export needs --ckpt PATH and --out PATH");
    Tokenizer tok;
    GPT2<float> m = load_model(ckpt, &tok);
    if (!m.cfg.llama()) fatal(EXIT_USAGE, "export writes the Llama family (GGUF's llama architecture); %s is a GPT-2", ckpt.c_str());
    if (m.cfg.mem_layers) fatal(EXIT_USAGE, "%s has memory layers, which GGUF's llama architecture (and llama.cpp) cannot hold", ckpt.c_str());
    bool merged = m.cfg.lora_rank > 0;
    if (merged) m.merge_lora();
    const GPT2Config& c = m.cfg;
    GGUFWriter w;
    w.add_str("general.architecture", "llama");
    w.add_str("general.name", ckpt.substr(ckpt.rfind('/') + 1));
    w.add_u32("general.file_type", type == F32 ? 0 : type == F16 ? 1 : 7);  // llama.cpp's ftype: all F32, mostly F16, mostly Q8_0
    w.add_u32("llama.block_count", c.L);
    w.add_u32("llama.context_length", c.maxT);
    w.add_u32("llama.embedding_length", c.C);
    w.add_u32("llama.feed_forward_length", c.F);
    w.add_u32("llama.attention.head_count", c.NH);
    w.add_u32("llama.attention.head_count_kv", c.NKV);
    w.add_f32("llama.rope.freq_base", c.rope_theta);
    w.add_f32("llama.attention.layer_norm_rms_epsilon", c.norm_eps);
    w.add_u32("llama.rope.dimension_count", c.hs());
    w.add_u32("llama.vocab_size", c.V);
    tok.to_gguf(w);
    const uint32_t ggml[] = {GGML_F32, GGML_F16, GGML_Q8_0};
    for (auto& t : m.gguf_slots()) w.add_tensor(t.name, t.shape, m.params.data() + t.offset, t.shape.size() == 1 ? GGML_F32 : ggml[type]);
    w.write(out);
    printf("exported %s (%s, %.2fM parameters%s) to %s\n", ckpt.c_str(), type == F32 ? "F32" : type == F16 ? "F16" : "Q8_0", m.num_params() / 1e6,
           merged ? ", LoRA merged" : "", out.c_str());
    return 0;
}

// ---------------------------------------------------------------------------------------------
// the subcommands: --help lists each with the flags it declares

struct Command {
    const char* name;
    const char* about;
    int (*run)(Flags&);  // declares its flags; runs when the flags were parsed (Flags::PARSE)
    const char* like;    // --help lists only the flags whose defaults differ from this command's
};
static const Command COMMANDS[] = {
    {"pretrain", "train a model from scratch", cmd_pretrain, nullptr},
    {"inject", "continue training a checkpoint (--init-ckpt) with the base frozen: pretrain's flags, with these defaults", cmd_inject, "pretrain"},
    {"prepare", "tokenize the corpus into shards", cmd_prepare, nullptr},
    {"synth", "turn one document into a synthetic corpus (entity passages, restatements, QA, cloze); last line: {\"tokens\", \"expansion\", \"coverage\", ...}", cmd_synth, nullptr},
    {"replay", "a chat model's own answers to general prompts, in its template: replay text that keeps its chat skills (the 3m pipeline's general replay for a chat base)", cmd_replay, nullptr},
    {"3m", "the 3M 10-K experiment: base, synthetic data, five trained arms, rag (the base with retrieved 10-K chunks) and oracle (the base with each question's evidence), the cost ledger and capacity plan, report card in out/3m/", cmd_3m, nullptr},
    {"capacity", "how many bits a document adds to a model, against what its trainable regions hold: the base's NLL of FILE in bits, the capacity of memory values, LoRA and the whole model at 3.6 and 2 bits/parameter, and the memory slots and LoRA rank that would hold it; last line: one JSON object", cmd_capacity, nullptr},
    {"chat", "answer questions read from stdin, one per line: a chat model (SmolLM2) gets each as a user turn of its template and answers in its turn; a base model gets \"Question: Q\\nAnswer:\" and answers with the generated line", cmd_chat, nullptr},
    {"merge", "fold a checkpoint's LoRA adapters into its weights: a plain checkpoint", cmd_merge, nullptr},
    {"export", "write a Llama-family checkpoint (LoRA merged) as GGUF, readable by llama.cpp", cmd_export, nullptr},
    {"memory", "browse a memory layer: which slots a text reads, how many rows two checkpoints differ in", cmd_memory, nullptr},
    {"sample", "generate text", cmd_sample, nullptr},
    {"eval", "score a checkpoint; the last line of output is one JSON object", cmd_eval, nullptr},
    {"encode", "print a FILE's token ids, one per line: ./train encode [--tokenizer T] FILE", cmd_encode, nullptr},
    {"bench", "time training steps; the last line is one JSON object with tokens_per_s and mfu", cmd_bench, nullptr},
};

static const Command& find_command(const std::string& name) {
    for (auto& c : COMMANDS)
        if (name == c.name) return c;
    fatal(EXIT_USAGE, "unknown subcommand '%s' (see ./train --help)", name.c_str());
}

static std::string help_text() {
    std::string s = INTRO;
    for (auto& c : COMMANDS) {
        Flags h(Flags::HELP);
        c.run(h);
        if (c.like) {  // only what differs from the command it is like
            Flags base(Flags::HELP);
            find_command(c.like).run(base);
            auto& it = h.items;
            it.erase(std::remove_if(it.begin(), it.end(), [&](auto& x) { return std::count(base.items.begin(), base.items.end(), x) > 0; }), it.end());
        }
        s += Flags::wrap("  " + std::string(c.name), c.about, 13) + h.help_text();
    }
    return s + OUTRO;
}

int main(int argc, char** argv) {
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(help_text().c_str(), stdout); return 0; }
    bool named = argc > 1 && strncmp(argv[1], "--", 2) != 0;  // ./train --steps 10 runs pretrain
    const Command& cmd = find_command(named ? argv[1] : "pretrain");
    Flags f = Flags::parse(argc, argv, named ? 2 : 1);
    g_comm = comm_open().release();
    int rc = cmd.run(f);
    delete g_comm;
    return rc;
}
