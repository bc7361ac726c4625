// device_cuda.cu: GpuTrainer (llmc/device.h) on llmc/model.cuh's GPT2Cuda, plus NCCL for data
// parallel: the ranks' bf16 gradients are averaged with ncclAllReduce(ncclAvg) before the norm and
// the update, so every rank applies the same step. The NCCL communicator's id travels from rank 0
// over the CPU communicator (MPI under mpirun). Built by `make train` when nvcc exists:
//   nvcc -c llmc/device_cuda.cu -DUSE_CUDA -> build/device_cuda.o, linked into ./train
#include "llmc/device.h"
#include "llmc/comm.h"
#include "llmc/model.cuh"
#ifndef LLMC_CUDA_EMU
#include <nccl.h>
#define ncclCheck(x) do { ncclResult_t r_ = (x); if (r_ != ncclSuccess) fatal(EXIT_RUNTIME, "NCCL: %s (%s:%d)", ncclGetErrorString(r_), __FILE__, __LINE__); } while (0)
#endif

struct GpuTrainer::Impl {
    GPT2Cuda model;
    Comm* comm = nullptr;
#ifndef LLMC_CUDA_EMU
    ncclComm_t nccl = nullptr;
#endif
};

bool GpuTrainer::probe(int rank, std::string* name, std::string* why) {
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

GpuTrainer::GpuTrainer(const GPT2<float>& init, Comm& comm) : impl(new Impl) {
    impl->comm = &comm;
    impl->model.init_from(init);
    if (comm.size > 1) {
#ifdef LLMC_CUDA_EMU
        fatal(EXIT_USAGE, "the CUDA emulator has no NCCL: run one process");
#else
        ncclUniqueId id;
        if (comm.rank == 0) ncclCheck(ncclGetUniqueId(&id));
        // the id's bytes as ints, sent from rank 0 by a sum in which the others contribute zeros
        std::vector<int> words((sizeof id + sizeof(int) - 1) / sizeof(int), 0);
        if (comm.rank == 0) memcpy(words.data(), &id, sizeof id);
        comm.allreduce_sum(words.data(), words.size());
        memcpy(&id, words.data(), sizeof id);
        ncclCheck(ncclCommInitRank(&impl->nccl, comm.size, id, comm.rank));
#endif
    }
}

GpuTrainer::~GpuTrainer() {
#ifndef LLMC_CUDA_EMU
    if (impl->nccl) ncclCommDestroy(impl->nccl);
#endif
    delete impl;
}

void GpuTrainer::zero_grad() { impl->model.zero_grad(); }

double GpuTrainer::forward_backward(const int* x, const int* y, int B, int T, float grad_scale) {
    double loss = impl->model.forward(x, y, B, T, y ? grad_scale : 0.0f);
    if (y && grad_scale != 0.0f) impl->model.backward();
    return loss;
}

void GpuTrainer::allreduce_grads() {
#ifndef LLMC_CUDA_EMU
    if (!impl->nccl) return;
    GPT2Cuda& m = impl->model;
    ncclCheck(ncclAllReduce(m.grads, m.grads, m.num_params, ncclBfloat16, ncclAvg, impl->nccl, m.stream));
#endif
}

double GpuTrainer::grad_norm() { return impl->model.grad_norm(); }

void GpuTrainer::update(const OptConfig& o, double lr, float clip_scale, int t) {
    impl->model.update((float)lr, (float)o.beta1, (float)o.beta2, (float)o.eps, (float)o.wd, clip_scale, t);
}

void GpuTrainer::download(GPT2<float>& m) {
    std::vector<float> w = impl->model.get_master();
    if (w.size() != m.params.size()) fatal(EXIT_RUNTIME, "internal error: GPU and CPU models differ in size");
    std::copy(w.begin(), w.end(), m.params.begin());
}

void GpuTrainer::get_moments(std::vector<float>& m, std::vector<float>& v) {
    GPT2Cuda& g = impl->model;
    if (!g.adam_m) { m.assign(g.num_params, 0.0f); v.assign(g.num_params, 0.0f); return; }
    m = g.download_f32(g.adam_m, g.num_params);
    v = g.download_f32(g.adam_v, g.num_params);
}

void GpuTrainer::set_moments(const std::vector<float>& m, const std::vector<float>& v) {
    GPT2Cuda& g = impl->model;
    if (m.size() != g.num_params || v.size() != g.num_params) fatal(EXIT_RUNTIME, "training state does not match the GPU model's size");
    if (!g.adam_m) { g.adam_m = cuda_malloc<float>(g.num_params); g.adam_v = cuda_malloc<float>(g.num_params); }
    cuda_upload(g.adam_m, m.data(), g.num_params);
    cuda_upload(g.adam_v, v.data(), g.num_params);
}
