// comm.h: data-parallel communication. One interface, three implementations:
//   Comm     one process: every collective is the identity
//   MpiComm  CPU processes under mpirun (Open MPI; built when mpicxx exists, -DUSE_MPI)
//   NcclComm GPUs, one process per GPU (llmc/comm_nccl.cuh: device buffers; the GPU backend
//            builds it over the MpiComm of the same ranks)
// comm_open() picks MpiComm when the process was started by mpirun (OMPI_COMM_WORLD_SIZE or
// PMI_SIZE set), else Comm. Run data parallel on the CPU:
//   mpirun --allow-run-as-root -np 2 ./train --threads 1 ...
// Each rank takes its own windows of every global batch (DataLoader rank/world), gradients are
// summed over ranks and divided by their number, and every rank applies the same update.
#pragma once
#include <cstdlib>
#include <memory>
#include <vector>
#include "utils.h"
#ifdef USE_MPI
#include <mpi.h>
#endif

struct Comm {
    int rank = 0, size = 1;
    virtual ~Comm() {}
    virtual const char* name() const { return "single process"; }
    // in place, over all ranks; the result is the same bits on every rank
    virtual void allreduce_sum(float*, size_t) {}
    virtual void allreduce_sum(double*, size_t) {}
    virtual void allreduce_sum(int*, size_t) {}
    virtual void allreduce_max(int*, size_t) {}
    // every rank's `mine`, concatenated in rank order
    virtual std::vector<int> allgather(const std::vector<int>& mine) { return mine; }
    virtual std::vector<float> allgather(const std::vector<float>& mine) { return mine; }
    virtual void barrier() {}
};

#ifdef USE_MPI
struct MpiComm : Comm {
    MpiComm() {
        MPI_Init(nullptr, nullptr);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &size);
    }
    ~MpiComm() override { MPI_Finalize(); }
    const char* name() const override { return "MPI"; }
    void allreduce_sum(float* x, size_t n) override { MPI_Allreduce(MPI_IN_PLACE, x, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); }
    void allreduce_sum(double* x, size_t n) override { MPI_Allreduce(MPI_IN_PLACE, x, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD); }
    void allreduce_sum(int* x, size_t n) override { MPI_Allreduce(MPI_IN_PLACE, x, (int)n, MPI_INT, MPI_SUM, MPI_COMM_WORLD); }
    void allreduce_max(int* x, size_t n) override { MPI_Allreduce(MPI_IN_PLACE, x, (int)n, MPI_INT, MPI_MAX, MPI_COMM_WORLD); }
    std::vector<int> allgather(const std::vector<int>& mine) override { return gather(mine, MPI_INT); }
    std::vector<float> allgather(const std::vector<float>& mine) override { return gather(mine, MPI_FLOAT); }
    void barrier() override { MPI_Barrier(MPI_COMM_WORLD); }

  private:
    template <class X> std::vector<X> gather(const std::vector<X>& mine, MPI_Datatype type) {
        int n = (int)mine.size();
        std::vector<int> counts(size), displs(size, 0);
        MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
        for (int r = 1; r < size; r++) displs[r] = displs[r - 1] + counts[r - 1];
        std::vector<X> all((size_t)displs[size - 1] + counts[size - 1]);
        MPI_Allgatherv(mine.data(), n, type, all.data(), counts.data(), displs.data(), type, MPI_COMM_WORLD);
        return all;
    }
};
#endif

inline bool launched_by_mpirun() { return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE"); }

inline std::unique_ptr<Comm> comm_open() {
#ifdef USE_MPI
    if (launched_by_mpirun()) return std::unique_ptr<Comm>(new MpiComm());
#else
    if (launched_by_mpirun()) fatal(EXIT_USAGE, "started by mpirun, but this ./train was built without MPI (install libopenmpi-dev and rebuild)");
#endif
    return std::unique_ptr<Comm>(new Comm());
}
