// dev/cuda/common.h: shared helpers of the dev/cuda kernel benchmarks (llm.c style: every file has
// a CPU reference, numbered kernel versions from naive to the one in llmc/*.cuh, a correctness
// check of each, and a block-size / tile-size timing table).
// Build: make cuda-dev (cuda.mk) -> build/cuda/<name>; run ./build/cuda/<name> [version].
#pragma once
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
#include "llmc/cuda_common.cuh"
#include "llmc/rand.h"

// exits 0 with a message when there is no usable GPU (these programs are run by hand or by
// dev/gpu_check.sh; on a machine without a GPU they have nothing to do)
inline void require_gpu_or_exit(const char* prog) {
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess || n == 0) {
        printf("%s: no usable CUDA device (%s): nothing to do\n", prog, e != cudaSuccess ? cudaGetErrorString(e) : "none visible");
        exit(0);
    }
    const cudaDeviceProp& p = cuda_device_props();
    printf("%s on %s (sm_%d%d, %d SMs)\n", prog, p.name, p.major, p.minor, p.multiProcessorCount);
}

inline float bf16_round(float x) { return __bfloat162float(__float2bfloat16(x)); }

// n normal draws (mean, scale), rounded to bf16 so the CPU and the GPU see identical inputs
inline std::vector<float> random_bf16(size_t n, uint64_t seed, float scale = 1.0f, float mean = 0.0f) {
    Rng rng(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = bf16_round(mean + scale * (float)rng.normal());
    return v;
}

// device copies
inline floatX* to_device_bf16(const std::vector<float>& v) {
    floatX* d = cuda_malloc<floatX>(v.size());
    std::vector<floatX> h = to_bf16(v.data(), v.size());
    cuda_upload(d, h.data(), v.size());
    return d;
}
template <class T> T* to_device(const std::vector<T>& v) {
    T* d = cuda_malloc<T>(v.size());
    cuda_upload(d, v.data(), v.size());
    return d;
}
inline std::vector<float> from_device_bf16(const floatX* d, size_t n) {
    cudaCheck(cudaDeviceSynchronize());
    std::vector<floatX> h(n);
    cuda_download(h.data(), d, n);
    return from_bf16(h.data(), n);
}
template <class T> std::vector<T> from_device(const T* d, size_t n) {
    cudaCheck(cudaDeviceSynchronize());
    std::vector<T> h(n);
    cuda_download(h.data(), d, n);
    return h;
}

// compares gpu against the CPU reference: |gpu - ref| <= atol + rtol |ref| elementwise; prints
// a line; returns false (and prints the first failures) when it does not hold
inline bool validate(const char* name, const std::vector<float>& gpu, const std::vector<float>& ref, double atol,
                     double rtol) {
    size_t bad = 0;
    double worst = 0, maxref = 0;
    for (size_t i = 0; i < ref.size(); i++) {
        double e = std::fabs((double)gpu[i] - ref[i]);
        worst = std::max(worst, std::isnan(e) ? INFINITY : e);
        maxref = std::max(maxref, (double)std::fabs(ref[i]));
        if (!(e <= atol + rtol * std::fabs(ref[i]))) {
            if (bad < 5) printf("    mismatch %s[%zu]: gpu %.6g cpu %.6g\n", name, i, gpu[i], ref[i]);
            bad++;
        }
    }
    printf("  %-28s %s  max|diff| %.3g  max|ref| %.3g  (%zu/%zu outside)\n", name, bad ? "FAIL" : "ok  ", worst, maxref,
           bad, ref.size());
    return bad == 0;
}

inline double max_abs_of(const std::vector<float>& v) {
    double m = 0;
    for (float x : v) m = std::max(m, (double)std::fabs(x));
    return m;
}

// average milliseconds of fn() over `repeats` runs after one warm-up; the L2 cache is flushed
// before each run (a memset over a buffer twice its size) so the timings are not flattered
template <class F> float benchmark_kernel(int repeats, F fn) {
    static void* flush = nullptr;
    static size_t flush_bytes = 0;
    if (!flush) {
        flush_bytes = (size_t)cuda_device_props().l2CacheSize * 2;
        cudaCheck(cudaMalloc(&flush, flush_bytes));
    }
    cudaEvent_t start, stop;
    cudaCheck(cudaEventCreate(&start));
    cudaCheck(cudaEventCreate(&stop));
    fn();
    cudaCheck(cudaDeviceSynchronize());
    float total = 0;
    for (int r = 0; r < repeats; r++) {
        cudaCheck(cudaMemset(flush, r & 0xff, flush_bytes));
        cudaCheck(cudaEventRecord(start, 0));
        fn();
        cudaCheck(cudaEventRecord(stop, 0));
        cudaCheck(cudaEventSynchronize(stop));
        float ms = 0;
        cudaCheck(cudaEventElapsedTime(&ms, start, stop));
        total += ms;
    }
    cudaCheck(cudaGetLastError());
    cudaCheck(cudaEventDestroy(start));
    cudaCheck(cudaEventDestroy(stop));
    return total / repeats;
}
