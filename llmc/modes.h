// modes.h: the training modes (--train NAME), one row each: which tensor groups train, whether the
// memory values train sparsely (the top-t slots of each step by TF-IDF, SGD) or densely (AdamW),
// what the model must have, whether the GPU backend has the mode, and which weight gradients the
// cost ledger counts. Everything that depends on the mode reads its row; only parse_train_mode
// looks at a name. Usage: TrainMode m; parse_train_mode("lora", &m); mode_row(m).groups
#pragma once
#include <string>
#include <vector>

// what a parameter tensor belongs to (model.h's tensor table gives each tensor one)
enum TensorGroup { G_BASE, G_LORA, G_MEM, G_MEM_VALUES };
constexpr unsigned group_bit(TensorGroup g) { return 1u << g; }

enum TrainMode { TRAIN_FULL, TRAIN_LORA, TRAIN_MEMORY, TRAIN_MEMORY_SPARSE, TRAIN_MEMORY_KEYS, NUM_TRAIN_MODES };

// the weight gradients a training token pays for (eval/ledger.h)
enum LedgerWeights { LEDGER_ALL, LEDGER_ADAPTERS, LEDGER_MEMORY_READS, LEDGER_NONE };

struct ModeRow {
    const char* name;
    unsigned groups;           // group_bit(g) set: tensors of group g train; the rest stay bit-identical
    bool sparse;               // memory values: the top-t slots per step by SGD (else AdamW)
    bool needs_lora, needs_memory;
    bool random_mem_values;    // an attached memory starts with random values (its keys need
                               // gradient), else zero values (outputs unchanged at step 0)
    bool gpu;                  // the GPU backend has the mode (the model's shape permitting)
    LedgerWeights ledger;
};

inline const ModeRow& mode_row(TrainMode m) {
    static const unsigned ALL = group_bit(G_BASE) | group_bit(G_LORA) | group_bit(G_MEM) | group_bit(G_MEM_VALUES);
    static const ModeRow rows[NUM_TRAIN_MODES] = {
        // name          groups that train                          sparse lora   memory random gpu    ledger
        {"full",          ALL,                                      false, false, false, false, true,  LEDGER_ALL},
        {"lora",          group_bit(G_LORA),                        false, true,  false, false, true,  LEDGER_ADAPTERS},
        {"memory",        group_bit(G_MEM_VALUES),                  false, false, true,  false, true,  LEDGER_MEMORY_READS},
        {"memory-sparse", group_bit(G_MEM_VALUES),                  true,  false, true,  false, true,  LEDGER_MEMORY_READS},
        {"memory-keys",   group_bit(G_MEM) | group_bit(G_MEM_VALUES), false, false, true,  true,  false, LEDGER_NONE},
    };
    return rows[m];
}

inline std::vector<std::string> train_mode_names() {
    std::vector<std::string> v;
    for (int m = 0; m < NUM_TRAIN_MODES; m++) v.push_back(mode_row((TrainMode)m).name);
    return v;
}

// the mode called name; false when there is none
inline bool parse_train_mode(const std::string& name, TrainMode* m) {
    for (int i = 0; i < NUM_TRAIN_MODES; i++)
        if (name == mode_row((TrainMode)i).name) { *m = (TrainMode)i; return true; }
    return false;
}
