// fuzz_checkpoint.cpp: libFuzzer target for the checkpoint reader (GPT2::parse_header and
// set_params in llmc/model.h, what GPT2::load runs) and for the model on whatever shapes it accepts.
// Two modes, by the first byte:
//   even: the input is a checkpoint file. parse_header must accept it only when the file size is
//         exactly what the shapes need, and never allocate before that check; small accepted models
//         are loaded, and (if every weight is finite, as load() demands) run forward and backward.
//   odd:  the bytes describe a small model (shape, LoRA, memory layers, a few bytes of size error)
//         and its weights in [-1, 1]: a structured way to reach valid headers of every kind. Accepted
//         models must give a finite loss and finite gradients on tokens from the input.
// Build and run: make fuzz (tests/fuzz/run.sh).
#include <omp.h>
#include <cstdint>
#include "llmc/model.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    omp_set_num_threads(1);
    return 0;
}

// forward + backward on B=1, T tokens from the input; returns false if anything is non-finite
static bool run_model(GPT2<float>& m, const uint8_t* data, size_t size) {
    int T = std::min(m.cfg.maxT, 4);
    std::vector<int> x(T), y(T);
    for (int t = 0; t < T; t++) {
        x[t] = size ? data[t % size] % m.cfg.V : 0;
        y[t] = size ? data[(t + 7) % size] % m.cfg.V : 0;
    }
    m.set_trainable(std::vector<char>(m.specs.size(), 1), (m.cfg.mem_layers != 0) && (size && data[size / 2] & 1));
    m.zero_grad();
    float loss = m.forward(x.data(), y.data(), 1, T, 1.0f);
    m.backward();
    bool finite = std::isfinite(loss);
    for (float g : m.grads) finite = finite && std::isfinite(g);
    m.forward(x.data(), nullptr, 1, T);  // inference: logits kept
    return finite;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    GPT2Config c;
    size_t width = 0;
    std::string err;
    if (!(data[0] & 1)) {  // a checkpoint file
        if (size < 1024) return 0;  // load() stops before the parser: "is truncated (N bytes...)"
        int h[256];
        memcpy(h, data, sizeof h);
        if (!GPT2<float>::parse_header(h, (long long)size, "fuzz.bin", c, &width, err)) {
            if (err.empty()) __builtin_trap();
            return 0;
        }
        size_t n = 0;
        for (auto& t : model_tensors(c)) n += t.size;
        if (1024 + n * width != size) __builtin_trap();  // accepted only at exactly the right size
        if (n > (1 << 20) || c.maxT > 4096) return 0;   // big models: nothing new to learn here
        GPT2<float> m;
        m.build(c);
        if (m.params.size() != n) __builtin_trap();
        m.set_params(data + 1024, width);
        for (float p : m.params)
            if (!std::isfinite(p)) return 0;  // load() refuses these
        run_model(m, data, size);  // huge finite weights may overflow: must not crash, may be NaN
        return 0;
    }
    // a described model: byte i is a field, the rest are weights
    auto at = [&](size_t i) -> int { return i < size ? data[i] : 0; };
    int h[256] = {0};
    h[0] = CKPT_MAGIC;
    h[1] = at(1) & 1 ? CKPT_BF16 : CKPT_FP32;
    int NH = 1 + at(5) % 4;
    h[2] = 1 + at(2) % 8;                                         // maxT
    h[3] = 1 + at(3) % 64;                                        // V
    h[7] = at(4) % 4 == 0 ? 0 : at(4) % 4 == 1 ? h[3] : pad_vocab(h[3]) + (at(4) & 4 ? 128 : 0);  // Vp
    h[4] = 1 + at(6) % 3;                                         // L
    h[5] = NH;
    h[6] = at(7) & 0x80 ? 1 + at(7) % 17 : NH * (1 + at(7) % 4);  // C (sometimes not divisible by NH)
    if (at(8) & 1) {                                              // extensions
        h[8] = 1;
        if (at(8) & 2) { h[9] = at(9) % 5; h[10] = at(10) % 17; } // LoRA rank, alpha
        if (at(8) & 4) {
            h[11] = at(11) % (1 << h[4]);                         // memory blocks
            h[12] = 1 + at(12) % 6;                               // n_keys
            h[13] = 1 + at(13) % 7;                               // topk (may exceed n_keys)
            h[14] = 1 + at(14) % 3;                               // heads
            h[15] = at(15) % 9;                                   // dk (may be odd or 0)
            h[16] = at(16) % 3;                                   // gated (2 is invalid)
        }
    } else if (at(8) & 2) {
        h[8] = at(9);                                             // an unknown marker
    }
    GPT2Config probe;
    size_t n = 0;
    width = h[1] == CKPT_FP32 ? 4 : 2;
    {
        std::string e;
        GPT2Config k;
        k.maxT = h[2]; k.V = h[3]; k.L = h[4]; k.NH = h[5]; k.C = h[6]; k.Vp = h[7] ? h[7] : h[3];
        k.lora_rank = std::max(0, h[9]); k.mem_layers = h[11];
        k.mem.n_keys = h[12]; k.mem.topk = h[13]; k.mem.heads = h[14]; k.mem.dk = h[15]; k.mem.gated = h[16];
        if (k.mem_layers && (k.mem.n_keys <= 0 || k.mem.heads <= 0 || k.mem.dk < 0)) k.mem_layers = 0;
        for (auto& t : model_tensors(k)) n += t.size;
    }
    int delta = at(17) % 8 == 0 ? -2 : at(17) % 8 == 1 ? 2 : 0;   // a file a little short or long
    long long fsize = 1024 + (long long)n * width + delta;
    if (!GPT2<float>::parse_header(h, fsize, "fuzz.bin", c, &width, err)) {
        if (err.empty()) __builtin_trap();
        return 0;
    }
    if (delta != 0) __builtin_trap();  // a wrong size must be refused
    GPT2<float> m;
    m.build(c);
    std::vector<float> w(m.params.size());
    for (size_t i = 0; i < w.size(); i++) w[i] = size > 18 ? (int8_t)data[18 + i % (size - 18)] / 128.0f : 0.01f;
    if (width == 2) {  // store as bf16, as a version-5 file would
        std::vector<uint16_t> b(w.size());
        for (size_t i = 0; i < w.size(); i++) { uint32_t u; memcpy(&u, &w[i], 4); b[i] = (uint16_t)(u >> 16); }
        m.set_params(b.data(), 2);
    } else {
        m.set_params(w.data(), 4);
    }
    if (!run_model(m, data, size)) __builtin_trap();  // small weights, small model: all finite
    (void)probe;
    return 0;
}
