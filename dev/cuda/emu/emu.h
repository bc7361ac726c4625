// dev/cuda/emu/emu.h: a small CPU emulator for the hand-written kernels of llmc/*.cuh, so that
// their index arithmetic, barriers and reductions run, and are checked against the CPU twins, on
// a machine without a GPU. Not a performance tool and not a CUDA implementation: it covers what
// these kernels use.
//   - one OS thread; every CUDA thread of a block is a fiber (ucontext) with its own stack; blocks
//     run one after another; a fiber runs until it reaches a barrier or returns;
//   - __syncthreads() releases when every live thread of the block waits on it; __syncwarp() and
//     __shfl_xor_sync() wait for the live lanes of their warp (32 consecutive linear ids); threads
//     that returned drop out, as on the GPU. Threads waiting at different barriers with nothing
//     left to run is reported as a deadlock (e.g. __syncthreads in divergent code) and aborts;
//   - between barriers the threads run in index order, reversed every other round, so that a
//     missing barrier between a write and a read by another thread tends to show up;
//   - static __shared__ arrays become `static` (one copy: blocks run one at a time); dynamic
//     shared memory is a per-block buffer filled with NaN bytes first;
//   - "device" memory is host memory: the runtime calls the code uses (cudaMalloc, cudaMemcpy,
//     streams, device properties: an "sm_90" device) are macros over host functions, and the
//     cuBLASLt calls are emulated in dev/cuda/emu/cublaslt_emu.cpp (column-major GEMM with the
//     bias / GELU / dGELU epilogues, following the layouts and ops exactly as cuBLASLt reads them).
// The kernels are not compiled from llmc/ directly: dev/cuda/emu/transform.py rewrites launches
// (k<<<grid, block, smem, stream>>>(args) -> emu::launch(lambda, grid, block, smem, stream)) and
// dynamic shared memory declarations into build/cuda-emu/llmc/. With those, tests/test_cuda.cu
// itself (kernels, matmuls and the whole GPU model) compiles with g++ and runs: make cuda-emu.
// Memory-model effects of real hardware (e.g. a race that the fixed schedule hides) are not covered.
#pragma once
#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <functional>
#include <ucontext.h>
#include <vector>

#undef __shared__
#define __shared__ static
#define __launch_bounds__(...)

inline thread_local uint3 threadIdx, blockIdx;
inline thread_local dim3 blockDim, gridDim;

inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }

namespace emu {

enum { RUNNABLE, WAIT_BLOCK, WAIT_WARP, DONE };
struct Fiber {
    ucontext_t ctx;
    char* stack = nullptr;
    int state = RUNNABLE;
};
constexpr size_t FIBER_STACK = 64 * 1024;
// fiber stacks, kept across launches (allocating them per launch would dominate the run time)
inline char* fiber_stack(int t) {
    static std::vector<std::unique_ptr<char[]>> pool;
    while ((int)pool.size() <= t) pool.emplace_back(new char[FIBER_STACK]);
    return pool[t].get();
}
struct Launch {
    int nthreads = 0;
    dim3 grid, block;
    std::vector<Fiber> fibers;
    ucontext_t sched;
    std::vector<float4> smem;   // 16-byte aligned dynamic shared memory
    std::vector<float> slots;   // shuffle exchange, 32 per warp
    std::function<void()> body;
    int cur = 0;
};
inline Launch* cur_launch = nullptr;
inline int cur_lane = 0;
inline size_t launches = 0;  // kernels launched

inline void* dyn_smem() { return cur_launch->smem.data(); }

inline void set_thread(Launch& L, int t) {
    threadIdx = make_uint3(t % L.block.x, (t / L.block.x) % L.block.y, t / (L.block.x * L.block.y));
    cur_lane = t % 32;
    L.cur = t;
}
inline void trampoline() {
    Launch& L = *cur_launch;
    L.body();
    L.fibers[L.cur].state = DONE;  // returning resumes the scheduler (uc_link)
}
// suspends the current thread in `state` until the scheduler releases it
inline void wait_at(int state) {
    Launch& L = *cur_launch;
    Fiber& f = L.fibers[L.cur];
    f.state = state;
    swapcontext(&f.ctx, &L.sched);
}

template <class F> void launch(F f, dim3 grid, dim3 block, size_t smem_bytes = 0, cudaStream_t = 0) {
    Launch L;
    L.nthreads = (int)(block.x * block.y * block.z);
    if (L.nthreads <= 0 || L.nthreads > 1024) { fprintf(stderr, "emu: bad block size %d\n", L.nthreads); abort(); }
    if (grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.y > 65535 || grid.z > 65535) { fprintf(stderr, "emu: bad grid\n"); abort(); }
    launches++;
    L.grid = grid;
    L.block = block;
    L.fibers.resize(L.nthreads);
    for (int t = 0; t < L.nthreads; t++) L.fibers[t].stack = fiber_stack(t);
    L.smem.resize((smem_bytes + 15) / 16 + 1);
    L.slots.resize(((L.nthreads + 31) / 32) * 32);
    L.body = f;
    Launch* saved = cur_launch;
    cur_launch = &L;
    blockDim = block;
    gridDim = grid;
    const long nblocks = (long)grid.x * grid.y * grid.z;
    for (long bi = 0; bi < nblocks; bi++) {
        blockIdx = make_uint3((unsigned)(bi % grid.x), (unsigned)((bi / grid.x) % grid.y), (unsigned)(bi / ((long)grid.x * grid.y)));
        memset((void*)L.smem.data(), 0xff, L.smem.size() * sizeof(float4));
        for (auto& fb : L.fibers) {
            getcontext(&fb.ctx);
            fb.ctx.uc_stack.ss_sp = fb.stack;
            fb.ctx.uc_stack.ss_size = FIBER_STACK;
            fb.ctx.uc_link = &L.sched;
            makecontext(&fb.ctx, trampoline, 0);
            fb.state = RUNNABLE;
        }
        for (long round = 0;; round++) {
            bool ran = false;
            for (int k = 0; k < L.nthreads; k++) {
                const int t = (round & 1) ? L.nthreads - 1 - k : k;
                if (L.fibers[t].state != RUNNABLE) continue;
                set_thread(L, t);
                swapcontext(&L.sched, &L.fibers[t].ctx);
                ran = true;
            }
            if (ran) continue;
            // nothing runnable: release a complete barrier
            int live = 0, at_block = 0;
            for (auto& fb : L.fibers) { live += fb.state != DONE; at_block += fb.state == WAIT_BLOCK; }
            if (live == 0) break;
            bool released = false;
            if (at_block == live) {
                for (auto& fb : L.fibers) if (fb.state == WAIT_BLOCK) fb.state = RUNNABLE;
                released = true;
            }
            for (int w = 0; w * 32 < L.nthreads; w++) {
                int wlive = 0, wwait = 0;
                for (int t = w * 32; t < std::min(L.nthreads, w * 32 + 32); t++) {
                    wlive += L.fibers[t].state != DONE;
                    wwait += L.fibers[t].state == WAIT_WARP;
                }
                if (wlive > 0 && wwait == wlive) {
                    for (int t = w * 32; t < std::min(L.nthreads, w * 32 + 32); t++) L.fibers[t].state = RUNNABLE;
                    released = true;
                }
            }
            if (!released) {
                fprintf(stderr, "emu: deadlock in block (%u,%u,%u): threads wait at different barriers (%d live, %d at __syncthreads)\n",
                        blockIdx.x, blockIdx.y, blockIdx.z, live, at_block);
                abort();
            }
        }
    }
    cur_launch = saved;
}

// ---- the runtime API the launchers, llmc/model.cuh and tests/test_cuda.cu use, on host memory
inline cudaError_t rt_malloc(void** p, size_t bytes) {
    *p = aligned_alloc(256, (bytes + 255) / 256 * 256 + 256);  // cudaMalloc's 256-byte alignment
    if (!*p) return cudaErrorMemoryAllocation;
    memset(*p, 0xff, (bytes + 255) / 256 * 256);  // uninitialised device memory: NaN-like garbage
    return cudaSuccess;
}
inline cudaError_t rt_free(void* p) { free(p); return cudaSuccess; }
inline cudaError_t rt_memcpy(void* dst, const void* src, size_t bytes) { memcpy(dst, src, bytes); return cudaSuccess; }
inline cudaError_t rt_memset(void* p, int v, size_t bytes) { memset(p, v, bytes); return cudaSuccess; }
inline cudaError_t rt_stream_create(cudaStream_t* s) { *s = reinterpret_cast<cudaStream_t>(0x1); return cudaSuccess; }
inline cudaError_t rt_device_count(int* n) { *n = 1; return cudaSuccess; }
inline cudaError_t rt_get_device(int* d) { *d = 0; return cudaSuccess; }
inline cudaError_t rt_props(cudaDeviceProp* p) {
    memset((void*)p, 0, sizeof(*p));
    strcpy(p->name, "CPU emulator (dev/cuda/emu)");
    p->major = 9;
    p->minor = 0;
    p->multiProcessorCount = 1;
    p->l2CacheSize = 1 << 20;
    p->totalGlobalMem = (size_t)8 << 30;
    return cudaSuccess;
}
inline cudaError_t rt_mem_info(size_t* free_b, size_t* total_b) { *free_b = *total_b = (size_t)8 << 30; return cudaSuccess; }

}  // namespace emu

#undef cudaMalloc
#undef cudaFree
#undef cudaMemcpy
#undef cudaMemcpyAsync
#undef cudaMemset
#undef cudaMemsetAsync
#undef cudaGetDeviceProperties
#define cudaMalloc(p, n) emu::rt_malloc((void**)(p), (n))
#define cudaFree(p) emu::rt_free((void*)(p))
#define cudaMemcpy(d, s, n, kind) emu::rt_memcpy((d), (s), (n))
#define cudaMemcpyAsync(d, s, n, kind, stream) emu::rt_memcpy((d), (s), (n))
#define cudaMemset(p, v, n) emu::rt_memset((p), (v), (n))
#define cudaMemsetAsync(p, v, n, stream) emu::rt_memset((p), (v), (n))
#define cudaStreamCreate(ps) emu::rt_stream_create(ps)
#define cudaStreamSynchronize(s) cudaSuccess
#define cudaStreamDestroy(s) cudaSuccess
#define cudaDeviceSynchronize() cudaSuccess
#define cudaGetDeviceCount(n) emu::rt_device_count(n)
#define cudaGetDevice(d) emu::rt_get_device(d)
#define cudaSetDevice(d) cudaSuccess
#define cudaGetDeviceProperties(p, d) emu::rt_props(p)
#define cudaFuncSetAttribute(kernel, attr, value) cudaSuccess
#define cudaGetLastError() cudaSuccess
#define cudaMemGetInfo(f, t) emu::rt_mem_info((f), (t))
#define cudaGetErrorString(e) "emulated CUDA error"

inline void __syncthreads() { emu::wait_at(emu::WAIT_BLOCK); }
inline void __syncwarp(unsigned = 0xffffffffu) { emu::wait_at(emu::WAIT_WARP); }
inline float __shfl_xor_sync(unsigned, float v, int offset) {
    emu::Launch& L = *emu::cur_launch;
    const int warp_base = L.cur - emu::cur_lane, lane = emu::cur_lane;
    L.slots[warp_base + lane] = v;
    emu::wait_at(emu::WAIT_WARP);
    const float r = L.slots[warp_base + (lane ^ offset)];
    emu::wait_at(emu::WAIT_WARP);
    return r;
}
inline int4 __ldcs(const int4* p) { return *p; }
// one OS thread runs every fiber and switches only at barriers: a read-modify-write is atomic
inline float atomicAdd(float* p, float v) { float old = *p; *p = old + v; return old; }
