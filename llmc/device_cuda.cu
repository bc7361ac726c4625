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

struct CudaTrainer : Backend {
    GPT2Cuda model;
#ifndef LLMC_CUDA_EMU
    std::unique_ptr<NcclComm> nccl;
#endif

    CudaTrainer(const GPT2<float>& init, TrainMode mode, Comm& comm) : trains(mode) {
        if (!mode_row(mode).gpu) fatal(EXIT_USAGE, "the GPU backend has no --train %s", mode_row(mode).name);
        model.init_from(init);
        if (comm.size == 1) return;
#ifdef LLMC_CUDA_EMU
        fatal(EXIT_USAGE, "the CUDA emulator has no NCCL: run one process");
#else
        nccl.reset(new NcclComm(comm, model.stream));
#endif
    }

    void zero_grad() override { model.zero_grad(); }

    double forward(const int* x, const int* y, int B, int T, float grad_scale) override {
        return model.forward(x, y, B, T, y ? grad_scale : 0.0f);
    }
    // the value gradients are dense here (atomicAdd into (N,C)): every row is kept
    void backward(const std::vector<std::vector<int>>*) override { model.backward(); }

    // what trains (the rest is frozen): every weight (full), the adapters (lora), or the memory
    // values, by AdamW (memory) or by SGD on the chosen slots (memory-sparse)
    TrainMode trains;
    size_t values_size() const { return model.cfg.mem.N() * model.cfg.C; }

    void allreduce_grads() override {
#ifndef LLMC_CUDA_EMU
        if (!nccl) return;
        if (trains == TRAIN_FULL) nccl->allreduce_avg(model.grads, model.num_params);
        if (trains == TRAIN_LORA) nccl->allreduce_avg(model.lora_grads, model.lora_size);
        for (MemLayerCuda& M : model.mem)
            if (M.dvalues) nccl->allreduce_avg(M.dvalues, values_size());
#endif
    }

    double grad_norm() override {
        return trains == TRAIN_FULL ? model.grad_norm() : trains == TRAIN_LORA ? model.lora_grad_norm() : model.memory_grad_norm();
    }

    void count_slots(std::vector<std::vector<int>>& counts) override { model.count_slots(counts); }

    void update(const OptConfig& o, double lr, float clip_scale, int t, const std::vector<std::vector<int>>& slots) override {
        const float b1 = (float)o.beta1, b2 = (float)o.beta2, eps = (float)o.eps;
        switch (trains) {
            case TRAIN_FULL: model.update((float)lr, b1, b2, eps, (float)o.wd, clip_scale, t); break;
            case TRAIN_LORA: model.update_lora((float)lr, b1, b2, eps, clip_scale, t); break;
            case TRAIN_MEMORY: model.update_memory_adamw((float)lr, b1, b2, eps, clip_scale, t); break;
            case TRAIN_MEMORY_SPARSE: model.update_memory_slots(slots, (float)(sparse_sgd_lr(o, lr) * clip_scale)); break;
            default: break;  // refused by the constructor
        }
    }

    void download(GPT2<float>& m) override { model.download(m); }

    // the (device m, v, size) pairs of the AdamW moments, in the CPU optimizer's layout: all weights;
    // the adapters; every memory layer's values, block by block; nothing for SGD. Allocated here
    // when missing (zeros)
    std::vector<std::pair<float**, float**>> moments(size_t* each) {
        std::vector<std::pair<float**, float**>> v;
        *each = trains == TRAIN_FULL ? model.num_params : trains == TRAIN_LORA ? model.lora_size : values_size();
        if (trains == TRAIN_FULL) v.push_back({&model.adam_m, &model.adam_v});
        if (trains == TRAIN_LORA) v.push_back({&model.lora_m, &model.lora_v});
        if (trains == TRAIN_MEMORY)
            for (MemLayerCuda& M : model.mem)
                if (M.values) v.push_back({&M.adam_m, &M.adam_v});
        for (auto& mv : v)
            for (float** p : {mv.first, mv.second})
                if (!*p) {
                    *p = cuda_malloc<float>(*each);
                    cudaCheck(cudaMemset(*p, 0, *each * sizeof(float)));
                }
        return v;
    }

    void get_moments(std::vector<float>& m, std::vector<float>& v) override {
        m.clear(); v.clear();
        size_t n;
        for (auto& mv : moments(&n)) {
            std::vector<float> a = model.download_f32(*mv.first, n), b = model.download_f32(*mv.second, n);
            m.insert(m.end(), a.begin(), a.end());
            v.insert(v.end(), b.begin(), b.end());
        }
    }

    void set_moments(const std::vector<float>& m, const std::vector<float>& v) override {
        size_t n;
        auto mv = moments(&n);
        if (m.size() != n * mv.size() || v.size() != m.size())
            fatal(EXIT_RUNTIME, "training state's moments (%zu) do not match what trains on the GPU (%zu)", m.size(), n * mv.size());
        for (size_t i = 0; i < mv.size(); i++) {
            cuda_upload(*mv[i].first, m.data() + i * n, n);
            cuda_upload(*mv[i].second, v.data() + i * n, n);
        }
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

extern "C" Backend* llmc_cuda_trainer(const GPT2<float>& init, TrainMode mode, Comm& comm) { return new CudaTrainer(init, mode, comm); }
