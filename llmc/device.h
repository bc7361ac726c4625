// device.h: how ./train finds its GPU backend (the Backend interface of backend.h). llmc/device_cuda.cu implements it
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
#include "backend.h"

// the library's two entry points
extern "C" {
typedef bool (*llmc_cuda_probe_fn)(int rank, std::string* name, std::string* why);  // a usable GPU (sm_80+)?
typedef Backend* (*llmc_cuda_trainer_fn)(const GPT2<float>& init, TrainMode mode, Comm& comm);  // uploads the weights
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
