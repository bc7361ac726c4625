// cuda_common.cuh: what every CUDA kernel header shares: the activation type (floatX = bf16), error
// checks, 128-bit packed loads/stores, warp/block reductions, stochastic rounding, the cuBLASLt
// handle and workspace, and small host helpers (device properties, upload/download).
// Conventions used by all llmc/*.cuh files:
//   - activations and parameter gradients are floatX (bf16); LayerNorm statistics, the attention
//     logsumexp, losses and AdamW state are fp32; all arithmetic accumulates in fp32;
//   - every launcher takes a cudaStream_t and only enqueues work (no device synchronisation) unless
//     its comment says otherwise;
//   - reductions are deterministic: fixed grids, fixed summation orders, no floating-point atomics.
// Build: nvcc -std=c++17 -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90
#pragma once
#include <cublasLt.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

typedef __nv_bfloat16 floatX;  // the activation / gradient / bf16-weights type

// ---------------------------------------------------------------------------------------------
// error checking

inline void cuda_check_impl(cudaError_t e, const char* file, int line) {
    if (e != cudaSuccess) {
        fprintf(stderr, "[CUDA ERROR] %s at %s:%d\n", cudaGetErrorString(e), file, line);
        exit(EXIT_FAILURE);
    }
}
#define cudaCheck(err) cuda_check_impl((err), __FILE__, __LINE__)
// after a kernel launch: catches bad launch configurations (not asynchronous faults)
#define cudaCheckLaunch() cuda_check_impl(cudaGetLastError(), __FILE__, __LINE__)

inline void cublas_check_impl(cublasStatus_t s, const char* file, int line) {
    if (s != CUBLAS_STATUS_SUCCESS) {
        fprintf(stderr, "[cuBLAS ERROR] status %d at %s:%d\n", (int)s, file, line);
        exit(EXIT_FAILURE);
    }
}
#define cublasCheck(status) cublas_check_impl((status), __FILE__, __LINE__)

// a precondition of a launcher that the caller violated: a programming error, so abort loudly
#define cuda_require(cond, ...)                                                             \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "[llmc cuda] %s:%d: requirement failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                                   \
            fprintf(stderr, "\n");                                                          \
            exit(EXIT_FAILURE);                                                             \
        }                                                                                   \
    } while (0)

constexpr int WARP_SIZE = 32;

inline __host__ __device__ long ceil_div(long a, long b) { return (a + b - 1) / b; }

inline bool is_aligned16(const void* p) { return ((uintptr_t)p & 15) == 0; }

// ---------------------------------------------------------------------------------------------
// Packed128: 16 bytes of elements, loaded and stored as one 128-bit transaction (8 bf16 or 4 fp32).
// The address must be 16-byte aligned: every launcher that uses it checks C % 8 == 0 (bf16) and
// the base pointers' alignment.

template <class ElementType> struct alignas(16) Packed128 {
    static constexpr int size = sizeof(int4) / sizeof(ElementType);
    ElementType payload[size];
    Packed128() = default;
    __device__ explicit Packed128(int4 bits) { memcpy(&payload, &bits, sizeof(bits)); }
    __device__ static Packed128 constant(ElementType value) {
        Packed128 r;
        for (int k = 0; k < size; k++) r.payload[k] = value;
        return r;
    }
    __device__ ElementType& operator[](int index) { return payload[index]; }
    __device__ const ElementType& operator[](int index) const { return payload[index]; }
    __device__ int4 get_bits() const {
        int4 bits;
        memcpy(&bits, &payload, sizeof(bits));
        return bits;
    }
};
typedef Packed128<floatX> x128;
typedef Packed128<float> f128;

// plain (coherent) loads: safe to use on data the same kernel wrote earlier (no __ldg here)
template <class ElementType> __device__ inline Packed128<ElementType> load128(const ElementType* address) {
    return Packed128<ElementType>{*reinterpret_cast<const int4*>(address)};
}
// streaming load (evict-first): for data read once and not written by this kernel
template <class ElementType> __device__ inline Packed128<ElementType> load128cs(const ElementType* address) {
    return Packed128<ElementType>{__ldcs(reinterpret_cast<const int4*>(address))};
}
template <class ElementType> __device__ inline void store128(ElementType* target, Packed128<ElementType> value) {
    *reinterpret_cast<int4*>(target) = value.get_bits();
}

// ---------------------------------------------------------------------------------------------
// reductions. All are deterministic (a fixed butterfly / tree order).

__device__ inline float warpReduceSum(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;  // every lane holds the sum
}
__device__ inline float warpReduceMax(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
    return v;
}

// sum over the whole block; every thread must call it; blockDim.x a multiple of 32 (<= 1024);
// returns the total to every thread. Safe to call several times in a row.
__device__ inline float blockReduceSum(float v) {
    __shared__ float shared[WARP_SIZE];
    const int lane = threadIdx.x % WARP_SIZE, warp = threadIdx.x / WARP_SIZE;
    const int nwarps = blockDim.x / WARP_SIZE;
    v = warpReduceSum(v);
    __syncthreads();  // a previous call may still be reading `shared`
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    float w = lane < nwarps ? shared[lane] : 0.0f;
    return warpReduceSum(w);
}

// ---------------------------------------------------------------------------------------------
// rounding fp32 -> bf16

// a 32-bit integer hash (lowbias32-style finaliser) of an index and a seed: the random bits for
// stochastic rounding, reproducible for a given (seed, index)
__host__ __device__ inline uint32_t hash_u32(uint32_t x, uint32_t seed) {
    x ^= seed * 0x9E3779B9u;
    x ^= x >> 16; x *= 0x7feb352dU;
    x ^= x >> 15; x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

// rounds x to bf16 up or down with probability proportional to the distance (unbiased);
// `random` supplies 16 random bits in its low half. Inf/NaN are converted as usual.
__host__ __device__ inline floatX stochastic_round_bf16(float x, uint32_t random) {
    uint32_t bits;
    memcpy(&bits, &x, 4);
    if ((bits & 0x7f800000u) == 0x7f800000u) return __float2bfloat16(x);  // inf / nan
    bits += random & 0xffffu;  // a carry into the upper half rounds up; may reach the next binade (correct)
    __nv_bfloat16_raw raw;
    raw.x = (unsigned short)(bits >> 16);
    return floatX(raw);
}

// ---------------------------------------------------------------------------------------------
// host helpers

inline const cudaDeviceProp& cuda_device_props() {
    static cudaDeviceProp props = [] {
        cudaDeviceProp p;
        int dev = 0;
        cudaCheck(cudaGetDevice(&dev));
        cudaCheck(cudaGetDeviceProperties(&p, dev));
        return p;
    }();
    return props;
}

// the cuBLASLt handle and its workspace (32 MiB, as NVIDIA recommends for Hopper), created on
// first use and kept for the life of the process
struct CublasLtContext {
    cublasLtHandle_t handle = nullptr;
    void* workspace = nullptr;
    size_t workspace_size = 32u << 20;
};
inline CublasLtContext& cublaslt_ctx() {
    static CublasLtContext ctx = [] {
        CublasLtContext c;
        cublasCheck(cublasLtCreate(&c.handle));
        cudaCheck(cudaMalloc(&c.workspace, c.workspace_size));
        return c;
    }();
    return ctx;
}

template <class T> T* cuda_malloc(size_t n) {
    T* p = nullptr;
    if (n) cudaCheck(cudaMalloc(&p, n * sizeof(T)));
    return p;
}
template <class T> void cuda_upload(T* dst, const T* src, size_t n) {
    if (n) cudaCheck(cudaMemcpy(dst, src, n * sizeof(T), cudaMemcpyHostToDevice));
}
template <class T> void cuda_download(T* dst, const T* src, size_t n) {
    if (n) cudaCheck(cudaMemcpy(dst, src, n * sizeof(T), cudaMemcpyDeviceToHost));
}
// float <-> bf16 arrays on the host (round to nearest even, as __float2bfloat16)
inline std::vector<floatX> to_bf16(const float* x, size_t n) {
    std::vector<floatX> r(n);
    for (size_t i = 0; i < n; i++) r[i] = __float2bfloat16(x[i]);
    return r;
}
inline std::vector<float> from_bf16(const floatX* x, size_t n) {
    std::vector<float> r(n);
    for (size_t i = 0; i < n; i++) r[i] = __bfloat162float(x[i]);
    return r;
}
