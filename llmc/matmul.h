// matmul.h: the CPU matmul forward/backward (llm.c's shapes) over a real BLAS.
// float goes to oneDNN's sgemm (JIT kernels picked for the CPU it runs on, unlike Debian's
// OpenBLAS, which can fall back to SSE3 kernels); double (finite-difference tests only) uses loops.
#pragma once
#include "profile.h"
#include <dnnl.h>
#include <type_traits>
#include "matmul_bf16.h"
#include "utils.h"

// C(M,N) = alpha * op(A) op(B) + beta * C, row-major; op(X) = X^T when trans is 'T'
inline void gemm(char ta, char tb, int M, int N, int K, float alpha, const float* A, int lda,
                 const float* B, int ldb, float beta, float* C, int ldc) {
    if (M == 0 || N == 0) return;
    if (dnnl_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) != dnnl_success)
        fatal(EXIT_RUNTIME, "dnnl_sgemm failed (M=%d N=%d K=%d)", M, N, K);
}

inline void gemm(char ta, char tb, int M, int N, int K, double alpha, const double* A, int lda,
                 const double* B, int ldb, double beta, double* C, int ldc) {
    #pragma omp parallel for collapse(2)
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < K; k++)
                s += (ta == 'T' ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k]) *
                     (tb == 'T' ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j]);
            C[(size_t)i * ldc + j] = alpha * s + (beta == 0 ? 0 : beta * C[(size_t)i * ldc + j]);
        }
}

// the model's matmuls: fp32, or bf16 operands under --dtype bf16 (matmul_bf16.h; B16: B's bf16 copy or NULL)
template <class T>
void gemm_model(char ta, char tb, int M, int N, int K, const T* A, int lda, const T* B, int ldb, T beta, T* C, int ldc,
                const uint16_t* B16 = nullptr) {
    if constexpr (std::is_same<T, float>::value)
        if (matmul_dtype() != MM_FP32) return gemm_bf16(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc, B16);
    gemm(ta, tb, M, N, K, T(1), A, lda, B, ldb, beta, C, ldc);
}

// out is (BT,OC), inp is (BT,C), weight is (OC,C), bias is (OC) or NULL: out = inp @ weight^T + bias.
// weight16 (OC,C): the weight's bf16 copy for --dtype bf16, or NULL (rounded per call)
template <class T>
void matmul_forward(T* out, const T* inp, const T* weight, const T* bias, int BT, int C, int OC, const uint16_t* weight16 = nullptr) {
    ProfScope prof_(PROF_MATMUL, 2.0 * BT * C * OC, 4.0 * ((double)BT * C + (double)OC * C + (double)BT * OC));
    if (bias) {
        #pragma omp parallel for
        for (int i = 0; i < BT; i++)
            for (int o = 0; o < OC; o++) out[(size_t)i * OC + o] = bias[o];
    }
    gemm_model('N', 'T', BT, OC, C, inp, C, weight, C, bias ? T(1) : T(0), out, OC, weight16);
}

// accumulates (+=) dinp (BT,C), dweight (OC,C), dbias (OC); any of the three may be NULL
template <class T>
void matmul_backward(T* dinp, T* dweight, T* dbias, const T* dout, const T* inp, const T* weight,
                     int BT, int C, int OC, const uint16_t* weight16 = nullptr) {
    ProfScope prof_(PROF_MATMUL, (dinp ? 2.0 : 0.0) * BT * C * OC + (dweight ? 2.0 : 0.0) * BT * C * OC, 4.0 * ((double)BT * C + (double)OC * C + (double)BT * OC));
    if (dinp) gemm_model('N', 'N', BT, C, OC, dout, OC, weight, C, T(1), dinp, C, weight16);
    if (dweight) gemm_model('T', 'N', OC, C, BT, dout, OC, inp, C, T(1), dweight, C);
    if (dbias) {
        #pragma omp parallel for
        for (int o = 0; o < OC; o++) {
            T s = 0;
            for (int i = 0; i < BT; i++) s += dout[(size_t)i * OC + o];
            dbias[o] += s;
        }
    }
}
