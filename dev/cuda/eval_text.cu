// dev/cuda/eval_text.cu: `./train eval --text` on the GPU: the mean next-token loss (nats) of a text
// file under a checkpoint, with the GPU model (llmc/model.cuh, bf16) in place of the CPU's (fp32),
// over the same tokens and the same windows (eval/eval.h's text_loss: windows of T tokens, B per
// forward, then the tail), so that the two numbers compare. The checkpoint is a GGUF (e.g. SmolLM2,
// whose tokenizer it carries) or any file GPT2<float>::load reads with --tokenizer's tokenizer.bin.
// Last line: {"loss", "tokens"}, as ./train eval prints it. dev/gpu_check.sh compares the two.
// Build: make build/cuda/eval_text; run: ./build/cuda/eval_text CKPT TEXT [T (0: the model's, at
// most 1024)] [B (0: 1024 tokens' worth)] [TOKENIZER (tokenizer.bin; default: the GGUF's own)]
#include <algorithm>
#include "dev/cuda/common.h"
#include "eval/eval.h"
#include "llmc/model.cuh"

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s CKPT TEXT [T] [B] [TOKENIZER]\n", argv[0]);
        return 2;
    }
    require_gpu_or_exit("eval_text");
    const std::string ckpt = argv[1], text = argv[2];
    int T = argc > 3 ? atoi(argv[3]) : 0, B = argc > 4 ? atoi(argv[4]) : 0;
    GPT2<float> cpu;
    cpu.load(ckpt);
    const bool gguf = read_file_head(ckpt, 4) == "GGUF";
    if (!gguf && argc < 6) fatal(EXIT_USAGE, "%s is not a GGUF: name its tokenizer.bin (5th argument)", ckpt.c_str());
    Tokenizer tok = gguf ? Tokenizer::from_gguf(GGUF::open(ckpt)) : Tokenizer::load(argv[5]);
    if (!file_exists(text)) fatal(EXIT_RUNTIME, "text file %s does not exist", text.c_str());
    std::vector<int> ids = tok.encode(read_file(text), false);
    if (ids.size() < 2) fatal(EXIT_RUNTIME, "%s holds fewer than 2 tokens", text.c_str());
    // ./train eval's defaults and text_loss's windows
    if (!T) T = std::min(cpu.cfg.maxT, 1024);
    if (!B) B = std::max(1, 1024 / T);
    T = std::min<int>(std::min(T, cpu.cfg.maxT), (int)ids.size() - 1);
    GPT2Cuda gpu;
    gpu.init_from(cpu);
    printf("%s: %s, %.1fM parameters, %zu tokens, windows of %d, %d per forward\n", ckpt.c_str(),
           cpu.cfg.llama() ? "Llama" : "GPT-2", gpu.num_params / 1e6, ids.size(), T, B);
    long n = 0;
    double loss = eval_windows([&](const int* x, const int* y, int b, int t) { return (double)gpu.forward(x, y, b, t); }, ids, B, T, 0, &n);
    const size_t tail_start = (size_t)(n / T) * T;
    if (tail_start + 1 < ids.size()) {
        std::vector<int> tail(ids.begin() + tail_start, ids.end());
        const int tt = (int)tail.size() - 1;
        const double tl = gpu.forward(tail.data(), tail.data() + 1, 1, tt);
        loss = (loss * n + tl * tt) / (n + tt);
        n += tt;
    }
    printf("{\"loss\": %.6f, \"tokens\": %ld}\n", loss, n);
    return 0;
}
