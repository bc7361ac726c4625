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

// log-probability of token y under logits l (V)
inline double log_prob(const float* l, int V, int y) {
    float mx = l[0];
    for (int v = 1; v < V; v++) mx = std::max(mx, l[v]);
    double z = 0;
    for (int v = 0; v < V; v++) z += std::exp((double)l[v] - mx);
    return l[y] - mx - std::log(z);
}

// mean log-likelihood per token of each continuation after ctx: ctx runs once into a KV cache and
// each continuation runs over it. ctx is cut from the left so that ctx and the longest continuation
// fit T positions. *ctx_used gets how many ctx tokens were kept.
inline std::vector<double> choice_logprobs(GPT2<float>& m, std::vector<int> ctx, const std::vector<std::vector<int>>& conts, int T, int* ctx_used = nullptr) {
    size_t longest = 0;
    for (auto& c : conts) longest = std::max(longest, c.size());
    T = std::min(T, m.cfg.maxT);
    if (longest == 0 || (int)longest >= T) fatal(EXIT_RUNTIME, "a choice of %zu tokens does not fit the context of %d", longest, T);
    if (ctx.size() + longest - 1 > (size_t)T) ctx.erase(ctx.begin(), ctx.begin() + (ctx.size() + longest - 1 - T));
    if (ctx.empty()) fatal(EXIT_RUNTIME, "multiple choice needs a context before the choices");
    if (ctx_used) *ctx_used = (int)ctx.size();
    const int V = m.cfg.V, n = (int)ctx.size();
    KVCache<float> kv(m.cfg, n + (int)longest);
    m.forward(ctx.data(), nullptr, 1, n, 0.0f, &kv);
    std::vector<float> last(m.logits_at(0, n - 1), m.logits_at(0, n - 1) + V);  // predicts each choice's first token
    std::vector<double> lp;
    for (auto& c : conts) {
        double s = log_prob(last.data(), V, c[0]);
        if (c.size() > 1) {
            kv.pos = n;  // the previous choice's keys and values are overwritten
            m.forward(c.data(), nullptr, 1, (int)c.size() - 1, 0.0f, &kv);
            for (size_t i = 1; i < c.size(); i++) s += log_prob(m.logits_at(0, (int)i - 1), V, c[i]);
        }
        lp.push_back(s / c.size());
    }
    return lp;
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

// Multiple choice: the choice with the highest mean per-token log-likelihood after the prompt
// "Question: Q\nAnswer:", and what that cost. The context before it:
//   QA_CLOSED       nothing: what the weights know
//   QA_RAG          the best BM25 chunks of the document (rag_context), trimmed, never the question
//   QA_ORACLE       the item's own evidence passage: the ceiling of answering by reading
//   QA_NO_QUESTION  the familiarity control: "Answer:" alone, no question, so a model that merely
//                   prefers a string it saw often scores here too
enum QAContext { QA_CLOSED, QA_RAG, QA_ORACLE, QA_NO_QUESTION };
struct QARun {
    int correct = 0, n = 0, with_evidence = 0, hits = 0;  // hits: contexts that hold the item's evidence
    int cut = 0;                                          // questions longer than the context allows, cut from the left
    std::vector<int> chosen;                              // per item, the choice scored best
    // per item, the right choice's share of a softmax over the choices' scores: a continuous
    // accuracy that moves before the argmax flips, so two arms compare on the same items with a
    // smaller standard error than accuracy's (paired_diff)
    std::vector<double> p_right;
    std::vector<double> right;                            // per item, 1 when the chosen choice is the answer
    double prompt_tokens = 0, flops = 0;                  // sums over items: context + question tokens; FLOPs of scoring
    double accuracy() const { return n ? (double)correct / n : 0; }
    double stderr_() const { double p = accuracy(); return n ? std::sqrt(p * (1 - p) / n) : 0; }
    double soft() const { double s = 0; for (double p : p_right) s += p; return p_right.empty() ? 0 : s / p_right.size(); }
};

// mean of a[i] - b[i] over the same items, and its standard error (the paired test's); {0, 0} when
// the two do not cover the same number of items
inline std::pair<double, double> paired_diff(const std::vector<double>& a, const std::vector<double>& b) {
    size_t n = a.size();
    if (n < 2 || b.size() != n) return {0, 0};
    double m = 0, ss = 0;
    for (size_t i = 0; i < n; i++) m += a[i] - b[i];
    m /= n;
    for (size_t i = 0; i < n; i++) ss += (a[i] - b[i] - m) * (a[i] - b[i] - m);
    return {m, std::sqrt(ss / (n - 1) / n)};
}
// T: the positions a question may use (the model's context, or less)
inline QARun qa_run(GPT2<float>& m, const Tokenizer& tok, const std::vector<QAItem>& items, QAContext how, const RagIndex* rag, int T) {
    QARun r;
    for (auto& it : items) {
        std::vector<int> q = tok.encode(how == QA_NO_QUESTION ? std::string("Answer:") : qa_prompt(it.question)), ctx;
        std::vector<std::vector<int>> conts;
        int longest = 0;
        for (auto& c : it.choices) { conts.push_back(tok.encode(" " + c)); longest = std::max(longest, (int)conts.back().size()); }
        int budget = std::min(T, m.cfg.maxT) + 1 - longest - (int)q.size();
        r.cut += budget < 0;  // the question loses its beginning (choice_logprobs cuts from the left)
        if (how == QA_RAG && rag) {
            std::string text;
            ctx = rag_context(*rag, tok, it.question, budget, 3, &text);
            if (!it.evidence.empty()) { r.with_evidence++; r.hits += holds_evidence(text, it.evidence); }
        } else if (how == QA_ORACLE && !it.evidence.empty()) {
            ctx = tok.encode(it.evidence + "\n\n", false);
            if ((int)ctx.size() > budget) ctx.erase(ctx.begin(), ctx.end() - std::max(0, budget));
        }
        ctx.insert(ctx.end(), q.begin(), q.end());
        int used = 0;
        std::vector<double> lp = choice_logprobs(m, ctx, conts, T, &used);
        int best = (int)(std::max_element(lp.begin(), lp.end()) - lp.begin());
        double z = 0;
        for (double x : lp) z += std::exp(x - lp[best]);
        r.p_right.push_back(std::exp(lp[it.answer] - lp[best]) / z);
        r.flops += forward_flops(m.cfg, used);  // the shared context once, then each choice over it
        for (auto& c : conts) r.flops += forward_flops(m.cfg, used + (int)c.size() - 1) - forward_flops(m.cfg, used);
        r.correct += best == it.answer;
        r.right.push_back(best == it.answer);
        r.chosen.push_back(best);
        r.n++;
        r.prompt_tokens += used;
    }
    if (r.cut) fprintf(stderr, "warning: %d of %d questions do not fit the context of %d with their longest choice: cut from the left\n", r.cut, r.n, std::min(T, m.cfg.maxT));
    return r;
}
