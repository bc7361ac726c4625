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

    CudaTrainer(const GPT2<float>& init, Comm& comm) {
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

    // memory layers present: the base is frozen and only their values train (memory-sparse)
    bool sparse_memory() const { return model.cfg.mem_layers != 0; }

    void allreduce_grads() override {
#ifndef LLMC_CUDA_EMU
        if (!nccl) return;
        if (!sparse_memory()) nccl->allreduce_avg(model.grads, model.num_params);
        for (MemLayerCuda& M : model.mem)
            if (M.dvalues) nccl->allreduce_avg(M.dvalues, model.cfg.mem.N() * model.cfg.C);
#endif
    }

    double grad_norm() override { return sparse_memory() ? model.memory_grad_norm() : model.grad_norm(); }

    void count_slots(std::vector<std::vector<int>>& counts) override { model.count_slots(counts); }

    void update(const OptConfig& o, double lr, float clip_scale, int t, const std::vector<std::vector<int>>& slots) override {
        if (sparse_memory()) model.update_memory_slots(slots, (float)(sparse_sgd_lr(o, lr) * clip_scale));
        else model.update((float)lr, (float)o.beta1, (float)o.beta2, (float)o.eps, (float)o.wd, clip_scale, t);
    }

    void download(GPT2<float>& m) override {
        std::vector<float> w = model.get_master();
        std::copy(w.begin(), w.end(), m.params.begin());  // the base tensors come first (init_from checks)
        for (int l = 0; l < model.cfg.L; l++)
            if (model.cfg.has_mem(l)) cuda_download(m.p.mem[l].values, model.mem[l].values_master, model.cfg.mem.N() * model.cfg.C);
    }

    // the moments of the dense trainable tensors: none when only memory values train (by SGD)
    void get_moments(std::vector<float>& m, std::vector<float>& v) override {
        if (sparse_memory()) { m.clear(); v.clear(); return; }
        if (!model.adam_m) { m.assign(model.num_params, 0.0f); v.assign(model.num_params, 0.0f); return; }
        m = model.download_f32(model.adam_m, model.num_params);
        v = model.download_f32(model.adam_v, model.num_params);
    }

    void set_moments(const std::vector<float>& m, const std::vector<float>& v) override {
        if (sparse_memory()) {
            if (!m.empty() || !v.empty()) fatal(EXIT_RUNTIME, "training state holds AdamW moments, but memory-sparse trains by SGD");
            return;
        }
        if (m.size() != model.num_params || v.size() != model.num_params) fatal(EXIT_RUNTIME, "training state does not match the GPU model's size");
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
