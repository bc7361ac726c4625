// test_schedule.cpp: the learning-rate schedule (llmc/adamw.h: linear warmup, cosine to min-lr) and
// the sampler (llmc/sampler.h: greedy, temperature, top-k, seeded), against values worked out by hand
// and against the distribution they should draw from. Run: ./tests/run_tests -tc="schedule*"
#include <doctest/doctest.h>
#include <cmath>
#include <vector>
#include "llmc/adamw.h"
#include "llmc/sampler.h"

TEST_CASE("schedule: linear warmup, cosine decay to min-lr, flat after the end") {
    const double lr = 2e-3, min_frac = 0.1;
    const int total = 110, warmup = 10;
    // warmup: step s (0-based) runs at lr * (s+1)/warmup, reaching lr at its last step
    CHECK(lr_schedule(0, total, warmup, lr, min_frac) == doctest::Approx(lr / 10).epsilon(1e-12));
    CHECK(lr_schedule(4, total, warmup, lr, min_frac) == doctest::Approx(lr / 2).epsilon(1e-12));
    CHECK(lr_schedule(9, total, warmup, lr, min_frac) == doctest::Approx(lr).epsilon(1e-12));
    // cosine over the 100 steps after warmup: p = 0 -> lr, p = 0.5 -> halfway to min, p = 1 -> min
    CHECK(lr_schedule(10, total, warmup, lr, min_frac) == doctest::Approx(lr).epsilon(1e-12));
    CHECK(lr_schedule(60, total, warmup, lr, min_frac) == doctest::Approx(lr * (0.1 + 0.9 * 0.5)).epsilon(1e-12));
    CHECK(lr_schedule(35, total, warmup, lr, min_frac) == doctest::Approx(lr * (0.1 + 0.9 * 0.5 * (1 + std::cos(M_PI * 0.25)))).epsilon(1e-12));
    CHECK(lr_schedule(110, total, warmup, lr, min_frac) == doctest::Approx(lr * min_frac).epsilon(1e-12));
    CHECK(lr_schedule(500, total, warmup, lr, min_frac) == doctest::Approx(lr * min_frac).epsilon(1e-12));  // clamped past the end
    // monotone: up during warmup, down after
    for (int s = 1; s < total; s++) {
        double a = lr_schedule(s - 1, total, warmup, lr, min_frac), b = lr_schedule(s, total, warmup, lr, min_frac);
        if (s < warmup) CHECK(b > a);
        else CHECK(b <= a);
    }
    // no warmup, and a run no longer than its warmup: lr from the first step, and constant
    CHECK(lr_schedule(0, 50, 0, lr, min_frac) == doctest::Approx(lr).epsilon(1e-12));
    CHECK(lr_schedule(7, 5, 10, lr, min_frac) == doctest::Approx(lr * 8 / 10).epsilon(1e-12));
    CHECK(lr_schedule(12, 5, 10, lr, min_frac) == doctest::Approx(lr).epsilon(1e-12));
}

TEST_CASE("schedule: the sampler is greedy at temperature 0, keeps to the top k, and draws softmax(logits / T)") {
    const std::vector<double> logits = {0.5, 2.0, -1.0, 1.0, 2.0, 0.0};
    Rng rng(3);
    // greedy: the largest logit, the lower id on a tie (ids 1 and 4 share 2.0)
    CHECK(sample_token(logits.data(), 6, 0.0, 0, rng) == 1);
    CHECK(sample_token(logits.data(), 6, 0.0, 3, rng) == 1);
    // top-k: with k = 3 only ids 1, 4 (2.0) and 3 (1.0) are ever drawn, in proportion exp(l / T)
    const int N = 200000;
    const double T = 0.7;
    std::vector<int> count(6, 0);
    for (int i = 0; i < N; i++) count[sample_token(logits.data(), 6, T, 3, rng)]++;
    CHECK(count[0] == 0);
    CHECK(count[2] == 0);
    CHECK(count[5] == 0);
    double z = 2 * std::exp(2.0 / T) + std::exp(1.0 / T);
    for (int id : {1, 4, 3}) {
        double p = std::exp(logits[id] / T) / z, sd = std::sqrt(p * (1 - p) / N);
        INFO("id " << id << ": drawn " << (double)count[id] / N << ", expected " << p);
        CHECK(std::fabs((double)count[id] / N - p) < 5 * sd);  // 5 standard errors
    }
    // the whole vocabulary (k = 0) at temperature 1: every id drawn, in proportion exp(l)
    std::fill(count.begin(), count.end(), 0);
    for (int i = 0; i < N; i++) count[sample_token(logits.data(), 6, 1.0, 0, rng)]++;
    double zz = 0;
    for (double l : logits) zz += std::exp(l);
    for (int id = 0; id < 6; id++) {
        double p = std::exp(logits[id]) / zz, sd = std::sqrt(p * (1 - p) / N);
        INFO("id " << id);
        CHECK(std::fabs((double)count[id] / N - p) < 5 * sd);
    }
    // seeded: the same seed gives the same draws
    Rng a(42), b(42);
    for (int i = 0; i < 100; i++) CHECK(sample_token(logits.data(), 6, 1.0, 0, a) == sample_token(logits.data(), 6, 1.0, 0, b));
}
