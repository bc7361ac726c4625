// lora.cuh: the CUDA twin of lora.h: low-rank adapters on a linear layer, forward and backward, as
// cuBLASLt matmuls (bf16 operands and outputs, fp32 accumulation). Read lora.h first: the shapes
// and the algebra are the same. The rank r must be a multiple of 8 (cuBLASLt's bf16 alignment).
// Tested against lora.h by tests/test_cuda.cu ("cuda lora ...").
#pragma once
#include "matmul.cuh"

// out (BT,OC) += scale * u B^T where u (BT,r) = inp (BT,C) A^T (A (r,C)) is saved for backward
inline void lora_forward(floatX* out, floatX* u, const floatX* inp, const floatX* A, const floatX* Bm, int BT, int C,
                         int OC, int r, float scale, cudaStream_t stream) {
    cuda_require(r % 8 == 0, "LoRA rank %d must be a multiple of 8 on the GPU", r);
    matmul_forward(u, inp, A, nullptr, BT, C, r, stream);
    cuda_require(matmul_cublaslt(out, Bm, u, nullptr, OC, BT, r, stream, true, false, true, nullptr, false, scale),
                 "cuBLASLt has no algorithm for the LoRA up-projection (%d,%d,%d)", OC, BT, r);
}

// accumulates dA (r,C), dB (OC,r) and dinp (BT,C) (NULL when not needed) from dout (BT,OC);
// du (BT,r) is scratch
inline void lora_backward(floatX* dinp, floatX* dA, floatX* dB, floatX* du, const floatX* dout, const floatX* inp,
                          const floatX* u, const floatX* A, const floatX* Bm, int BT, int C, int OC, int r, float scale,
                          cudaStream_t stream) {
    cuda_require(r % 8 == 0, "LoRA rank %d must be a multiple of 8 on the GPU", r);
    bool ok = matmul_cublaslt(du, Bm, dout, nullptr, r, BT, OC, stream, false, false, false, nullptr, false, scale)  // du = scale dout B
           && matmul_cublaslt(dB, u, dout, nullptr, r, OC, BT, stream, false, true, true, nullptr, false, scale)      // dB += scale dout^T u
           && matmul_cublaslt(dA, inp, du, nullptr, C, r, BT, stream, false, true, true)                              // dA += du^T inp
           && (!dinp || matmul_cublaslt(dinp, A, du, nullptr, C, BT, r, stream, false, false, true));                 // dinp += du A
    cuda_require(ok, "cuBLASLt has no algorithm for a LoRA backward matmul (BT=%d C=%d OC=%d r=%d)", BT, C, OC, r);
}
