// stepper.h: one optimizer step on any backend (Stepper), the step that pretrain, inject and bench
// run, and the fault-injection hook the reliability tests drive it with. Header-only; included by
// train_gpt2.cu and train_bench.cpp.
#pragma once
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include "backend.h"
#include "checkpoint.h"
#include "memory.h"
#include "profile.h"

// Test hook (tests/test_reliability.cpp): LLMC_FAULT="nan@A-B,spike@S" makes the gradient norm of
// steps A..B NaN (1-based; "nan@A" one step, "nan@A-" every step from A on) and multiplies the loss
// reported at step S by 10. Unset in normal use. Acts on what every backend reports.
inline void inject_fault(int step, double& loss, double& norm) {
    static const char* spec = getenv("LLMC_FAULT");
    for (const char* p = spec; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : nullptr) {
        int a = 0, n = 0;
        if (sscanf(p, "nan@%d%n", &a, &n) == 1) {
            int b = p[n] == '-' ? (p[n + 1] >= '0' && p[n + 1] <= '9' ? atoi(p + n + 1) : 1 << 30) : a;
            if (step >= a && step <= b) norm = NAN;
        } else if (sscanf(p, "spike@%d", &a) == 1 && step == a) {
            loss *= 10;
        }
    }
}

// One optimizer step on any backend: accum micro-batches of (B,T) forward and backward, the
// gradients' mean over ranks, for sparse memory training the batch's top-t slots by TF-IDF against
// the background df, then the update, unless the loss or the gradient norm is not finite (the
// weights and moments then stay as they were; the batch is consumed). pretrain, inject and bench
// run it.
struct StepResult { double loss, norm; bool updated; };
struct Stepper {
    Backend& be;
    Comm& comm;
    GPT2Config c;
    int B, T, accum, topt;
    bool sparse;
    const SlotDF* df;  // sparse only
    std::vector<int> x, y;  // (B,T)
    std::vector<std::vector<int>> counts, slots;  // per block: (N) slot accesses, the chosen slots
    std::vector<std::vector<char>> taken;         // per block: (N) slots never chosen (--mem-exclusive), or empty
    Stepper(Backend& b, Comm& cm, const GPT2Config& cfg, int B_, int T_, int accum_, bool sparse_, const SlotDF* df_, int topt_)
        : be(b), comm(cm), c(cfg), B(B_), T(T_), accum(accum_), topt(topt_), sparse(sparse_), df(df_),
          x((size_t)B_ * T_), y((size_t)B_ * T_), counts(cfg.L), slots(cfg.L) {}

    // next(x, y) fills the next micro-batch; t is the 1-based step. Sparse memory training picks the
    // top-t slots from the step's access counts; with one micro-batch on one rank they are known
    // before the backward, which then keeps the value-gradient rows of those slots only
    template <class Next> StepResult run(Next next, const OptConfig& o, double lr, int t) {
        be.zero_grad();
        if (sparse) for (int l = 0; l < c.L; l++) counts[l].assign(c.has_mem(l) ? c.mem.N() : 0, 0);
        const bool early = sparse && accum == 1 && comm.size == 1;
        double loss = 0;
        for (int k = 0; k < accum; k++) {
            next(x.data(), y.data());
            loss += be.forward(x.data(), y.data(), B, T, 1.0f / accum) / accum;
            if (sparse) be.count_slots(counts);
            if (early) choose_slots();
            be.backward(early ? &slots : nullptr);
        }
        be.allreduce_grads();
        comm.allreduce_sum(&loss, 1);
        loss /= comm.size;
        if (sparse && !early) {
            for (int l = 0; l < c.L; l++)
                if (c.has_mem(l)) comm.allreduce_sum(counts[l].data(), counts[l].size());
            choose_slots();
        }
        double norm = be.grad_norm();
        inject_fault(t, loss, norm);
        bool ok = std::isfinite(loss) && std::isfinite(norm);
        if (ok) be.update(o, lr, o.clip > 0 && norm > o.clip ? (float)(o.clip / norm) : 1.0f, t, slots);
        return {loss, norm, ok};
    }

    // slots[l]: block l's top-t slots by TF-IDF of counts[l] against the background df
    void choose_slots() {
        ProfScope ps(PROF_MEMORY, 0, 0);
        for (int l = 0; l < c.L; l++) {
            if (!c.has_mem(l)) continue;
            if (l < (int)taken.size() && !taken[l].empty())
                for (size_t s = 0; s < counts[l].size(); s++) if (taken[l][s]) counts[l][s] = 0;  // not a candidate
            slots[l].resize(topt);
            slots[l].resize(memory_topt_tfidf(slots[l].data(), counts[l].data(), df->df[l].data(), c.mem.N(), df->batches, topt));
        }
    }
};
