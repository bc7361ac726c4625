// matmul_bf16.h: mixed-precision matmuls for the CPU (`--dtype bf16`): the operands are rounded to
// bf16, the products are accumulated and written in fp32; weights, gradients and optimizer state
// stay fp32 (the master copies), so only the matmul inputs lose precision.
//   bf16           oneDNN's matmul primitive on bf16 inputs (AMX or AVX512-BF16 kernels). On a CPU
//                  without them bf16_probe() says so and the trainer runs fp32, printing why (oneDNN
//                  has no kernel there, or, on other AVX-512 CPUs, one that converts in software:
//                  0.33x of fp32 on an Intel Xeon).
//   bf16-emulated  the CPU twin: the same round-to-nearest-even to bf16, then an fp32 sgemm. A bf16
//                  product is exact in fp32, so it matches the real path up to summation order; it
//                  is slower than fp32 and exists to measure bf16's numerics on any CPU.
// matmul.h routes matmul_forward/backward here; attention's tile products and LoRA stay fp32.
// On the real path each operand is rounded in the layout it is stored in (a contiguous, vectorisable
// pass) and oneDNN reads the transposes through strides; a weight whose bf16 copy the model already
// holds (GPT2::params_bf16, made once per step by CpuBackend) is not rounded at all.
#pragma once
#include <dnnl.h>
#include <cstdint>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <cstring>
#include <map>
#include <string>
#include <tuple>
#include <vector>
#include "profile.h"
#include "utils.h"

enum MatmulDtype { MM_FP32, MM_BF16, MM_BF16_EMULATED };
inline MatmulDtype& matmul_dtype() { static MatmulDtype d = MM_FP32; return d; }

inline uint16_t bf16_bits(float f) {  // round to nearest even; a NaN stays a (quiet) NaN, sign kept
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7FFFFFFF) > 0x7F800000) return (uint16_t)((u >> 16) | 0x0040);  // rounding would carry into Inf or -0
    u += 0x7FFF + ((u >> 16) & 1);
    return (uint16_t)(u >> 16);
}
inline float bf16_float(uint16_t h) { uint32_t u = (uint32_t)h << 16; float f; memcpy(&f, &u, 4); return f; }

// out (R,S) = op(X) rounded to bf16, contiguous; X is row-major with leading dimension ld, stored
// (R,S) when trans is 'N' and (S,R) when 'T'. D is uint16_t (bf16 bits) or float (the bf16 value
// widened, for the emulated path)
template <class D>
void bf16_pack(D* out, char trans, int R, int S, const float* X, int ld) {
    #pragma omp parallel for
    for (int r = 0; r < R; r++)
        for (int s = 0; s < S; s++) {
            uint16_t h = bf16_bits(trans == 'T' ? X[(size_t)s * ld + r] : X[(size_t)r * ld + s]);
            if constexpr (sizeof(D) == 2) out[(size_t)r * S + s] = h; else out[(size_t)r * S + s] = bf16_float(h);
        }
}

// out (R,S) = X (R,S) rounded to bf16 bits, contiguous; X has leading dimension ld
inline void bf16_convert(uint16_t* out, int R, int S, const float* X, int ld) {
    #pragma omp parallel for
    for (int r = 0; r < R; r++)
        for (int s = 0; s < S; s++) out[(size_t)r * S + s] = bf16_bits(X[(size_t)r * ld + s]);
}

#ifdef LLMC_DNNL_STUB  // CUDA builds on a machine without oneDNN (dev/cuda/stub/dnnl.h): no bf16 kernels
inline bool bf16_probe(std::string* why) { *why = "this build has no oneDNN"; return false; }
inline void onednn_matmul_run(int, int, int, const void*, char, int, const void*, char, int, float*, int, bool, int = 0) {
    fatal(EXIT_RUNTIME, "bf16 matmul: this build has no oneDNN");
}
#else
// oneDNN's matmul primitive: one engine and stream, and a primitive per shape, operand layout, beta
// and input type. The input type is bf16 in training; f32 lets tests check this code on CPUs without
// bf16 kernels
struct OnednnMatmul {
    // (M, N, K, ta, lda, tb, ldb, ldc, accumulate, input type)
    using Key = std::tuple<int, int, int, char, int, char, int, int, bool, int>;
    dnnl_engine_t engine = nullptr;
    dnnl_stream_t stream = nullptr;
    std::map<Key, dnnl_primitive_t> prims;
    OnednnMatmul() {
        if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success || dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) != dnnl_success)
            fatal(EXIT_RUNTIME, "oneDNN: cannot create a CPU engine");
    }
    ~OnednnMatmul() {
        for (auto& kv : prims) dnnl_primitive_destroy(kv.second);
        dnnl_stream_destroy(stream);
        dnnl_engine_destroy(engine);
    }
    // C (M,N) (ldc) = op(A) (M,K) op(B) (K,N) [+ C], A and B of type dt stored as gemm's (op(X) = X^T
    // when its t is 'T', read through strides). Returns the primitive descriptor's status
    // (dnnl_unimplemented where the CPU has no bf16 kernels); impl gets the kernel's name
    dnnl_status_t describe(dnnl_primitive_desc_t* pd, const Key& k, dnnl_data_type_t dt, std::string* impl = nullptr) {
        auto [M, N, K, ta, lda, tb, ldb, ldc, accumulate, dti] = k;
        dnnl_memory_desc_t ma, mb, mc;
        dnnl_dims_t da = {M, K}, db = {K, N}, dc = {M, N}, sc = {ldc, 1};
        dnnl_dims_t sa = {ta == 'T' ? 1 : lda, ta == 'T' ? lda : 1}, sb = {tb == 'T' ? 1 : ldb, tb == 'T' ? ldb : 1};
        dnnl_memory_desc_init_by_strides(&ma, 2, da, dt, sa);
        dnnl_memory_desc_init_by_strides(&mb, 2, db, dt, sb);
        dnnl_memory_desc_init_by_strides(&mc, 2, dc, dnnl_f32, sc);
        dnnl_matmul_desc_t md;
        dnnl_matmul_desc_init(&md, &ma, &mb, nullptr, &mc);
        dnnl_primitive_attr_t attr;
        dnnl_post_ops_t po;
        dnnl_primitive_attr_create(&attr);
        dnnl_post_ops_create(&po);
        if (accumulate) dnnl_post_ops_append_sum(po, 1.0f);
        dnnl_primitive_attr_set_post_ops(attr, po);
        dnnl_status_t s = dnnl_primitive_desc_create(pd, &md, attr, engine, nullptr);
        dnnl_post_ops_destroy(po);
        dnnl_primitive_attr_destroy(attr);
        if (s == dnnl_success && impl) {
            const char* name = nullptr;
            dnnl_primitive_desc_query(*pd, dnnl_query_impl_info_str, 0, &name);
            *impl = name ? name : "?";
        }
        return s;
    }
    void run(int M, int N, int K, const void* A, char ta, int lda, const void* B, char tb, int ldb, float* C, int ldc, bool accumulate, dnnl_data_type_t dt) {
        Key key(M, N, K, ta, lda, tb, ldb, ldc, accumulate, (int)dt);
        auto it = prims.find(key);
        if (it == prims.end()) {
            dnnl_primitive_desc_t pd;
            if (describe(&pd, key, dt) != dnnl_success) fatal(EXIT_RUNTIME, "oneDNN: no bf16 matmul for M=%d N=%d K=%d", M, N, K);
            dnnl_primitive_t p;
            if (dnnl_primitive_create(&p, pd) != dnnl_success) fatal(EXIT_RUNTIME, "oneDNN: cannot create the bf16 matmul M=%d N=%d K=%d", M, N, K);
            dnnl_primitive_desc_destroy(pd);
            it = prims.emplace(key, p).first;
        }
        const dnnl_memory_desc_t* mds[3];
        const_dnnl_primitive_desc_t pd;
        dnnl_primitive_get_primitive_desc(it->second, &pd);
        mds[0] = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
        mds[1] = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
        mds[2] = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
        void* ptrs[3] = {(void*)A, (void*)B, (void*)C};
        int keys[3] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST};
        dnnl_memory_t mem[3];
        dnnl_exec_arg_t args[3];
        for (int i = 0; i < 3; i++) {
            dnnl_memory_create(&mem[i], mds[i], engine, ptrs[i]);
            args[i] = {keys[i], mem[i]};
        }
        if (dnnl_primitive_execute(it->second, stream, 3, args) != dnnl_success) fatal(EXIT_RUNTIME, "oneDNN: bf16 matmul failed (M=%d N=%d K=%d)", M, N, K);
        dnnl_stream_wait(stream);
        for (int i = 0; i < 3; i++) dnnl_memory_destroy(mem[i]);
    }
};
inline OnednnMatmul& onednn_matmul() { static OnednnMatmul m; return m; }

// does the CPU multiply bf16 in hardware: AVX512-BF16 (cpuid 7.1 eax bit 5) or AMX-BF16 (7.0 edx bit 22)?
inline bool bf16_hardware() {
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    bool avx512_bf16 = __get_cpuid_count(7, 1, &a, &b, &c, &d) && (a >> 5 & 1);
    bool amx_bf16 = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (d >> 22 & 1);
    return avx512_bf16 || amx_bf16;
#else
    return true;  // elsewhere oneDNN's own answer decides
#endif
}

// has oneDNN a bf16 matmul kernel here (in hardware or converting in software)? impl gets its name
inline bool bf16_kernel(std::string* impl) {
    dnnl_primitive_desc_t pd;
    if (onednn_matmul().describe(&pd, OnednnMatmul::Key(64, 64, 64, 'N', 64, 'N', 64, 64, false, dnnl_bf16), dnnl_bf16, impl) != dnnl_success) return false;
    dnnl_primitive_desc_destroy(pd);
    return true;
}

// can this CPU run bf16 matmuls faster than fp32? why tells the kernel oneDNN picked, or why not
inline bool bf16_probe(std::string* why) {
    std::string impl;
    if (!bf16_hardware()) {
        *why = "this CPU has neither AVX512-BF16 nor AMX (oneDNN would convert to bf16 in software, slower than fp32)";
        return false;
    }
    if (!bf16_kernel(&impl)) {
        *why = "oneDNN has no bf16 matmul kernel for this CPU (it needs AVX512-BF16 or AMX)";
        return false;
    }
    *why = "oneDNN " + impl;
    return true;
}

inline void onednn_matmul_run(int M, int N, int K, const void* A, char ta, int lda, const void* B, char tb, int ldb, float* C, int ldc,
                              bool accumulate, int dt = dnnl_bf16) {
    onednn_matmul().run(M, N, K, A, ta, lda, B, tb, ldb, C, ldc, accumulate, (dnnl_data_type_t)dt);
}
#endif

// C(M,N) = op(A) op(B) + beta C (beta 0 or 1) with bf16-rounded operands, fp32 accumulation.
// B16, when given, is B already rounded (bf16 bits, stored as B is, leading dimension ldb): the
// model's copy of a weight. The twin packs op(A), op(B) contiguous as widened floats for an sgemm
// and ignores B16 (the same values); the real path rounds each operand as it is stored (bf16_convert)
// and hands oneDNN the transposes as strides
inline void gemm_bf16(char ta, char tb, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
                      float beta, float* C, int ldc, const uint16_t* B16 = nullptr) {
    if (M == 0 || N == 0) return;
    if (matmul_dtype() == MM_BF16_EMULATED) {
        static std::vector<float> a, b;
        a.resize((size_t)M * K);
        b.resize((size_t)K * N);
        bf16_pack(a.data(), ta, M, K, A, lda);
        bf16_pack(b.data(), tb, K, N, B, ldb);
        if (dnnl_sgemm('N', 'N', M, N, K, 1.f, a.data(), K, b.data(), N, beta, C, ldc) != dnnl_success)
            fatal(EXIT_RUNTIME, "dnnl_sgemm failed (M=%d N=%d K=%d)", M, N, K);
        return;
    }
    static std::vector<uint16_t> a, b;
    const int ar = ta == 'T' ? K : M, ac = ta == 'T' ? M : K;  // A as stored: (ar, ac)
    {
        ProfScope prof_(PROF_BF16, 0, 6.0 * ar * ac);
        a.resize((size_t)ar * ac);
        bf16_convert(a.data(), ar, ac, A, lda);
    }
    if (!B16) {
        const int br = tb == 'T' ? N : K, bc = tb == 'T' ? K : N;
        ProfScope prof_(PROF_BF16, 0, 6.0 * br * bc);
        b.resize((size_t)br * bc);
        bf16_convert(b.data(), br, bc, B, ldb);
        B16 = b.data();
        ldb = bc;
    }
    onednn_matmul_run(M, N, K, a.data(), ta, ac, B16, tb, ldb, C, ldc, beta != 0);
}
