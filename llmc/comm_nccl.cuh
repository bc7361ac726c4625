// comm_nccl.cuh: the NCCL implementation of comm.h's Comm, for GPUs: one process per GPU, launched
// by mpirun (the CPU communicator, MpiComm, carries NCCL's unique id from rank 0 to the others).
// Its collectives take DEVICE pointers and run on the GPU trainer's stream, which they synchronise
// before returning (as the host collectives return with the result in place). Built into the GPU
// backend (llmc/device_cuda.cu, nvcc); the CUDA emulator has no NCCL.
#pragma once
#include <nccl.h>
#include <cstring>
#include <vector>
#include "comm.h"
#include "cuda_common.cuh"

#define ncclCheck(x) do { ncclResult_t r_ = (x); if (r_ != ncclSuccess) fatal(EXIT_RUNTIME, "NCCL: %s (%s:%d)", ncclGetErrorString(r_), __FILE__, __LINE__); } while (0)

struct NcclComm : Comm {
    ncclComm_t nccl = nullptr;
    cudaStream_t stream;

    // host: the CPU communicator of the same ranks (rank 0's id travels over it)
    NcclComm(Comm& host, cudaStream_t s) : stream(s) {
        rank = host.rank;
        size = host.size;
        ncclUniqueId id;
        if (rank == 0) ncclCheck(ncclGetUniqueId(&id));
        // the id's bytes as ints, sent from rank 0 by a sum in which the others contribute zeros
        std::vector<int> words((sizeof id + sizeof(int) - 1) / sizeof(int), 0);
        if (rank == 0) memcpy(words.data(), &id, sizeof id);
        host.allreduce_sum(words.data(), words.size());
        memcpy(&id, words.data(), sizeof id);
        ncclCheck(ncclCommInitRank(&nccl, size, id, rank));
    }
    ~NcclComm() override { ncclCommDestroy(nccl); }
    const char* name() const override { return "NCCL"; }
    void allreduce_sum(float* x, size_t n) override { reduce(x, n, ncclFloat32, ncclSum); }
    void allreduce_sum(double* x, size_t n) override { reduce(x, n, ncclFloat64, ncclSum); }
    void allreduce_sum(int* x, size_t n) override { reduce(x, n, ncclInt32, ncclSum); }
    void allreduce_max(int* x, size_t n) override { reduce(x, n, ncclInt32, ncclMax); }
    // the bf16 gradients' mean over ranks, in place (the data-parallel step)
    void allreduce_avg(floatX* x, size_t n) { reduce(x, n, ncclBfloat16, ncclAvg); }
    void allreduce_avg(float* x, size_t n) { reduce(x, n, ncclFloat32, ncclAvg); }  // memory value gradients
    void barrier() override { cudaCheck(cudaStreamSynchronize(stream)); }

  private:
    void reduce(void* x, size_t n, ncclDataType_t type, ncclRedOp_t op) {
        ncclCheck(ncclAllReduce(x, x, n, type, op, nccl, stream));
        cudaCheck(cudaStreamSynchronize(stream));
    }
};
