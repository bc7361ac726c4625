// dev/cuda/stub/dnnl.h: a stand-in for oneDNN's dnnl_sgemm, used by the CUDA build (cuda.mk) only
// when the machine has no libdnnl-dev: the CPU twins in llmc/matmul.h call dnnl_sgemm, and the
// CUDA tests need them only at small sizes. Row-major C = alpha op(A) op(B) + beta C, as oneDNN.
#pragma once
#include <cstdint>
#define LLMC_DNNL_STUB 1  // llmc/matmul_bf16.h then has no bf16 kernels

typedef int64_t dnnl_dim_t;
typedef enum { dnnl_success = 0, dnnl_invalid_arguments = 2 } dnnl_status_t;

inline dnnl_status_t dnnl_sgemm(char transa, char transb, dnnl_dim_t M, dnnl_dim_t N, dnnl_dim_t K, float alpha,
                                const float* A, dnnl_dim_t lda, const float* B, dnnl_dim_t ldb, float beta, float* C,
                                dnnl_dim_t ldc) {
    const bool ta = transa == 'T' || transa == 't', tb = transb == 'T' || transb == 't';
    #pragma omp parallel for collapse(2)
    for (dnnl_dim_t i = 0; i < M; i++)
        for (dnnl_dim_t j = 0; j < N; j++) {
            float s = 0.0f;
            for (dnnl_dim_t k = 0; k < K; k++)
                s += (ta ? A[k * lda + i] : A[i * lda + k]) * (tb ? B[j * ldb + k] : B[k * ldb + j]);
            C[i * ldc + j] = alpha * s + (beta == 0.0f ? 0.0f : beta * C[i * ldc + j]);
        }
    return dnnl_success;
}
