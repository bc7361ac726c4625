// sampler.h: draw the next token from logits with temperature and top-k.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>
#include "rand.h"

// logits is (V); temperature 0 means greedy; top_k <= 0 means the whole vocabulary
template <class T>
int sample_token(const T* logits, int V, double temperature, int top_k, Rng& rng) {
    std::vector<std::pair<double, int>> c(V);
    for (int i = 0; i < V; i++) c[i] = {(double)logits[i], i};
    if (top_k <= 0 || top_k > V) top_k = V;
    std::partial_sort(c.begin(), c.begin() + top_k, c.end(), [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    if (temperature <= 0) return c[0].second;
    double maxv = c[0].first, sum = 0;
    for (int i = 0; i < top_k; i++) sum += (c[i].first = std::exp((c[i].first - maxv) / temperature));
    double r = rng.uniform() * sum;
    for (int i = 0; i < top_k; i++) { r -= c[i].first; if (r <= 0) return c[i].second; }
    return c[top_k - 1].second;
}
