// rand.h: the two deterministic RNGs, each with one uint64 of state, so saving and restoring it
// makes a stream exactly reproducible on every platform (std:: distributions are not portable):
// Rng (xorshift64*) for model init, data order and sampling; SplitMix (splitmix64) for the memory
// layer's init and the synthetic-data generators, whose streams are seeded from (seed, stream id).
#pragma once
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed = 1337) : s(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) { if (!s) s = 1; }
    uint64_t next() {
        s ^= s >> 12; s ^= s << 25; s ^= s >> 27;
        return s * 0x2545F4914F6CDD1Dull;
    }
    uint32_t u32() { return (uint32_t)(next() >> 32); }
    double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }  // [0,1)
    double normal() {  // Box-Muller; one draw per call keeps the state simple to save
        double u1 = uniform(), u2 = uniform();
        if (u1 < 1e-300) u1 = 1e-300;
        return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
    }
    uint64_t below(uint64_t n) { return next() % n; }
};

// Fisher-Yates shuffle of idx, deterministic given the rng
template <class V> void shuffle(V& idx, Rng& rng) {
    for (size_t i = idx.size(); i > 1; i--) {
        size_t j = rng.below(i);
        auto t = idx[i - 1]; idx[i - 1] = idx[j]; idx[j] = t;
    }
}

struct SplitMix {
    uint64_t s;
    explicit SplitMix(uint64_t seed = 1) : s(seed) {}
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }  // [0,1)
    double normal() {  // Box-Muller, one draw per call
        double u1 = 1.0 - uniform(), u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    size_t below(size_t n) { return n ? (size_t)(next() % n) : 0; }
    bool chance(double p) { return uniform() < p; }
    template <class T> const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
    template <class T> void shuffle(std::vector<T>& v) {
        for (size_t i = v.size(); i > 1; i--) std::swap(v[i - 1], v[below(i)]);
    }
};
