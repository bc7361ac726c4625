// optimizer.h: one optimizer step over the tensors that train. AdamW (decoupled weight decay on
// the matrices only) with global gradient-norm clipping; memory values trained sparsely get plain
// SGD on the selected slots instead (Lin et al. 2025: adaptive moments and weight decay interact
// badly with sparse updates). Moments exist only for the dense trainable tensors, in the same
// compact layout as GPT2::grads.
#pragma once
#include "model.h"

struct OptConfig {
    double lr = 1e-3, beta1 = 0.9, beta2 = 0.95, eps = 1e-8, wd = 0.1, clip = 1.0;
    double sparse_lr = 0;  // SGD learning rate of sparsely trained memory values
};

// the SGD learning rate of sparsely trained memory values at a step whose dense rate is lr: --sparse-lr
// follows the same schedule as --lr
inline double sparse_sgd_lr(const OptConfig& o, double lr) { return o.sparse_lr > 0 ? o.sparse_lr * lr / o.lr : lr; }

template <class T> struct Optimizer {
    std::vector<T> m, v;  // (grads.size())
    void init(const GPT2<T>& model) { m.assign(model.grads.size(), T(0)); v.assign(model.grads.size(), T(0)); }

    // the global L2 norm of the gradients: every dense one that trains, and every memory-value row
    // the batch touched (the sparse update applies only the top-t of them; the norm is over all)
    static double grad_norm(const GPT2<T>& model) {
        ProfScope prof_(PROF_GRADS, 2.0 * model.grads.size(), sizeof(T) * (double)model.grads.size());
        double s = sum_squares(model.grads.data(), model.grads.size());
        for (auto& d : model.dvalues) s += memory_sparse_grad_norm2(d);
        return std::sqrt(s);
    }

    // applies the update for step t (1-based) with learning rate lr; slots (per block, may be empty)
    // restrict the sparse memory update; returns the gradient norm before clipping
    double step(GPT2<T>& model, const OptConfig& o, double lr, int t, const std::vector<std::vector<int>>& slots = {}) {
        double norm = grad_norm(model);
        step_scaled(model, o, lr, (o.clip > 0 && norm > o.clip) ? T(o.clip / norm) : T(1), t, slots);
        return norm;
    }

    // the same with the gradients scaled by `scale` (the clipping factor the caller computed)
    void step_scaled(GPT2<T>& model, const OptConfig& o, double lr, T scale, int t, const std::vector<std::vector<int>>& slots = {}) {
        for (size_t i = 0; i < model.specs.size(); i++) {
            size_t go = model.goffset[i];
            if (go == (size_t)-1) continue;
            adamw_update(model.params.data() + model.offset[i], model.grads.data() + go, m.data() + go, v.data() + go,
                         model.specs[i].size, T(lr), T(o.beta1), T(o.beta2), T(o.eps), model.specs[i].decay ? T(o.wd) : T(0), scale, t);
        }
        if (model.sparse_values) {
            double slr = sparse_sgd_lr(o, lr) * scale;
            for (int l = 0; l < model.cfg.L; l++) {
                if (!model.cfg.has_mem(l) || model.dvalues[l].size() == 0) continue;
                const std::vector<int>& s = l < (int)slots.size() ? slots[l] : std::vector<int>();
                memory_sgd_update_slots(model.p.mem[l].values, model.dvalues[l], s.data(), (int)s.size(), T(slr));
            }
        }
    }
};
