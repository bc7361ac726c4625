// dev/para_reads.cpp: does a question's answer position read the same memory slots as a paraphrase
// of it? A memory can carry a fact from the questions it was trained on to another writer's only if
// two phrasings of one question read the same rows, more than two different questions do. For each
// line "QUESTION<TAB>PARAPHRASE" of PARA.tsv, per block, the slots read (top-k per head, weighted,
// summed over heads) at the prompt's last token (":" of "Answer:", which predicts the answer) and
// over the question's tokens, as distributions; printed: the mean overlap (sum of the smaller
// shares) with the paraphrase against another line's paraphrase, and how often the paraphrase
// overlaps most (chance 1/n). Fresh zero memories at BLOCKS, as ./train 3m attaches them (512^2,
// 4 heads of top-32, dk 128, seed 1337); WHITEN.txt: their queries whitened over its first 20,480
// tokens first (inject --mem-whiten's fold).
// Build and run (make test builds it):
//   make build/para_reads && build/para_reads models/SmolLM2-135M-Instruct.Q4_1.gguf data/3m/qa_dev_paraphrases.tsv 10,20,25,29 [data/corpus/austen_emma.txt]
#include <algorithm>
#include <cstdio>
#include <map>
#include "eval/eval.h"
#include "llmc/model.h"
#include "dev/slot_reads.h"

// the memories' queries whitened as inject --mem-whiten does (llmc/memory.h), over the first
// `ntok` tokens of FILE in windows of 256
static void whiten(GPT2<float>& m, const Tokenizer& tok, const char* file, int ntok) {
    std::vector<int> ids = tok.encode(read_file(file), false);
    const int C = m.cfg.C, T = 256;
    ntok = std::min<int>(ntok, (int)ids.size() / T * T);
    for (int l = 0; l < m.cfg.L; l++) {
        if (!m.cfg.has_mem(l)) continue;
        MemoryInputStats st(C);
        for (int w = 0; w + T <= ntok; w += T) {
            m.forward(ids.data() + w, nullptr, 1, T);
            st.add(m.acts.ln2 + (size_t)l * T * C, T);
        }
        double ridge = memory_whiten_query(m.cfg.mem, m.p.mem[l], st);
        printf("block %d's query whitened over %ld tokens of %s (ridge %.3g)\n", l, st.n, file, ridge);
    }
}

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) { fprintf(stderr, "usage: %s BASE.gguf PARA.tsv BLOCKS [WHITEN.txt]\n", argv[0]); return 2; }
    GPT2<float> m;
    m.load(argv[1]);
    attach_fresh_memories(m, argv[3]);
    Tokenizer tok = Tokenizer::from_gguf(GGUF::open(argv[1]));
    if (argc == 5) whiten(m, tok, argv[4], 20480);
    std::vector<std::string> q[2];
    std::string text = read_file(argv[2]);
    for (size_t p = 0, e; p < text.size(); p = e + 1) {
        e = text.find('\n', p); if (e == std::string::npos) e = text.size();
        std::string line = text.substr(p, e - p); size_t tab = line.find('\t');
        if (tab == std::string::npos) continue;
        q[0].push_back(line.substr(0, tab)); q[1].push_back(line.substr(tab + 1));
    }
    const int n = (int)q[0].size();
    std::vector<int> blocks;
    for (int l = 0; l < m.cfg.L; l++) if (m.cfg.has_mem(l)) blocks.push_back(l);
    // R[v][b][i]: reads of phrasing v of item i at block b: P (the prompt's last token) and Q (question tokens)
    std::vector<std::vector<std::vector<Reads>>> P(2, std::vector<std::vector<Reads>>(blocks.size(), std::vector<Reads>(n))), Q = P;
    int head = (int)tok.encode("Question:", false).size(), tail = (int)tok.encode("\nAnswer:", false).size();
    for (int v = 0; v < 2; v++)
        for (int i = 0; i < n; i++) {
            std::vector<int> ids = tok.encode(qa_prompt(q[v][i]), false);
            m.forward(ids.data(), nullptr, 1, (int)ids.size());
            for (size_t b = 0; b < blocks.size(); b++) {
                P[v][b][i] = reads(m, blocks[b], (int)ids.size() - 1, (int)ids.size());
                Q[v][b][i] = reads(m, blocks[b], head, (int)ids.size() - tail);
            }
        }
    for (size_t b = 0; b < blocks.size(); b++)
        for (auto [name, X] : {std::make_pair("prompt's last", &P), std::make_pair("question tokens", &Q)}) {
            double same = 0, other = 0;
            int top1 = 0;
            for (int i = 0; i < n; i++) {
                double o = overlap((*X)[0][b][i], (*X)[1][b][i]);
                int above = 0;
                for (int j = 0; j < n; j++) if (j != i) { double x = overlap((*X)[0][b][i], (*X)[1][b][j]); other += x / n / (n - 1); above += x >= o; }
                same += o / n; top1 += above == 0;
            }
            printf("block %d %-16s paraphrase overlap %.4f, another question's %.4f (ratio %.2f); paraphrase first of %d: %.1f%% (chance %.1f%%)\n",
                   blocks[b], name, same, other, same / other, n, 100.0 * top1 / n, 100.0 / n);
        }
    return 0;
}
