// rope.h: rotary position embedding (RoPE) of q and k, in place in the qkv buffer, forward and
// backward (CPU). The CUDA twin is rope.cuh. Tested by tests/test_llama_ops.cpp (finite differences,
// PyTorch vectors) and tests/test_cuda.cu ("cuda rope").
//
// Convention: INTERLEAVED pairs. In each head of hs channels, the pair (2i, 2i+1) is rotated by
// angle pos * theta^(-2i/hs), i = 0..hs/2-1, pos = 0..T-1:
//   (x0, x1) -> (x0 cos - x1 sin, x0 sin + x1 cos)    (= (x0 + i x1) e^(i angle), Meta's llama)
// This is what GGUF files need: llama.cpp's converter permuted each head's q and k weight rows
// from Hugging Face's order, viewed (2, hs/2), to (hs/2, 2): GGUF row 2i+j = HF row j*hs/2+i.
// HF's rotate-half form rotates the pairs (i, i+hs/2) by the same angles, so rotating adjacent
// pairs of the rows as stored equals HF's apply_rotary_pos_emb on un-permuted rows (q and k are
// permuted alike, so every q.k, and hence attention, is unchanged; dev/reference/llama_ops_ref.py
// checks the equality to 1e-6).
//
// The angles come from a table computed once (rope_table) instead of sin/cos per element per step.
// Backward: the forward is a rotation, so the gradient is rotated back by -angle, in place.
#pragma once
#include "profile.h"
#include <cmath>
#include <cstddef>
#include <vector>

// the (maxT, hs/2, 2) table of (cos, sin) of pos * theta^(-2i/hs), computed in double, stored as
// float. Row p serves position p: a caller at position offset p0 (e.g. a KV cache) passes cs + p0*hs.
inline std::vector<float> rope_table(int maxT, int hs, double theta) {
    std::vector<float> cs((size_t)maxT * hs);
    for (int p = 0; p < maxT; p++)
        for (int i = 0; i < hs / 2; i++) {
            const double a = p * std::pow(theta, -2.0 * i / hs);
            cs[(size_t)p * hs + 2 * i] = (float)std::cos(a);
            cs[(size_t)p * hs + 2 * i + 1] = (float)std::sin(a);
        }
    return cs;
}

// rotates, in place, the q and k heads of qkv (B,T,(NH+2*NKV)*hs) = [q (NH heads) | k (NKV heads) |
// v (NKV heads)] by +angle (sign 1) or -angle (sign -1); v is untouched. cs is (T, hs/2, 2).
template <class T>
void rope_rotate(T* qkv, const float* cs, int B, int T_, int NH, int NKV, int hs, int sign) {
    ProfScope prof_(PROF_ATTENTION, 6.0 * B * T_ * (NH + NKV) * hs / 2, 4.0 * 2 * B * T_ * (NH + NKV) * hs);
    const int row = (NH + 2 * NKV) * hs, nqk = NH + NKV;  // q and k heads are adjacent: rotate them together
    #pragma omp parallel for collapse(2)
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T_; t++) {
            const float* c = cs + (size_t)t * hs;
            T* x = qkv + ((size_t)b * T_ + t) * row;
            for (int h = 0; h < nqk; h++, x += hs)
                for (int i = 0; i < hs / 2; i++) {
                    const T co = c[2 * i], si = sign * c[2 * i + 1], x0 = x[2 * i], x1 = x[2 * i + 1];
                    x[2 * i] = x0 * co - x1 * si;
                    x[2 * i + 1] = x0 * si + x1 * co;
                }
        }
}

// qkv (B,T,(NH+2*NKV)*hs): q and k rotated in place for positions 0..T-1; cs from rope_table
template <class T>
void rope_forward(T* qkv, const float* cs, int B, int T_, int NH, int NKV, int hs) {
    rope_rotate(qkv, cs, B, T_, NH, NKV, hs, 1);
}

// dqkv (B,T,(NH+2*NKV)*hs): the gradient w.r.t. the rotated q, k becomes the gradient w.r.t. the
// q, k before rotation (rotated back, in place); the v part passes through
template <class T>
void rope_backward(T* dqkv, const float* cs, int B, int T_, int NH, int NKV, int hs) {
    rope_rotate(dqkv, cs, B, T_, NH, NKV, hs, -1);
}
