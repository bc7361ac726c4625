// dev/digit_loss.cpp: where a trained memory lowers a text's loss: at the positions that predict a
// number (the next token holds a digit) or elsewhere, and through which path. Each window of the
// text is scored three ways: the memory's values zeroed (the base), on everywhere (the model as
// trained and asked), and quiet where the next token holds a digit (inject --mem-quiet-digits: what
// reaches a number's prediction then came through attention from earlier tokens, the path a
// question takes to its answer).
// Build and run (make test builds it):
//   make build/digit_loss && build/digit_loss CKPT TOKENS.bin [T]
// TOKENS.bin: a shard in CKPT's tokenizer (tokenizer.bin beside CKPT), e.g. ./train 3m's OUT/doc/train.bin;
// T: window length (default 256).
#include <cstdio>
#include "llmc/dataloader.h"
#include "llmc/model.h"
#include "llmc/tokenizer.h"

int main(int argc, char** argv) {
    if (argc < 3 || argc > 4) { fprintf(stderr, "usage: %s CKPT TOKENS.bin [T]\n", argv[0]); return 2; }
    GPT2<float> m;
    m.load(argv[1]);
    if (!m.cfg.mem_layers) fatal(EXIT_RUNTIME, "%s has no memory layer", argv[1]);
    const int T = argc == 4 ? atoi(argv[3]) : 256;
    if (T < 2 || T > m.cfg.maxT) fatal(EXIT_USAGE, "T %s: between 2 and the model's context %d", argc == 4 ? argv[3] : "", m.cfg.maxT);
    Tokenizer tok = Tokenizer::load(dirname_of(argv[1]) + "/tokenizer.bin");
    std::vector<int> ids = read_shard(argv[2], m.cfg.V);
    std::vector<uint8_t> digit = tok.digit_tokens();
    if ((int)digit.size() != m.cfg.V) fatal(EXIT_RUNTIME, "tokenizer.bin beside %s has %zu tokens, the model %d", argv[1], digit.size(), m.cfg.V);
    std::vector<float> values;  // the memory values, kept while they are zeroed
    for (size_t i = 0; i < m.specs.size(); i++)
        if (m.specs[i].group == G_MEM_VALUES) values.insert(values.end(), m.params.begin() + m.offset[i], m.params.begin() + m.offset[i] + m.specs[i].size);
    auto set_values = [&](bool on) {
        size_t k = 0;
        for (size_t i = 0; i < m.specs.size(); i++)
            if (m.specs[i].group == G_MEM_VALUES)
                for (size_t j = 0; j < m.specs[i].size; j++, k++) m.params[m.offset[i] + j] = on ? values[k] : 0.0f;
    };
    const char* names[3] = {"base (values zeroed)", "memory on everywhere", "memory quiet before digits"};
    double sum[3][2] = {}, n[2] = {};
    for (size_t w = 0; w + T + 1 <= ids.size(); w += T) {
        const int *x = ids.data() + w, *y = x + 1;
        for (int k = 0; k < 3; k++) {
            set_values(k > 0);
            if (k == 2) m.mem_quiet_targets = digit; else m.mem_quiet_targets.clear();
            m.forward(x, y, 1, T, 0.0f);
            for (int t = 0; t < T; t++) sum[k][digit[y[t]]] += m.acts.losses[t];
        }
        for (int t = 0; t < T; t++) n[digit[y[t]]]++;
    }
    if (n[0] + n[1] == 0) fatal(EXIT_RUNTIME, "%s holds fewer than T+1 = %d tokens", argv[2], T + 1);
    printf("%s on %s: %.0f positions, %.0f of them before a token with a digit; mean loss (nats)\n", argv[1], argv[2], n[0] + n[1], n[1]);
    printf("  %-28s %10s %10s %10s\n", "", "digits", "the rest", "all");
    for (int k = 0; k < 3; k++)
        printf("  %-28s %10.4f %10.4f %10.4f\n", names[k], n[1] ? sum[k][1] / n[1] : 0.0, n[0] ? sum[k][0] / n[0] : 0.0, (sum[k][0] + sum[k][1]) / (n[0] + n[1]));
    return 0;
}
