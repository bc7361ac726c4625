// dev/slot_reads.cpp: does a question read the memory rows its evidence reads? A memory-sparse run
// writes the rows its training text reads, and a row is read by the hidden state of the frozen
// blocks below the memory, so a fact can only reach a question through rows both of them read.
// For each QA item, per memory block, the slots read (top-k per head, weighted, summed over heads)
// by three texts, each a distribution over slots:
//   E  the item's evidence passage (as a document: "evidence"),
//   Q  the question's tokens in the scoring prompt ("Question: Q\nAnswer:"),
//   A  the positions that predict the right choice: the prompt's last token and the choice's tokens
//      but its last (what multiple-choice scoring reads),
//   P  the prompt's last token alone (":" of "Answer:", which predicts the choice's first token).
// It prints the overlap (sum over slots of the smaller share, 0..1) of each item's Q and A with its
// own E against other items' E, how often its own E has the largest overlap of all (chance 1/n),
// how alike the A of two different questions are (the format's share of the address), and the share
// of each read weight on rows the checkpoint has written (nonzero values).
// Addresses depend on the frozen model, the keys and query, and what memories in lower blocks hold,
// not on a block's own values, so BLOCKS (with a plain checkpoint) attaches zero 512^2 memories
// there as `inject --mem-keys 512 --mem-heads 4 --mem-dk 128 --seed 1337` does (the same keys): where
// a memory would read before any is trained.
// Build and run (make test builds it):
//   make build/slot_reads && build/slot_reads CKPT QA.jsonl [BLOCKS, e.g. 10,20,29]      (a GGUF, or CKPT's folder holds tokenizer.bin)
#include <algorithm>
#include <cstdio>
#include <map>
#include "eval/eval.h"
#include "llmc/model.h"
#include "dev/slot_reads.h"

int main(int argc, char** argv) {
    if (argc != 3 && argc != 4) { fprintf(stderr, "usage: %s CKPT QA.jsonl [BLOCKS]\n", argv[0]); return 2; }
    GPT2<float> m;
    m.load(argv[1]);
    if (argc == 4) attach_fresh_memories(m, argv[3]);
    if (!m.cfg.mem_layers) fatal(EXIT_RUNTIME, "%s has no memory layer", argv[1]);
    Tokenizer tok = read_file_head(argv[1], 4) == "GGUF" ? Tokenizer::from_gguf(GGUF::open(argv[1])) : Tokenizer::load(dirname_of(argv[1]) + "/tokenizer.bin");
    std::vector<QAItem> items = read_qa(argv[2]);
    items.erase(std::remove_if(items.begin(), items.end(), [](const QAItem& it) { return it.evidence.empty(); }), items.end());
    const int n = (int)items.size(), C = m.cfg.C;
    if (n < 2) fatal(EXIT_RUNTIME, "%s: fewer than two items with evidence", argv[2]);
    std::vector<int> blocks;
    for (int l = 0; l < m.cfg.L; l++) if (m.cfg.has_mem(l)) blocks.push_back(l);
    std::vector<std::vector<Reads>> E(blocks.size(), std::vector<Reads>(n)), Q = E, A = E, P = E;
    auto run = [&](const std::vector<int>& ids) {
        if ((int)ids.size() > m.cfg.maxT) fatal(EXIT_RUNTIME, "a text of %zu tokens exceeds the context %d", ids.size(), m.cfg.maxT);
        m.forward(ids.data(), nullptr, 1, (int)ids.size());
    };
    for (int i = 0; i < n; i++) {
        std::vector<int> ev = tok.encode(items[i].evidence, false);
        run(ev);
        for (size_t b = 0; b < blocks.size(); b++) E[b][i] = reads(m, blocks[b], 0, (int)ev.size());
        std::vector<int> head = tok.encode("Question:", false), prompt = tok.encode(qa_prompt(items[i].question), false);
        std::vector<int> choice = tok.encode(" " + items[i].choices[items[i].answer], false), ids = prompt;
        ids.insert(ids.end(), choice.begin(), choice.end() - 1);
        run(ids);
        int tail = (int)tok.encode("\nAnswer:", false).size();  // the question's tokens: between "Question:" and "\nAnswer:"
        for (size_t b = 0; b < blocks.size(); b++) {
            Q[b][i] = reads(m, blocks[b], (int)head.size(), (int)prompt.size() - tail);
            A[b][i] = reads(m, blocks[b], (int)prompt.size() - 1, (int)ids.size());
            P[b][i] = reads(m, blocks[b], (int)prompt.size() - 1, (int)prompt.size());
        }
    }
    printf("%s: %d items with evidence, memory blocks", argv[2], n);
    for (int l : blocks) printf(" %d", l);
    printf(" (%zu slots each, top-%d of %d heads)\n", m.cfg.mem.N(), m.cfg.mem.topk, m.cfg.mem.heads);
    for (size_t b = 0; b < blocks.size(); b++) {
        const int l = blocks[b];
        auto written = [&](const Reads& r) {
            double s = 0;
            for (auto& [slot, w] : r) {
                const float* v = m.p.mem[l].values + (size_t)slot * C;
                s += std::any_of(v, v + C, [](float x) { return x != 0.f; }) ? w : 0;
            }
            return s;
        };
        printf("block %d:\n", l);
        for (auto [name, X] : {std::make_pair("question", &Q[b]), std::make_pair("answer positions", &A[b]), std::make_pair("prompt's last", &P[b])}) {
            double own = 0, other = 0, mrr = 0;
            int top1 = 0;
            for (int i = 0; i < n; i++) {
                double o = overlap((*X)[i], E[b][i]), others = 0;
                int above = 0;
                for (int j = 0; j < n; j++)
                    if (j != i) { double x = overlap((*X)[i], E[b][j]); others += x; above += x >= o; }
                own += o / n; other += others / (n - 1) / n;
                top1 += above == 0; mrr += 1.0 / (1 + above) / n;
            }
            printf("  %-16s reads its own evidence's slots %.4f, another item's %.4f (ratio %.2f); own evidence first of %d: %.1f%% (chance %.1f%%), mean reciprocal rank %.3f\n",
                   name, own, other, own / other, n, 100.0 * top1 / n, 100.0 / n, mrr);
        }
        double aa = 0, pp = 0, ee = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (j != i) {
                    aa += overlap(A[b][i], A[b][j]) / n / (n - 1);
                    pp += overlap(P[b][i], P[b][j]) / n / (n - 1);
                    ee += overlap(E[b][i], E[b][j]) / n / (n - 1);
                }
        printf("  two different items overlap: answer positions %.4f, prompt's last %.4f, evidence passages %.4f\n", aa, pp, ee);
        double we = 0, wq = 0, wa = 0, wp = 0;
        for (int i = 0; i < n; i++) { we += written(E[b][i]) / n; wq += written(Q[b][i]) / n; wa += written(A[b][i]) / n; wp += written(P[b][i]) / n; }
        printf("  read weight on written rows: evidence %.3f, question %.3f, answer positions %.3f, prompt's last %.3f\n", we, wq, wa, wp);
    }
    return 0;
}
