// encoder.h: token + position embedding, forward and backward (CPU).
#pragma once
#include "profile.h"
#include <cstddef>

// out is (B,T,C), inp is (B,T) token ids, wte is (Vp,C), wpe is (maxT,C) or NULL (Llama: RoPE
// places tokens inside attention instead)
template <class T>
void encoder_forward(T* out, const int* inp, const T* wte, const T* wpe, int B, int T_, int C) {
    ProfScope prof_(PROF_ENCODER, (double)B * T_ * C, 12.0 * B * T_ * C);
    #pragma omp parallel for collapse(2)
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T_; t++) {
            T* o = out + ((size_t)b * T_ + t) * C;
            const T* we = wte + (size_t)inp[b * T_ + t] * C;
            if (!wpe) { for (int i = 0; i < C; i++) o[i] = we[i]; continue; }
            const T* pe = wpe + (size_t)t * C;
            for (int i = 0; i < C; i++) o[i] = we[i] + pe[i];
        }
}

// accumulates dwte (Vp,C) and dwpe (maxT,C) (either may be NULL) from dout (B,T,C); serial over tokens because two
// tokens may share a wte row (a parallel scatter would race)
template <class T>
void encoder_backward(T* dwte, T* dwpe, const T* dout, const int* inp, int B, int T_, int C) {
    ProfScope prof_(PROF_ENCODER, 2.0 * B * T_ * C, 20.0 * B * T_ * C);
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T_; t++) {
            const T* d = dout + ((size_t)b * T_ + t) * C;
            if (dwte) { T* dwt = dwte + (size_t)inp[b * T_ + t] * C; for (int i = 0; i < C; i++) dwt[i] += d[i]; }
            if (dwpe) { T* dwp = dwpe + (size_t)t * C; for (int i = 0; i < C; i++) dwp[i] += d[i]; }
        }
}
