// device.h: the trainer's GPU backend as train_gpt2.cu sees it. llmc/device_cuda.cu implements it
// with llmc/model.cuh (bf16 weights, activations and gradients, fp32 master weights and AdamW
// moments, cuBLASLt matmuls) and NCCL for data parallel (one process per GPU under mpirun; rank r
// uses device r % count). `make train` builds it, where nvcc exists, into build/libllmc_cuda.so,
// which ./train loads at run time: the trainer never links CUDA itself (cuBLASLt alone adds ~200 MB
// of resident memory to a process), and it loads the library only when a CUDA driver is installed,
// or when LLMC_CUDA_LIB names a library to use (the emulator's build, in tests/test_device.cpp).
// The GPU trains plain GPT-2 (--train full), LoRA adapters of rank 8k (--train lora), or ungated
// memory layers on a frozen GPT-2 (--train memory: AdamW on all values; memory-sparse: SGD on the
// slots the trainer picks); memory-keys and gated memories train on the CPU.
#pragma once
#include <dlfcn.h>
#include <cstdlib>
#include <string>
#include "model.h"
#include "optimizer.h"

struct Comm;

struct GpuTrainer {
    virtual ~GpuTrainer() {}
    virtual void zero_grad() = 0;
    // x, y are (B,T) on the host; returns the mean loss. With grad_scale != 0 the backward follows
    // and adds grad_scale * d(mean loss) to the gradients; with y NULL only logits are computed
    virtual double forward_backward(const int* x, const int* y, int B, int T, float grad_scale) = 0;
    virtual void allreduce_grads() = 0;  // the gradients' mean over ranks (NCCL); nothing on one GPU
    virtual double grad_norm() = 0;      // of what trains: all weights, or the memory values
    // counts[l] (N) += block l's memory slot accesses in the last forward
    virtual void count_slots(std::vector<std::vector<int>>& counts) = 0;
    // gradients scaled by clip_scale first; t is 1-based. Plain GPT-2: AdamW (decay on the
    // matrices). Otherwise the base is frozen: AdamW on the adapters (lora) or on the memory values
    // (memory), or SGD of the values on slots[l] (memory-sparse, sparse_sgd_lr)
    virtual void update(const OptConfig& o, double lr, float clip_scale, int t, const std::vector<std::vector<int>>& slots) = 0;
    virtual void download(GPT2<float>& m) = 0;  // the fp32 master weights (and memory values) into the CPU model
    // the AdamW moments in the CPU optimizer's (compact, checkpoint-order) layout, and back
    virtual void get_moments(std::vector<float>& m, std::vector<float>& v) = 0;
    virtual void set_moments(const std::vector<float>& m, const std::vector<float>& v) = 0;
};

// the library's two entry points
extern "C" {
typedef bool (*llmc_cuda_probe_fn)(int rank, std::string* name, std::string* why);  // a usable GPU (sm_80+)?
typedef GpuTrainer* (*llmc_cuda_trainer_fn)(const GPT2<float>& init, TrainMode mode, Comm& comm);  // uploads the weights
}

struct GpuBackend {
    llmc_cuda_probe_fn probe = nullptr;
    llmc_cuda_trainer_fn create = nullptr;

    // loads build/libllmc_cuda.so under repo_dir (or $LLMC_CUDA_LIB); false with *why when there is
    // no GPU backend to use here
    bool load(const std::string& repo_dir, std::string* why) {
        const char* env = getenv("LLMC_CUDA_LIB");
        std::string path = env ? env : repo_dir + "/build/libllmc_cuda.so";
        if (!env && !dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL)) { *why = "no CUDA driver (libcuda.so.1 not found)"; return false; }
        if (!env && access(path.c_str(), R_OK) != 0) { *why = path + " is missing (this build had no nvcc)"; return false; }
        void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!h) { *why = std::string("cannot load the CUDA backend: ") + dlerror(); return false; }
        probe = (llmc_cuda_probe_fn)dlsym(h, "llmc_cuda_probe");
        create = (llmc_cuda_trainer_fn)dlsym(h, "llmc_cuda_trainer");
        if (!probe || !create) { *why = path + " lacks llmc_cuda_probe/llmc_cuda_trainer"; return false; }
        return true;
    }
};
