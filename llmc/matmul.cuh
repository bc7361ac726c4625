// matmul.cuh: the GPU matmul forward/backward (llm.c's shapes, the CUDA twin of matmul.h) over
// cuBLASLt: bf16 inputs and outputs, fp32 accumulation (CUBLAS_COMPUTE_32F). The bias is added
// in the epilogue; GELU can be fused too: forward with CUBLASLT_EPILOGUE_GELU_AUX_BIAS (writes
// the pre-activation to an aux buffer and GELU of it to the output), backward with
// CUBLASLT_EPILOGUE_DGELU (multiplies dinp by GELU'(pre-activation)). If cuBLASLt finds no
// algorithm for a fused epilogue the launchers fall back to the unfused path (gelu.cuh), so the
// results never depend on whether fusion is available, only on rounding.
// The bias gradient is our own deterministic two-phase column reduction.
// Row-major (ours) vs column-major (cuBLAS): a row-major (R,K) matrix is a column-major (K,R) one.
// Tested by tests/test_cuda.cu ("cuda matmul ...").
#pragma once
#include <algorithm>
#include "cuda_common.cuh"
#include "gelu.cuh"

// how much of GELU goes into the cuBLASLt epilogues: 0 none, 1 forward, 2 forward and backward
enum { GELU_FUSION_NONE = 0, GELU_FUSION_FORWARD = 1, GELU_FUSION_BOTH = 2 };
// llm.c's per-GPU default: on for Hopper and newer, off before (it did not help on A100)
inline int default_gelu_fusion() { return cuda_device_props().major >= 9 ? GELU_FUSION_BOTH : GELU_FUSION_NONE; }

// D (m,n) [+]= alpha op(A) op(B) (+ bias) in column-major terms, all bf16, fp32 accumulation.
// A is stored (k,m) with ld k if transA else (m,k) with ld m; B is stored (n,k) with ld n if transB
// else (k,n) with ld k; D is (m,n) with ld m. bias (m) or NULL. accumulate: D += (beta = 1).
// pre_gelu (m,n, ld m): forward (backward=false): receives op(A)op(B)+bias and D gets GELU of it;
// backward=true: read, and D = (op(A)op(B)) * GELU'(pre_gelu).
// Returns false (having launched nothing) if cuBLASLt offers no algorithm for this combination.
inline bool matmul_cublaslt(floatX* d, const floatX* a, const floatX* b, const floatX* bias, int m, int n, int k,
                            cudaStream_t stream, bool transA, bool transB, bool accumulate,
                            floatX* pre_gelu = nullptr, bool backward = false, float alpha = 1.0f) {
    CublasLtContext& ctx = cublaslt_ctx();
    cuda_require(is_aligned16(d) && is_aligned16(a) && is_aligned16(b) && (!bias || is_aligned16(bias)) &&
                     (!pre_gelu || is_aligned16(pre_gelu)),
                 "cuBLASLt operands must be 16-byte aligned");
    cublasLtMatmulDesc_t op;
    cublasCheck(cublasLtMatmulDescCreate(&op, CUBLAS_COMPUTE_32F, CUDA_R_32F));
    cublasOperation_t opA = transA ? CUBLAS_OP_T : CUBLAS_OP_N, opB = transB ? CUBLAS_OP_T : CUBLAS_OP_N;
    cublasCheck(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &opA, sizeof(opA)));
    cublasCheck(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &opB, sizeof(opB)));

    cublasLtMatrixLayout_t la, lb, lc, ld;
    if (transA) cublasCheck(cublasLtMatrixLayoutCreate(&la, CUDA_R_16BF, k, m, k));
    else        cublasCheck(cublasLtMatrixLayoutCreate(&la, CUDA_R_16BF, m, k, m));
    if (transB) cublasCheck(cublasLtMatrixLayoutCreate(&lb, CUDA_R_16BF, n, k, n));
    else        cublasCheck(cublasLtMatrixLayoutCreate(&lb, CUDA_R_16BF, k, n, k));
    cublasCheck(cublasLtMatrixLayoutCreate(&lc, CUDA_R_16BF, m, n, m));
    cublasCheck(cublasLtMatrixLayoutCreate(&ld, CUDA_R_16BF, m, n, m));

    cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_DEFAULT;
    if (pre_gelu) {
        int64_t aux_ld = m;
        cublasCheck(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_LD, &aux_ld, sizeof(aux_ld)));
        cublasCheck(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER, &pre_gelu, sizeof(pre_gelu)));
        if (backward) epilogue = CUBLASLT_EPILOGUE_DGELU;  // bias must be NULL here (checked below)
        else epilogue = bias ? CUBLASLT_EPILOGUE_GELU_AUX_BIAS : CUBLASLT_EPILOGUE_GELU_AUX;
    } else if (bias) {
        epilogue = CUBLASLT_EPILOGUE_BIAS;
    }
    cuda_require(!(backward && bias), "no bias in the backward epilogue");
    cublasCheck(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue, sizeof(epilogue)));
    if (bias) {
        cudaDataType_t bias_type = CUDA_R_16BF;
        cublasCheck(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bias_type, sizeof(bias_type)));
        cublasCheck(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof(bias)));
    }

    cublasLtMatmulPreference_t pref;
    cublasCheck(cublasLtMatmulPreferenceCreate(&pref));
    cublasCheck(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                     &ctx.workspace_size, sizeof(ctx.workspace_size)));
    // the heuristic assumes 256-byte aligned matrices unless told otherwise; per-layer slices of
    // our buffers (e.g. biases at l*C) may be only 16-byte aligned, so state the real alignment
    auto alignment = [](const void* ptr) {
        uint32_t al = 256;
        while (al > 16 && ((uintptr_t)ptr % al) != 0) al >>= 1;
        return al;
    };
    const uint32_t align_a = alignment(a), align_b = alignment(b), align_d = alignment(d);
    cublasCheck(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, &align_a, sizeof(align_a)));
    cublasCheck(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, &align_b, sizeof(align_b)));
    cublasCheck(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, &align_d, sizeof(align_d)));
    cublasCheck(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, &align_d, sizeof(align_d)));
    cublasLtMatmulHeuristicResult_t heur;
    int found = 0;
    cublasStatus_t hs = cublasLtMatmulAlgoGetHeuristic(ctx.handle, op, la, lb, lc, ld, pref, 1, &heur, &found);
    bool ok = hs == CUBLAS_STATUS_SUCCESS && found > 0;
    if (ok) {
        const float beta = accumulate ? 1.0f : 0.0f;
        cublasCheck(cublasLtMatmul(ctx.handle, op, &alpha, a, la, b, lb, &beta, d, lc, d, ld, &heur.algo,
                                   ctx.workspace, ctx.workspace_size, stream));
    }
    cublasCheck(cublasLtMatmulPreferenceDestroy(pref));
    cublasCheck(cublasLtMatmulDescDestroy(op));
    cublasCheck(cublasLtMatrixLayoutDestroy(la));
    cublasCheck(cublasLtMatrixLayoutDestroy(lb));
    cublasCheck(cublasLtMatrixLayoutDestroy(lc));
    cublasCheck(cublasLtMatrixLayoutDestroy(ld));
    return ok;
}

// out (BT,OC) += bias (OC), broadcast over rows: the fallback when the bias epilogue is unavailable
__global__ void add_bias_kernel(floatX* out, const floatX* bias, int BT, int OC) {
    const size_t i = ((size_t)blockIdx.x * blockDim.x + threadIdx.x) * x128::size;
    if (i >= (size_t)BT * OC) return;
    const int c = (int)(i % OC);
    x128 o = load128(out + i), b = load128(bias + c);
    for (int k = 0; k < x128::size; k++) o[k] = (floatX)((float)o[k] + (float)b[k]);
    store128(out + i, o);
}

// bias gradient, phase 1: partial (gridDim.y, OC) fp32; block (32, 8) covers 256 columns (8 per
// thread.x) of the rows [blockIdx.y * rows_per_chunk, +rows_per_chunk), thread.y striding rows;
// the 8 row-lanes are added in order through shared memory. dout is (BT,OC), OC % 8 == 0.
__global__ void bias_backward_partial_kernel(float* partial, const floatX* dout, int BT, int OC, int rows_per_chunk) {
    __shared__ float sm[8][256];
    const int col0 = blockIdx.x * 256 + threadIdx.x * x128::size;
    const int r_begin = blockIdx.y * rows_per_chunk;
    const int r_end = min(r_begin + rows_per_chunk, BT);
    float acc[x128::size] = {0};
    if (col0 < OC) {
        for (int r = r_begin + threadIdx.y; r < r_end; r += blockDim.y) {
            x128 v = load128(dout + (size_t)r * OC + col0);
            for (int k = 0; k < x128::size; k++) acc[k] += (float)v[k];
        }
    }
    for (int k = 0; k < x128::size; k++) sm[threadIdx.y][threadIdx.x * x128::size + k] = acc[k];
    __syncthreads();
    const int tid = threadIdx.y * blockDim.x + threadIdx.x;  // 0..255: one column each
    const int col = blockIdx.x * 256 + tid;
    if (col < OC) {
        float s = 0.0f;
        for (int y = 0; y < 8; y++) s += sm[y][tid];
        partial[(size_t)blockIdx.y * OC + col] = s;
    }
}

// bias gradient, phase 2: dbias (OC) += the chunks' partials (nchunks, OC) added in chunk order
__global__ void bias_backward_reduce_kernel(floatX* dbias, const float* partial, int nchunks, int OC) {
    const int col = blockIdx.x * blockDim.x + threadIdx.x;
    if (col >= OC) return;
    float s = 0.0f;
    for (int g = 0; g < nchunks; g++) s += partial[(size_t)g * OC + col];
    dbias[col] = (floatX)((float)dbias[col] + s);
}

constexpr int BIAS_BWD_MAX_CHUNKS = 64;
// floats of scratch matmul_backward needs when it computes a bias gradient of OC channels
inline size_t matmul_backward_scratch_floats(int OC) { return (size_t)BIAS_BWD_MAX_CHUNKS * OC; }

// dbias (OC) += sum over rows of dout (BT,OC); deterministic; scratch: matmul_backward_scratch_floats(OC)
inline void bias_backward(floatX* dbias, float* scratch, const floatX* dout, int BT, int OC, cudaStream_t stream) {
    cuda_require(OC % 8 == 0, "OC=%d must be a multiple of 8", OC);
    if (BT <= 0) return;
    const int chunks_wanted = (int)std::min<long>(BIAS_BWD_MAX_CHUNKS, ceil_div(BT, 32));
    const int rows_per_chunk = (int)ceil_div(BT, chunks_wanted);
    const int nchunks = (int)ceil_div(BT, rows_per_chunk);
    dim3 grid((unsigned)ceil_div(OC, 256), (unsigned)nchunks), block(32, 8);
    bias_backward_partial_kernel<<<grid, block, 0, stream>>>(scratch, dout, BT, OC, rows_per_chunk);
    cudaCheckLaunch();
    bias_backward_reduce_kernel<<<(int)ceil_div(OC, 256), 256, 0, stream>>>(dbias, scratch, nchunks, OC);
    cudaCheckLaunch();
}

// ---- launchers ----

// out (BT,OC) = inp (BT,C) @ weight (OC,C)^T + bias (OC, or NULL).
// With pre_gelu (BT,OC) non-NULL: pre_gelu = inp @ weight^T + bias and out = GELU(pre_gelu),
// in one cuBLASLt call when gelu_fusion >= 1 (and cuBLASLt supports it), else matmul + gelu kernel.
// C, OC multiples of 8 (cuBLASLt bf16 alignment).
inline void matmul_forward(floatX* out, const floatX* inp, const floatX* weight, const floatX* bias, int BT, int C,
                           int OC, cudaStream_t stream, floatX* pre_gelu = nullptr, int gelu_fusion = GELU_FUSION_NONE) {
    cuda_require(C % 8 == 0 && OC % 8 == 0, "C=%d OC=%d must be multiples of 8", C, OC);
    if (pre_gelu && gelu_fusion >= GELU_FUSION_FORWARD &&
        matmul_cublaslt(out, weight, inp, bias, OC, BT, C, stream, true, false, false, pre_gelu, false))
        return;
    floatX* dst = pre_gelu ? pre_gelu : out;
    if (!matmul_cublaslt(dst, weight, inp, bias, OC, BT, C, stream, true, false, false)) {
        cuda_require(bias, "cuBLASLt has no algorithm for a %dx%dx%d bf16 matmul", OC, BT, C);
        // no bias-epilogue algorithm: plain matmul, then add the bias
        cuda_require(matmul_cublaslt(dst, weight, inp, nullptr, OC, BT, C, stream, true, false, false),
                     "cuBLASLt has no algorithm for a %dx%dx%d bf16 matmul", OC, BT, C);
        add_bias_kernel<<<(int)ceil_div((long)BT * OC / x128::size, 256), 256, 0, stream>>>(dst, bias, BT, OC);
        cudaCheckLaunch();
    }
    if (pre_gelu) gelu_forward(out, pre_gelu, (size_t)BT * OC, stream);
}

// The backward of out = inp @ weight^T + bias, given dout (BT,OC):
//   dinp (BT,C) = dout @ weight           OVERWRITTEN (the CPU twin accumulates); with pre_gelu
//                                         (BT,C), the pre-activation whose GELU was inp, dinp is
//                                         further multiplied by GELU'(pre_gelu) (fused when
//                                         gelu_fusion >= 2), i.e. it is the gradient of pre_gelu;
//   dweight (OC,C) += dout^T @ inp        accumulated (gradient accumulation over micro-batches);
//   dbias (OC) += column sums of dout     accumulated, deterministic.
// Any of dinp, dweight, dbias may be NULL. scratch: matmul_backward_scratch_floats(OC) floats
// (only when dbias is given). dinp must not alias dout, inp or weight.
inline void matmul_backward(floatX* dinp, floatX* dweight, floatX* dbias, float* scratch, const floatX* dout,
                            const floatX* inp, const floatX* weight, int BT, int C, int OC, cudaStream_t stream,
                            const floatX* pre_gelu = nullptr, int gelu_fusion = GELU_FUSION_NONE) {
    cuda_require(C % 8 == 0 && OC % 8 == 0, "C=%d OC=%d must be multiples of 8", C, OC);
    if (dbias) bias_backward(dbias, scratch, dout, BT, OC, stream);
    if (dinp) {
        bool fused = pre_gelu && gelu_fusion >= GELU_FUSION_BOTH &&
                     matmul_cublaslt(dinp, weight, dout, nullptr, C, BT, OC, stream, false, false, false,
                                     const_cast<floatX*>(pre_gelu), true);
        if (!fused) {
            cuda_require(matmul_cublaslt(dinp, weight, dout, nullptr, C, BT, OC, stream, false, false, false),
                         "cuBLASLt has no algorithm for the dinp matmul (%d,%d,%d)", C, BT, OC);
            if (pre_gelu) gelu_backward(dinp, pre_gelu, dinp, (size_t)BT * C, stream);
        }
    }
    if (dweight)
        cuda_require(matmul_cublaslt(dweight, inp, dout, nullptr, C, OC, BT, stream, false, true, true),
                     "cuBLASLt has no algorithm for the dweight matmul (%d,%d,%d)", C, OC, BT);
}
