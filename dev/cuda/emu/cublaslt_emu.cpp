// dev/cuda/emu/cublaslt_emu.cpp: the cuBLASLt functions llmc/matmul.cuh calls, implemented on the
// CPU for the emulator build (make cuda-emu; see emu.h). It follows cuBLASLt's documented
// semantics, not our row-major reasoning, so it checks that reasoning:
//   D = alpha * op(A) op(B) + beta * C, column-major: element (r, c) of a matrix with layout
//   (rows, cols, ld) is at [r + c * ld]; op(X) = X or X^T per CUBLASLT_MATMUL_DESC_TRANSA/B;
//   epilogues: BIAS (bias[r] added, bias of length rows(D)), GELU_AUX[_BIAS] (aux = result
//   [+ bias], stored with ld EPILOGUE_AUX_LD; D = GELU(aux)), DGELU (D = result * GELU'(aux)).
// The shapes are checked as cuBLASLt would (op(A) must be m x k, op(B) k x n, C and D m x n,
// ld >= rows): a mismatch returns CUBLAS_STATUS_INVALID_VALUE, which the caller turns into a
// fatal error. Accumulation is fp32 (as CUBLAS_COMPUTE_32F), D rounded to bf16.
// emu_cublaslt_refuse_fused: when set, the heuristic finds no algorithm for GELU/dGELU
// epilogues, exercising matmul.cuh's unfused fallback.
#include <cublasLt.h>
#include <cuda_bf16.h>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

bool emu_cublaslt_refuse_fused = false;
size_t emu_cublaslt_calls = 0;

namespace {
struct Desc { int transA = 0, transB = 0; int epilogue = CUBLASLT_EPILOGUE_DEFAULT; const void* bias = nullptr;
              int bias_type = -1; void* aux = nullptr; int64_t aux_ld = 0; int compute = 0, scale = 0; };
struct Layout { int type; uint64_t rows, cols; int64_t ld; };
static_assert(sizeof(Desc) <= sizeof(cublasLtMatmulDescOpaque_t), "Desc fits the opaque descriptor");
static_assert(sizeof(Layout) <= sizeof(cublasLtMatrixLayoutOpaque_t), "Layout fits the opaque layout");
Desc* D_(cublasLtMatmulDesc_t d) { return reinterpret_cast<Desc*>(d->data); }
Layout* L_(cublasLtMatrixLayout_t l) { return reinterpret_cast<Layout*>(l->data); }
float bf(const void* p, size_t i) { return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]); }
void set_bf(void* p, size_t i, float v) { static_cast<__nv_bfloat16*>(p)[i] = __float2bfloat16(v); }
float gelu(float x) { float u = 0.7978845608028654f * (x + 0.044715f * x * x * x); return 0.5f * x * (1.0f + std::tanh(u)); }
float gelu_grad(float x) {
    float u = 0.7978845608028654f * (x + 0.044715f * x * x * x), th = std::tanh(u);
    return 0.5f * (1.0f + th) + 0.5f * x * (1.0f - th * th) * 0.7978845608028654f * (1.0f + 3.0f * 0.044715f * x * x);
}
bool is_gelu(int e) { return e == CUBLASLT_EPILOGUE_GELU_AUX || e == CUBLASLT_EPILOGUE_GELU_AUX_BIAS || e == CUBLASLT_EPILOGUE_DGELU; }
}  // namespace

extern "C" {

cublasStatus_t CUBLASWINAPI cublasLtCreate(cublasLtHandle_t* h) {
    static char dummy;
    *h = reinterpret_cast<cublasLtHandle_t>(&dummy);
    return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t CUBLASWINAPI cublasLtDestroy(cublasLtHandle_t) { return CUBLAS_STATUS_SUCCESS; }

cublasStatus_t CUBLASWINAPI cublasLtMatmulDescCreate(cublasLtMatmulDesc_t* d, cublasComputeType_t compute, cudaDataType_t scale) {
    *d = new cublasLtMatmulDescOpaque_t;
    Desc* x = new (D_(*d)) Desc();
    x->compute = compute;
    x->scale = scale;
    return compute == CUBLAS_COMPUTE_32F && scale == CUDA_R_32F ? CUBLAS_STATUS_SUCCESS : CUBLAS_STATUS_NOT_SUPPORTED;
}
cublasStatus_t CUBLASWINAPI cublasLtMatmulDescDestroy(cublasLtMatmulDesc_t d) { delete d; return CUBLAS_STATUS_SUCCESS; }
cublasStatus_t CUBLASWINAPI cublasLtMatmulDescSetAttribute(cublasLtMatmulDesc_t d, cublasLtMatmulDescAttributes_t attr,
                                                           const void* buf, size_t size) {
    Desc* x = D_(d);
    switch (attr) {
        case CUBLASLT_MATMUL_DESC_TRANSA: if (size != sizeof(int32_t)) return CUBLAS_STATUS_INVALID_VALUE; x->transA = *(const int32_t*)buf == CUBLAS_OP_T; break;
        case CUBLASLT_MATMUL_DESC_TRANSB: if (size != sizeof(int32_t)) return CUBLAS_STATUS_INVALID_VALUE; x->transB = *(const int32_t*)buf == CUBLAS_OP_T; break;
        case CUBLASLT_MATMUL_DESC_EPILOGUE: if (size != sizeof(int32_t)) return CUBLAS_STATUS_INVALID_VALUE; x->epilogue = *(const int32_t*)buf; break;
        case CUBLASLT_MATMUL_DESC_BIAS_POINTER: if (size != sizeof(void*)) return CUBLAS_STATUS_INVALID_VALUE; memcpy(&x->bias, buf, sizeof(void*)); break;
        case CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE: if (size != sizeof(int32_t)) return CUBLAS_STATUS_INVALID_VALUE; x->bias_type = *(const int32_t*)buf; break;
        case CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER: if (size != sizeof(void*)) return CUBLAS_STATUS_INVALID_VALUE; memcpy(&x->aux, buf, sizeof(void*)); break;
        case CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_LD: if (size != sizeof(int64_t)) return CUBLAS_STATUS_INVALID_VALUE; x->aux_ld = *(const int64_t*)buf; break;
        default: fprintf(stderr, "cublaslt_emu: attribute %d not emulated\n", (int)attr); return CUBLAS_STATUS_NOT_SUPPORTED;
    }
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t CUBLASWINAPI cublasLtMatrixLayoutCreate(cublasLtMatrixLayout_t* l, cudaDataType type, uint64_t rows, uint64_t cols, int64_t ld) {
    *l = new cublasLtMatrixLayoutOpaque_t;
    *L_(*l) = Layout{(int)type, rows, cols, ld};
    return ld >= (int64_t)rows ? CUBLAS_STATUS_SUCCESS : CUBLAS_STATUS_INVALID_VALUE;
}
cublasStatus_t CUBLASWINAPI cublasLtMatrixLayoutDestroy(cublasLtMatrixLayout_t l) { delete l; return CUBLAS_STATUS_SUCCESS; }

cublasStatus_t CUBLASWINAPI cublasLtMatmulPreferenceCreate(cublasLtMatmulPreference_t* p) { *p = new cublasLtMatmulPreferenceOpaque_t; return CUBLAS_STATUS_SUCCESS; }
cublasStatus_t CUBLASWINAPI cublasLtMatmulPreferenceDestroy(cublasLtMatmulPreference_t p) { delete p; return CUBLAS_STATUS_SUCCESS; }
cublasStatus_t CUBLASWINAPI cublasLtMatmulPreferenceSetAttribute(cublasLtMatmulPreference_t, cublasLtMatmulPreferenceAttributes_t, const void*, size_t) {
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t CUBLASWINAPI cublasLtMatmulAlgoGetHeuristic(cublasLtHandle_t, cublasLtMatmulDesc_t d, cublasLtMatrixLayout_t,
                                                           cublasLtMatrixLayout_t, cublasLtMatrixLayout_t, cublasLtMatrixLayout_t,
                                                           cublasLtMatmulPreference_t, int requested,
                                                           cublasLtMatmulHeuristicResult_t results[], int* found) {
    if (emu_cublaslt_refuse_fused && is_gelu(D_(d)->epilogue)) { *found = 0; return CUBLAS_STATUS_NOT_SUPPORTED; }
    if (requested < 1) return CUBLAS_STATUS_INVALID_VALUE;
    memset((void*)&results[0], 0, sizeof(results[0]));
    *found = 1;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t CUBLASWINAPI cublasLtMatmul(cublasLtHandle_t, cublasLtMatmulDesc_t desc, const void* alpha, const void* A,
                                           cublasLtMatrixLayout_t Adesc, const void* B, cublasLtMatrixLayout_t Bdesc,
                                           const void* beta, const void* C, cublasLtMatrixLayout_t Cdesc, void* D,
                                           cublasLtMatrixLayout_t Ddesc, const cublasLtMatmulAlgo_t*, void*, size_t, cudaStream_t) {
    emu_cublaslt_calls++;
    const Desc& x = *D_(desc);
    const Layout &la = *L_(Adesc), &lb = *L_(Bdesc), &lc = *L_(Cdesc), &ld = *L_(Ddesc);
    if (la.type != CUDA_R_16BF || lb.type != CUDA_R_16BF || lc.type != CUDA_R_16BF || ld.type != CUDA_R_16BF) return CUBLAS_STATUS_NOT_SUPPORTED;
    const uint64_t m = ld.rows, n = ld.cols;
    const uint64_t a_rows = x.transA ? la.cols : la.rows, k = x.transA ? la.rows : la.cols;  // op(A) is a_rows x k
    const uint64_t b_rows = x.transB ? lb.cols : lb.rows, b_cols = x.transB ? lb.rows : lb.cols;  // op(B)
    if (a_rows != m || b_rows != k || b_cols != n || lc.rows != m || lc.cols != n) {
        fprintf(stderr, "cublaslt_emu: shape mismatch: op(A) %llux%llu, op(B) %llux%llu, C %llux%llu, D %llux%llu\n",
                (unsigned long long)a_rows, (unsigned long long)k, (unsigned long long)b_rows, (unsigned long long)b_cols,
                (unsigned long long)lc.rows, (unsigned long long)lc.cols, (unsigned long long)m, (unsigned long long)n);
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    const int e = x.epilogue;
    const bool has_bias = e == CUBLASLT_EPILOGUE_BIAS || e == CUBLASLT_EPILOGUE_GELU_AUX_BIAS;
    if (has_bias && (!x.bias || x.bias_type != CUDA_R_16BF)) return CUBLAS_STATUS_INVALID_VALUE;
    if (is_gelu(e) && (!x.aux || x.aux_ld < (int64_t)m || x.aux_ld % 8)) return CUBLAS_STATUS_INVALID_VALUE;
    if (e != CUBLASLT_EPILOGUE_DEFAULT && !has_bias && !is_gelu(e)) return CUBLAS_STATUS_NOT_SUPPORTED;
    const float al = *(const float*)alpha, be = *(const float*)beta;
    #pragma omp parallel for schedule(static)
    for (long long j = 0; j < (long long)n; j++) {
        std::vector<float> bcol(k);
        for (uint64_t p = 0; p < k; p++) bcol[p] = x.transB ? bf(B, j + p * lb.ld) : bf(B, p + j * lb.ld);
        for (uint64_t i = 0; i < m; i++) {
            float acc = 0.0f;
            for (uint64_t p = 0; p < k; p++) acc += (x.transA ? bf(A, p + i * la.ld) : bf(A, i + p * la.ld)) * bcol[p];
            float v = al * acc + (be != 0.0f ? be * bf(C, i + j * lc.ld) : 0.0f);
            if (has_bias) v += bf(x.bias, i);
            if (e == CUBLASLT_EPILOGUE_GELU_AUX || e == CUBLASLT_EPILOGUE_GELU_AUX_BIAS) {
                set_bf(x.aux, i + j * x.aux_ld, v);
                v = gelu(v);
            } else if (e == CUBLASLT_EPILOGUE_DGELU) {
                v *= gelu_grad(bf(x.aux, i + j * x.aux_ld));
            }
            set_bf(D, i + j * ld.ld, v);
        }
    }
    return CUBLAS_STATUS_SUCCESS;
}

}  // extern "C"
