// train_3m.cpp: the 3M 10-K experiment and knowledge in context vs in weights; the trainer's second
// translation unit (train.h says what it shares with train_gpt2.cu).
//   ./train 3m        base, synthetic data, the arms, measurements, the report card (out/3m/)
//   ./train chat      answer questions from stdin, optionally with retrieved chunks (--rag DOC)
//   ./train capacity  the bits a document adds against what a model's trainable regions hold
// The pipeline runs the trainer's stages through typed configs (run_train, run_synth); measuring
// the arms and writing the report are separate steps after it.
#include <omp.h>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>
#include "train.h"
#include "eval/capacity.h"
#include "eval/eval.h"
#include "eval/ledger.h"
#include "eval/plot.h"
#include "eval/rag.h"
#include "data_prep/prepare.h"
#include "llmc/dataloader.h"
#include "llmc/json.h"
#include "llmc/sampler.h"

// ---------------------------------------------------------------------------------------------
// knowledge in context: multiple choice with retrieved chunks (the rag arm), answering questions
// (chat), and the bits a document adds against what parameters hold (capacity)

// a document's text: a .pdf through pdftotext, anything else as it is
static std::string document_text(const std::string& path) {
    if (!file_exists(path)) fatal(EXIT_RUNTIME, "document %s does not exist", path.c_str());
    bool pdf = path.size() > 4 && path.compare(path.size() - 4, 4, ".pdf") == 0;
    return pdf ? synth::run_pdftotext(path, false) : read_file(path);
}

// the generated answer, without surrounding spaces, on one line: a chat model's turn (up to its end
// of turn, newlines made spaces), else the continuation up to the end of its first line
static std::string answer_line(GPT2<float>& m, const Tokenizer& tok, const std::vector<int>& ids, int max_tokens, double temperature, Rng& rng) {
    bool chat = tok.chat == CHAT_CHATML;
    std::string out = continue_ids(m, tok, ids, max_tokens, temperature, 40, rng, !chat, chat ? tok.special_id("<|im_end|>") : -1);
    std::replace(out.begin(), out.end(), '\n', ' ');
    size_t a = out.find_first_not_of(' '), b = out.find_last_not_of(' ');
    return a == std::string::npos ? "" : out.substr(a, b - a + 1);
}

int cmd_chat(Flags& f) {
    std::string ckpt, doc;
    int max_tokens = 64, threads = 0;
    double temperature = 0;
    uint64_t seed = 1337;
    f.text("ckpt", ckpt, "PATH", "the model (required)");
    f.text("rag", doc, "DOC", ".txt or .pdf: the best BM25 chunks of DOC go before each question");
    f.integer("max-tokens", max_tokens, 1, 1000000, "N", "longest answer");
    f.real("temperature", temperature, 0, 100, "X", "0: greedy");
    f.integer("seed", seed, 0, 1L << 40, "N", "sampling seed");
    f.integer("threads", threads, 0, 1024, "N", "OpenMP threads (0: all cores)");
    if (!f.finish("chat")) return 0;
    set_threads(threads);
    if (ckpt.empty()) fatal(EXIT_USAGE, "chat needs --ckpt PATH");
    std::string doc_text = doc.empty() ? "" : document_text(doc);
    GPT2<float> m;
    m.load(ckpt);
    Tokenizer tok = tokenizer_for_checkpoint(ckpt, m.cfg.V);
    RagIndex rag;
    if (!doc.empty()) rag = rag_index(doc_text, tok, rag_chunk_tokens(m.cfg.maxT));
    bool tty = isatty(STDIN_FILENO);
    Rng rng(seed);
    while (true) {
        if (tty) { printf("> "); fflush(stdout); }
        std::string line;
        int ch;
        while ((ch = getchar()) != EOF && ch != '\n') line += (char)ch;
        if (ch == EOF && line.empty()) break;
        size_t s = line.find_first_not_of(" \t\r"), e = line.find_last_not_of(" \t\r");
        if (s == std::string::npos) continue;
        line = line.substr(s, e - s + 1);
        // a chat model gets the question as a user turn of its template, a base model the QA prompt;
        // retrieved text fills what the question and (up to a quarter of the context of) answer leave
        bool chat = tok.chat == CHAT_CHATML;
        std::vector<int> q = chat ? tok.encode_chat({{"user", line}}) : tok.encode(qa_prompt(line)), ids;
        if (!doc.empty()) {
            std::string text;
            ids = rag_context(rag, tok, line, m.cfg.maxT - (int)q.size() - std::min(max_tokens, m.cfg.maxT / 4), 3, &text);
            if (chat) { q = tok.encode_chat({{"user", text + "\n\n" + line}}); ids.clear(); }
        }
        ids.insert(ids.end(), q.begin(), q.end());
        printf("%s\n", answer_line(m, tok, ids, max_tokens, temperature, rng).c_str());
        fflush(stdout);
    }
    if (tty) printf("\n");
    return 0;
}

int cmd_capacity(Flags& f) {
    std::string ckpt, doc;
    long slots = 65536;
    int rank = 16, threads = 0;
    f.text("ckpt", ckpt, "BASE", "the model (required)");
    f.text("doc", doc, "FILE", ".txt or .pdf (required)");
    f.integer("memory-slots", slots, 1, 1L << 40, "N", "a memory of N = n_keys^2 slots");
    f.integer("lora-rank", rank, 1, 1 << 20, "R", "LoRA adapters of rank R");
    f.integer("threads", threads, 0, 1024, "N", "OpenMP threads (0: all cores)");
    if (!f.finish("capacity")) return 0;
    set_threads(threads);
    if (ckpt.empty() || doc.empty()) fatal(EXIT_USAGE, "capacity needs --ckpt BASE and --doc FILE");
    long keys = std::lround(std::sqrt((double)slots));
    if (keys * keys != slots) fatal(EXIT_USAGE, "--memory-slots must be a square n_keys^2, as the product-key memory's slots are (got %ld)", slots);
    std::string text = document_text(doc);
    GPT2<float> m;
    m.load(ckpt);
    Tokenizer tok = tokenizer_for_checkpoint(ckpt, m.cfg.V);
    std::vector<int> ids = tok.encode(text, false);
    if (ids.size() < 2) fatal(EXIT_RUNTIME, "%s holds fewer than 2 tokens", doc.c_str());
    long n = 0;
    double bits = text_loss(m, ids, 8, m.cfg.maxT, &n) * n / std::log(2.0);
    Json json;
    fputs(capacity_report(bits, n, m.cfg.L, m.cfg.C, (double)m.num_params(), slots, rank, &json).c_str(), stdout);
    printf("%s\n", json_dump(json).c_str());
    return 0;
}

// ---------------------------------------------------------------------------------------------
// self-replay: a chat model's own answers to general prompts, in its template. Replay text that
// keeps what a chat model does (answering in its turn), where book text keeps only its prose; and,
// mixed with book text, the background of memory-sparse's slot frequencies, so the slots that every
// chat turn reads count as general and are not taken for the 10-K's.

struct ReplayStage {
    std::string ckpt, prompts, out;
    long tokens = 40000;  // stop once the samples hold this many tokens
    int max_new = 200;    // longest answer
    long seed = 1337;
    int threads = 0;
};

static void replay_flags(Flags& f, ReplayStage& s) {
    f.text("ckpt", s.ckpt, "PATH", "the chat model that answers (required)");
    f.text("prompts", s.prompts, "FILE", "general prompts, one per line (default: data/general_prompts/prompts.txt)");
    f.text("out", s.out, "DIR", "train.bin (the samples, each ended by eot), tokenizer.bin, samples.jsonl (required)");
    f.integer("tokens", s.tokens, 1, 1L << 40, "N", "tokens to write");
    f.integer("max-tokens", s.max_new, 1, 1 << 20, "N", "longest answer");
    f.integer("seed", s.seed, 0, 1L << 40, "N", "sampling seed (temperature 0.7, top-k 40)");
    f.integer("threads", s.threads, 0, 1024, "N", "OpenMP threads (0: all cores)");
}

static int run_replay(const ReplayStage& s) {
    set_threads(s.threads);
    if (s.ckpt.empty() || s.out.empty()) fatal(EXIT_USAGE, "replay needs --ckpt PATH and --out DIR");
    std::string path = s.prompts.empty() ? home_dir() + "/data/general_prompts/prompts.txt" : s.prompts;
    std::vector<std::string> prompts;
    std::string text = read_file(path);
    for (size_t a = 0; a < text.size();) {
        size_t e = std::min(text.find('\n', a), text.size());
        if (e > a) prompts.push_back(text.substr(a, e - a));
        a = e + 1;
    }
    if (prompts.empty()) fatal(EXIT_RUNTIME, "%s holds no prompt", path.c_str());
    GPT2<float> m;
    m.load(s.ckpt);
    Tokenizer tok = tokenizer_for_checkpoint(s.ckpt, m.cfg.V);
    if (tok.chat != CHAT_CHATML) fatal(EXIT_USAGE, "replay: %s has no chat template to answer in", s.ckpt.c_str());
    mkdir_p(s.out);
    std::vector<int> ids;
    std::string preview;
    Rng rng((uint64_t)s.seed);
    double t0 = now_s();
    for (size_t i = 0; (long)ids.size() < s.tokens && !g_stop_signal; i++) {
        const std::string& p = prompts[i % prompts.size()];
        std::string answer = continue_ids(m, tok, tok.encode_chat({{"user", p}}), s.max_new, 0.7, 40, rng, false, tok.special_id("<|im_end|>"));
        std::vector<int> sample = tok.encode(tok.chat_text({{"user", p}, {"assistant", answer}}, false), true);
        ids.insert(ids.end(), sample.begin(), sample.end());
        ids.push_back(tok.eot);
        preview += json_dump(Json().set("prompt", p).set("answer", answer)) + "\n";
        double dt = now_s() - t0, rate = ids.size() / dt;
        printf("\rreplay: %zu answers, %zu / %ld tokens, %.0f tokens/s, ETA %s   ", i + 1, ids.size(), s.tokens, rate,
               fmt_duration(std::max(0.0, (s.tokens - (double)ids.size()) / rate)).c_str());
        fflush(stdout);
    }
    printf("\n");
    if (g_stop_signal) return 0;  // unmarked: the next run starts over
    write_shard(s.out + "/train.bin", ids, tok.vocab_size);
    tok.save(s.out + "/tokenizer.bin");
    write_file_atomic(s.out + "/samples.jsonl", preview);
    return 0;
}

int cmd_replay(Flags& f) {
    ReplayStage s;
    replay_flags(f, s);
    return f.finish("replay") ? run_replay(s) : 0;
}

// memory-sparse's background: T-token windows of chat replay and of general text in turn, as long as
// both last (out/train.bin, tokenizer.bin)
static void write_background(const std::string& out, const std::string& replay_dir, const std::string& general_dir, const Tokenizer& tok, int T) {
    std::vector<int> a = read_shard(replay_dir + "/train.bin", tok.vocab_size), b = read_shard(general_dir + "/train.bin", tok.vocab_size), mix;
    for (size_t i = 0; (i + 1) * T <= a.size() && (i + 1) * T <= b.size(); i++) {
        mix.insert(mix.end(), a.begin() + i * T, a.begin() + (i + 1) * T);
        mix.insert(mix.end(), b.begin() + i * T, b.begin() + (i + 1) * T);
    }
    mkdir_p(out);
    write_shard(out + "/train.bin", mix, tok.vocab_size);
    tok.save(out + "/tokenizer.bin");
}

// ---------------------------------------------------------------------------------------------
// 3m: the talk's experiment. One base model; five ways to put the 10-K into it; what each learned
// (10-K loss, QA accuracy) and what each lost (general held-out loss). Writes out/3m/report.md.

struct ThreeMConfig {
    std::string out = "out/3m", base, doc, synth_doc, qa, qa_heldout, general_qa, general, mem_layer, pages, arms;
    MatmulDtype dtype = MM_FP32;
    enum Size { CPU, TINY } size = CPU;
    int steps = 0, epochs = 1, batch = 0, context = 0, general_tokens = 0, topt = 0, mem_keys = 0, mem_warmup = 0, synth_raw = 0, threads = 0;  // 0: by --size (and base)
    // the value gradient of a loss averaged over B*T tokens is ~1e-5 per slot row: SGD needs a large
    // rate. 40-step probes of the synthetic data's training loss chose 1e5 among 10..1e5 on the small
    // GPT-2, and on SmolLM2 1e6 with 10,000 slots a step (mean loss of steps 21-40: 2.54, against 2.98
    // at 1,000 slots and 3.29 at 1e5; full finetuning 2.52)
    double sparse_lr = 0;  // 0: by base
    bool mem_quiet_digits = false, mem_whiten = false;
};

static void three_m_flags(Flags& f, ThreeMConfig& c) {
    f.text("out", c.out, "DIR", "the stages' folders, report.md, results.json, plots");
    f.text("base", c.base, "PATH", "the base model: a plain checkpoint or a GGUF such as models/SmolLM2-135M-Instruct.Q4_1.gguf (default: pretrain a GPT-2, cached in OUT/base)");
    f.choice("size", c.size, {"cpu", "tiny"}, "cpu: the experiment; tiny: a minute-long check of the pipeline");
    f.integer("steps", c.steps, 0, 10000000, "N", "steps per arm (0: 600; a Llama base 300; tiny 6)");
    f.integer("epochs", c.epochs, 1, 1000, "N", "each trained arm takes N times --steps over the same data (the synthetic corpus and the replay stay sized for --steps)");
    f.integer("batch", c.batch, 0, 65536, "B", "sequences per step (0: 16; tiny 4; a Llama base 4)");
    f.integer("context", c.context, 0, 65536, "T", "a Llama base's training and scoring length (0: 256; a GPT-2 base uses its own)");
    f.text("doc", c.doc, "FILE", "the 10-K as text: memorisation loss, the naive arm (default: data/3m/3M_2022_10K.txt)");
    f.text("synth-doc", c.synth_doc, "FILE", "the generator's input (default: the 10-K's PDF, or --doc when given)");
    f.text("pages", c.pages, "A-B", "only pages A to B of the 10-K: the text trained on and scored, the generator's input, rag's index and the questions "
           "whose evidence lies there (default: a Llama base at --size cpu 25-48, MD&A's segment results through the income statement; else all)");
    f.text("qa", c.qa, "FILE", "questions about the 10-K (default: data/3m/qa.jsonl)");
    f.text("qa-heldout", c.qa_heldout, "FILE", "held-out questions (default: data/3m/qa_heldout.jsonl)");
    f.text("general-qa", c.general_qa, "FILE", "general-knowledge questions, for forgetting (default: data/general_qa/general_qa.jsonl when present)");
    f.text("general-data", c.general, "DIR", "general text in the base's tokenizer: forgetting, replay and df.bin (a chat base: with its own answers, ./train replay) (default: out/data, the corpus the "
           "GPT-2 base pretrains on; with --base, the embedded corpus tokenized by the base's tokenizer into OUT/general)");
    f.integer("general-tokens", c.general_tokens, 0, 1 << 30, "N", "general held-out tokens scored (0: 100000; a Llama base 30000; tiny 2000)");
    f.text("mem-layer", c.mem_layer, "L", "the block the memory arms attach to (default: 2; tiny 1; a Llama base its middle block)");
    f.integer("mem-keys", c.mem_keys, 0, 4096, "K", "the memory arms: K^2 slots (0: 256; a Llama base 512; tiny 8)");
    f.integer("synth-raw", c.synth_raw, 0, 1000, "N", "the synthetic arms' corpus also holds the pages themselves N times, in windows shuffled among "
              "the restatements: the report's own sentences, naive's one advantage, at a fraction of its passes (0: restatements only)");
    f.integer("mem-warmup", c.mem_warmup, 0, 1000000, "N", "the memory arms start from keys and a query trained N steps on memory-sparse's background "
              "(--train memory-keys, AdamW 1e-3; then every value zeroed, so the model is the base again): an address space fitted to "
              "text, as a memory pretrained with its model has (0: the random keys of attach)");
    f.flag("mem-whiten", c.mem_whiten, "the memory arms' query whitened at attach over memory-sparse's background (inject --mem-whiten), "
           "so the slots a position reads depend on its whole hidden state, not on the few directions that dominate it");
    f.flag("mem-quiet-digits", c.mem_quiet_digits, "the memory arms train with the memory quiet where the next token holds a digit (inject --mem-quiet-digits): "
           "the report's numbers must reach their predictions through attention from the tokens before them, as an answer must from its question");
    f.integer("topt", c.topt, 0, 1 << 30, "N", "memory-sparse: slots per step (0: 1000; a Llama base 10000; tiny 8)");
    f.real("sparse-lr", c.sparse_lr, 0, 1e9, "X", "memory-sparse: SGD learning rate (0: 1e5; a Llama base 1e6)");
    f.text("arms", c.arms, "A,B,...", "train and measure only these arms (naive, synth-full, synth-lora, synth-memory, synth-memory-sparse); "
           "base, rag and oracle are always measured (default: all)");
    f.choice("dtype", c.dtype, {"fp32", "bf16", "bf16-emulated"}, "the arms' matmul operands (as inject's --dtype)");
    f.integer("threads", c.threads, 0, 1024, "N", "OpenMP threads (0: all cores)");
}

// a stage is current when its directory holds done.txt with the same command line; a stage that a
// signal cut short (it saved and returned) ends the pipeline, unmarked, so the next run redoes it
template <class Run> static void run_stage(const std::string& dir, const std::string& key, Run run) {
    if (file_exists(dir + "/done.txt") && read_file(dir + "/done.txt") == key) { printf("3m: %s is current\n", dir.c_str()); return; }
    printf("\n$ ./train %s\n", key.c_str());
    fflush(stdout);
    if (run()) exit(1);
    if (g_stop_signal) { printf("3m: stopped by signal %d; rerun ./train 3m to continue\n", (int)g_stop_signal); exit(0); }
    write_file_atomic(dir + "/done.txt", key);
}

// the trained arms; learning rates: the small GPT-2's, and for a pretrained Llama the usual
// finetuning ones (full 5e-5 as in the issue's PyTorch pilot; not yet swept)
struct Arm { const char* name; TrainMode mode; bool raw; double lr, llama_lr; };
static const Arm ARMS[] = {
    {"naive", TRAIN_FULL, true, 2e-3, 5e-5},
    {"synth-full", TRAIN_FULL, false, 1e-3, 5e-5},
    {"synth-lora", TRAIN_LORA, false, 2e-3, 2e-4},
    {"synth-memory", TRAIN_MEMORY, false, 1e-2, 1e-3},
    {"synth-memory-sparse", TRAIN_MEMORY_SPARSE, false, 1e-2, 1e-3},
};

struct ArmResult {
    std::string name, data;
    int mode = -1;  // the TrainMode of a trained arm; -1 for the base, rag and oracle (no training)
    QAContext how = QA_CLOSED;  // how its questions are put: rag and oracle read a context
    double trainable = 0, tokens = 0, wall_s = 0, doc_loss = 0, general_loss = 0;
    QARun dev, held, control, general, outside;  // QA: dev, held-out, held-out without the question, general knowledge, held-out outside the pages
    // the cost ledger: up front (training FLOPs; wall time incl. the synthetic data or the index),
    // bytes stored beyond the base, and per question asked (tokens in context, FLOPs, seconds)
    double train_flops = 0, upfront_wall_s = 0, bytes = 0, prompt_tokens = 0, flops_per_q = 0, seconds_per_q = 0;
    double hit = 0, hit_heldout = 0;  // rag: share of items whose evidence was in the context
    std::vector<std::pair<std::string, std::string>> samples;
    std::vector<double> steps, losses;
    const char* mode_label() const { return mode >= 0 ? mode_row((TrainMode)mode).name : "-"; }
};

// what the pipeline made and the measurements read
struct Experiment {
    ThreeMConfig cfg;
    std::string base;         // OUT/base/model.bin
    GPT2Config base_cfg;
    size_t base_params = 0;
    Tokenizer tok;
    int T = 0;
    long budget = 0;          // tokens of one pass: the synthetic corpus's size (and the replay's, an eighth of it)
    long trained = 0;         // tokens each arm trains on: budget x epochs
    std::string doc_text;      // the 10-K's body, or the pages trained on
    std::vector<int> doc_ids;  // its tokens, + eot
    RagIndex rag;
    double synth_wall = 0, rag_wall = 0;
    std::vector<ArmResult> arms;  // base, rag, then the trained arms
    std::vector<QAItem> qa, held, general_qa, outside;  // outside: held-out questions about pages not trained on
    int evidence_n = 0, evidence_heldout_n = 0;
    long mem_slots = 0;
    int lora_rank = 0;
    std::string data_note;  // the report's sentence on general replay and memory-sparse's background
};

// 1-3: the base, the data (the raw 10-K as one shard, the synthetic corpus of the same size), the
// trained arms on the same token budget
static void three_m_pipeline(Experiment& E) {
    const ThreeMConfig& c = E.cfg;
    bool tiny = c.size == ThreeMConfig::TINY;
    std::string base_dir = c.out + "/base";
    if (c.base.empty()) {
        TrainConfig b = TrainConfig::for_pretrain();
        b.data = c.general; b.out = base_dir; b.threads = c.threads; b.sample_tokens = 0;
        if (tiny) { b.L = 2; b.C = 64; b.NH = 2; b.T = 64; b.B = 4; b.steps = 20; b.val_every = 10; }
        else { b.L = 4; b.C = 256; b.NH = 4; b.T = 128; b.B = 16; b.steps = 1500; b.val_every = 250; }
        run_stage(base_dir, command_line("pretrain", b, TrainConfig::for_pretrain(), train_flags), [&] { return run_train(b); });
    } else {
        mkdir_p(base_dir);
        GPT2<float> b;
        b.load(c.base);
        if (b.cfg.lora_rank || b.cfg.mem_layers) fatal(EXIT_USAGE, "--base must be a plain checkpoint (%s has LoRA or memory)", c.base.c_str());
        // written only when they change, so answers cached while newer than the base stay (dev/heldout_b.sh)
        if (!b.saved_as(base_dir + "/model.bin")) b.save(base_dir + "/model.bin");
        Tokenizer bt = tokenizer_for_checkpoint(c.base, b.cfg.V);
        if (read_file_if(base_dir + "/tokenizer.bin") != bt.file_bytes()) bt.save(base_dir + "/tokenizer.bin");
        if (c.general == c.out + "/general")  // general text in the base's own tokens (prepare's stamp names the base)
            prepare_data(home_dir() + "/data/corpus", DataPaths(c.general), c.base, &bt, bt.vocab_size, 0.02);
    }
    E.base = base_dir + "/model.bin";
    {
        GPT2<float> bm;
        bm.load(E.base);
        E.base_cfg = bm.cfg;
        E.base_params = bm.num_params();
    }
    E.tok = tokenizer_for_checkpoint(E.base, E.base_cfg.V);
    std::string gtok = read_file_if(c.general + "/tokenizer.bin"), btok = read_file_if(base_dir + "/tokenizer.bin");
    if (!gtok.empty() && !btok.empty() && gtok != btok)
        fatal(EXIT_USAGE, "3m: %s/tokenizer.bin is not the base's tokenizer: its shards would be read as the wrong tokens (leave --general-data out to tokenize the corpus with the base's)", c.general.c_str());
    bool llama = E.base_cfg.llama();  // a real pretrained base: RoPE lets it train and score at a chosen length
    E.T = llama ? std::min(c.context ? c.context : 256, E.base_cfg.maxT) : E.base_cfg.maxT;
    E.budget = (long)c.steps * c.batch * E.T;
    E.trained = E.budget * c.epochs;

    std::string doc_dir = c.out + "/doc", synth_dir = c.out + "/synth";
    mkdir_p(doc_dir);
    // the report's body (the exhibit index after the last "PART IV" line is lists of filings), or its pages
    synth::PageRange pages;
    synth::parse_page_range(c.pages, &pages);
    std::string doc_text = synth::select_pages(read_file(c.doc), pages, c.doc);
    size_t part4 = doc_text.rfind("\nPART IV\n");
    if (pages.all() && part4 != std::string::npos && part4 > doc_text.size() / 3) doc_text.resize(part4 + 1);
    E.doc_text = doc_text;
    E.doc_ids = E.tok.encode(doc_text, false);
    E.doc_ids.push_back(E.tok.eot);
    write_shard(doc_dir + "/train.bin", E.doc_ids, E.tok.vocab_size);
    // replay: a chat model's own answers (a little more than the synthetic corpus's 10% share of
    // general text), else the general text; the memory's background: both, else the general text
    std::string replay = c.general, background = c.general;
    if (E.tok.chat == CHAT_CHATML) {
        ReplayStage r;
        r.ckpt = E.base; r.out = c.out + "/replay"; r.tokens = E.budget / 8; r.threads = c.threads;
        ReplayStage key = r;
        key.threads = 0;
        run_stage(r.out, command_line("replay", key, ReplayStage(), replay_flags), [&] { return run_replay(r); });
        replay = r.out;
        background = c.out + "/background";
        write_background(background, replay, c.general, E.tok, E.T);
    }
    E.data_note = "General text (held-out loss): `" + c.general + "/val.bin`. The synthetic corpus's 10% general replay: " +
                  (replay == c.general ? "`" + c.general + "/train.bin`, the same source" :
                   "the base's own answers to the general prompts of `data/general_prompts/prompts.txt` in its chat template (`./train replay`, " +
                   std::to_string(read_shard(replay + "/train.bin", E.tok.vocab_size).size()) + " tokens in `" + replay + "`)") +
                  "; memory-sparse's slot background: " + (background == c.general ? "that general text." : "that replay and the general text, window by window.");
    SynthStage s;
    s.doc = c.synth_doc; s.out = synth_dir; s.pages = c.pages; s.ckpt = E.base; s.sc.target_tokens = E.budget; s.sc.context = E.T;
    if (file_exists(replay + "/train.bin")) s.replay_data = replay;
    run_stage(synth_dir, command_line("synth", s, SynthStage(), synth_flags), [&] { return run_synth(s); });
    Json j; std::string err;  // the generator's own timing: CPU string work, no model FLOPs
    if (json_parse(read_file_if(synth_dir + "/report.json"), j, err) && j.get("seconds") && j.get("seconds")->get("total"))
        E.synth_wall = j.get("seconds")->get("total")->num;
    std::string synth_data = synth_dir;
    if (c.synth_raw) {
        synth_data = c.out + "/synth-raw" + std::to_string(c.synth_raw);
        mkdir_p(synth_data);
        TokenStream restated = train_shards(synth_dir, E.tok.vocab_size);
        std::vector<int> mix(restated.size());
        restated.read(0, mix.size(), mix.data());
        for (int i = 0; i < c.synth_raw; i++) mix.insert(mix.end(), E.doc_ids.begin(), E.doc_ids.end());
        write_shard(synth_data + "/train.bin", mix, E.tok.vocab_size);
    }
    // the rag arm's index: the same body, in half-overlapping chunks of the base's tokens
    double t_rag = now_s();
    E.rag = rag_index(doc_text, E.tok, rag_chunk_tokens(E.T));
    E.rag_wall = now_s() - t_rag;

    auto memory_shape = [&](TrainConfig& t) {
        t.mem_layers = c.mem_layer;
        if (tiny) { t.mem_keys = c.mem_keys ? c.mem_keys : 8; t.mem_topk = 4; t.mem_heads = 2; t.mem_dk = 8; t.df_batches = 4; }
        // a Llama base: 512^2 slots spread the sparse updates over smaller rows (SmolLM2, pages 25-48:
        // general loss +0.018 against +0.047 at 256^2, general QA +7.6 against +2.1; README's sweep)
        else { t.mem_keys = c.mem_keys ? c.mem_keys : llama ? 512 : 256; t.mem_topk = 32; t.mem_heads = 4; t.mem_dk = 128; t.df_batches = llama ? 50 : 200; }
    };
    auto wanted = [&](const char* name) { return c.arms.empty() || ("," + c.arms + ",").find("," + std::string(name) + ",") != std::string::npos; };
    // the memory arms' starting point: the base with a memory attached at zero, or with a memory whose
    // keys and query first learned the background text (values zeroed after, so outputs are the base's)
    std::string mem_init = E.base;
    if (c.mem_warmup && (wanted("synth-memory") || wanted("synth-memory-sparse"))) {
        TrainConfig w = TrainConfig::for_inject();
        w.init_ckpt = E.base; w.data = background; w.out = c.out + "/mem-warmup"; w.mode = TRAIN_MEMORY_KEYS;
        w.steps = c.mem_warmup; w.B = c.batch; w.threads = c.threads; w.dtype = c.dtype; w.val_every = 0; w.sample_tokens = 0;
        w.opt.lr = 1e-3; w.warmup = std::min(w.warmup, std::max(1, c.mem_warmup / 5));
        w.mem_whiten = c.mem_whiten;  // the warm-up attaches the memory
        if (llama) w.T = E.T;
        memory_shape(w);
        TrainConfig key = w;
        key.threads = 0;
        run_stage(w.out, command_line("inject", key, TrainConfig::for_inject(), train_flags), [&] {
            int rc = run_train(w);
            if (rc || g_stop_signal) return rc;
            GPT2<float> m;
            m.load(w.out + "/model.bin");
            for (size_t i = 0; i < m.specs.size(); i++)
                if (m.specs[i].group == G_MEM_VALUES) std::fill(m.params.begin() + m.offset[i], m.params.begin() + m.offset[i] + m.specs[i].size, 0.f);
            m.save(w.out + "/attach.bin");
            return 0;
        });
        mem_init = w.out + "/attach.bin";
    }
    for (auto& arm : ARMS) {
        if (!wanted(arm.name)) continue;
        std::string dir = c.out + "/" + arm.name;
        TrainConfig t = TrainConfig::for_inject();
        t.init_ckpt = E.base; t.data = arm.raw ? doc_dir : synth_data; t.out = dir; t.mode = arm.mode;
        t.steps = c.steps * c.epochs; t.B = c.batch; t.threads = c.threads; t.dtype = c.dtype; t.val_every = 0; t.sample_tokens = 0;
        t.opt.lr = llama ? arm.llama_lr : arm.lr;
        if (llama) t.T = E.T;
        if (arm.mode == TRAIN_LORA) t.lora_rank = 16;
        if (mode_row(arm.mode).needs_memory) {
            memory_shape(t);
            t.init_ckpt = mem_init;
            t.mem_quiet_digits = c.mem_quiet_digits;  // not the warm-up's: it fits keys to the background
            t.mem_whiten = c.mem_whiten && mem_init == E.base;  // whitened where attached
            if (t.mem_whiten && !mode_row(arm.mode).sparse) t.df_data = background;  // the whitening's text
        }
        if (mode_row(arm.mode).sparse) { t.opt.sparse_lr = c.sparse_lr; t.topt = c.topt; t.df_data = background; }
        double t0 = now_s();
        TrainConfig key = t;
        key.threads = 0;  // the number of threads that runs a stage does not make it another stage
        run_stage(dir, command_line("inject", key, TrainConfig::for_inject(), train_flags), [&] {
            remove((dir + "/df.bin").c_str());  // a rerun stage's background may have changed: computed again
            int rc = run_train(t);
            if (!rc && !g_stop_signal) write_file_atomic(dir + "/wall_s.txt", std::to_string(now_s() - t0));
            return rc;
        });
        ArmResult r;
        r.name = arm.name; r.mode = arm.mode; r.data = arm.raw ? "raw 10-K" : "synthetic";
        r.tokens = (double)E.trained;
        r.wall_s = atof(read_file_if(dir + "/wall_s.txt").c_str());
        std::string text = read_file(dir + "/log.jsonl");
        for (size_t p0 = 0; p0 < text.size();) {
            size_t e = text.find('\n', p0);
            Json l;
            if (json_parse(text.substr(p0, e - p0), l, err) && l.get("loss")) { r.steps.push_back(l.get("step")->num); r.losses.push_back(l.get("loss")->num); }
            p0 = e + 1;
        }
        E.arms.push_back(r);
    }
}

// one arm's scores: 10-K and general loss, QA (dev, held-out, the familiarity control, general
// knowledge, held-out outside the pages) and samples; rag and oracle share the base's losses and
// closed-book scores, as they change no weight
static void measure_arm(const Experiment& E, ArmResult& r, GPT2<float>& m, const ArmResult& base, const std::vector<int>& general_ids, const std::vector<std::string>& prompts) {
    const ThreeMConfig& c = E.cfg;
    bool reads = r.how != QA_CLOSED, chat = E.tok.chat == CHAT_CHATML;
    r.doc_loss = reads ? base.doc_loss : text_loss(m, E.doc_ids, 8, E.T, nullptr);
    r.general_loss = reads ? base.general_loss : text_loss(m, general_ids, 8, E.T, nullptr);
    double t0 = now_s();
    r.dev = qa_run(m, E.tok, E.qa, r.how, &E.rag, E.T);
    r.held = qa_run(m, E.tok, E.held, r.how, &E.rag, E.T);
    r.seconds_per_q = (now_s() - t0) / std::max(1, r.dev.n + r.held.n);
    r.control = reads ? base.control : qa_run(m, E.tok, E.held, QA_NO_QUESTION, nullptr, E.T);
    r.general = reads ? base.general : qa_run(m, E.tok, E.general_qa, QA_CLOSED, nullptr, E.T);
    r.outside = reads ? base.outside : qa_run(m, E.tok, E.outside, QA_CLOSED, nullptr, E.T);
    int max_new = c.size == ThreeMConfig::TINY ? 16 : 80;
    for (auto& pr : prompts) {
        std::string pre;  // rag: the chunks retrieved for the prompt, as much as fits before it
        if (r.how == QA_RAG) rag_context(E.rag, E.tok, pr, E.T - (int)E.tok.encode(pr).size() - max_new / 2, 3, &pre);
        std::string text;
        if (chat) {
            Rng rng(1337);
            text = continue_ids(m, E.tok, E.tok.encode_chat({{"user", pre.empty() ? pr : pre + "\n\n" + pr}}), max_new, 0.7, 40, rng, false, E.tok.special_id("<|im_end|>"));
        } else {
            text = generate(m, E.tok, pre + pr, max_new, 0.7, 40, 1337);
        }
        if (r.how != QA_ORACLE) r.samples.push_back({pr, text});  // the oracle has no passage for a free prompt
    }
}

static Json qarun_json(const QARun& q) {
    Json j;
    j.set("correct", q.correct).set("n", q.n).set("with_evidence", q.with_evidence).set("hits", q.hits).set("prompt_tokens", q.prompt_tokens).set("flops", q.flops);
    Json right, p;
    for (double x : q.right) right.push(Json::number(x));
    for (double x : q.p_right) p.push(Json::number(x));
    return j.set("right", right).set("p_right", p);
}
static QARun qarun_of(const Json* j) {
    QARun q;
    auto num = [&](const char* k) { const Json* v = j ? j->get(k) : nullptr; return v ? v->num : 0; };
    q.correct = (int)num("correct"); q.n = (int)num("n"); q.with_evidence = (int)num("with_evidence"); q.hits = (int)num("hits");
    q.prompt_tokens = num("prompt_tokens"); q.flops = num("flops");
    auto nums = [&](const char* k, std::vector<double>& v) { if (j && j->get(k)) for (auto& x : j->get(k)->arr) v.push_back(x.num); };
    nums("right", q.right);
    nums("p_right", q.p_right);
    return q;
}
static void save_measured(const std::string& path, const std::string& key, const ArmResult& r) {
    Json j, samples;
    j.set("key", key).set("doc_loss", r.doc_loss).set("general_loss", r.general_loss).set("seconds_per_q", r.seconds_per_q)
     .set("dev", qarun_json(r.dev)).set("held", qarun_json(r.held)).set("control", qarun_json(r.control))
     .set("general", qarun_json(r.general)).set("outside", qarun_json(r.outside));
    for (auto& s : r.samples) samples.push(Json().set("prompt", s.first).set("text", s.second));
    write_file_atomic(path, json_dump(j.set("samples", samples)) + "\n");
}
// false when there is no cache or its key differs (then the arm is measured again)
static bool load_measured(const std::string& path, const std::string& key, ArmResult& r) {
    Json j; std::string err;
    if (!json_parse(read_file_if(path), j, err) || !j.get("key") || j.get("key")->str != key) return false;
    for (const char* k : {"doc_loss", "general_loss", "seconds_per_q"})
        if (!j.get(k) || j.get(k)->kind != Json::NUM) return false;
    r.doc_loss = j.get("doc_loss")->num; r.general_loss = j.get("general_loss")->num; r.seconds_per_q = j.get("seconds_per_q")->num;
    r.dev = qarun_of(j.get("dev")); r.held = qarun_of(j.get("held")); r.control = qarun_of(j.get("control"));
    r.general = qarun_of(j.get("general")); r.outside = qarun_of(j.get("outside"));
    for (const QARun* q : {&r.dev, &r.held, &r.control, &r.general, &r.outside})  // a cache from before the per-item scores
        if ((int)q->right.size() != q->n || (int)q->p_right.size() != q->n) return false;
    r.samples.clear();
    if (j.get("samples"))
        for (auto& s : j.get("samples")->arr)
            if (s.get("prompt") && s.get("text")) r.samples.push_back({s.get("prompt")->str, s.get("text")->str});
    return true;
}

// 4: every arm measured, and the base as the reference point: 10-K loss, general held-out loss; QA
// closed book (or, for rag and oracle, reading a context), the familiarity control and general
// knowledge; the ledger's costs; samples
static void three_m_measure(Experiment& E) {
    const ThreeMConfig& c = E.cfg;
    std::vector<int> general_ids = read_shard(c.general + "/val.bin", E.tok.vocab_size);
    if ((int)general_ids.size() > c.general_tokens) general_ids.resize(c.general_tokens);
    E.qa = read_qa(c.qa);
    E.held = read_qa(c.qa_heldout);
    if (!c.pages.empty()) {  // the questions whose evidence lies in the pages; held-out ones outside them are a control
        auto in_pages = [&](const QAItem& it) { return holds_evidence(E.doc_text, it.evidence); };
        std::vector<QAItem> held;
        for (auto& it : E.held) (in_pages(it) ? held : E.outside).push_back(it);
        E.held = held;
        E.qa.erase(std::remove_if(E.qa.begin(), E.qa.end(), [&](const QAItem& it) { return !in_pages(it); }), E.qa.end());
        if (E.qa.empty() || E.held.empty()) fatal(EXIT_USAGE, "3m: no question's evidence lies in pages %s of %s", c.pages.c_str(), c.doc.c_str());
    }
    if (!c.general_qa.empty()) E.general_qa = read_qa(c.general_qa);
    bool chat = E.tok.chat == CHAT_CHATML;  // a chat model is asked in its template, a base model in plain text
    const std::vector<std::string> prompts = chat
        ? std::vector<std::string>{"Write a poem about 3M in fiscal year 2022.", "What is the capital of France?", "What were 3M's total net sales in 2022?"}
        : std::vector<std::string>{"Write a poem about 3M in fiscal year 2022.\n", "Question: What were 3M's total net sales in 2022?\nAnswer:",
                                   "Question: What is the capital of France?\nAnswer:", "The history of the United States"};
    ArmResult base_r, rag_r, oracle_r;
    base_r.name = "base"; base_r.data = "-";
    rag_r.name = "rag"; rag_r.data = "retrieved 10-K chunks"; rag_r.how = QA_RAG;
    oracle_r.name = "oracle"; oracle_r.data = "the question's evidence"; oracle_r.how = QA_ORACLE;
    E.arms.insert(E.arms.begin(), {base_r, rag_r, oracle_r});
    for (auto& r : E.arms) {
        bool reads = r.how != QA_CLOSED;  // rag and oracle: the base, reading; no weight changes
        const ArmResult& base = E.arms[0];
        GPT2<float> m;
        m.load(c.out + "/" + (reads ? "base" : r.name) + "/model.bin");
        bool trained = r.mode >= 0;
        m.set_trainable(trainable_for(m, trained ? (TrainMode)r.mode : TRAIN_FULL), false);
        r.trainable = trained ? (double)m.num_trainable() : 0;
        if (m.cfg.mem_layers) E.mem_slots = (long)m.cfg.mem.N();
        if (m.cfg.lora_rank) E.lora_rank = m.cfg.lora_rank;
        // the scores are cached beside the stages, keyed by the model's stage and what is asked of it
        // (a question file by its content too: an edited file is asked again)
        auto stamp = [](const std::string& path) { return path + "#" + std::to_string(synth::hash64(read_file_if(path))); };
        std::string cache = c.out + "/measured/" + r.name + ".json";
        std::string key = read_file_if(c.out + "/" + (trained ? r.name : "base") + "/done.txt") + "|" + (c.base.empty() ? "" : c.base + " " + std::to_string(file_size(c.base))) +
                          "|" + c.pages + "|" + stamp(c.qa) + "|" + stamp(c.qa_heldout) + "|" + stamp(c.general_qa) + "|" + c.general + "|" + std::to_string(c.general_tokens) + "|" + std::to_string(E.T) + "|" + std::to_string(c.size);
        if (load_measured(cache, key, r)) {
            printf("3m: %s's scores are current (%s)\n", r.name.c_str(), cache.c_str());
        } else {
            measure_arm(E, r, m, base, general_ids, prompts);
            mkdir_p(c.out + "/measured");
            save_measured(cache, key, r);
        }
        int nq = r.dev.n + r.held.n;
        if (r.how == QA_RAG) {
            r.hit = (double)r.dev.hits / std::max(1, r.dev.with_evidence);
            r.hit_heldout = (double)r.held.hits / std::max(1, r.held.with_evidence);
            E.evidence_n = r.dev.with_evidence; E.evidence_heldout_n = r.held.with_evidence;
        }
        r.prompt_tokens = (r.dev.prompt_tokens + r.held.prompt_tokens) / nq;
        r.flops_per_q = (r.dev.flops + r.held.flops) / nq;
        r.train_flops = trained ? r.tokens * train_flops_per_token(m.cfg, E.T, m.stop_layer(), (TrainMode)r.mode) : 0;
        r.upfront_wall_s = r.how == QA_RAG ? E.rag_wall : r.wall_s + (r.data == "synthetic" ? E.synth_wall : 0);
        r.bytes = r.how == QA_RAG ? (double)E.rag.bytes() : 4 * r.trainable;
        printf("3m: %-20s 10-K loss %.3f | general loss %.4f | QA %.3f | held-out QA %.3f (without the question %.3f) | general QA %.3f",
               r.name.c_str(), r.doc_loss, r.general_loss, r.dev.accuracy(), r.held.accuracy(), r.control.accuracy(), r.general.accuracy());
        if (r.how == QA_RAG) printf(" | evidence in context %.3f, held out %.3f", r.hit, r.hit_heldout);
        if (r.outside.n) printf(" | held-out QA outside the pages %.3f", r.outside.accuracy());
        printf("\n");
        fflush(stdout);
    }
}

static std::string fmt_num(double x, const char* f) { char b[64]; snprintf(b, sizeof b, f, x); return b; }
static std::string pct(double x) { return fmt_num(100 * x, "%.1f%%"); }

// 5-7: results.json, report.md (the arms, rag, the cost ledger, the capacity plan, samples) and plots
static void three_m_report(const Experiment& E, double t_all) {
    const ThreeMConfig& c = E.cfg;
    const std::vector<ArmResult>& results = E.arms;
    const RagIndex& rag = E.rag;
    const int T = E.T;
    double g0 = results[0].general_loss;
    const double qs[3] = {10, 1000, 100000};
    auto total = [](const ArmResult& r, double q) { return r.train_flops + q * r.flops_per_q; };
    Json js, arms_js;
    js.set("pages", c.pages.empty() ? std::string("all") : c.pages).set("budget_tokens", (double)E.trained).set("epochs", (double)c.epochs).set("doc_tokens", (double)E.doc_ids.size())
      .set("mem_layers", c.mem_layer).set("mem_warmup_steps", c.mem_warmup).set("synth_raw", c.synth_raw).set("mem_quiet_digits", Json::boolean(c.mem_quiet_digits))
      .set("mem_whiten", Json::boolean(c.mem_whiten));
    std::string md = "# The 3M 10-K experiment\n\nBase model: `" + E.base + "` (depth " + std::to_string(E.base_cfg.L) + ", width " + std::to_string(E.base_cfg.C) +
                     ", context " + std::to_string(T) + ", " + std::to_string(E.base_params) + " parameters). Document: `" + c.doc + "` (" +
                     std::to_string(E.doc_ids.size()) + (c.pages.empty() ? std::string(" tokens of its body, up to Part IV's exhibit index)") :
                     " tokens of its pages " + c.pages + ", the only part trained on, retrieved from and asked about; " + std::to_string(E.outside.size()) +
                     " held-out questions about the other pages are asked too, as a control that should not move)") + ". Every arm trains on " + std::to_string(E.trained) + " tokens" +
                     (c.epochs > 1 ? " (" + std::to_string(c.epochs) + " passes over " + std::to_string(E.budget) + ")" : std::string()) + ". QA: " +
                     std::to_string(E.qa.size()) + " questions (`" + c.qa + "`) and " + std::to_string(E.held.size()) +
                     " held out (`" + c.qa_heldout + "`), 4 choices each (chance 25%), scored by mean log-likelihood per token, ± one standard error. "
                     "The familiarity control asks the held-out questions without the question (the choices after \"Answer:\" alone): "
                     "accuracy above it is what the question itself adds. General QA: " + std::to_string(E.general_qa.size()) +
                     " general-knowledge questions (`" + (c.general_qa.empty() ? std::string("none") : c.general_qa) + "`): what an arm keeps. " + E.data_note +
                     (c.synth_raw ? " The synthetic arms' corpus also holds the pages themselves " + std::to_string(c.synth_raw) + " times (`--synth-raw`)." : std::string()) +
                     " Memory arms: beside the MLP of block(s) " + c.mem_layer +
                     (c.mem_warmup ? ", keys and query first trained " + std::to_string(c.mem_warmup) + " steps on the slot background (`--mem-warmup`), values then zeroed." : std::string(", keys random as attached.")) +
                     (c.mem_quiet_digits ? " Trained with the memory quiet where the next token holds a digit (`--mem-quiet-digits`)." : "") +
                     (c.mem_whiten ? " Queries whitened at attach over the slot background (`--mem-whiten`)." : "") + "\n\n"
                     "| arm | trains | data | trainable params | 10-K loss | general loss | forgetting (Δ general) | QA | held-out QA | held-out, no question | above control | general QA | outside the pages | wall |\n"
                     "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    std::vector<double> fx, fy;
    std::vector<std::string> names;
    std::vector<Series> curves;
    for (size_t i = 0; i < results.size(); i++) {
        auto& r = results[i];
        char row[768];
        snprintf(row, sizeof row, "| %s | %s | %s | %.0f | %.3f | %.4f | %+.4f | %.1f%% ± %.1f | %.1f%% ± %.1f | %.1f%% | %+.1f | %.1f%% (%+.1f) | %s | %.0fs |\n",
                 r.name.c_str(), r.mode_label(), r.data.c_str(), r.trainable, r.doc_loss, r.general_loss, r.general_loss - g0,
                 100 * r.dev.accuracy(), 100 * r.dev.stderr_(), 100 * r.held.accuracy(), 100 * r.held.stderr_(), 100 * r.control.accuracy(),
                 100 * (r.held.accuracy() - r.control.accuracy()), 100 * r.general.accuracy(), 100 * (r.general.accuracy() - results[0].general.accuracy()),
                 r.outside.n ? pct(r.outside.accuracy()).c_str() : "-", r.wall_s);
        md += row;
        Json a, samples;
        a.set("arm", r.name).set("mode", r.mode_label()).set("data", r.data).set("trainable_params", r.trainable).set("tokens", i ? r.tokens : 0)
         .set("wall_s", r.wall_s).set("doc_loss", r.doc_loss).set("general_loss", r.general_loss).set("forgetting", r.general_loss - g0)
         .set("qa_accuracy", r.dev.accuracy()).set("qa_stderr", r.dev.stderr_()).set("qa_n", r.dev.n)
         .set("qa_heldout_accuracy", r.held.accuracy()).set("qa_heldout_stderr", r.held.stderr_()).set("qa_heldout_n", r.held.n)
         .set("qa_heldout_control", r.control.accuracy()).set("qa_heldout_above_control", r.held.accuracy() - r.control.accuracy())
         .set("outside_qa_accuracy", r.outside.accuracy()).set("outside_qa_n", r.outside.n)
         .set("general_qa_accuracy", r.general.accuracy()).set("general_qa_n", r.general.n).set("general_qa_change", r.general.accuracy() - results[0].general.accuracy())
         .set("train_flops", r.train_flops).set("upfront_wall_s", r.upfront_wall_s).set("extra_params", r.trainable).set("bytes_stored", r.bytes)
         .set("prompt_tokens_per_question", r.prompt_tokens).set("flops_per_question", r.flops_per_q).set("seconds_per_question", r.seconds_per_q);
        for (double q : qs) a.set("total_flops_q" + fmt_num(q, "%.0f"), total(r, q));
        if (r.name == "rag") a.set("retrieval_hit_rate", r.hit).set("retrieval_hit_rate_heldout", r.hit_heldout);
        for (auto& s : r.samples) samples.set(s.first, s.second);
        arms_js.push(a.set("samples", samples));
        fx.push_back(r.general_loss - g0); fy.push_back(100 * r.held.accuracy()); names.push_back(r.name);
        if (!r.steps.empty()) curves.push_back({r.name, r.steps, r.losses});
    }
    // paired comparisons: the same questions asked of two arms, so each item's difference counts and
    // the standard error is the paired one (smaller than either accuracy's when the arms agree often)
    const ArmResult* naive = nullptr;
    for (auto& r : results) if (r.name == "naive") naive = &r;
    auto pm = [](std::pair<double, double> d) { return fmt_num(100 * d.first, "%+.1f") + " ± " + fmt_num(100 * d.second, "%.1f"); };
    md += "\nPaired on the same questions: soft accuracy is each question's right choice's share of a softmax over the choices' scores, averaged "
          "(a continuous accuracy that moves before the chosen choice flips); each difference is the mean over questions of the two arms' difference, "
          "± its paired standard error.\n\n| arm | dev soft accuracy | Δ base | held-out soft accuracy | Δ base | Δ naive | held-out accuracy Δ naive |\n|---|---|---|---|---|---|---|\n";
    for (size_t i = 0; i < results.size(); i++) {
        auto& r = results[i];
        auto na = [&](const std::vector<double>& a, const std::vector<double>& b) { return naive && &r != naive ? pm(paired_diff(a, b)) : std::string("-"); };
        md += "| " + r.name + " | " + pct(r.dev.soft()) + " | " + (i ? pm(paired_diff(r.dev.p_right, results[0].dev.p_right)) : "-") + " | " + pct(r.held.soft()) + " | " +
              (i ? pm(paired_diff(r.held.p_right, results[0].held.p_right)) : "-") + " | " + (naive ? na(r.held.p_right, naive->held.p_right) : "-") + " | " +
              (naive ? na(r.held.right, naive->held.right) : "-") + " |\n";
        Json& a = arms_js.arr[i];
        auto pair_js = [](std::pair<double, double> d) { return Json().set("diff", d.first).set("stderr", d.second); };
        a.set("qa_soft_accuracy", r.dev.soft()).set("qa_heldout_soft_accuracy", r.held.soft())
         .set("qa_soft_vs_base", pair_js(paired_diff(r.dev.p_right, results[0].dev.p_right)))
         .set("qa_heldout_soft_vs_base", pair_js(paired_diff(r.held.p_right, results[0].held.p_right)))
         .set("qa_heldout_vs_base", pair_js(paired_diff(r.held.right, results[0].held.right)));
        if (naive) a.set("qa_heldout_soft_vs_naive", pair_js(paired_diff(r.held.p_right, naive->held.p_right))).set("qa_heldout_vs_naive", pair_js(paired_diff(r.held.right, naive->held.right)));
    }
    // the most a perfect ranking of single chunks could reach: evidence that lies whole in some chunk
    auto in_some_chunk = [&](const std::vector<QAItem>& items) {
        int n = 0;
        for (auto& it : items)
            for (auto& ch : rag.chunks)
                if (holds_evidence(ch, it.evidence)) { n++; break; }
        return n;
    };
    double whole_dev = (double)in_some_chunk(E.qa) / std::max(1, E.evidence_n), whole_held = (double)in_some_chunk(E.held) / std::max(1, E.evidence_heldout_n);
    md += "\nrag trains nothing: the base answers with the best BM25 chunks of the 10-K's body before the question (" + std::to_string(rag.chunks.size()) +
          " chunks of up to " + std::to_string(rag.chunk_tokens) + " tokens, each half repeated in the next; the chunks are trimmed, never the question, to fit the context "
          "with the longest choice). Its 10-K and general loss are the base's: no weight changes. The evidence passage of a question was in its context for " +
          pct(results[1].hit) + " of " + std::to_string(E.evidence_n) + " questions (" + pct(results[1].hit_heldout) + " of " + std::to_string(E.evidence_heldout_n) +
          " held out); it lies whole in some chunk for " + pct(whole_dev) + " (" + pct(whole_held) + "), the most a perfect ranking could retrieve. "
          "oracle trains nothing either: the base reads each question's own evidence passage before it, the ceiling of answering by reading.\n";

    // 6. the cost ledger: what each arm spends up front, and per question asked
    md += "\n## Cost ledger\n\nUp front: the training FLOPs and the wall time an arm spends before its first question (the base's pretraining, shared by every arm, "
          "is not counted; the synthetic arms' wall time includes the generator's " + fmt_num(E.synth_wall, "%.1f") + " s on the CPU, which costs no model FLOPs; rag's is "
          "building its index). Stored: what an arm keeps beside the base, 4 bytes (fp32) per trainable parameter; rag: its chunks' text and BM25 index. Per question "
          "(averaged over both QA splits): tokens in context (retrieved text and question), and the FLOPs of scoring it as done here, one forward of the context, shared by the choices (a KV cache), "
          "then each choice over it; LoRA's adapters are counted unmerged, as scored here (merged by `./train merge` they cost nothing per question). "
          "Total = up front + Q x per question.\n\nFLOPs (eval/ledger.h; 2 per multiply-add): a forward of n tokens costs 2 x (weights a token "
          "multiplies: the tied head V*C, 12C^2 per block, r(in+out) per LoRA matrix, a memory's query, sub-keys and the top-k value rows it reads) x n, plus causal "
          "attention 2*L*C*n^2. A training token costs its forward at T = " + std::to_string(T) + ", plus the backward's activation gradients (the head's, 2x the "
          "weights of every block the backward passes through, attention 2x its forward; model.h stops below the lowest trainable block, so the memory arms skip "
          "the blocks under their memory), plus weight gradients (2x the trainable weights a token meets: everything for full training, the adapters for LoRA, the "
          "value rows read for the memory). Full training comes to llm.c's 6N + 6LCT per token. Not counted: layernorms, GELU, softmax, the optimizer step.\n\n"
          "| arm | training FLOPs | wall up front | stored | tokens in context / question | FLOPs / question | s / question | total FLOPs, 10 questions | 1,000 questions | 100,000 questions | held-out QA |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (auto& r : results) {
        char row[1024];
        snprintf(row, sizeof row, "| %s | %.3g | %.0f s | %.2f MB | %.1f | %.3g | %.3f | %.3g | %.3g | %.3g | %.1f%% |\n", r.name.c_str(), r.train_flops, r.upfront_wall_s,
                 r.bytes / 1e6, r.prompt_tokens, r.flops_per_q, r.seconds_per_q, total(r, qs[0]), total(r, qs[1]), total(r, qs[2]), 100 * r.held.accuracy());
        md += row;
    }
    md += "\n";
    for (auto& r : results)  // where answering with retrieval stops being cheaper than training once
        if (r.train_flops > 0)
            md += "- rag costs fewer FLOPs than " + r.name + (results[1].flops_per_q > r.flops_per_q
                  ? " up to " + fmt_num(r.train_flops / (results[1].flops_per_q - r.flops_per_q), "%.0f") + " questions\n"
                  : " at any number of questions (" + r.name + " costs as much or more per question)\n");
    std::vector<Series> cost_curves, qa_cost;
    for (auto& r : results) {
        Series c{r.name, {}, {}}, q{r.name, {}, {}};
        for (int k = 0; k <= 60; k++) { double n = std::pow(10.0, k / 10.0); c.x.push_back(n); c.y.push_back(total(r, n)); }
        for (double n : qs) { q.x.push_back(total(r, n)); q.y.push_back(100 * r.held.accuracy()); }
        cost_curves.push_back(c);
        qa_cost.push_back(q);
    }
    PlotSpec pq;
    pq.title = "total cost of answering Q questions: up front + Q x per question";
    pq.xlabel = "questions asked";
    pq.ylabel = "total FLOPs";
    pq.logx = pq.logy = true;
    plot_lines(c.out + "/cost_vs_questions.png", pq, cost_curves);
    PlotSpec pa;
    pa.title = "held-out QA vs total FLOPs at 10, 1,000 and 100,000 questions";
    pa.xlabel = "total FLOPs (markers: 10, 1,000, 100,000 questions)";
    pa.ylabel = "held-out QA accuracy (%)";
    pa.logx = true;
    plot_lines(c.out + "/qa_vs_cost.png", pa, qa_cost);
    md += "\n![total cost vs questions](cost_vs_questions.png)\n\n![QA vs total cost](qa_vs_cost.png)\n";

    // 7. the capacity plan for the 10-K (./train capacity): the base's NLL of the body in bits
    Json cap, rag_js;
    md += "\n## Capacity plan (`./train capacity`)\n\n" +
          capacity_report(results[0].doc_loss * (E.doc_ids.size() - 1) / std::log(2.0), (long)E.doc_ids.size() - 1, E.base_cfg.L, E.base_cfg.C, (double)E.base_params,
                          E.mem_slots ? E.mem_slots : 65536, E.lora_rank ? E.lora_rank : 16, &cap);
    rag_js.set("chunks", (double)rag.chunks.size()).set("chunk_tokens", rag.chunk_tokens).set("index_bytes", (double)rag.bytes())
          .set("evidence_items", E.evidence_n).set("evidence_items_heldout", E.evidence_heldout_n)
          .set("evidence_in_some_chunk", whole_dev).set("evidence_in_some_chunk_heldout", whole_held);
    js.set("arms", arms_js).set("rag", rag_js).set("synth_wall_s", E.synth_wall).set("capacity", cap).set("seconds", now_s() - t_all);
    PlotSpec ps;
    ps.title = "what each arm learned (held-out QA) vs what it forgot";
    ps.xlabel = "forgetting: general held-out loss minus the base's (nats)";
    ps.ylabel = "held-out QA accuracy (%)";
    plot_scatter(c.out + "/qa_vs_forgetting.png", ps, fx, fy, names);
    PlotSpec pc;
    pc.title = "training loss per arm";
    pc.xlabel = "step";
    pc.ylabel = "loss on the arm's training data (nats)";
    plot_lines(c.out + "/loss_curves.png", pc, curves);
    md += "\n## What each arm learned and lost\n\n![QA vs forgetting](qa_vs_forgetting.png)\n\n![loss curves](loss_curves.png)\n\n## Samples (temperature 0.7, top-k 40; rag: after its retrieved chunks)\n";
    for (auto& r : results)
        for (auto& sm : r.samples) md += "\n**" + r.name + "** — `" + json_escape(sm.first) + "`\n\n> " + sm.second + "\n";
    write_file_atomic(c.out + "/results.json", json_dump(js) + "\n");
    write_file_atomic(c.out + "/report.md", md);
}

int cmd_3m(Flags& f) {
    ThreeMConfig c;
    three_m_flags(f, c);
    if (!f.finish("3m")) return 0;
    bool tiny = c.size == ThreeMConfig::TINY;
    std::string data3m = home_dir() + "/data/3m/";
    // the PDF's layout lets the generator rebuild the financial tables (the .txt loses most of them)
    std::string doc_given = c.doc;
    if (c.synth_doc.empty()) c.synth_doc = c.doc.empty() ? data3m + "3M_2022_10K.pdf" : c.doc;
    if (c.doc.empty()) c.doc = data3m + "3M_2022_10K.txt";
    if (c.qa.empty()) c.qa = data3m + "qa.jsonl";
    if (c.qa_heldout.empty()) c.qa_heldout = data3m + "qa_heldout.jsonl";
    if (c.general_qa.empty() && file_exists(home_dir() + "/data/general_qa/general_qa.jsonl")) c.general_qa = home_dir() + "/data/general_qa/general_qa.jsonl";
    // a Llama base (a GGUF, or our checkpoint of that family) sets other defaults: its header says so
    GPT2Config probe = c.base.empty() ? GPT2Config() : GPT2<float>::read_config(c.base);
    // the default 10-K on a Llama base at the CPU size: a part of it that 2 cores train on in the time
    if (c.pages.empty() && doc_given.empty() && probe.llama() && !tiny) c.pages = "25-48";
    synth::PageRange pages;
    if (!synth::parse_page_range(c.pages, &pages)) fatal(EXIT_USAGE, "--pages takes A-B with 1 <= A <= B (got '%s')", c.pages.c_str());
    if (c.general.empty()) c.general = c.base.empty() ? "out/data" : c.out + "/general";
    if (!c.steps) c.steps = tiny ? 6 : probe.llama() ? 300 : 600;
    if (!c.batch) c.batch = tiny || probe.llama() ? 4 : 16;
    if (!c.general_tokens) c.general_tokens = tiny ? 2000 : probe.llama() ? 30000 : 100000;
    if (c.mem_layer.empty()) c.mem_layer = probe.llama() ? std::to_string(probe.L / 2) : tiny ? "1" : "2";
    if (!c.topt) c.topt = tiny ? 8 : probe.llama() ? 10000 : 1000;
    if (!c.sparse_lr) c.sparse_lr = probe.llama() ? 1e6 : 1e5;
    for (size_t a = 0; a < c.arms.size();) {  // each listed arm must be one of the five
        size_t e = std::min(c.arms.find(',', a), c.arms.size());
        std::string name = c.arms.substr(a, e - a);
        if (std::none_of(std::begin(ARMS), std::end(ARMS), [&](const Arm& r) { return name == r.name; }))
            fatal(EXIT_USAGE, "--arms: unknown arm '%s' (naive, synth-full, synth-lora, synth-memory, synth-memory-sparse)", name.c_str());
        a = e + 1;
    }
    for (auto& file : {c.doc, c.synth_doc, c.qa, c.qa_heldout})
        if (!file_exists(file)) fatal(EXIT_RUNTIME, "3m: %s does not exist", file.c_str());
    synth::select_pages(read_file(c.doc), pages, c.doc);  // a range past the end is refused before any stage runs
    mkdir_p(c.out);
    double t_all = now_s();
    Experiment E;
    E.cfg = c;
    three_m_pipeline(E);
    three_m_measure(E);
    three_m_report(E, t_all);
    printf("3m: wrote %s/report.md and %s/results.json in %s\n", c.out.c_str(), c.out.c_str(), fmt_duration(now_s() - t_all).c_str());
    return 0;
}
