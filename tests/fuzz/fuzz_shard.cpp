// fuzz_shard.cpp: libFuzzer target for the token-shard reader (parse_shard in llmc/dataloader.h,
// what read_shard runs on a file's bytes) and the batch loader over what it accepts. The input is a
// shard file. Accepted shards must hold exactly the header's count of in-vocabulary ids; rejected
// ones must say why and hold nothing. A valid shard is then served as (B,T) batches from a resumed
// position (epoch, pos) taken from the input's tail, as --resume would.
// Build and run: make fuzz (tests/fuzz/run.sh).
#include <cstdint>
#include "llmc/dataloader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    for (int vocab : {0, 300, 50257, 100277}) {
        std::vector<int> tokens;
        std::string err;
        bool ok = parse_shard(data, size, vocab, tokens, err);
        if (!ok) {
            if (err.empty() || !tokens.empty()) __builtin_trap();
            continue;
        }
        int h[256];
        memcpy(h, data, sizeof h);
        if ((long)tokens.size() != h[2]) __builtin_trap();
        for (int t : tokens)
            if (t < 0 || (vocab > 0 && t >= vocab)) __builtin_trap();
        if (vocab != 300) continue;
        // serve batches: shapes and the resume position from the last bytes
        uint8_t b = size ? data[size - 1] : 0, p = size > 1 ? data[size - 2] : 0;
        int B = 1 + b % 4, T = 1 + (b >> 2) % 16;
        DataLoader dl;
        long windows = tokens.size() > (size_t)T ? (long)((tokens.size() - 1) / T) : 0;
        if (windows < B) continue;  // init() would stop with "too little data"
        dl.init(tokens, B, T, p);
        dl.set_position(p % 3, p % (windows + 2));
        std::vector<int> x((size_t)B * T), y((size_t)B * T);
        for (int k = 0; k < 3; k++) {
            dl.next(x.data(), y.data());
            for (int i = 0; i < B * T; i++)
                if (x[i] < 0 || x[i] >= 300 || y[i] < 0 || y[i] >= 300) __builtin_trap();
        }
    }
    return 0;
}
