// debug_state.h: reads llm.c's debug-state files (the PyTorch oracle's vectors in tests/vectors/):
// 256-int32 header (magic 20240327, version 2, B, T), x, y (B*T int32), logits (B*T*V fp32),
// loss (fp32), then every gradient in the checkpoint's tensor order.
#pragma once
#include <doctest/doctest.h>
#include <cstring>
#include <string>
#include <vector>
#include "llmc/utils.h"

struct DebugState {
    int B, T;
    std::vector<int> x, y;
    std::vector<float> logits;  // (B,T,V)
    float loss;
    std::vector<float> grads;   // checkpoint order
};

inline DebugState read_debug(const std::string& path, size_t V, size_t nparams) {
    std::string d = read_file(path);
    REQUIRE(d.size() >= 1024);
    const int* h = (const int*)d.data();
    REQUIRE(h[0] == 20240327);
    REQUIRE(h[1] == 2);
    DebugState s;
    s.B = h[2]; s.T = h[3];
    size_t BT = (size_t)s.B * s.T;
    REQUIRE(d.size() == 1024 + 8 * BT + 4 * BT * V + 4 + 4 * nparams);
    const char* p = d.data() + 1024;
    s.x.assign((const int*)p, (const int*)p + BT); p += 4 * BT;
    s.y.assign((const int*)p, (const int*)p + BT); p += 4 * BT;
    s.logits.assign((const float*)p, (const float*)p + BT * V); p += 4 * BT * V;
    memcpy(&s.loss, p, 4); p += 4;
    s.grads.assign((const float*)p, (const float*)p + nparams);
    return s;
}
