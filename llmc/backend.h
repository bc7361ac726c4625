// backend.h: what the training loop drives, one interface for the CPU and the GPU: forward and
// backward on a batch, the gradients' mean over ranks, their norm, slot counts, the update, and the
// weights and AdamW moments back into the CPU model for saving. CpuBackend (here) runs llmc/model.h
// and optimizer.h; the GPU's (llmc/device_cuda.cu) is loaded at run time through device.h.
#pragma once
#include <algorithm>
#include <vector>
#include "comm.h"
#include "model.h"
#include "optimizer.h"

struct Backend {
    virtual ~Backend() {}
    virtual void zero_grad() = 0;
    // x, y are (B,T) on the host; returns the mean loss. With y NULL only logits are computed; with
    // grad_scale != 0 a backward may follow, which adds grad_scale * d(mean loss) to the gradients
    virtual double forward(const int* x, const int* y, int B, int T, float grad_scale) = 0;
    // keep_rows (per block, or NULL: all): the sparsely trained memory values need gradient rows for
    // these slots only, the ones the update will apply (the gradient norm still counts every row)
    virtual void backward(const std::vector<std::vector<int>>* keep_rows) = 0;
    double forward_backward(const int* x, const int* y, int B, int T, float grad_scale) {
        double loss = forward(x, y, B, T, grad_scale);
        if (y && grad_scale != 0.0f) backward(nullptr);
        return loss;
    }
    virtual void allreduce_grads() = 0;  // the gradients' mean over ranks, the same bits on each
    virtual double grad_norm() = 0;      // for clipping: what Optimizer::grad_norm sums
    // counts[l] (N) += block l's memory slot accesses in the last forward
    virtual void count_slots(std::vector<std::vector<int>>& counts) = 0;
    // gradients scaled by clip_scale first; t is 1-based. AdamW on the dense tensors that train
    // (decay on the matrices); memory values trained sparsely: SGD on slots[l] (sparse_sgd_lr)
    virtual void update(const OptConfig& o, double lr, float clip_scale, int t, const std::vector<std::vector<int>>& slots) = 0;
    virtual void download(GPT2<float>& m) = 0;  // the fp32 master weights (and memory values) into the CPU model
    // the AdamW moments in the CPU optimizer's (compact, checkpoint-order) layout, and back
    virtual void get_moments(std::vector<float>& m, std::vector<float>& v) = 0;
    virtual void set_moments(const std::vector<float>& m, const std::vector<float>& v) = 0;
};

// counts[l] (N) += the slots block l's memory read in the model's last forward (quiet positions read nothing)
inline void count_slot_accesses(GPT2<float>& m, std::vector<std::vector<int>>& counts) {
    const int per_token = m.cfg.mem.heads * m.cfg.mem.topk;
    for (int l = 0; l < m.cfg.L; l++)
        if (m.cfg.has_mem(l))
            memory_count_accesses(counts[l].data(), m.mcache[l].idx.data(), m.mcache[l].BT, per_token,
                                  m.mem_quiet.empty() ? nullptr : m.mem_quiet.data());
}

struct CpuBackend : Backend {
    GPT2<float>& m;
    Optimizer<float> opt;
    Comm& comm;
    CpuBackend(GPT2<float>& model, Comm& c) : m(model), comm(c) { opt.init(m); }
    ~CpuBackend() { m.bf16_current = false; }  // nobody keeps the copies current after this

    void zero_grad() override { m.zero_grad(); }
    double forward(const int* x, const int* y, int B, int T, float grad_scale) override {
        if (matmul_dtype() == MM_BF16 && !m.bf16_current) m.refresh_bf16(false);
        return m.forward(x, y, B, T, y ? grad_scale : 0.0f);
    }
    void backward(const std::vector<std::vector<int>>* keep_rows) override { m.backward(keep_rows); }
    // dense grads are all-reduced; sparse memory-value grads (touched rows) are gathered in rank
    // order and summed row by row
    void allreduce_grads() override {
        if (comm.size == 1) return;
        float inv = 1.0f / comm.size;
        comm.allreduce_sum(m.grads.data(), m.grads.size());
        for (float& g : m.grads) g *= inv;
        for (auto& d : m.dvalues) {
            if (!m.sparse_values) break;
            if (d.partial) fatal(EXIT_RUNTIME, "memory: gradients kept for some rows only cannot be summed over ranks");
            std::vector<int> rows = comm.allgather(d.rows);
            std::vector<float> grads = comm.allgather(std::vector<float>(d.grad.begin(), d.grad.end()));
            std::vector<int> uniq = rows;
            std::sort(uniq.begin(), uniq.end());
            uniq.erase(std::unique(uniq.begin(), uniq.end()), uniq.end());
            d.rows = uniq;
            d.norm2.clear();  // the summed rows' norms are not known
            d.grad.assign(uniq.size() * (size_t)d.C, 0.0f);
            for (size_t i = 0; i < rows.size(); i++) {
                float* dst = d.grad.data() + (size_t)(std::lower_bound(uniq.begin(), uniq.end(), rows[i]) - uniq.begin()) * d.C;
                for (int j = 0; j < d.C; j++) dst[j] += grads[i * d.C + j];
            }
            for (float& g : d.grad) g *= inv;
        }
    }
    double grad_norm() override { return Optimizer<float>::grad_norm(m); }
    void count_slots(std::vector<std::vector<int>>& counts) override { count_slot_accesses(m, counts); }
    void update(const OptConfig& o, double lr, float clip_scale, int t, const std::vector<std::vector<int>>& slots) override {
        opt.step_scaled(m, o, lr, clip_scale, t, slots);
        if (m.bf16_current && matmul_dtype() == MM_BF16) m.refresh_bf16(true);  // once per step, not per matmul
        else m.bf16_current = false;
    }
    void download(GPT2<float>&) override {}  // the CPU model is the model
    void get_moments(std::vector<float>& mo, std::vector<float>& vo) override { mo = opt.m; vo = opt.v; }
    void set_moments(const std::vector<float>& mo, const std::vector<float>& vo) override { opt.m = mo; opt.v = vo; }
};
