// attention.h: causal multi-head self-attention, forward and backward (CPU).
// Per (batch, head) the work is four small matmuls (Q K^T, att V, and their backward) through
// gemm(), plus a row softmax. The (T,T) attention matrix is materialised per head, which is fine
// for the CPU's contexts (T <= 1024); the (b,h) pairs run in parallel, each gemm on one thread.
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>
#include "fastmath.h"
#include "matmul.h"
#include "profile.h"

// out is (B,T,C); att is (B,NH,T,T), the softmax probabilities saved for backward (zero above the
// diagonal); inp is (B,T,3C) holding q,k,v, each C split into NH heads of hs = C/NH channels
template <class T>
void attention_forward(T* out, T* att, const T* inp, int B, int T_, int C, int NH) {
    ProfScope prof_(PROF_ATTENTION, 2.0 * B * NH * (double)T_ * T_ * (C / NH) * 2, 4.0 * B * T_ * 4.0 * C);
    const int C3 = 3 * C, hs = C / NH;
    const T scale = T(1) / std::sqrt(T(hs));
    #pragma omp parallel for collapse(2) schedule(static)
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++) {
            const T* q = inp + (size_t)b * T_ * C3 + h * hs;
            T* a = att + ((size_t)b * NH + h) * T_ * T_;
            gemm('N', 'T', T_, T_, hs, scale, q, C3, q + C, C3, T(0), a, T_);
            for (int t = 0; t < T_; t++) {
                T* row = a + (size_t)t * T_;
                T maxv = row[0];
                for (int t2 = 1; t2 <= t; t2++) maxv = row[t2] > maxv ? row[t2] : maxv;
                T sum = 0;
                for (int t2 = 0; t2 <= t; t2++) { row[t2] = fast_exp(row[t2] - maxv); sum += row[t2]; }
                T inv = T(1) / sum;
                for (int t2 = 0; t2 <= t; t2++) row[t2] *= inv;
                for (int t2 = t + 1; t2 < T_; t2++) row[t2] = 0;  // the causal mask
            }
            gemm('N', 'N', T_, hs, T_, T(1), a, T_, q + 2 * C, C3, T(0), out + (size_t)b * T_ * C + h * hs, C);
        }
}

// accumulates dinp (B,T,3C) from dout (B,T,C); each (b,h) pair owns its slice of dinp
template <class T>
void attention_backward(T* dinp, const T* dout, const T* inp, const T* att, int B, int T_, int C, int NH) {
    ProfScope prof_(PROF_ATTENTION, 4.0 * B * NH * (double)T_ * T_ * (C / NH) * 2, 4.0 * B * T_ * 7.0 * C);
    const int C3 = 3 * C, hs = C / NH;
    const T scale = T(1) / std::sqrt(T(hs));
    #pragma omp parallel
    {
        std::vector<T> datt((size_t)T_ * T_);  // (T,T) scratch per thread
        #pragma omp for collapse(2) schedule(static)
        for (int b = 0; b < B; b++)
            for (int h = 0; h < NH; h++) {
                const T* q = inp + (size_t)b * T_ * C3 + h * hs;
                const T* a = att + ((size_t)b * NH + h) * T_ * T_;
                const T* d = dout + (size_t)b * T_ * C + h * hs;
                T* dq = dinp + (size_t)b * T_ * C3 + h * hs;
                T* da = datt.data();
                gemm('N', 'T', T_, T_, hs, T(1), d, C, q + 2 * C, C3, T(0), da, T_);   // datt = dout V^T
                gemm('T', 'N', T_, hs, T_, T(1), a, T_, d, C, T(1), dq + 2 * C, C3);   // dV += att^T dout
                for (int t = 0; t < T_; t++) {  // softmax backward, scaled for the q.k product
                    const T* ar = a + (size_t)t * T_;
                    T* dr = da + (size_t)t * T_;
                    T dot = 0;
                    for (int t2 = 0; t2 <= t; t2++) dot += ar[t2] * dr[t2];
                    for (int t2 = 0; t2 <= t; t2++) dr[t2] = ar[t2] * (dr[t2] - dot) * scale;
                    for (int t2 = t + 1; t2 < T_; t2++) dr[t2] = 0;
                }
                gemm('N', 'N', T_, hs, T_, T(1), da, T_, q + C, C3, T(1), dq, C3);       // dQ += dpre K
                gemm('T', 'N', T_, hs, T_, T(1), da, T_, q, C3, T(1), dq + C, C3);       // dK += dpre^T Q
            }
    }
}
