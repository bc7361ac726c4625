// prepare.h: a folder of .txt files -> a tokenizer and train/val token shards (./train prepare, and
// the default run's first stage). The end of each file (--val-frac) is held out for validation.
// Usage: prepare_data("data/corpus", DataPaths("out/data"), "bpe", nullptr, 8192, 0.02);
#pragma once
#include <algorithm>
#include <string>
#include <vector>
#include "llmc/dataloader.h"
#include "llmc/tokenizer.h"
#include "llmc/utils.h"

struct DataPaths {
    std::string dir, train, val, tokenizer, stamp;
    explicit DataPaths(const std::string& d) : dir(d), train(d + "/train.bin"), val(d + "/val.bin"), tokenizer(d + "/tokenizer.bin"), stamp(d + "/stamp.txt") {}
};

// the .txt files of dir, sorted
inline std::vector<std::string> list_txt(const std::string& dir) {
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

// makes DATA/{tokenizer.bin,train.bin,val.bin} unless the stamp says they are current: with `fixed`
// (e.g. GPT-2's or a checkpoint's tokenizer, named tokname in the stamp), else with a byte-level BPE
// of `vocab` tokens trained on the corpus
inline void prepare_data(const std::string& corpus, const DataPaths& dp, const std::string& tokname, const Tokenizer* fixed, int vocab, double val_frac) {
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
    if (fixed) {
        tok = *fixed;
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
