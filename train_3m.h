// train_3m.h: part of the trainer, included once by train_gpt2.cu (it uses that file's helpers:
// home_dir, now_s, set_threads, tokenizer_for_checkpoint, trainable_for, g_stop_signal, dispatch).
//   ./train 3m        the 3M 10-K experiment: base, synthetic data, the arms, the report card
//   ./train chat      answer questions from stdin, optionally with retrieved chunks (--rag DOC)
//   ./train capacity  the bits a document adds against what a model's trainable regions hold
#pragma once
#include "llmc/capacity.h"
#include "llmc/ledger.h"
#include "llmc/rag.h"

// knowledge in context vs in weights: multiple choice with retrieved chunks (the 3m rag arm),
// answering questions (chat), and the bits a document adds against what parameters hold (capacity)

// qa_correct's scoring and what it cost, optionally with the best BM25 chunks of a document before
// each question. The chunks are trimmed, never the question: the question and the longest choice
// always fit the context.
struct QARun {
    int correct = 0, with_evidence = 0, hits = 0;  // hits: contexts that hold the item's evidence
    double prompt_tokens = 0, flops = 0;           // sums over items: context + question tokens; FLOPs of every choice's forward
};
static QARun qa_run(GPT2<float>& m, const Tokenizer& tok, const std::vector<QAItem>& items, const RagIndex* rag) {
    QARun r;
    for (auto& it : items) {
        std::vector<int> q = tok.encode(qa_prompt(it.question)), ctx;
        std::vector<std::vector<int>> conts;
        int longest = 0;
        for (auto& c : it.choices) { conts.push_back(tok.encode(" " + c)); longest = std::max(longest, (int)conts.back().size()); }
        if (rag) {
            std::string text;
            ctx = rag_context(*rag, tok, it.question, m.cfg.maxT + 1 - longest - (int)q.size(), 3, &text);
            if (!it.evidence.empty()) { r.with_evidence++; r.hits += holds_evidence(text, it.evidence); }
        }
        ctx.insert(ctx.end(), q.begin(), q.end());
        int best = 0;
        double best_lp = -1e300;
        for (size_t c = 0; c < conts.size(); c++) {
            double lp = continuation_logprob(m, ctx, conts[c]);
            if (lp > best_lp) { best_lp = lp; best = (int)c; }
            r.flops += forward_flops(m.cfg, (int)std::min(ctx.size() + conts[c].size(), (size_t)m.cfg.maxT + 1) - 1);
        }
        r.correct += best == it.answer;
        r.prompt_tokens += ctx.size();
    }
    return r;
}

// a document's text: a .pdf through pdftotext, anything else as it is
static std::string document_text(const std::string& path) {
    if (!file_exists(path)) fatal(EXIT_RUNTIME, "document %s does not exist", path.c_str());
    bool pdf = path.size() > 4 && path.compare(path.size() - 4, 4, ".pdf") == 0;
    return pdf ? synth::run_pdftotext(path, false) : read_file(path);
}

// the generated continuation of ids up to the end of its first line: greedy at temperature 0
static std::string answer_line(GPT2<float>& m, const Tokenizer& tok, std::vector<int> ids, int max_tokens, double temperature, Rng& rng) {
    std::string out;
    for (int i = 0; i < max_tokens; i++) {
        int n = (int)std::min<size_t>(ids.size(), m.cfg.maxT);
        m.forward(ids.data() + ids.size() - n, nullptr, 1, n);
        int next = sample_token(m.logits_at(0, n - 1), m.cfg.V, temperature, 40, rng);
        if (next == tok.eot) break;
        std::string piece = tok.decode_token(next);
        size_t nl = piece.find('\n');
        out += piece.substr(0, nl);
        if (nl != std::string::npos) break;
        ids.push_back(next);
    }
    size_t a = out.find_first_not_of(' '), b = out.find_last_not_of(' ');
    return a == std::string::npos ? "" : out.substr(a, b - a + 1);
}

static int cmd_chat(Args& a) {
    std::string ckpt = a.str("ckpt", ""), doc = a.str("rag", "");
    int max_tokens = (int)a.integer("max-tokens", 64, 1, 1000000);
    double temperature = a.real("temperature", 0, 0, 100);
    uint64_t seed = (uint64_t)a.integer("seed", 1337, 0, 1L << 40);
    set_threads(a);
    a.finish("chat");
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
        std::vector<int> q = tok.encode(qa_prompt(line)), ids;
        // retrieved text fills what the question and (up to a quarter of the context of) answer leave
        if (!doc.empty()) ids = rag_context(rag, tok, line, m.cfg.maxT - (int)q.size() - std::min(max_tokens, m.cfg.maxT / 4), 3, nullptr);
        ids.insert(ids.end(), q.begin(), q.end());
        printf("%s\n", answer_line(m, tok, ids, max_tokens, temperature, rng).c_str());
        fflush(stdout);
    }
    if (tty) printf("\n");
    return 0;
}

static int cmd_capacity(Args& a) {
    std::string ckpt = a.str("ckpt", ""), doc = a.str("doc", "");
    long slots = a.integer("memory-slots", 65536, 1, 1L << 40);
    int rank = (int)a.integer("lora-rank", 16, 1, 1 << 20);
    set_threads(a);
    a.finish("capacity");
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
    double bits = text_loss(m, ids, 8, &n) * n / std::log(2.0);
    std::string json;
    fputs(capacity_report(bits, n, m.cfg.L, m.cfg.C, (double)m.num_params(), slots, rank, &json).c_str(), stdout);
    printf("%s\n", json.c_str());
    return 0;
}

// ---------------------------------------------------------------------------------------------
// 3m: the talk's experiment. One base model; five ways to put the 10-K into it; what each learned
// (10-K loss, QA accuracy) and what each lost (general held-out loss). Writes out/3m/report.md.

static int dispatch(const std::string& cmd, Args& a);

// runs a subcommand in this process, as if from the command line. A stage that a signal cut short
// (it saved and returned) ends the pipeline, unmarked, so the next run redoes it.
static int run_sub(const std::vector<std::string>& words) {
    std::vector<char*> argv;
    std::string line;
    for (auto& w : words) { argv.push_back((char*)w.c_str()); line += w + " "; }
    printf("\n$ ./train %s\n", line.c_str());
    fflush(stdout);
    Args a((int)argv.size(), argv.data(), 1);
    int rc = dispatch(words[0], a);
    if (g_stop_signal) { printf("3m: stopped by signal %d; rerun ./train 3m to continue\n", (int)g_stop_signal); exit(0); }
    return rc;
}

// a stage is current when its directory holds done.txt with the same command line
static bool stage_current(const std::string& dir, const std::string& key) {
    return file_exists(dir + "/done.txt") && read_file(dir + "/done.txt") == key;
}
static void stage_mark(const std::string& dir, const std::string& key) { write_file_atomic(dir + "/done.txt", key); }
static std::string join(const std::vector<std::string>& w) { std::string s; for (auto& x : w) s += x + " "; return s; }

struct ArmResult {
    std::string name, data;
    int mode = -1;  // the TrainMode of a trained arm; -1 for the base and rag (no training)
    double trainable = 0, tokens = 0, wall_s = 0, doc_loss = 0, general_loss = 0, qa = 0, qa_heldout = 0;
    int qa_n = 0, qa_heldout_n = 0;
    // the cost ledger: up front (training FLOPs; wall time incl. the synthetic data or the index),
    // bytes stored beyond the base, and per question asked (tokens in context, FLOPs, seconds)
    double train_flops = 0, upfront_wall_s = 0, bytes = 0, prompt_tokens = 0, flops_per_q = 0, seconds_per_q = 0;
    double hit = 0, hit_heldout = 0;  // rag: share of items whose evidence was in the context
    std::vector<std::pair<std::string, std::string>> samples;
    std::vector<double> steps, losses;
};

static const char* mode_label(const ArmResult& r) { return r.mode >= 0 ? mode_row((TrainMode)r.mode).name : "-"; }

static int cmd_3m(Args& a) {
    std::string out = a.str("out", "out/3m");
    std::string base_ckpt = a.str("base", "");
    std::string size = a.choice("size", "cpu", {"cpu", "tiny"});
    std::string doc = a.str("doc", home_dir() + "/data/3m/3M_2022_10K.txt");
    // the PDF's layout lets the generator rebuild the financial tables (the .txt loses most of them)
    std::string synth_doc = a.str("synth-doc", a.has("doc") ? doc : home_dir() + "/data/3m/3M_2022_10K.pdf");
    std::string qa = a.str("qa", home_dir() + "/data/3m/qa.jsonl");
    std::string qa_held = a.str("qa-heldout", home_dir() + "/data/3m/qa_heldout.jsonl");
    std::string general = a.str("general-data", "out/data");
    bool tiny = size == "tiny";
    int steps = (int)a.integer("steps", tiny ? 6 : 600, 1, 10000000);
    int batch = (int)a.integer("batch", tiny ? 4 : 16, 1, 65536);
    std::string threads = std::to_string(a.integer("threads", omp_get_max_threads(), 1, 1024));
    int general_tokens = (int)a.integer("general-tokens", tiny ? 2000 : 100000, 100, 1 << 30);
    std::string mem_layer = a.str("mem-layer", tiny ? "1" : "2");
    std::string topt = a.str("topt", tiny ? "8" : "1000");
    // the value gradient of a loss averaged over B*T tokens is ~1e-5 per slot row: SGD needs a large
    // rate (a 40-step probe on the synthetic data's training loss chose 1e5 among 10..1e5)
    std::string sparse_lr = a.str("sparse-lr", "1e5");
    a.finish("3m");
    for (auto& f : {doc, synth_doc, qa, qa_held})
        if (!file_exists(f)) fatal(EXIT_RUNTIME, "3m: %s does not exist", f.c_str());
    mkdir_p(out);
    double t_all = now_s();

    // 1. the base model: given, or pretrained once on the general corpus and cached
    std::string base_dir = out + "/base";
    if (base_ckpt.empty()) {
        std::vector<std::string> w = {"pretrain", "--data", general, "--out", base_dir, "--threads", threads, "--sample-tokens", "0"};
        std::vector<std::string> shape = tiny ? std::vector<std::string>{"--depth", "2", "--width", "64", "--heads", "2", "--context", "64", "--batch", "4", "--steps", "20", "--val-every", "10"}
                                              : std::vector<std::string>{"--depth", "4", "--width", "256", "--heads", "4", "--context", "128", "--batch", "16", "--steps", "1500", "--val-every", "250"};
        w.insert(w.end(), shape.begin(), shape.end());
        if (!stage_current(base_dir, join(w))) { if (run_sub(w)) return 1; stage_mark(base_dir, join(w)); }
        else printf("3m: base %s/model.bin is current\n", base_dir.c_str());
    } else {
        mkdir_p(base_dir);
        GPT2<float> b;
        b.load(base_ckpt);
        if (b.cfg.lora_rank || b.cfg.mem_layers) fatal(EXIT_USAGE, "--base must be a plain GPT-2 checkpoint (%s has LoRA or memory)", base_ckpt.c_str());
        b.save(base_dir + "/model.bin");
        tokenizer_for_checkpoint(base_ckpt, b.cfg.V).save(base_dir + "/tokenizer.bin");
    }
    std::string base = base_dir + "/model.bin";
    GPT2<float> bm;
    bm.load(base);
    Tokenizer tok = tokenizer_for_checkpoint(base, bm.cfg.V);
    int T = bm.cfg.maxT;
    long budget = (long)steps * batch * T;

    // 2. the data: the raw 10-K as one shard, and the synthetic corpus of the same size
    std::string doc_dir = out + "/doc", synth_dir = out + "/synth";
    mkdir_p(doc_dir);
    // the report's body: the exhibit index after the last "PART IV" line is lists of filings
    std::string doc_text = read_file(doc);
    size_t part4 = doc_text.rfind("\nPART IV\n");
    if (part4 != std::string::npos && part4 > doc_text.size() / 3) doc_text.resize(part4 + 1);
    std::vector<int> doc_ids = tok.encode(doc_text, false);
    doc_ids.push_back(tok.eot);
    write_shard(doc_dir + "/train.bin", doc_ids, tok.vocab_size);
    std::vector<std::string> sw = {"synth", "--doc", synth_doc, "--out", synth_dir, "--ckpt", base, "--tokens", std::to_string(budget), "--context", std::to_string(T)};
    if (file_exists(general + "/train.bin")) { sw.push_back("--replay-data"); sw.push_back(general); }
    if (!stage_current(synth_dir, join(sw))) { if (run_sub(sw)) return 1; stage_mark(synth_dir, join(sw)); }
    double synth_wall = 0;  // the generator's own timing: CPU string work, no model FLOPs
    {
        Json j; std::string err;
        if (json_parse(read_file_if(synth_dir + "/report.json"), j, err) && j.get("seconds") && j.get("seconds")->get("total"))
            synth_wall = j.get("seconds")->get("total")->num;
    }
    // the rag arm's index: the same body, in half-overlapping chunks of the base's tokens
    double t_rag = now_s();
    RagIndex rag = rag_index(doc_text, tok, rag_chunk_tokens(T));
    t_rag = now_s() - t_rag;

    // 3. the arms, on the same token budget
    struct Arm { std::string name; TrainMode mode; std::string data; std::vector<std::string> extra; };
    std::vector<Arm> arms = {
        {"naive", TRAIN_FULL, doc_dir, {"--lr", "2e-3"}},
        {"synth-full", TRAIN_FULL, synth_dir, {"--lr", "1e-3"}},
        {"synth-lora", TRAIN_LORA, synth_dir, {"--lr", "2e-3", "--lora-rank", "16"}},
        {"synth-memory", TRAIN_MEMORY, synth_dir, {"--lr", "1e-2", "--mem-layers", mem_layer}},
        {"synth-memory-sparse", TRAIN_MEMORY_SPARSE, synth_dir, {"--lr", "1e-2", "--sparse-lr", sparse_lr, "--topt", topt, "--mem-layers", mem_layer}},
    };
    std::vector<std::string> mem_shape = tiny ? std::vector<std::string>{"--mem-keys", "8", "--mem-topk", "4", "--mem-heads", "2", "--mem-dk", "8", "--df-batches", "4"}
                                              : std::vector<std::string>{"--mem-keys", "256", "--mem-topk", "32", "--mem-heads", "4", "--mem-dk", "128", "--df-batches", "200"};
    std::vector<ArmResult> results;
    for (auto& arm : arms) {
        std::string dir = out + "/" + arm.name;
        std::vector<std::string> w = {"inject", "--init-ckpt", base, "--data", arm.data, "--out", dir, "--train", mode_row(arm.mode).name,
                                      "--steps", std::to_string(steps), "--batch", std::to_string(batch), "--threads", threads,
                                      "--val-every", "0", "--sample-tokens", "0", "--df-data", general};
        w.insert(w.end(), arm.extra.begin(), arm.extra.end());
        if (mode_row(arm.mode).needs_memory) w.insert(w.end(), mem_shape.begin(), mem_shape.end());
        double t0 = now_s();
        if (!stage_current(dir, join(w))) {
            if (run_sub(w)) return 1;
            write_file_atomic(dir + "/wall_s.txt", std::to_string(now_s() - t0));
            stage_mark(dir, join(w));
        }
        ArmResult r;
        r.name = arm.name; r.mode = arm.mode; r.data = arm.data == doc_dir ? "raw 10-K" : "synthetic";
        r.tokens = (double)budget;
        r.wall_s = atof(read_file_if(dir + "/wall_s.txt").c_str());
        std::string text = read_file(dir + "/log.jsonl");
        for (size_t p0 = 0; p0 < text.size();) {
            size_t e = text.find('\n', p0);
            Json j; std::string err;
            if (json_parse(text.substr(p0, e - p0), j, err) && j.get("loss")) { r.steps.push_back(j.get("step")->num); r.losses.push_back(j.get("loss")->num); }
            p0 = e + 1;
        }
        results.push_back(r);
    }

    // 4. measure every arm, and the base as the reference point
    std::vector<int> general_ids = read_shard(general + "/val.bin", tok.vocab_size);
    if ((int)general_ids.size() > general_tokens) general_ids.resize(general_tokens);
    std::vector<QAItem> qa_items = read_qa(qa), held_items = read_qa(qa_held);
    const std::vector<std::string> prompts = {"Write a poem about 3M in fiscal year 2022.\n", "Question: What were 3M's total net sales in 2022?\nAnswer:",
                                              "The history of the United States"};
    ArmResult base_r, rag_r;
    base_r.name = "base"; base_r.data = "-";
    rag_r.name = "rag"; rag_r.data = "retrieved 10-K chunks";
    results.insert(results.begin(), {base_r, rag_r});
    long mem_slots = 0;
    int lora_rank = 0;
    int evidence_n = 0, evidence_heldout_n = 0;
    for (auto& r : results) {
        bool is_rag = r.name == "rag";
        const RagIndex* ctx = is_rag ? &rag : nullptr;
        GPT2<float> m;
        m.load(out + "/" + (is_rag ? "base" : r.name) + "/model.bin");
        bool trained = r.mode >= 0;
        m.set_trainable(trainable_for(m, trained ? (TrainMode)r.mode : TRAIN_FULL), false);
        r.trainable = trained ? (double)m.num_trainable() : 0;
        if (m.cfg.mem_layers) mem_slots = (long)m.cfg.mem.N();
        if (m.cfg.lora_rank) lora_rank = m.cfg.lora_rank;
        // rag changes no weight: its 10-K and general loss are the base's (measured just before)
        r.doc_loss = is_rag ? results[0].doc_loss : text_loss(m, doc_ids, 8, nullptr);
        r.general_loss = is_rag ? results[0].general_loss : text_loss(m, general_ids, 8, nullptr);
        r.qa_n = (int)qa_items.size(); r.qa_heldout_n = (int)held_items.size();
        double t0 = now_s();
        QARun dev = qa_run(m, tok, qa_items, ctx), held = qa_run(m, tok, held_items, ctx);
        int nq = r.qa_n + r.qa_heldout_n;
        r.seconds_per_q = (now_s() - t0) / nq;
        r.qa = (double)dev.correct / r.qa_n;
        r.qa_heldout = (double)held.correct / r.qa_heldout_n;
        r.hit = (double)dev.hits / std::max(1, dev.with_evidence);
        r.hit_heldout = (double)held.hits / std::max(1, held.with_evidence);
        evidence_n = dev.with_evidence; evidence_heldout_n = held.with_evidence;
        r.prompt_tokens = (dev.prompt_tokens + held.prompt_tokens) / nq;
        r.flops_per_q = (dev.flops + held.flops) / nq;
        r.train_flops = trained ? r.tokens * train_flops_per_token(m.cfg, T, m.stop_layer(), (TrainMode)r.mode) : 0;
        r.upfront_wall_s = is_rag ? t_rag : r.wall_s + (r.data == "synthetic" ? synth_wall : 0);
        r.bytes = is_rag ? (double)rag.bytes() : 4 * r.trainable;
        for (auto& pr : prompts) {
            std::string pre;  // rag: the chunks retrieved for the prompt, as much as fits before it
            if (is_rag) rag_context(rag, tok, pr, T - (int)tok.encode(pr).size() - 1, 3, &pre);
            r.samples.push_back({pr, generate(m, tok, pre + pr, tiny ? 16 : 80, 0.7, 40, 1337)});
        }
        printf("3m: %-20s 10-K loss %.3f | general loss %.4f | QA %.3f | held-out QA %.3f", r.name.c_str(), r.doc_loss, r.general_loss, r.qa, r.qa_heldout);
        if (is_rag) printf(" | evidence in context %.3f, held out %.3f", r.hit, r.hit_heldout);
        printf("\n");
        fflush(stdout);
    }
    double g0 = results[0].general_loss;
    auto fmt_num = [](double x, const char* f) { char b[64]; snprintf(b, sizeof b, f, x); return std::string(b); };
    auto pct = [&](double x) { return fmt_num(100 * x, "%.1f%%"); };
    auto ledger_json = [&](const ArmResult& r) {
        std::string s = ", \"train_flops\": " + fmt_num(r.train_flops, "%.6g") + ", \"upfront_wall_s\": " + fmt_num(r.upfront_wall_s, "%.2f") +
                        ", \"extra_params\": " + fmt_num(r.trainable, "%.0f") + ", \"bytes_stored\": " + fmt_num(r.bytes, "%.0f") +
                        ", \"prompt_tokens_per_question\": " + fmt_num(r.prompt_tokens, "%.2f") + ", \"flops_per_question\": " + fmt_num(r.flops_per_q, "%.6g") +
                        ", \"seconds_per_question\": " + fmt_num(r.seconds_per_q, "%.4f");
        for (double q : {10.0, 1000.0, 100000.0})
            s += ", \"total_flops_q" + fmt_num(q, "%.0f") + "\": " + fmt_num(r.train_flops + q * r.flops_per_q, "%.6g");
        if (r.name == "rag") s += ", \"retrieval_hit_rate\": " + fmt_num(r.hit, "%.4f") + ", \"retrieval_hit_rate_heldout\": " + fmt_num(r.hit_heldout, "%.4f");
        return s;
    };

    // 5. the report card
    std::string js = "{\"budget_tokens\": " + std::to_string(budget) + ", \"doc_tokens\": " + std::to_string(doc_ids.size()) + ", \"arms\": [";
    std::string md = "# The 3M 10-K experiment\n\nBase model: `" + base + "` (depth " + std::to_string(bm.cfg.L) + ", width " + std::to_string(bm.cfg.C) +
                     ", context " + std::to_string(T) + ", " + std::to_string(bm.num_params()) + " parameters). Document: `" + doc + "` (" +
                     std::to_string(doc_ids.size()) + " tokens of its body, up to Part IV's exhibit index). Every arm trains on " + std::to_string(budget) + " tokens. QA: " +
                     std::to_string(qa_items.size()) + " questions (`" + qa + "`) and " + std::to_string(held_items.size()) +
                     " held out (`" + qa_held + "`), 4 choices each (chance 25%), scored by mean log-likelihood per token.\n\n"
                     "| arm | trains | data | trainable params | 10-K loss | general loss | forgetting (Δ general) | QA | held-out QA | wall |\n|---|---|---|---|---|---|---|---|---|---|\n";
    std::vector<double> fx, fy;
    std::vector<std::string> names;
    std::vector<Series> curves;
    for (size_t i = 0; i < results.size(); i++) {
        auto& r = results[i];
        char row[512];
        snprintf(row, sizeof row, "| %s | %s | %s | %.0f | %.3f | %.4f | %+.4f | %.1f%% | %.1f%% | %.0fs |\n", r.name.c_str(), mode_label(r), r.data.c_str(),
                 r.trainable, r.doc_loss, r.general_loss, r.general_loss - g0, 100 * r.qa, 100 * r.qa_heldout, r.wall_s);
        md += row;
        js += std::string(i ? ", " : "") + "{\"arm\": " + json_escape(r.name) + ", \"mode\": " + json_escape(mode_label(r)) + ", \"data\": " + json_escape(r.data) +
              ", \"trainable_params\": " + std::to_string((long)r.trainable) + ", \"tokens\": " + std::to_string((long)(i ? r.tokens : 0)) +
              ", \"wall_s\": " + std::to_string(r.wall_s) + ", \"doc_loss\": " + std::to_string(r.doc_loss) + ", \"general_loss\": " + std::to_string(r.general_loss) +
              ", \"forgetting\": " + std::to_string(r.general_loss - g0) + ", \"qa_accuracy\": " + std::to_string(r.qa) + ", \"qa_n\": " + std::to_string(r.qa_n) +
              ", \"qa_heldout_accuracy\": " + std::to_string(r.qa_heldout) + ", \"qa_heldout_n\": " + std::to_string(r.qa_heldout_n) + ledger_json(r) + ", \"samples\": {";
        for (size_t k = 0; k < r.samples.size(); k++) js += std::string(k ? ", " : "") + json_escape(r.samples[k].first) + ": " + json_escape(r.samples[k].second);
        js += "}}";
        fx.push_back(r.general_loss - g0); fy.push_back(100 * r.qa_heldout); names.push_back(r.name);
        if (!r.steps.empty()) curves.push_back({r.name, r.steps, r.losses});
    }
    // the most a perfect ranking of single chunks could reach: evidence that lies whole in some chunk
    auto in_some_chunk = [&](const std::vector<QAItem>& items) {
        int n = 0;
        for (auto& it : items)
            for (auto& c : rag.chunks)
                if (holds_evidence(c, it.evidence)) { n++; break; }
        return n;
    };
    double whole_dev = (double)in_some_chunk(qa_items) / std::max(1, evidence_n), whole_held = (double)in_some_chunk(held_items) / std::max(1, evidence_heldout_n);
    md += "\nrag trains nothing: the base answers with the best BM25 chunks of the 10-K's body before the question (" + std::to_string(rag.chunks.size()) +
          " chunks of up to " + std::to_string(rag.chunk_tokens) + " tokens, each half repeated in the next; the chunks are trimmed, never the question, to fit the context "
          "with the longest choice). Its 10-K and general loss are the base's: no weight changes. The evidence passage of a question was in its context for " +
          pct(results[1].hit) + " of " + std::to_string(evidence_n) + " questions (" + pct(results[1].hit_heldout) + " of " + std::to_string(evidence_heldout_n) +
          " held out); it lies whole in some chunk for " + pct(whole_dev) + " (" + pct(whole_held) + "), the most a perfect ranking could retrieve.\n";

    // 6. the cost ledger: what each arm spends up front, and per question asked
    const double qs[3] = {10, 1000, 100000};
    auto total = [](const ArmResult& r, double q) { return r.train_flops + q * r.flops_per_q; };
    md += "\n## Cost ledger\n\nUp front: the training FLOPs and the wall time an arm spends before its first question (the base's pretraining, shared by every arm, "
          "is not counted; the synthetic arms' wall time includes the generator's " + fmt_num(synth_wall, "%.1f") + " s on the CPU, which costs no model FLOPs; rag's is "
          "building its index). Stored: what an arm keeps beside the base, 4 bytes (fp32) per trainable parameter; rag: its chunks' text and BM25 index. Per question "
          "(averaged over both QA splits): tokens in context (retrieved text and question), and the FLOPs of scoring it as done here, one forward of context + choice "
          "for each of its choices; LoRA's adapters are counted unmerged, as scored here (merged by `./train merge` they cost nothing per question). "
          "Total = up front + Q x per question.\n\nFLOPs (llmc/ledger.h; 2 per multiply-add): a forward of n tokens costs 2 x (weights a token "
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
                 r.bytes / 1e6, r.prompt_tokens, r.flops_per_q, r.seconds_per_q, total(r, qs[0]), total(r, qs[1]), total(r, qs[2]), 100 * r.qa_heldout);
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
        for (double n : qs) { q.x.push_back(total(r, n)); q.y.push_back(100 * r.qa_heldout); }
        cost_curves.push_back(c);
        qa_cost.push_back(q);
    }
    PlotSpec pq;
    pq.title = "total cost of answering Q questions: up front + Q x per question";
    pq.xlabel = "questions asked";
    pq.ylabel = "total FLOPs";
    pq.logx = pq.logy = true;
    plot_lines(out + "/cost_vs_questions.png", pq, cost_curves);
    PlotSpec pa;
    pa.title = "held-out QA vs total FLOPs at 10, 1,000 and 100,000 questions";
    pa.xlabel = "total FLOPs (markers: 10, 1,000, 100,000 questions)";
    pa.ylabel = "held-out QA accuracy (%)";
    pa.logx = true;
    plot_lines(out + "/qa_vs_cost.png", pa, qa_cost);
    md += "\n![total cost vs questions](cost_vs_questions.png)\n\n![QA vs total cost](qa_vs_cost.png)\n";

    // 7. the capacity plan for the 10-K (./train capacity): the base's NLL of the body in bits
    std::string cap_json;
    md += "\n## Capacity plan (`./train capacity`)\n\n" +
          capacity_report(results[0].doc_loss * (doc_ids.size() - 1) / std::log(2.0), (long)doc_ids.size() - 1, bm.cfg.L, bm.cfg.C, (double)bm.num_params(),
                          mem_slots ? mem_slots : 65536, lora_rank ? lora_rank : 16, &cap_json);
    js += "], \"rag\": {\"chunks\": " + std::to_string(rag.chunks.size()) + ", \"chunk_tokens\": " + std::to_string(rag.chunk_tokens) + ", \"index_bytes\": " +
          std::to_string(rag.bytes()) + ", \"evidence_items\": " + std::to_string(evidence_n) + ", \"evidence_items_heldout\": " + std::to_string(evidence_heldout_n) +
          ", \"evidence_in_some_chunk\": " + fmt_num(whole_dev, "%.4f") + ", \"evidence_in_some_chunk_heldout\": " + fmt_num(whole_held, "%.4f") +
          "}, \"synth_wall_s\": " + fmt_num(synth_wall, "%.2f") + ", \"capacity\": " + cap_json + ", \"seconds\": " + std::to_string(now_s() - t_all) + "}\n";
    PlotSpec ps;
    ps.title = "what each arm learned (held-out QA) vs what it forgot";
    ps.xlabel = "forgetting: general held-out loss minus the base's (nats)";
    ps.ylabel = "held-out QA accuracy (%)";
    plot_scatter(out + "/qa_vs_forgetting.png", ps, fx, fy, names);
    PlotSpec pc;
    pc.title = "training loss per arm";
    pc.xlabel = "step";
    pc.ylabel = "loss on the arm's training data (nats)";
    plot_lines(out + "/loss_curves.png", pc, curves);
    md += "\n## What each arm learned and lost\n\n![QA vs forgetting](qa_vs_forgetting.png)\n\n![loss curves](loss_curves.png)\n\n## Samples (temperature 0.7, top-k 40; rag: after its retrieved chunks)\n";
    for (auto& r : results)
        for (auto& sm : r.samples) md += "\n**" + r.name + "** — `" + json_escape(sm.first) + "`\n\n> " + sm.second + "\n";
    write_file_atomic(out + "/results.json", js);
    write_file_atomic(out + "/report.md", md);
    printf("3m: wrote %s/report.md and %s/results.json in %s\n", out.c_str(), out.c_str(), fmt_duration(now_s() - t_all).c_str());
    return 0;
}
