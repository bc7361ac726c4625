// device.h: the trainer's GPU backend as train_gpt2.cu sees it (plain C++; g++ compiles the trainer).
// llmc/device_cuda.cu implements it with llmc/model.cuh: bf16 weights, activations and gradients,
// fp32 master weights and AdamW moments, cuBLASLt matmuls, and NCCL for data parallel (one process
// per GPU under mpirun; rank r uses device r % count). The Makefile builds and links it, with
// -DUSE_CUDA, when nvcc exists; without it GpuTrainer::probe says so and ./train runs on the CPU.
// The GPU trains plain GPT-2 (--train full); LoRA and the memory layer train on the CPU.
#pragma once
#include <string>
#include "model.h"
#include "optimizer.h"

struct Comm;

struct GpuTrainer {
    // whether this process has a usable CUDA device (sm_80+); its name, or why not
    static bool probe(int rank, std::string* name, std::string* why);
    GpuTrainer(const GPT2<float>& init, Comm& comm);  // uploads the weights (fp32 masters, bf16 copies)
    ~GpuTrainer();
    GpuTrainer(const GpuTrainer&) = delete;
    GpuTrainer& operator=(const GpuTrainer&) = delete;

    void zero_grad();
    // x, y are (B,T) on the host; returns the mean loss. With grad_scale != 0 the backward follows
    // and adds grad_scale * d(mean loss) to the gradients; with y NULL only logits are computed
    double forward_backward(const int* x, const int* y, int B, int T, float grad_scale);
    void allreduce_grads();  // the gradients' mean over ranks (NCCL); nothing on one GPU
    double grad_norm();
    // AdamW (decay on the matrices), gradients scaled by clip_scale first; t is 1-based
    void update(const OptConfig& o, double lr, float clip_scale, int t);
    void download(GPT2<float>& m);  // the fp32 master weights into the CPU model (checkpoint, samples)
    // the AdamW moments, in the CPU optimizer's (compact, checkpoint-order) layout, and back
    void get_moments(std::vector<float>& m, std::vector<float>& v);
    void set_moments(const std::vector<float>& m, const std::vector<float>& v);

    struct Impl;
    Impl* impl = nullptr;
};

#ifndef USE_CUDA
// a build without nvcc: no GPU backend
inline bool GpuTrainer::probe(int, std::string*, std::string* why) {
    *why = "this ./train was built without nvcc (no CUDA backend)";
    return false;
}
inline GpuTrainer::GpuTrainer(const GPT2<float>&, Comm&) { fatal(EXIT_USAGE, "this ./train was built without nvcc (no CUDA backend)"); }
inline GpuTrainer::~GpuTrainer() {}
inline void GpuTrainer::zero_grad() {}
inline double GpuTrainer::forward_backward(const int*, const int*, int, int, float) { return 0; }
inline void GpuTrainer::allreduce_grads() {}
inline double GpuTrainer::grad_norm() { return 0; }
inline void GpuTrainer::update(const OptConfig&, double, float, int) {}
inline void GpuTrainer::download(GPT2<float>&) {}
inline void GpuTrainer::get_moments(std::vector<float>&, std::vector<float>&) {}
inline void GpuTrainer::set_moments(const std::vector<float>&, const std::vector<float>&) {}
#endif
