// classifier.h: softmax + cross-entropy fused with its backward (CPU). The probabilities are never
// stored: the backward overwrites the logits with dlogits in place, as llm.c's fused classifier.
#pragma once
#include "fastmath.h"
#include "profile.h"
#include <cmath>
#include <cstddef>

// logits is (N,Vp) of which the first V are real (the padding is ignored); targets is (N);
// losses is (N). If dloss != 0, logits is overwritten by dlogits = (softmax - onehot) * dloss.
template <class T>
void crossentropy_forward_backward(T* logits, T* losses, const int* targets, int N, int V, int Vp, T dloss) {
    ProfScope prof_(PROF_CLASSIFIER, 5.0 * N * V, 8.0 * N * Vp);
    #pragma omp parallel for
    for (int n = 0; n < N; n++) {
        T* l = logits + (size_t)n * Vp;
        T maxv = l[0];
        #pragma omp simd reduction(max : maxv)
        for (int i = 1; i < V; i++) maxv = l[i] > maxv ? l[i] : maxv;
        T sum = 0;
        #pragma omp simd reduction(+ : sum)
        for (int i = 0; i < V; i++) sum += fast_exp(l[i] - maxv);
        T logz = maxv + std::log(sum);
        losses[n] = logz - l[targets[n]];
        if (dloss != T(0)) {
            #pragma omp simd
            for (int i = 0; i < V; i++) l[i] = fast_exp(l[i] - logz) * dloss;
            for (int i = V; i < Vp; i++) l[i] = 0;
            l[targets[n]] -= dloss;
        }
    }
}
