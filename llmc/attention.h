// attention.h: causal multi-head self-attention, forward and backward (CPU).
// Materialises the (T,T) attention matrix per head; fine for the CPU's short contexts.
#pragma once
#include <cmath>
#include <cstddef>

// out is (B,T,C); att is (B,NH,T,T), the softmax probabilities saved for backward (only t2 <= t1
// is written); inp is (B,T,3C) holding q,k,v, each C split into NH heads of hs = C/NH channels
template <class T>
void attention_forward(T* out, T* att, const T* inp, int B, int T_, int C, int NH) {
    const int C3 = 3 * C, hs = C / NH;
    const T scale = T(1) / std::sqrt(T(hs));
    #pragma omp parallel for collapse(3)
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++)
            for (int t = 0; t < T_; t++) {
                const T* q = inp + ((size_t)b * T_ + t) * C3 + h * hs;
                T* a = att + (((size_t)b * NH + h) * T_ + t) * T_;
                T maxv = -1e30;
                for (int t2 = 0; t2 <= t; t2++) {
                    const T* k = inp + ((size_t)b * T_ + t2) * C3 + C + h * hs;
                    T s = 0;
                    for (int i = 0; i < hs; i++) s += q[i] * k[i];
                    s *= scale;
                    a[t2] = s;
                    if (s > maxv) maxv = s;
                }
                T sum = 0;
                for (int t2 = 0; t2 <= t; t2++) { a[t2] = std::exp(a[t2] - maxv); sum += a[t2]; }
                T inv = T(1) / sum;
                for (int t2 = 0; t2 <= t; t2++) a[t2] *= inv;
                T* o = out + ((size_t)b * T_ + t) * C + h * hs;
                for (int i = 0; i < hs; i++) o[i] = 0;
                for (int t2 = 0; t2 <= t; t2++) {
                    const T* v = inp + ((size_t)b * T_ + t2) * C3 + 2 * C + h * hs;
                    for (int i = 0; i < hs; i++) o[i] += a[t2] * v[i];
                }
            }
}

// accumulates dinp (B,T,3C) from dout (B,T,C). Parallel over (b,h): each pair owns its slice of dinp.
template <class T>
void attention_backward(T* dinp, const T* dout, const T* inp, const T* att, int B, int T_, int C, int NH) {
    const int C3 = 3 * C, hs = C / NH;
    const T scale = T(1) / std::sqrt(T(hs));
    #pragma omp parallel
    {
        T* datt = new T[T_];
        #pragma omp for collapse(2)
        for (int b = 0; b < B; b++)
            for (int h = 0; h < NH; h++)
                for (int t = 0; t < T_; t++) {
                    const T* a = att + (((size_t)b * NH + h) * T_ + t) * T_;
                    const T* d = dout + ((size_t)b * T_ + t) * C + h * hs;
                    // out = sum_t2 a[t2] v[t2]: gradients to a and to v
                    T dot = 0;
                    for (int t2 = 0; t2 <= t; t2++) {
                        const T* v = inp + ((size_t)b * T_ + t2) * C3 + 2 * C + h * hs;
                        T* dv = dinp + ((size_t)b * T_ + t2) * C3 + 2 * C + h * hs;
                        T s = 0;
                        for (int i = 0; i < hs; i++) { s += v[i] * d[i]; dv[i] += a[t2] * d[i]; }
                        datt[t2] = s;
                        dot += s * a[t2];
                    }
                    // softmax backward: dpre = a * (datt - sum(a * datt)), then the scaled q.k
                    const T* q = inp + ((size_t)b * T_ + t) * C3 + h * hs;
                    T* dq = dinp + ((size_t)b * T_ + t) * C3 + h * hs;
                    for (int t2 = 0; t2 <= t; t2++) {
                        T dpre = a[t2] * (datt[t2] - dot) * scale;
                        const T* k = inp + ((size_t)b * T_ + t2) * C3 + C + h * hs;
                        T* dk = dinp + ((size_t)b * T_ + t2) * C3 + C + h * hs;
                        for (int i = 0; i < hs; i++) { dq[i] += dpre * k[i]; dk[i] += dpre * q[i]; }
                    }
                }
        delete[] datt;
    }
}
