// fastmath.h: exp and tanh for float that the compiler can vectorise (libm's expf/tanhf are scalar
// calls, and they dominated GELU and the softmax). Cephes-style: exp(x) = 2^n * p(r) with
// r = x - n*ln2 and a degree-6 polynomial; relative error about 2e-7 over the float range.
// double keeps std::exp/std::tanh so the finite-difference tests run at full precision.
#pragma once
#include <cmath>
#include <cstdint>

inline float fast_exp(float x) {
    x = x < -87.3f ? -87.3f : (x > 88.7f ? 88.7f : x);
    float n = std::floor(x * 1.44269504088896341f + 0.5f);
    n = n == n ? n : 0.0f;  // NaN in, NaN out (through p), but the int cast below needs a number
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;  // ln2 split in two for accuracy
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    // 2^n built from its exponent bits; a bit cast (not memcpy) keeps the loop vectorisable
    return p * __builtin_bit_cast(float, ((int32_t)n + 127) << 23);
}
inline double fast_exp(double x) { return std::exp(x); }

inline float fast_tanh(float x) {
    float e = fast_exp(-2.0f * std::fabs(x));  // in (0,1]: no overflow
    float t = (1.0f - e) / (1.0f + e);
    return x < 0 ? -t : t;
}
inline double fast_tanh(double x) { return std::tanh(x); }
