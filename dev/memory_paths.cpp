// dev/memory_paths.cpp: through which positions does a trained memory change a multiple-choice
// answer? Scoring reads "Question: Q\nAnswer:" and then each choice; the memory acts at every
// position. This scores each item four times, the memory's values on (M) or zeroed (the base, 0)
// at two groups of positions, over one KV cache:
//   prefix   the prompt but its last token: the question (what a fact must be found through)
//   answer   the prompt's last token (":", which predicts the choice's first token) and the choice
// 0/0 is the base, M/M the trained model (./train eval's numbers), M/0 the memory through the
// question alone, 0/M through the answer positions alone. With --ask no-question the prompt is
// "Answer:" alone (the familiarity control). dev/slot_reads.cpp measures where those positions read.
// Build and run (make test builds it):
//   make build/memory_paths && build/memory_paths CKPT QA.jsonl [closed|no-question [ANSWERS.jsonl]]
// (tokenizer.bin beside CKPT). ANSWERS: per item {"i", "p_right": [0/0, 0/M, M/0, M/M]}, the right
// choice's softmax share as ./train eval --answers writes it (tests/test_llama.cpp compares them).
#include <cstdio>
#include "eval/eval.h"
#include "llmc/model.h"

// mean log-likelihood per token of each choice after ctx: ctx but its last token run by `pre`, the
// last token and the choice by `post`, over one KV cache (both models the same shape)
static std::vector<double> split_logprobs(GPT2<float>& pre, GPT2<float>& post, const std::vector<int>& ctx, const std::vector<std::vector<int>>& conts) {
    size_t longest = 0;
    for (auto& c : conts) longest = std::max(longest, c.size());
    const int n = (int)ctx.size(), V = pre.cfg.V;
    if (n + (int)longest > pre.cfg.maxT) fatal(EXIT_RUNTIME, "a question of %d tokens and its choice do not fit the context %d", n, pre.cfg.maxT);
    KVCache<float> kv(pre.cfg, n + (int)longest);
    if (n > 1) pre.forward(ctx.data(), nullptr, 1, n - 1, 0.0f, &kv);
    std::vector<double> lp;
    for (auto& c : conts) {
        std::vector<int> ids = {ctx.back()};
        ids.insert(ids.end(), c.begin(), c.end() - 1);
        kv.pos = n - 1;
        post.forward(ids.data(), nullptr, 1, (int)ids.size(), 0.0f, &kv);
        double s = 0;
        for (size_t i = 0; i < c.size(); i++) s += log_prob(post.logits_at(0, (int)i), V, c[i]);
        lp.push_back(s / c.size());
    }
    return lp;
}

int main(int argc, char** argv) {
    if (argc < 3 || argc > 5) { fprintf(stderr, "usage: %s CKPT QA.jsonl [closed|no-question [ANSWERS.jsonl]]\n", argv[0]); return 2; }
    const std::string ask = argc >= 4 ? argv[3] : "closed";
    if (ask != "closed" && ask != "no-question") fatal(EXIT_USAGE, "ask: closed or no-question, not %s", ask.c_str());
    GPT2<float> mem, zero;
    mem.load(argv[1]);
    if (!mem.cfg.mem_layers) fatal(EXIT_RUNTIME, "%s has no memory layer", argv[1]);
    zero.load(argv[1]);
    for (size_t i = 0; i < zero.specs.size(); i++)
        if (zero.specs[i].group == G_MEM_VALUES) std::fill(zero.params.begin() + zero.offset[i], zero.params.begin() + zero.offset[i] + zero.specs[i].size, 0.f);
    Tokenizer tok = Tokenizer::load(dirname_of(argv[1]) + "/tokenizer.bin");
    std::vector<QAItem> items = read_qa(argv[2]);
    GPT2<float>* pick[2] = {&zero, &mem};
    const char* names[4] = {"base (0/0)", "through the answer positions only (0/M)", "through the question only (M/0)", "trained (M/M)"};
    std::vector<double> right[4], soft[4];
    for (auto& it : items) {
        std::vector<int> ctx = tok.encode(ask == "closed" ? qa_prompt(it.question) : std::string("Answer:"));
        std::vector<std::vector<int>> conts;
        for (auto& c : it.choices) conts.push_back(tok.encode(" " + c));
        for (int k = 0; k < 4; k++) {
            std::vector<double> lp = split_logprobs(*pick[k >> 1], *pick[k & 1], ctx, conts);
            int best = (int)(std::max_element(lp.begin(), lp.end()) - lp.begin());
            double z = 0;
            for (double x : lp) z += std::exp(x - lp[best]);
            right[k].push_back(best == it.answer);
            soft[k].push_back(std::exp(lp[it.answer] - lp[best]) / z);
        }
    }
    const int n = (int)items.size();
    if (argc == 5) {
        std::string lines;
        char buf[256];
        for (int i = 0; i < n; i++) {
            snprintf(buf, sizeof buf, "{\"i\": %d, \"p_right\": [%.17g, %.17g, %.17g, %.17g]}\n", i, soft[0][i], soft[1][i], soft[2][i], soft[3][i]);
            lines += buf;
        }
        write_file_atomic(argv[4], lines);
    }
    printf("%s, %s: %d items, --ask %s; memory values on (M) or zeroed (0) at the prompt-but-last / answer positions\n", argv[1], argv[2], n, ask.c_str());
    for (int k = 0; k < 4; k++) {
        double acc = 0, sp = 0;
        for (int i = 0; i < n; i++) acc += right[k][i] / n, sp += soft[k][i] / n;
        auto d = paired_diff(right[k], right[0]), ds = paired_diff(soft[k], soft[0]);
        printf("  %-42s accuracy %5.1f%% (%+5.1f ± %.1f vs base)   soft %5.1f%% (%+5.1f ± %.1f)\n", names[k], 100 * acc, 100 * d.first, 100 * d.second,
               100 * sp, 100 * ds.first, 100 * ds.second);
    }
    return 0;
}
