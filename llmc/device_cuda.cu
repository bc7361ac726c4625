// device_cuda.cu: the GPU backend of llmc/device.h on llmc/model.cuh's GPT2Cuda, plus NCCL for data
// parallel: the ranks' bf16 gradients are averaged by NcclComm (llmc/comm_nccl.cuh, ncclAvg) before
// the norm and the update, so every rank applies the same step. The NCCL communicator's id travels
// from rank 0 over the CPU communicator (MPI under mpirun). Built by `make train` where nvcc exists:
//   nvcc -shared llmc/device_cuda.cu -> build/libllmc_cuda.so, loaded by ./train at run time
#include <memory>
#include "llmc/device.h"
#include "llmc/comm.h"
#include "llmc/model.cuh"
#ifndef LLMC_CUDA_EMU
#include "llmc/comm_nccl.cuh"
#endif

struct CudaTrainer : GpuTrainer {
    GPT2Cuda model;
#ifndef LLMC_CUDA_EMU
    std::unique_ptr<NcclComm> nccl;
#endif

    CudaTrainer(const GPT2<float>& init, Comm& comm) : sparse(init.sparse_values) {
        model.init_from(init);
        if (comm.size == 1) return;
#ifdef LLMC_CUDA_EMU
        fatal(EXIT_USAGE, "the CUDA emulator has no NCCL: run one process");
#else
        nccl.reset(new NcclComm(comm, model.stream));
#endif
    }

    void zero_grad() override { model.zero_grad(); }

    double forward_backward(const int* x, const int* y, int B, int T, float grad_scale) override {
        double loss = model.forward(x, y, B, T, y ? grad_scale : 0.0f);
        if (y && grad_scale != 0.0f) model.backward();
        return loss;
    }

    // with memory layers the base is frozen and only their values train: by SGD on the chosen
    // slots (memory-sparse, init.sparse_values) or by AdamW on all of them (memory)
    bool memory_only() const { return model.cfg.mem_layers != 0; }
    bool sparse = false;
    size_t values_size() const { return model.cfg.mem.N() * model.cfg.C; }

    void allreduce_grads() override {
#ifndef LLMC_CUDA_EMU
        if (!nccl) return;
        if (!memory_only()) nccl->allreduce_avg(model.grads, model.num_params);
        for (MemLayerCuda& M : model.mem)
            if (M.dvalues) nccl->allreduce_avg(M.dvalues, values_size());
#endif
    }

    double grad_norm() override { return memory_only() ? model.memory_grad_norm() : model.grad_norm(); }

    void count_slots(std::vector<std::vector<int>>& counts) override { model.count_slots(counts); }

    void update(const OptConfig& o, double lr, float clip_scale, int t, const std::vector<std::vector<int>>& slots) override {
        if (!memory_only()) model.update((float)lr, (float)o.beta1, (float)o.beta2, (float)o.eps, (float)o.wd, clip_scale, t);
        else if (sparse) model.update_memory_slots(slots, (float)(sparse_sgd_lr(o, lr) * clip_scale));
        else model.update_memory_adamw((float)lr, (float)o.beta1, (float)o.beta2, (float)o.eps, clip_scale, t);
    }

    void download(GPT2<float>& m) override {
        std::vector<float> w = model.get_master();
        std::copy(w.begin(), w.end(), m.params.begin());  // the base tensors come first (init_from checks)
        for (int l = 0; l < model.cfg.L; l++)
            if (model.cfg.has_mem(l)) cuda_download(m.p.mem[l].values, model.mem[l].values_master, values_size());
    }

    // the moments of the dense trainable tensors, in the CPU optimizer's layout: all weights in
    // order; or every memory layer's values, block by block; or none (memory-sparse trains by SGD)
    void get_moments(std::vector<float>& m, std::vector<float>& v) override {
        m.clear(); v.clear();
        if (memory_only()) {
            if (sparse) return;
            for (MemLayerCuda& M : model.mem) {
                if (!M.values) continue;
                std::vector<float> a(values_size(), 0.0f), b(values_size(), 0.0f);
                if (M.adam_m) { a = model.download_f32(M.adam_m, a.size()); b = model.download_f32(M.adam_v, b.size()); }
                m.insert(m.end(), a.begin(), a.end());
                v.insert(v.end(), b.begin(), b.end());
            }
            return;
        }
        if (!model.adam_m) { m.assign(model.num_params, 0.0f); v.assign(model.num_params, 0.0f); return; }
        m = model.download_f32(model.adam_m, model.num_params);
        v = model.download_f32(model.adam_v, model.num_params);
    }

    void set_moments(const std::vector<float>& m, const std::vector<float>& v) override {
        size_t want = model.num_params;
        if (memory_only()) want = sparse ? 0 : values_size() * __builtin_popcount(model.cfg.mem_layers);
        if (m.size() != want || v.size() != want) fatal(EXIT_RUNTIME, "training state's moments (%zu) do not match what trains on the GPU (%zu)", m.size(), want);
        if (memory_only()) {
            size_t off = 0;
            for (MemLayerCuda& M : model.mem) {
                if (!M.values || sparse) continue;
                if (!M.adam_m) { M.adam_m = cuda_malloc<float>(values_size()); M.adam_v = cuda_malloc<float>(values_size()); }
                cuda_upload(M.adam_m, m.data() + off, values_size());
                cuda_upload(M.adam_v, v.data() + off, values_size());
                off += values_size();
            }
            return;
        }
        if (!model.adam_m) { model.adam_m = cuda_malloc<float>(model.num_params); model.adam_v = cuda_malloc<float>(model.num_params); }
        cuda_upload(model.adam_m, m.data(), model.num_params);
        cuda_upload(model.adam_v, v.data(), model.num_params);
    }
};

extern "C" bool llmc_cuda_probe(int rank, std::string* name, std::string* why) {
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) { *why = std::string("no usable CUDA device: ") + cudaGetErrorString(e); return false; }
    if (n == 0) { *why = "no CUDA device visible"; return false; }
    cudaCheck(cudaSetDevice(rank % n));
    cudaDeviceProp p;
    cudaCheck(cudaGetDeviceProperties(&p, rank % n));
    if (p.major < 8) { *why = std::string(p.name) + " is older than sm_80 (no bf16 tensor cores)"; return false; }
    char buf[512];
    snprintf(buf, sizeof buf, "%.200s (device %d of %d, sm_%d%d, %.0f GiB)", p.name, rank % n, n, p.major, p.minor, p.totalGlobalMem / 1073741824.0);
    *name = buf;
    return true;
}

extern "C" GpuTrainer* llmc_cuda_trainer(const GPT2<float>& init, Comm& comm) { return new CudaTrainer(init, comm); }
