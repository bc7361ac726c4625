// attention.h: causal multi-head self-attention, forward and backward (CPU), flash-style: per
// (batch, head) the queries go in tiles of ATT_TILE rows against the key tiles at or below the
// diagonal (the causal half only), with an online softmax, so no (T,T) matrix is ever stored; the
// forward saves each row's log-sum-exp (lse) and the backward recomputes the probabilities from it.
// The tiles' products are small gemm()s; the (b,h) pairs (in backward, the (b, KV head) pairs) run in
// parallel, each on one thread.
// Grouped-query attention (Llama): NKV <= NH key/value heads, query head h reads KV head h / (NH/NKV)
// (Hugging Face's repeat_kv); NKV = NH (the default, NKV = 0) is GPT-2's multi-head attention.
// Same shapes and saved state as the CUDA kernels in attention.cuh (out, lse).
// Tested by tests/test_model.cpp and tests/test_llama_ops.cpp (finite differences, GQA against
// multi-head attention on repeated KV heads, PyTorch vectors).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "fastmath.h"
#include "matmul.h"
#include "profile.h"

constexpr int ATT_TILE = 64;  // query and key rows per tile: S and dS scratch are (64,64)

// the number of KV heads: NKV, or NH when NKV is 0; NH must be a multiple of it (a programming error otherwise)
inline int attention_kv_heads(int NH, int NKV) {
    if (NKV == 0) return NH;
    if (NKV < 0 || NH % NKV != 0) { fprintf(stderr, "attention: NH=%d is not a multiple of NKV=%d\n", NH, NKV); abort(); }
    return NKV;
}

// out is (B,T,C); lse is (B,NH,T), each query row's log-sum-exp of its scaled scores, saved for
// backward; inp is (B,T,C3) with C3 = C + 2*NKV*hs, holding [q (NH heads) | k (NKV heads) | v (NKV
// heads)] of hs = C/NH channels each; NKV = 0 means NH (inp is (B,T,3C))
template <class T>
void attention_forward(T* out, T* lse, const T* inp, int B, int T_, int C, int NH, int NKV = 0) {
    ProfScope prof_(PROF_ATTENTION, 2.0 * B * NH * (double)T_ * (T_ + 1) / 2 * (C / NH) * 2, 4.0 * B * T_ * 4.0 * C);
    NKV = attention_kv_heads(NH, NKV);
    const int hs = C / NH, C3 = C + 2 * NKV * hs, TL = ATT_TILE, group = NH / NKV;
    const T scale = T(1) / std::sqrt(T(hs));
    #pragma omp parallel
    {
        std::vector<T> S((size_t)TL * TL), m(TL), l(TL);  // per thread: scores of a tile, running max and sum
        #pragma omp for collapse(2) schedule(static)
        for (int b = 0; b < B; b++)
            for (int h = 0; h < NH; h++) {
                const T* q = inp + (size_t)b * T_ * C3 + h * hs;
                const T* k = inp + (size_t)b * T_ * C3 + C + h / group * hs;  // the KV head serving h
                const T* v = k + NKV * hs;
                T* o = out + (size_t)b * T_ * C + h * hs;
                T* ls = lse + ((size_t)b * NH + h) * T_;
                for (int i0 = 0; i0 < T_; i0 += TL) {
                    const int nq = std::min(TL, T_ - i0);
                    std::fill(m.begin(), m.end(), T(-INFINITY));
                    std::fill(l.begin(), l.end(), T(0));
                    for (int r = 0; r < nq; r++) std::fill_n(o + (size_t)(i0 + r) * C, hs, T(0));
                    for (int j0 = 0; j0 < i0 + nq; j0 += TL) {
                        const int nk = std::min(TL, T_ - j0);
                        gemm('N', 'T', nq, nk, hs, scale, q + (size_t)i0 * C3, C3, k + (size_t)j0 * C3, C3, T(0), S.data(), TL);
                        for (int r = 0; r < nq; r++) {
                            T* s = S.data() + (size_t)r * TL;
                            const int n = std::min(nk, i0 + r - j0 + 1);  // keys j <= i only
                            T mx = m[r];
                            for (int c = 0; c < n; c++) mx = s[c] > mx ? s[c] : mx;
                            const T alpha = fast_exp(m[r] - mx);  // rescales what was summed so far
                            T sum = 0;
                            for (int c = 0; c < n; c++) { s[c] = fast_exp(s[c] - mx); sum += s[c]; }
                            for (int c = n; c < nk; c++) s[c] = 0;
                            l[r] = l[r] * alpha + sum;
                            m[r] = mx;
                            T* orow = o + (size_t)(i0 + r) * C;
                            for (int d = 0; d < hs; d++) orow[d] *= alpha;
                        }
                        gemm('N', 'N', nq, hs, nk, T(1), S.data(), TL, v + (size_t)j0 * C3, C3, T(1), o + (size_t)i0 * C, C);
                    }
                    for (int r = 0; r < nq; r++) {
                        T* orow = o + (size_t)(i0 + r) * C;
                        const T inv = T(1) / l[r];
                        for (int d = 0; d < hs; d++) orow[d] *= inv;
                        ls[i0 + r] = m[r] + std::log(l[r]);
                    }
                }
            }
    }
}

// accumulates dinp (B,T,C3) (layout as inp) from dout (B,T,C), given the forward's out (B,T,C) and
// lse (B,NH,T). Each (b, KV head) pair runs on one thread and owns its slice of dinp: it loops over
// its NH/NKV query heads in order, summing their dk, dv into the shared KV head's rows (no races,
// the same sums every run)
template <class T>
void attention_backward(T* dinp, const T* dout, const T* inp, const T* out, const T* lse, int B, int T_, int C, int NH,
                        int NKV = 0) {
    ProfScope prof_(PROF_ATTENTION, 2.0 * B * NH * (double)T_ * (T_ + 1) / 2 * (C / NH) * 2 * 3, 4.0 * B * T_ * 8.0 * C);
    NKV = attention_kv_heads(NH, NKV);
    const int hs = C / NH, C3 = C + 2 * NKV * hs, TL = ATT_TILE, group = NH / NKV;
    const T scale = T(1) / std::sqrt(T(hs));
    #pragma omp parallel
    {
        std::vector<T> P((size_t)TL * TL), dS((size_t)TL * TL), D(T_);  // per thread
        #pragma omp for collapse(2) schedule(static)
        for (int b = 0; b < B; b++)
            for (int kvh = 0; kvh < NKV; kvh++)
                for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                    const T* q = inp + (size_t)b * T_ * C3 + h * hs;
                    const T* k = inp + (size_t)b * T_ * C3 + C + kvh * hs;
                    const T* v = k + NKV * hs;
                    const T* o = out + (size_t)b * T_ * C + h * hs;
                    const T* d = dout + (size_t)b * T_ * C + h * hs;
                    const T* ls = lse + ((size_t)b * NH + h) * T_;
                    T* dq = dinp + (size_t)b * T_ * C3 + h * hs;
                    T* dk = dinp + (size_t)b * T_ * C3 + C + kvh * hs;
                    T* dv = dk + NKV * hs;
                    for (int t = 0; t < T_; t++) {  // D = rowsum(dout * out): the softmax backward's dot
                        T s = 0;
                        for (int c = 0; c < hs; c++) s += d[(size_t)t * C + c] * o[(size_t)t * C + c];
                        D[t] = s;
                    }
                    for (int j0 = 0; j0 < T_; j0 += TL) {
                        const int nk = std::min(TL, T_ - j0);
                        for (int i0 = j0 / TL * TL; i0 < T_; i0 += TL) {  // query tiles at or below the diagonal
                            const int nq = std::min(TL, T_ - i0);
                            gemm('N', 'T', nq, nk, hs, scale, q + (size_t)i0 * C3, C3, k + (size_t)j0 * C3, C3, T(0), P.data(), TL);
                            gemm('N', 'T', nq, nk, hs, T(1), d + (size_t)i0 * C, C, v + (size_t)j0 * C3, C3, T(0), dS.data(), TL);  // dP = dout V^T
                            for (int r = 0; r < nq; r++) {
                                T *p = P.data() + (size_t)r * TL, *ds = dS.data() + (size_t)r * TL;
                                const int n = std::max(0, std::min(nk, i0 + r - j0 + 1));
                                for (int c = 0; c < n; c++) {
                                    p[c] = fast_exp(p[c] - ls[i0 + r]);
                                    ds[c] = p[c] * (ds[c] - D[i0 + r]) * scale;  // scaled for the q.k product
                                }
                                for (int c = n; c < nk; c++) p[c] = ds[c] = 0;
                            }
                            gemm('T', 'N', nk, hs, nq, T(1), P.data(), TL, d + (size_t)i0 * C, C, T(1), dv + (size_t)j0 * C3, C3);   // dV += P^T dout
                            gemm('N', 'N', nq, hs, nk, T(1), dS.data(), TL, k + (size_t)j0 * C3, C3, T(1), dq + (size_t)i0 * C3, C3); // dQ += dS K
                            gemm('T', 'N', nk, hs, nq, T(1), dS.data(), TL, q + (size_t)i0 * C3, C3, T(1), dk + (size_t)j0 * C3, C3); // dK += dS^T Q
                        }
                    }
                }
    }
}

// Inference with a KV cache (model.h's KVCache): t new queries at positions p0..p0+t-1 attend,
// causally, to the cached keys and values of positions 0..p0+t-1 (B = 1; the cache already holds
// the new tokens' own). out is (t,C); qkv is (t,QKV), of which only q is read; kc and vc are
// (maxT, NKV*hs). Query head h reads KV head h / (NH/NKV), as attention_forward.
template <class T>
void attention_cached(T* out, const T* qkv, const T* kc, const T* vc, int t, int p0, int C, int NH, int NKV) {
    ProfScope prof_(PROF_ATTENTION, 4.0 * t * (p0 + t) * C, 4.0 * (p0 + t) * 2.0 * NKV * (C / NH));
    const int hs = C / NH, W = NKV * hs, QKV = C + 2 * W, g = NH / NKV;
    const T scale = T(1) / std::sqrt(T(hs));
    #pragma omp parallel for collapse(2) schedule(static)
    for (int i = 0; i < t; i++)
        for (int h = 0; h < NH; h++) {
            const T* q = qkv + (size_t)i * QKV + h * hs;
            const int n = p0 + i + 1, kvh = h / g;
            std::vector<T> s(n);
            T mx = -INFINITY, sum = 0;
            for (int j = 0; j < n; j++) {
                const T* k = kc + (size_t)j * W + kvh * hs;
                T d = 0;
                for (int c = 0; c < hs; c++) d += q[c] * k[c];
                s[j] = d * scale;
                mx = std::max(mx, s[j]);
            }
            for (int j = 0; j < n; j++) { s[j] = std::exp(s[j] - mx); sum += s[j]; }
            T* o = out + (size_t)i * C + h * hs;
            std::fill_n(o, hs, T(0));
            for (int j = 0; j < n; j++) {
                const T* v = vc + (size_t)j * W + kvh * hs;
                const T pj = s[j] / sum;
                for (int c = 0; c < hs; c++) o[c] += pj * v[c];
            }
        }
}
