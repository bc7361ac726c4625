// fuzz_gguf.cpp: libFuzzer target for the GGUF reader and writer (llmc/gguf.h).
// Two modes, by the input:
//   a file (the input starts with "GGUF", or any input whose first byte is even): GGUF::parse must
//         either fail with a message or accept it with every tensor's bytes inside the input; accepted
//         tensors the reader can dequantise (up to 64K values) are dequantised, and every metadata
//         value is read back through the typed getters' rules.
//   odd first byte, not "GGUF": the bytes describe tensors (type F32/F16/Q8_0, shape) and their values;
//         GGUFWriter writes them with some metadata, parse reads them back: F32 exact, F16 equal to
//         f16_to_f32(f32_to_f16(x)), Q8_0 within half a quantisation step of each block's scale.
// Seeds: tests/fuzz/seeds/fuzz_gguf (the fixtures of tests/fixtures/gguf). Build and run: make fuzz
// (tests/fuzz/run.sh), or alone: clang++-14 -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined
// -fopenmp -I. tests/fuzz/fuzz_gguf.cpp -o build/fuzz/fuzz_gguf -ldnnl
#include <omp.h>
#include <cmath>
#include <cstdint>
#include "llmc/gguf.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    omp_set_num_threads(1);
    return 0;
}

static void check_file(const uint8_t* data, size_t size) {
    GGUF g;
    std::string err;
    if (!GGUF::parse(data, size, "fuzz.gguf", g, &err)) {
        if (err.empty() || err.find('\n') != std::string::npos) __builtin_trap();  // one line, never empty
        return;
    }
    if (g.version != 2 && g.version != 3) __builtin_trap();
    if (g.kv.size() != g.kv_index.size() || g.tensors.size() != g.tensor_index.size()) __builtin_trap();
    for (auto& kv : g.kv) {
        const GGUFValue& v = kv.second;
        if (g.get(kv.first) != &v) __builtin_trap();
        if (v.type == GGUF_ARRAY && v.elem_type == GGUF_STRING && v.strs.size() != v.n) __builtin_trap();
    }
    for (auto& t : g.tensors) {
        if (t.data < data || t.n_bytes > size || t.data + t.n_bytes > data + size) __builtin_trap();
        if (g.find_tensor(t.name) != &t) __builtin_trap();
        if (!gguf::can_dequantize(t.type) || t.n_elements > (1 << 16)) continue;
        std::vector<float> out((size_t)t.n_elements);
        g.dequantize(t, out.data());
        volatile float sink = 0;
        for (float x : out) sink = sink + x;
    }
}

static void check_writer(const uint8_t* data, size_t size) {
    size_t pos = 1;
    auto byte = [&]() -> uint8_t { return pos < size ? data[pos++] : 0; };
    GGUFWriter w;
    w.add_str("general.architecture", "fuzz");
    w.add_u32("general.file_type", byte());
    if (byte() & 1) w.set_alignment(1u << (byte() % 8));
    struct T { std::string name; uint32_t type; std::vector<int64_t> shape; std::vector<float> x; };
    std::vector<T> ts;
    for (int k = 0, nt = byte() % 4; k < nt; k++) {
        T t;
        t.name = "t" + std::to_string(k);
        uint8_t sel = byte();
        t.type = sel % 3 == 0 ? GGML_F32 : sel % 3 == 1 ? GGML_F16 : GGML_Q8_0;
        int64_t inner = t.type == GGML_Q8_0 ? 32 * (1 + byte() % 3) : 1 + byte() % 40, rows = 1 + byte() % 3;
        t.shape = (sel >> 2) & 1 ? std::vector<int64_t>{rows, inner} : std::vector<int64_t>{inner * rows};
        if (t.type == GGML_Q8_0 && t.shape.size() == 1) t.shape = {inner * rows};
        t.x.resize((size_t)(inner * rows));
        for (float& v : t.x) {
            uint32_t bits = (uint32_t)byte() << 24 | (uint32_t)byte() << 16 | (uint32_t)byte() << 8 | byte();
            memcpy(&v, &bits, 4);
            if (!std::isfinite(v) || std::fabs(v) > 6e4f) v = (float)(int8_t)(bits & 0xFF) / 7.0f;
        }
        w.add_tensor(t.name, t.shape, t.x.data(), t.type);
        ts.push_back(std::move(t));
    }
    std::string bytes = w.bytes();
    GGUF g;
    std::string err;
    if (!GGUF::parse((const uint8_t*)bytes.data(), bytes.size(), "written.gguf", g, &err)) __builtin_trap();
    if (g.get_str("general.architecture") != "fuzz" || g.tensors.size() != ts.size()) __builtin_trap();
    for (auto& t : ts) {
        std::vector<float> y = g.tensor_f32(t.name, t.shape);
        for (size_t i = 0; i < y.size(); i++) {
            if (t.type == GGML_F32 && memcmp(&y[i], &t.x[i], 4) != 0) __builtin_trap();
            if (t.type == GGML_F16 && y[i] != gguf::f16_to_f32(gguf::f32_to_f16(t.x[i]))) __builtin_trap();
        }
        if (t.type == GGML_Q8_0)
            for (size_t b = 0; b < y.size() / 32; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) amax = std::max(amax, std::fabs(t.x[b * 32 + j]));
                // half a step of d = amax/127, plus d's fp16 rounding (2^-11 relative, or 2^-25 absolute
                // where d is a subnormal half) times |q| <= 127
                float tol = amax / 127 * 0.5f + amax * 1e-3f + 127 * 3e-8f;
                for (int j = 0; j < 32; j++)
                    if (!(std::fabs(y[b * 32 + j] - t.x[b * 32 + j]) <= tol)) __builtin_trap();
            }
    }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    if ((size >= 4 && memcmp(data, "GGUF", 4) == 0) || !(data[0] & 1)) check_file(data, size);
    else check_writer(data, size);
    return 0;
}
