// eval.h: what a trained model is scored and sampled with: mean loss over a token stream (any
// backend's forward), text loss over a whole document, multiple-choice QA by mean per-token
// log-likelihood of each choice, and sampling. Shared by pretrain, eval, chat and the 3m pipeline.
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>
#include "llmc/json.h"
#include "llmc/model.h"
#include "llmc/rand.h"
#include "llmc/sampler.h"
#include "llmc/tokenizer.h"
#include "llmc/utils.h"
#include "ledger.h"
#include "rag.h"

// mean loss over up to max_batches sequential (B,T) windows of tokens; fwd(x, y, b, T) is one
// model's mean loss on a (b,T) batch (the CPU model's, or the GPU trainer's)
template <class Fwd>
double eval_windows(Fwd fwd, const std::vector<int>& tokens, int B, int T, int max_batches, long* ntok = nullptr) {
    long windows = tokens.size() > (size_t)T ? (long)((tokens.size() - 1) / T) : 0;
    std::vector<int> x((size_t)B * T), y((size_t)B * T);
    double sum = 0;
    long n = 0;
    for (long w0 = 0; w0 < windows && (max_batches <= 0 || w0 / B < max_batches); w0 += B) {
        int b = (int)std::min<long>(B, windows - w0);
        for (int i = 0; i < b; i++)
            for (int t = 0; t < T; t++) { x[i * T + t] = tokens[(w0 + i) * T + t]; y[i * T + t] = tokens[(w0 + i) * T + t + 1]; }
        sum += fwd(x.data(), y.data(), b, T) * b * T;
        n += (long)b * T;
    }
    if (ntok) *ntok = n;
    return n ? sum / n : NAN;
}
inline double eval_loss(GPT2<float>& m, const std::vector<int>& tokens, int B, int T, int max_batches, long* ntok = nullptr) {
    return eval_windows([&](const int* x, const int* y, int b, int t) { return (double)m.forward(x, y, b, t); }, tokens, B, T, max_batches, ntok);
}

// the continuation of ids, one token at a time, until eot (or `stop`, e.g. a chat model's end of
// turn), max_tokens or, with `line`, the end of the first line. A KV cache makes each new token one
// token's forward; once the context is full, each step re-runs the last maxT tokens (a window).
inline std::string continue_ids(GPT2<float>& m, const Tokenizer& tok, std::vector<int> ids, int max_tokens, double temperature, int top_k, Rng& rng, bool line, int stop = -1) {
    std::string out;
    KVCache<float> kv(m.cfg);
    size_t fed = 0;  // ids already in the cache
    for (int i = 0; i < max_tokens; i++) {
        int n;
        if (kv.pos + (ids.size() - fed) <= (size_t)m.cfg.maxT) {
            n = (int)(ids.size() - fed);
            m.forward(ids.data() + fed, nullptr, 1, n, 0.0f, &kv);
            fed = ids.size();
        } else {
            n = (int)std::min<size_t>(ids.size(), m.cfg.maxT);
            m.forward(ids.data() + ids.size() - n, nullptr, 1, n);
        }
        int next = sample_token(m.logits_at(0, n - 1), m.cfg.V, temperature, top_k, rng);
        if (next == tok.eot || next == stop) break;
        std::string piece = tok.decode_token(next);
        size_t nl = line ? piece.find('\n') : std::string::npos;
        out += piece.substr(0, nl);
        if (nl != std::string::npos) break;
        ids.push_back(next);
    }
    return out;
}

inline std::string generate(GPT2<float>& m, const Tokenizer& tok, const std::string& prompt, int max_tokens, double temperature, int top_k, uint64_t seed) {
    std::vector<int> ids = tok.encode(prompt);
    if (ids.empty()) ids.push_back(tok.eot);
    Rng rng(seed);
    return continue_ids(m, tok, ids, max_tokens, temperature, top_k, rng, false);
}

// QAItem and the line parser live in llmc/json.h (parse_qa_jsonl)
inline std::vector<QAItem> read_qa(const std::string& path) {
    if (!file_exists(path)) fatal(EXIT_RUNTIME, "QA file %s does not exist", path.c_str());
    std::vector<QAItem> items;
    int lineno = 0;
    std::string err;
    if (!parse_qa_jsonl(read_file(path), items, &lineno, err)) fatal(EXIT_RUNTIME, "%s:%d: %s", path.c_str(), lineno, err.c_str());
    if (items.empty()) fatal(EXIT_RUNTIME, "QA file %s holds no questions", path.c_str());
    return items;
}

// mean log-likelihood per token of `cont` after `ctx` (ctx truncated from the left to fit)
inline double continuation_logprob(GPT2<float>& m, const std::vector<int>& ctx, const std::vector<int>& cont) {
    std::vector<int> seq = ctx;
    seq.insert(seq.end(), cont.begin(), cont.end());
    int maxT = m.cfg.maxT;
    if ((int)cont.size() >= maxT) fatal(EXIT_RUNTIME, "a choice of %zu tokens does not fit the context of %d", cont.size(), maxT);
    if ((int)seq.size() > maxT + 1) seq.erase(seq.begin(), seq.begin() + (seq.size() - maxT - 1));
    int n = (int)seq.size() - 1;
    m.forward(seq.data(), nullptr, 1, n);
    double lp = 0;
    for (int i = n - (int)cont.size(); i < n; i++) {
        const float* l = m.logits_at(0, i);
        float mx = l[0];
        for (int v = 1; v < m.cfg.V; v++) mx = std::max(mx, l[v]);
        double z = 0;
        for (int v = 0; v < m.cfg.V; v++) z += std::exp((double)l[v] - mx);
        lp += l[seq[i + 1]] - mx - std::log(z);
    }
    return lp / cont.size();
}

// the prompt format used for multiple-choice scoring; the synthetic QA data uses the same one
inline std::string qa_prompt(const std::string& q) { return "Question: " + q + "\nAnswer:"; }

// mean next-token loss over all of ids: windows of T tokens (at most the context), then the tail
inline double text_loss(GPT2<float>& m, const std::vector<int>& ids, int B, int T, long* ntok) {
    T = std::min<int>(std::min(T, m.cfg.maxT), (int)ids.size() - 1);
    long n = 0;
    double loss = eval_loss(m, ids, B, T, 0, &n);
    size_t tail_start = (size_t)(n / T) * T;
    if (tail_start + 1 < ids.size()) {
        std::vector<int> tail(ids.begin() + tail_start, ids.end());
        int tt = (int)tail.size() - 1;
        double tl = m.forward(tail.data(), tail.data() + 1, 1, tt);
        loss = (loss * n + tl * tt) / (n + tt);
        n += tt;
    }
    if (ntok) *ntok = n;
    return loss;
}

// Multiple choice: the choice with the highest mean per-token log-likelihood after the question,
// optionally with the best BM25 chunks of a document before it (the 3m rag arm), and what that cost.
// The chunks are trimmed, never the question: the question and the longest choice always fit.
struct QARun {
    int correct = 0, with_evidence = 0, hits = 0;  // hits: contexts that hold the item's evidence
    double prompt_tokens = 0, flops = 0;           // sums over items: context + question tokens; FLOPs of every choice's forward
};
inline QARun qa_run(GPT2<float>& m, const Tokenizer& tok, const std::vector<QAItem>& items, const RagIndex* rag) {
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
