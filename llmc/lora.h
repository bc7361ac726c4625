// lora.h: low-rank adapters (Hu et al. 2021) on a linear layer, forward and backward (CPU).
// The adapted layer computes out = inp W^T + b + scale * (inp A^T) B^T with A (r,C), B (OC,r) and
// scale = alpha / r. B starts at zero, so the model is unchanged when adapters are attached, while
// B still receives gradient. Biderman et al. 2024: alpha = 2r, adapters on all matrices.
#pragma once
#include <cstddef>
#include <vector>
#include "matmul.h"

// out (BT,OC) += scale * u B^T where u (BT,r) = inp (BT,C) A^T is saved for backward
template <class T>
void lora_forward(T* out, T* u, const T* inp, const T* A, const T* Bm, int BT, int C, int OC, int r, T scale) {
    matmul_forward(u, inp, A, (const T*)nullptr, BT, C, r);
    gemm('N', 'T', BT, OC, r, scale, u, r, Bm, r, T(1), out, OC);
}

// accumulates dA (r,C), dB (OC,r) and dinp (BT,C) (NULL when not needed) from dout (BT,OC)
template <class T>
void lora_backward(T* dinp, T* dA, T* dB, const T* dout, const T* inp, const T* u, const T* A, const T* Bm,
                   int BT, int C, int OC, int r, T scale) {
    std::vector<T> du((size_t)BT * r);                                      // du (BT,r) = scale * dout B
    gemm('N', 'N', BT, r, OC, scale, dout, OC, Bm, r, T(0), du.data(), r);
    gemm('T', 'N', OC, r, BT, scale, dout, OC, u, r, T(1), dB, r);         // dB += scale * dout^T u
    gemm('T', 'N', r, C, BT, T(1), du.data(), r, inp, C, T(1), dA, C);     // dA += du^T inp
    if (dinp) gemm('N', 'N', BT, C, r, T(1), du.data(), r, A, C, T(1), dinp, C);  // dinp += du A
}

// folds the adapter into the weight: W (OC,C) += scale * B A
template <class T>
void lora_merge(T* W, const T* A, const T* Bm, int C, int OC, int r, T scale) {
    gemm('N', 'N', OC, C, r, scale, Bm, r, A, C, T(1), W, C);
}
