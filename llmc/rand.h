// rand.h: a small deterministic RNG (xorshift64*), uniform and normal draws. Its whole state is one
// uint64, so saving and restoring it makes sampling, shuffling and init exactly reproducible.
#pragma once
#include <cmath>
#include <cstdint>

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
