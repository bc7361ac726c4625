// tokenizer.h: GPT-2 byte-level BPE (encode/decode exactly like OpenAI's encoder.py), a BPE trainer,
// SmolLM2's tokenizer read from a GGUF file (with its ChatML chat template), and the tokenizer file
// format.
//
//   Tokenizer g = Tokenizer::gpt2("data/gpt2");          // encoder.json + vocab.bpe
//   Tokenizer t = Tokenizer::train(text, 8192);           // 256 byte tokens, merges, EOT = last id
//   Tokenizer s = Tokenizer::from_gguf(GGUF::open("models/SmolLM2-135M-Instruct.Q4_1.gguf"));
//   t.save("out/tok.bin");  Tokenizer u = Tokenizer::load("out/tok.bin");
//   std::vector<int> ids = g.encode(text);  std::string back = g.decode(ids);   // back == text
//   std::vector<int> p = s.encode(s.chat_text({{"user", "What is the capital of France?"}}));
//
// Pipeline: text -> split on literal "<|endoftext|>" (allow_special) -> GPT-2's pre-split regex
// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ (hand-written, own UTF-8
// decoder; an invalid byte is one "other" character) -> BPE on each piece's bytes, lowest merge rank
// first, equal ranks left to right (encoder.py's rule) -> ids. Pieces are cached per tokenizer.
//
// SmolLM2 (from_gguf: tokenizer.ggml.model "gpt2", pre "smollm"): the same byte-level BPE (48,900
// merges), but the pre-tokenizer first splits off every single \p{N} character as its own piece and
// runs GPT-2's regex on the text between (Hugging Face's Sequence[Split(\p{N}, isolated), ByteLevel]);
// its 17 control tokens (ids 0-16: <|endoftext|> = EOT, <|im_start|>, <|im_end|>, <repo_name>, ...)
// are the special tokens, each matched whole (longest first) when allow_special. No BOS is added.
// There is no byte fallback: 21 byte values (0x04, 0x06, 0x13, 0x14, 0x16, 0x1D, 0xC0, 0xC1, 0xF1,
// 0xF2, 0xF5-0xFF) have no token, and encode() refuses text holding one with a clear error naming
// the byte and its offset (Hugging Face's tokenizer drops such bytes silently; we do not lose text).
// Chat: chat_text() renders the GGUF's ChatML template, <|im_start|>{role}\n{content}<|im_end|>\n per
// turn, the template's default system turn first when the first turn is not a system one, and
// <|im_start|>assistant\n as the generation prompt.
//
// File (all little-endian): 256 int32 header [0]=20240328, [1]=version, [2]=vocab size, [3]=EOT id,
// [4]=number of merges (versions 3, 4); then per token a uint8 length and its bytes (llm.c's v2
// layout); versions 3 and 4 then have the merges as int32 pairs (left id, right id) in rank order.
// Version 4 (written only for a tokenizer that needs it, such as SmolLM2's; GPT-2's and trained ones
// stay version 3, byte for byte as before) adds header [5]=pre-tokenizer (0 GPT-2, 1 digits split
// first), [6]=number of special tokens, [7]=chat template (0 none, 1 ChatML), [8]=byte length of the
// default system turn, and after the merges the special token ids (int32) and the system turn's bytes;
// a version-4 tokenizer may lack tokens for some bytes. Versions 1 and 2 (llm.c's files, no merges)
// load for decoding only; encode() then fails with a clear message.
//
// Threads: encode() locks the piece cache for the whole call, so concurrent calls on one object are
// safe but take turns; give each thread its own copy (a copy starts with an empty cache) to run them
// in parallel.
#pragma once
#include "gguf.h"
#include "utils.h"
#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

enum { TOKENIZER_MAGIC = 20240328, TOKENIZER_VERSION = 3, TOKENIZER_VERSION_EXT = 4 };
enum { PRE_GPT2 = 0, PRE_DIGITS = 1 };   // pre-tokenizer: GPT-2's regex; every \p{N} split off first (SmolLM2)
enum { CHAT_NONE = 0, CHAT_CHATML = 1 };  // chat template

namespace tok {

// ---------------------------------------------------------------------------------------------
// Unicode classes for the pre-split regex.
// kUniBreaks: sorted (first code point << 2) | class, class 0 = other, 1 = \p{L}, 2 = \p{N}; a class
// holds up to the next entry. Generated from Python's `regex` 2026.5.9 (the module encoder.py uses):
//   prev = None
//   for cp in range(0x110000):
//       k = 1 if regex.match(r'\p{L}', chr(cp)) else 2 if regex.match(r'\p{N}', chr(cp)) else 0
//       if k != prev: emit((cp << 2) | k); prev = k
inline const uint32_t kUniBreaks[] = {
    0x0,0xc2,0xe8,0x105,0x16c,0x185,0x1ec,0x2a9,0x2ac,0x2ca,0x2d0,0x2d5,0x2d8,0x2e6,0x2e9,0x2ec,0x2f2,
    0x2fc,0x301,0x35c,0x361,0x3dc,0x3e1,0xb08,0xb19,0xb48,0xb81,0xb94,0xbb1,0xbb4,0xbb9,0xbbc,0xdc1,
    0xdd4,0xdd9,0xde0,0xde9,0xdf8,0xdfd,0xe00,0xe19,0xe1c,0xe21,0xe2c,0xe31,0xe34,0xe39,0xe88,0xe8d,
    0xfd8,0xfdd,0x1208,0x1229,0x14c0,0x14c5,0x155c,0x1565,0x1568,0x1581,0x1624,0x1741,0x17ac,0x17bd,
    0x17cc,0x1881,0x192c,0x1982,0x19a8,0x19b9,0x19c0,0x19c5,0x1b50,0x1b55,0x1b58,0x1b95,0x1b9c,0x1bb9,
    0x1bc2,0x1be9,0x1bf4,0x1bfd,0x1c00,0x1c41,0x1c44,0x1c49,0x1cc0,0x1d35,0x1e98,0x1ec5,0x1ec8,0x1f02,
    0x1f29,0x1fac,0x1fd1,0x1fd8,0x1fe9,0x1fec,0x2001,0x2058,0x2069,0x206c,0x2091,0x2094,0x20a1,0x20a4,
    0x2101,0x2164,0x2181,0x21ac,0x21c1,0x2220,0x2225,0x2240,0x2281,0x2328,0x2411,0x24e8,0x24f5,0x24f8,
    0x2541,0x2544,0x2561,0x2588,0x259a,0x25c0,0x25c5,0x2604,0x2615,0x2634,0x263d,0x2644,0x264d,0x26a4,
    0x26a9,0x26c4,0x26c9,0x26cc,0x26d9,0x26e8,0x26f5,0x26f8,0x2739,0x273c,0x2771,0x2778,0x277d,0x2788,
    0x279a,0x27c1,0x27c8,0x27d2,0x27e8,0x27f1,0x27f4,0x2815,0x282c,0x283d,0x2844,0x284d,0x28a4,0x28a9,
    0x28c4,0x28c9,0x28d0,0x28d5,0x28dc,0x28e1,0x28e8,0x2965,0x2974,0x2979,0x297c,0x299a,0x29c0,0x29c9,
    0x29d4,0x2a15,0x2a38,0x2a3d,0x2a48,0x2a4d,0x2aa4,0x2aa9,0x2ac4,0x2ac9,0x2ad0,0x2ad5,0x2ae8,0x2af5,
    0x2af8,0x2b41,0x2b44,0x2b81,0x2b88,0x2b9a,0x2bc0,0x2be5,0x2be8,0x2c15,0x2c34,0x2c3d,0x2c44,0x2c4d,
    0x2ca4,0x2ca9,0x2cc4,0x2cc9,0x2cd0,0x2cd5,0x2ce8,0x2cf5,0x2cf8,0x2d71,0x2d78,0x2d7d,0x2d88,0x2d9a,
    0x2dc0,0x2dc5,0x2dca,0x2de0,0x2e0d,0x2e10,0x2e15,0x2e2c,0x2e39,0x2e44,0x2e49,0x2e58,0x2e65,0x2e6c,
    0x2e71,0x2e74,0x2e79,0x2e80,0x2e8d,0x2e94,0x2ea1,0x2eac,0x2eb9,0x2ee8,0x2f41,0x2f44,0x2f9a,0x2fcc,
    0x3015,0x3034,0x3039,0x3044,0x3049,0x30a4,0x30a9,0x30e8,0x30f5,0x30f8,0x3161,0x316c,0x3171,0x3178,
    0x3181,0x3188,0x319a,0x31c0,0x31e2,0x31fc,0x3201,0x3204,0x3215,0x3234,0x3239,0x3244,0x3249,0x32a4,
    0x32a9,0x32d0,0x32d5,0x32e8,0x32f5,0x32f8,0x3371,0x337c,0x3381,0x3388,0x339a,0x33c0,0x33c5,0x33cc,
    0x3411,0x3434,0x3439,0x3444,0x3449,0x34ec,0x34f5,0x34f8,0x3539,0x353c,0x3551,0x355c,0x3562,0x357d,
    0x3588,0x359a,0x35e4,0x35e9,0x3600,0x3615,0x365c,0x3669,0x36c8,0x36cd,0x36f0,0x36f5,0x36f8,0x3701,
    0x371c,0x379a,0x37c0,0x3805,0x38c4,0x38c9,0x38d0,0x3901,0x391c,0x3942,0x3968,0x3a05,0x3a0c,0x3a11,
    0x3a14,0x3a19,0x3a2c,0x3a31,0x3a90,0x3a95,0x3a98,0x3a9d,0x3ac4,0x3ac9,0x3ad0,0x3af5,0x3af8,0x3b01,
    0x3b14,0x3b19,0x3b1c,0x3b42,0x3b68,0x3b71,0x3b80,0x3c01,0x3c04,0x3c82,0x3cd0,0x3d01,0x3d20,0x3d25,
    0x3db4,0x3e21,0x3e34,0x4001,0x40ac,0x40fd,0x4102,0x4128,0x4141,0x4158,0x4169,0x4178,0x4185,0x4188,
    0x4195,0x419c,0x41b9,0x41c4,0x41d5,0x4208,0x4239,0x423c,0x4242,0x4268,0x4281,0x4318,0x431d,0x4320,
    0x4335,0x4338,0x4341,0x43ec,0x43f1,0x4924,0x4929,0x4938,0x4941,0x495c,0x4961,0x4964,0x4969,0x4978,
    0x4981,0x4a24,0x4a29,0x4a38,0x4a41,0x4ac4,0x4ac9,0x4ad8,0x4ae1,0x4afc,0x4b01,0x4b04,0x4b09,0x4b18,
    0x4b21,0x4b5c,0x4b61,0x4c44,0x4c49,0x4c58,0x4c61,0x4d6c,0x4da6,0x4df4,0x4e01,0x4e40,0x4e81,0x4fd8,
    0x4fe1,0x4ff8,0x5005,0x59b4,0x59bd,0x5a00,0x5a05,0x5a6c,0x5a81,0x5bac,0x5bba,0x5bc5,0x5be4,0x5c01,
    0x5c48,0x5c7d,0x5cc8,0x5d01,0x5d48,0x5d81,0x5db4,0x5db9,0x5dc4,0x5e01,0x5ed0,0x5f5d,0x5f60,0x5f71,
    0x5f74,0x5f82,0x5fa8,0x5fc2,0x5fe8,0x6042,0x6068,0x6081,0x61e4,0x6201,0x6214,0x621d,0x62a4,0x62a9,
    0x62ac,0x62c1,0x63d8,0x6401,0x647c,0x651a,0x6541,0x65b8,0x65c1,0x65d4,0x6601,0x66b0,0x66c1,0x6728,
    0x6742,0x676c,0x6801,0x685c,0x6881,0x6954,0x6a02,0x6a28,0x6a42,0x6a68,0x6a9d,0x6aa0,0x6c15,0x6cd0,
    0x6d15,0x6d34,0x6d42,0x6d68,0x6e0d,0x6e84,0x6eb9,0x6ec2,0x6ee9,0x6f98,0x7001,0x7090,0x7102,0x7128,
    0x7135,0x7142,0x7169,0x71f8,0x7201,0x722c,0x7241,0x72ec,0x72f5,0x7300,0x73a5,0x73b4,0x73b9,0x73d0,
    0x73d5,0x73dc,0x73e9,0x73ec,0x7401,0x7700,0x7801,0x7c58,0x7c61,0x7c78,0x7c81,0x7d18,0x7d21,0x7d38,
    0x7d41,0x7d60,0x7d65,0x7d68,0x7d6d,0x7d70,0x7d75,0x7d78,0x7d7d,0x7df8,0x7e01,0x7ed4,0x7ed9,0x7ef4,
    0x7ef9,0x7efc,0x7f09,0x7f14,0x7f19,0x7f34,0x7f41,0x7f50,0x7f59,0x7f70,0x7f81,0x7fb4,0x7fc9,0x7fd4,
    0x7fd9,0x7ff4,0x81c2,0x81c5,0x81c8,0x81d2,0x81e8,0x81fd,0x8202,0x8228,0x8241,0x8274,0x8409,0x840c,
    0x841d,0x8420,0x8429,0x8450,0x8455,0x8458,0x8465,0x8478,0x8491,0x8494,0x8499,0x849c,0x84a1,0x84a4,
    0x84a9,0x84b8,0x84bd,0x84e8,0x84f1,0x8500,0x8515,0x8528,0x8539,0x853c,0x8542,0x860d,0x8616,0x8628,
    0x9182,0x9270,0x93aa,0x9400,0x9dda,0x9e50,0xb001,0xb394,0xb3ad,0xb3bc,0xb3c9,0xb3d0,0xb3f6,0xb3f8,
    0xb401,0xb498,0xb49d,0xb4a0,0xb4b5,0xb4b8,0xb4c1,0xb5a0,0xb5bd,0xb5c0,0xb601,0xb65c,0xb681,0xb69c,
    0xb6a1,0xb6bc,0xb6c1,0xb6dc,0xb6e1,0xb6fc,0xb701,0xb71c,0xb721,0xb73c,0xb741,0xb75c,0xb761,0xb77c,
    0xb8bd,0xb8c0,0xc015,0xc01e,0xc020,0xc086,0xc0a8,0xc0c5,0xc0d8,0xc0e2,0xc0ed,0xc0f4,0xc105,0xc25c,
    0xc275,0xc280,0xc285,0xc3ec,0xc3f1,0xc400,0xc415,0xc4c0,0xc4c5,0xc63c,0xc64a,0xc658,0xc681,0xc700,
    0xc7c1,0xc800,0xc882,0xc8a8,0xc922,0xc940,0xc946,0xc980,0xca02,0xca28,0xcac6,0xcb00,0xd001,0x13700,
    0x13801,0x29234,0x29341,0x293f8,0x29401,0x29834,0x29841,0x29882,0x298a9,0x298b0,0x29901,0x299bc,
    0x299fd,0x29a78,0x29a81,0x29b9a,0x29bc0,0x29c5d,0x29c80,0x29c89,0x29e24,0x29e2d,0x29f74,0x29fc5,
    0x2a008,0x2a00d,0x2a018,0x2a01d,0x2a02c,0x2a031,0x2a08c,0x2a0c2,0x2a0d8,0x2a101,0x2a1d0,0x2a209,
    0x2a2d0,0x2a342,0x2a368,0x2a3c9,0x2a3e0,0x2a3ed,0x2a3f0,0x2a3f5,0x2a3fc,0x2a402,0x2a429,0x2a498,
    0x2a4c1,0x2a51c,0x2a581,0x2a5f4,0x2a611,0x2a6cc,0x2a73d,0x2a742,0x2a768,0x2a781,0x2a794,0x2a799,
    0x2a7c2,0x2a7e9,0x2a7fc,0x2a801,0x2a8a4,0x2a901,0x2a90c,0x2a911,0x2a930,0x2a942,0x2a968,0x2a981,
    0x2a9dc,0x2a9e9,0x2a9ec,0x2a9f9,0x2aac0,0x2aac5,0x2aac8,0x2aad5,0x2aadc,0x2aae5,0x2aaf8,0x2ab01,
    0x2ab04,0x2ab09,0x2ab0c,0x2ab6d,0x2ab78,0x2ab81,0x2abac,0x2abc9,0x2abd4,0x2ac05,0x2ac1c,0x2ac25,
    0x2ac3c,0x2ac45,0x2ac5c,0x2ac81,0x2ac9c,0x2aca1,0x2acbc,0x2acc1,0x2ad6c,0x2ad71,0x2ada8,0x2adc1,
    0x2af8c,0x2afc2,0x2afe8,0x2b001,0x35e90,0x35ec1,0x35f1c,0x35f2d,0x35ff0,0x3e401,0x3e9b8,0x3e9c1,
    0x3eb68,0x3ec01,0x3ec1c,0x3ec4d,0x3ec60,0x3ec75,0x3ec78,0x3ec7d,0x3eca4,0x3eca9,0x3ecdc,0x3ece1,
    0x3ecf4,0x3ecf9,0x3ecfc,0x3ed01,0x3ed08,0x3ed0d,0x3ed14,0x3ed19,0x3eec8,0x3ef4d,0x3f4f8,0x3f541,
    0x3f640,0x3f649,0x3f720,0x3f7c1,0x3f7f0,0x3f9c1,0x3f9d4,0x3f9d9,0x3fbf4,0x3fc42,0x3fc68,0x3fc85,
    0x3fcec,0x3fd05,0x3fd6c,0x3fd99,0x3fefc,0x3ff09,0x3ff20,0x3ff29,0x3ff40,0x3ff49,0x3ff60,0x3ff69,
    0x3ff74,0x40001,0x40030,0x40035,0x4009c,0x400a1,0x400ec,0x400f1,0x400f8,0x400fd,0x40138,0x40141,
    0x40178,0x40201,0x403ec,0x4041e,0x404d0,0x40502,0x405e4,0x4062a,0x40630,0x40a01,0x40a74,0x40a81,
    0x40b44,0x40b86,0x40bf0,0x40c01,0x40c82,0x40c90,0x40cb5,0x40d06,0x40d09,0x40d2a,0x40d2c,0x40d41,
    0x40dd8,0x40e01,0x40e78,0x40e81,0x40f10,0x40f21,0x40f40,0x40f46,0x40f58,0x41001,0x41278,0x41282,
    0x412a8,0x412c1,0x41350,0x41361,0x413f0,0x41401,0x414a0,0x414c1,0x41590,0x415c1,0x415ec,0x415f1,
    0x4162c,0x41631,0x4164c,0x41651,0x41658,0x4165d,0x41688,0x4168d,0x416c8,0x416cd,0x416e8,0x416ed,
    0x416f4,0x41701,0x417d0,0x41801,0x41cdc,0x41d01,0x41d58,0x41d81,0x41da0,0x41e01,0x41e18,0x41e1d,
    0x41ec4,0x41ec9,0x41eec,0x42001,0x42018,0x42021,0x42024,0x42029,0x420d8,0x420dd,0x420e4,0x420f1,
    0x420f4,0x420fd,0x42158,0x42162,0x42181,0x421dc,0x421e6,0x42201,0x4227c,0x4229e,0x422c0,0x42381,
    0x423cc,0x423d1,0x423d8,0x423ee,0x42401,0x4245a,0x42470,0x42481,0x424e8,0x42501,0x42568,0x42601,
    0x426e0,0x426f2,0x426f9,0x42702,0x42740,0x4274a,0x42801,0x42804,0x42841,0x42850,0x42855,0x42860,
    0x42865,0x428d8,0x42902,0x42924,0x42981,0x429f6,0x429fc,0x42a01,0x42a76,0x42a80,0x42b01,0x42b20,
    0x42b25,0x42b94,0x42bae,0x42bc0,0x42c01,0x42cd8,0x42d01,0x42d58,0x42d62,0x42d81,0x42dcc,0x42de2,
    0x42e01,0x42e48,0x42ea6,0x42ec0,0x43001,0x43124,0x43201,0x432cc,0x43301,0x433cc,0x433ea,0x43401,
    0x43490,0x434c2,0x434e8,0x43502,0x43529,0x43598,0x435bd,0x43618,0x43982,0x439fc,0x43a01,0x43aa8,
    0x43ac1,0x43ac8,0x43b09,0x43b20,0x43c01,0x43c76,0x43c9d,0x43ca0,0x43cc1,0x43d18,0x43d46,0x43d54,
    0x43dc1,0x43e08,0x43ec1,0x43f16,0x43f30,0x43f81,0x43fdc,0x4400d,0x440e0,0x4414a,0x441c0,0x441c5,
    0x441cc,0x441d5,0x441d8,0x4420d,0x442c0,0x44341,0x443a4,0x443c2,0x443e8,0x4440d,0x4449c,0x444da,
    0x44500,0x44511,0x44514,0x4451d,0x44520,0x44541,0x445cc,0x445d9,0x445dc,0x4460d,0x446cc,0x44705,
    0x44714,0x44742,0x44769,0x4476c,0x44771,0x44774,0x44786,0x447d4,0x44801,0x44848,0x4484d,0x448b0,
    0x448fd,0x44904,0x44a01,0x44a1c,0x44a21,0x44a24,0x44a29,0x44a38,0x44a3d,0x44a78,0x44a7d,0x44aa4,
    0x44ac1,0x44b7c,0x44bc2,0x44be8,0x44c15,0x44c34,0x44c3d,0x44c44,0x44c4d,0x44ca4,0x44ca9,0x44cc4,
    0x44cc9,0x44cd0,0x44cd5,0x44ce8,0x44cf5,0x44cf8,0x44d41,0x44d44,0x44d75,0x44d88,0x44e01,0x44e28,
    0x44e2d,0x44e30,0x44e39,0x44e3c,0x44e41,0x44ed8,0x44edd,0x44ee0,0x44f45,0x44f48,0x44f4d,0x44f50,
    0x45001,0x450d4,0x4511d,0x4512c,0x45142,0x45168,0x4517d,0x45188,0x45201,0x452c0,0x45311,0x45318,
    0x4531d,0x45320,0x45342,0x45368,0x45601,0x456bc,0x45761,0x45770,0x45801,0x458c0,0x45911,0x45914,
    0x45942,0x45968,0x45a01,0x45aac,0x45ae1,0x45ae4,0x45b02,0x45b28,0x45b42,0x45b90,0x45c01,0x45c6c,
    0x45cc2,0x45cf0,0x45d01,0x45d1c,0x46001,0x460b0,0x46281,0x46382,0x463cc,0x463fd,0x4641c,0x46425,
    0x46428,0x46431,0x46450,0x46455,0x4645c,0x46461,0x464c0,0x464fd,0x46500,0x46505,0x46508,0x46542,
    0x46568,0x46681,0x466a0,0x466a9,0x46744,0x46785,0x46788,0x4678d,0x46790,0x46801,0x46804,0x4682d,
    0x468cc,0x468e9,0x468ec,0x46941,0x46944,0x46971,0x46a28,0x46a75,0x46a78,0x46ac1,0x46be4,0x46f01,
    0x46f84,0x46fc2,0x46fe8,0x47001,0x47024,0x47029,0x470bc,0x47101,0x47104,0x47142,0x471b4,0x471c9,
    0x47240,0x47401,0x4741c,0x47421,0x47428,0x4742d,0x474c4,0x47519,0x4751c,0x47542,0x47568,0x47581,
    0x47598,0x4759d,0x475a4,0x475a9,0x47628,0x47661,0x47664,0x47682,0x476a8,0x476c1,0x47770,0x47782,
    0x477a8,0x47b81,0x47bcc,0x47c09,0x47c0c,0x47c11,0x47c44,0x47c49,0x47cd0,0x47d42,0x47d68,0x47ec1,
    0x47ec4,0x47f02,0x47f54,0x48001,0x48e68,0x49002,0x491bc,0x49201,0x49510,0x4be41,0x4bfc4,0x4c001,
    0x4d0c0,0x4d105,0x4d11c,0x4d181,0x50fec,0x51001,0x5191c,0x58401,0x58478,0x584c2,0x584e8,0x5a001,
    0x5a8e4,0x5a901,0x5a97c,0x5a982,0x5a9a8,0x5a9c1,0x5aafc,0x5ab02,0x5ab28,0x5ab41,0x5abb8,0x5ac01,
    0x5acc0,0x5ad01,0x5ad10,0x5ad42,0x5ad68,0x5ad6e,0x5ad88,0x5ad8d,0x5ade0,0x5adf5,0x5ae40,0x5b501,
    0x5b5b4,0x5b5c2,0x5b5e8,0x5b901,0x5ba02,0x5ba5c,0x5ba81,0x5bae4,0x5baed,0x5bb50,0x5bc01,0x5bd2c,
    0x5bd41,0x5bd44,0x5be4d,0x5be80,0x5bf81,0x5bf88,0x5bf8d,0x5bf90,0x5bfc9,0x5bfd2,0x5bfdc,0x5c001,
    0x63358,0x633fd,0x6347c,0x63601,0x637cc,0x6bfc1,0x6bfd0,0x6bfd5,0x6bff0,0x6bff5,0x6bffc,0x6c001,
    0x6c48c,0x6c4c9,0x6c4cc,0x6c541,0x6c54c,0x6c555,0x6c558,0x6c591,0x6c5a0,0x6c5c1,0x6cbf0,0x6f001,
    0x6f1ac,0x6f1c1,0x6f1f4,0x6f201,0x6f224,0x6f241,0x6f268,0x733c2,0x733e8,0x74b02,0x74b50,0x74b82,
    0x74bd0,0x74d82,0x74de4,0x75001,0x75154,0x75159,0x75274,0x75279,0x75280,0x75289,0x7528c,0x75295,
    0x7529c,0x752a5,0x752b4,0x752b9,0x752e8,0x752ed,0x752f0,0x752f5,0x75310,0x75315,0x75418,0x7541d,
    0x7542c,0x75435,0x75454,0x75459,0x75474,0x75479,0x754e8,0x754ed,0x754fc,0x75501,0x75514,0x75519,
    0x7551c,0x75529,0x75544,0x75549,0x75a98,0x75aa1,0x75b04,0x75b09,0x75b6c,0x75b71,0x75bec,0x75bf1,
    0x75c54,0x75c59,0x75cd4,0x75cd9,0x75d3c,0x75d41,0x75dbc,0x75dc1,0x75e24,0x75e29,0x75ea4,0x75ea9,
    0x75f0c,0x75f11,0x75f30,0x75f3a,0x76000,0x77c01,0x77c7c,0x77c95,0x77cac,0x780c1,0x781b8,0x78401,
    0x784b4,0x784dd,0x784f8,0x78502,0x78528,0x78539,0x7853c,0x78a41,0x78ab8,0x78b01,0x78bb0,0x78bc2,
    0x78be8,0x79341,0x793b0,0x793c2,0x793e8,0x79741,0x797b8,0x797c1,0x797c6,0x797ec,0x79b01,0x79b7c,
    0x79b81,0x79b8c,0x79b91,0x79b98,0x79b9d,0x79bb8,0x79bc1,0x79bd4,0x79bf9,0x79c00,0x79f81,0x79f9c,
    0x79fa1,0x79fb0,0x79fb5,0x79fbc,0x79fc1,0x79ffc,0x7a001,0x7a314,0x7a31e,0x7a340,0x7a401,0x7a510,
    0x7a52d,0x7a530,0x7a542,0x7a568,0x7b1c6,0x7b2b0,0x7b2b6,0x7b2c0,0x7b2c6,0x7b2d4,0x7b406,0x7b4b8,
    0x7b4be,0x7b4f8,0x7b801,0x7b810,0x7b815,0x7b880,0x7b885,0x7b88c,0x7b891,0x7b894,0x7b89d,0x7b8a0,
    0x7b8a5,0x7b8cc,0x7b8d1,0x7b8e0,0x7b8e5,0x7b8e8,0x7b8ed,0x7b8f0,0x7b909,0x7b90c,0x7b91d,0x7b920,
    0x7b925,0x7b928,0x7b92d,0x7b930,0x7b935,0x7b940,0x7b945,0x7b94c,0x7b951,0x7b954,0x7b95d,0x7b960,
    0x7b965,0x7b968,0x7b96d,0x7b970,0x7b975,0x7b978,0x7b97d,0x7b980,0x7b985,0x7b98c,0x7b991,0x7b994,
    0x7b99d,0x7b9ac,0x7b9b1,0x7b9cc,0x7b9d1,0x7b9e0,0x7b9e5,0x7b9f4,0x7b9f9,0x7b9fc,0x7ba01,0x7ba28,
    0x7ba2d,0x7ba70,0x7ba85,0x7ba90,0x7ba95,0x7baa8,0x7baad,0x7baf0,0x7c402,0x7c434,0x7efc2,0x7efe8,
    0x80001,0xa9b80,0xa9c01,0xae078,0xae081,0xb3ab8,0xb3ac1,0xbaf84,0xbafc1,0xbb978,0xbe001,0xbe878,
    0xc0001,0xc4d2c,0xc4d41,0xcd1e8,
};

enum : uint8_t { CL_OTHER = 0, CL_LETTER = 1, CL_NUMBER = 2, CL_SPACE = 3 };

// \s as `regex` (and tiktoken) define it: the Unicode White_Space property
inline bool is_unicode_space(uint32_t cp) {
    if (cp < 0x80) return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20;
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

inline int unicode_class(uint32_t cp) {
    if (is_unicode_space(cp)) return CL_SPACE;
    const uint32_t* end = kUniBreaks + sizeof(kUniBreaks) / sizeof(kUniBreaks[0]);
    const uint32_t* it = std::upper_bound(kUniBreaks, end, (cp << 2) | 3u);
    return (int)(it[-1] & 3u);  // kUniBreaks[0] is code point 0, so it > kUniBreaks
}

// ASCII classes as a table: the hot path of pre-splitting English text (a test checks it against
// unicode_class)
struct AsciiClasses { uint8_t c[128]; };
constexpr AsciiClasses make_ascii_classes() {
    AsciiClasses t{};
    for (int i = 0; i < 128; i++)
        t.c[i] = (i >= 'A' && i <= 'Z') || (i >= 'a' && i <= 'z') ? CL_LETTER
                 : (i >= '0' && i <= '9')                         ? CL_NUMBER
                 : (i >= 9 && i <= 13) || i == ' '                ? CL_SPACE
                                                                   : CL_OTHER;
    return t;
}
inline constexpr AsciiClasses kAsciiClasses = make_ascii_classes();

// Strict UTF-8: returns the length (2-4) of the sequence at s and its code point, or 0 if the bytes
// are not a well-formed sequence (overlong, surrogate, > U+10FFFF, bad or missing continuation).
inline int utf8_decode(const unsigned char* s, size_t n, uint32_t* cp) {
    unsigned char b = s[0];
    int len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) len = 2;
    else if (b >= 0xE0 && b <= 0xEF) { len = 3; if (b == 0xE0) lo = 0xA0; if (b == 0xED) hi = 0x9F; }
    else if (b >= 0xF0 && b <= 0xF4) { len = 4; if (b == 0xF0) lo = 0x90; if (b == 0xF4) hi = 0x8F; }
    else return 0;
    if ((size_t)len > n || s[1] < lo || s[1] > hi) return 0;
    uint32_t c = b & (0x7F >> len);
    for (int k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[k] & 0x3F);
    }
    *cp = c;
    return len;
}

// class of the character at s[i] and its length in bytes; an invalid byte is one "other" character
inline int char_class(const unsigned char* s, size_t n, size_t i, int* len) {
    unsigned char b = s[i];
    if (b < 0x80) { *len = 1; return kAsciiClasses.c[b]; }
    uint32_t cp;
    int l = utf8_decode(s + i, n - i, &cp);
    if (l == 0) { *len = 1; return CL_OTHER; }
    *len = l;
    return unicode_class(cp);
}

// GPT-2's pre-split: calls emit(offset, length) for each piece of s[0..n), in order, covering it all.
// Mirrors the regex alternative by alternative, leftmost alternative first.
template <class F>
inline void pre_split(const char* text, size_t n, F&& emit) {
    const unsigned char* s = (const unsigned char*)text;
    size_t i = 0;
    while (i < n) {
        if (s[i] == '\'' && i + 1 < n) {  // 's|'t|'re|'ve|'m|'ll|'d (case-sensitive, as in GPT-2)
            unsigned char a = s[i + 1];
            size_t m = 0;
            if (a == 's' || a == 't' || a == 'm' || a == 'd') m = 2;
            else if (i + 2 < n && ((a == 'r' && s[i + 2] == 'e') || (a == 'v' && s[i + 2] == 'e') ||
                                   (a == 'l' && s[i + 2] == 'l'))) m = 3;
            if (m) { emit(i, m); i += m; continue; }
        }
        size_t start = i;
        int len, c = char_class(s, n, i, &len);
        if (s[i] == ' ' && i + 1 < n) {  // " ?X+": one leading U+0020 joins a following non-space run
            int len2, c2 = char_class(s, n, i + 1, &len2);
            if (c2 != CL_SPACE) { c = c2; i += 1; len = len2; }
        }
        if (c != CL_SPACE) {  // \p{L}+ | \p{N}+ | [^\s\p{L}\p{N}]+
            i += len;
            int l;
            while (i < n && char_class(s, n, i, &l) == c) i += l;
            emit(start, i - start);
            continue;
        }
        // \s+(?!\S) | \s+ : a whitespace run, minus its last character when a non-space follows and the
        // run has more than one (that last space then prefixes the next word)
        size_t last = i;
        i += len;
        int l;
        while (i < n && char_class(s, n, i, &l) == CL_SPACE) { last = i; i += l; }
        if (i < n && last > start) i = last;
        emit(start, i - start);
    }
}

// SmolLM2's pre-split: every \p{N} character is a piece of its own; the text between goes through
// pre_split (offsets stay relative to text)
template <class F>
inline void pre_split_digits(const char* text, size_t n, F&& emit) {
    const unsigned char* s = (const unsigned char*)text;
    size_t i = 0, run = 0;  // run: start of the current stretch without digits
    while (i < n) {
        int len, c = char_class(s, n, i, &len);
        if (c != CL_NUMBER) { i += len; continue; }
        if (i > run) pre_split(text + run, i - run, [&](size_t off, size_t l) { emit(run + off, l); });
        emit(i, (size_t)len);
        i += len;
        run = i;
    }
    if (n > run) pre_split(text + run, n - run, [&](size_t off, size_t l) { emit(run + off, l); });
}

// ---------------------------------------------------------------------------------------------
// Hash tables.

inline uint64_t hash_bytes(const unsigned char* p, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
    uint64_t w;
    for (; n >= 8; p += 8, n -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 29);
}

// byte string -> uint32 value; keys live in one arena, so a lookup allocates nothing
struct ByteMap {
    struct Entry { uint64_t hash; uint32_t off, len, value; };
    std::string keys;
    std::vector<Entry> entries;
    std::vector<uint32_t> slots;  // entry index + 1; 0 = empty

    uint32_t* find(const unsigned char* p, size_t n, uint64_t h) {
        if (slots.empty()) return nullptr;
        size_t mask = slots.size() - 1;
        for (size_t k = h & mask;; k = (k + 1) & mask) {
            uint32_t e = slots[k];
            if (!e) return nullptr;
            Entry& en = entries[e - 1];
            if (en.hash == h && en.len == n && memcmp(keys.data() + en.off, p, n) == 0) return &en.value;
        }
    }
    void insert(const unsigned char* p, size_t n, uint64_t h, uint32_t value) {  // key must be absent
        if ((entries.size() + 1) * 2 > slots.size()) grow();
        entries.push_back({h, (uint32_t)keys.size(), (uint32_t)n, value});
        keys.append((const char*)p, n);
        place(h, (uint32_t)entries.size());
    }
    std::string key(size_t i) const { return keys.substr(entries[i].off, entries[i].len); }
    void clear() { keys.clear(); entries.clear(); slots.clear(); }
    void place(uint64_t h, uint32_t e) {
        size_t mask = slots.size() - 1, k = h & mask;
        while (slots[k]) k = (k + 1) & mask;
        slots[k] = e;
    }
    void grow() {
        slots.assign(slots.empty() ? 1024 : slots.size() * 2, 0);
        for (size_t i = 0; i < entries.size(); i++) place(entries[i].hash, (uint32_t)(i + 1));
    }
};

inline uint64_t pair_key(int a, int b) { return ((uint64_t)(uint32_t)a << 32) | (uint32_t)b; }

// (left id, right id) -> (rank, merged id); built once, read-only afterwards
struct PairMap {
    struct Slot { uint64_t key; int32_t rank, id; };
    std::vector<Slot> slots;
    static constexpr uint64_t EMPTY = ~0ull;
    static size_t hash(uint64_t k) { return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 20); }

    // returns false if the pair is already present
    bool add(int a, int b, int rank, int id) {
        uint64_t key = pair_key(a, b);
        size_t mask = slots.size() - 1;
        for (size_t k = hash(key) & mask;; k = (k + 1) & mask) {
            if (slots[k].key == EMPTY) { slots[k] = {key, rank, id}; return true; }
            if (slots[k].key == key) return false;
        }
    }
    void reset(size_t n) {
        size_t cap = 16;
        while (cap < 2 * n + 2) cap *= 2;
        slots.assign(cap, Slot{EMPTY, 0, 0});
    }
    const Slot* find(int a, int b) const {
        if (slots.empty()) return nullptr;
        uint64_t key = pair_key(a, b);
        size_t mask = slots.size() - 1;
        for (size_t k = hash(key) & mask;; k = (k + 1) & mask) {
            if (slots[k].key == key) return &slots[k];
            if (slots[k].key == EMPTY) return nullptr;
        }
    }
};

// ---------------------------------------------------------------------------------------------
// BPE on one piece. Both functions give encoder.py's result: repeatedly take the lowest-ranked adjacent
// pair and merge all its occurrences left to right. The scan is quadratic but tight for the short pieces
// of real text; the heap version is O(n log n) for long runs (a line of 10,000 '=' for instance).
// The heap version relies on every merge ranking after the merges that made its two parts (true for
// GPT-2's vocab.bpe and for anything train() makes), so a merge never creates a pair of a lower rank.

inline void bpe_scan(std::vector<int>& sym, const PairMap& pm) {
    size_t m = sym.size();
    if (m < 2) return;
    // rank[i]: rank of the pair (sym[i], sym[i+1]); kept across rounds, looked up again only next to a merge
    int rbuf[64];
    unsigned char cbuf[64];
    std::vector<int> rv;
    std::vector<unsigned char> cv;
    int* rank = rbuf;
    unsigned char* changed = cbuf;
    if (m > 64) { rv.resize(m); cv.resize(m); rank = rv.data(); changed = cv.data(); }
    auto lookup = [&](size_t i) { const PairMap::Slot* p = pm.find(sym[i], sym[i + 1]); return p ? p->rank : INT32_MAX; };
    for (size_t i = 0; i + 1 < m; i++) rank[i] = lookup(i);
    while (m > 1) {
        size_t bi = 0;
        for (size_t i = 1; i + 1 < m; i++)
            if (rank[i] < rank[bi]) bi = i;
        int best = rank[bi];
        if (best == INT32_MAX) break;
        int id = pm.find(sym[bi], sym[bi + 1])->id;
        // a rank names one pair, so rank[i] == best finds its occurrences; left to right, an occurrence
        // overlapping the previous one ("aaa") is skipped, as in encoder.py
        size_t j = 0;
        for (size_t i = 0; i < m; j++) {
            if (i + 1 < m && rank[i] == best) { sym[j] = id; changed[j] = 1; i += 2; }
            else { sym[j] = sym[i]; rank[j] = rank[i]; changed[j] = 0; i += 1; }
        }
        m = j;
        for (size_t i = 0; i + 1 < m; i++)
            if (changed[i] || changed[i + 1]) rank[i] = lookup(i);
    }
    sym.resize(m);
}

inline void bpe_heap(std::vector<int>& sym, const PairMap& pm) {
    int n = (int)sym.size();
    if (n < 2) return;
    std::vector<int> prev(n), next(n);
    for (int i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; }
    // entries (rank << 32 | left position): lowest rank first, then leftmost
    std::priority_queue<uint64_t, std::vector<uint64_t>, std::greater<uint64_t>> heap;
    auto push = [&](int i) {
        if (i < 0 || next[i] < 0) return;
        const PairMap::Slot* p = pm.find(sym[i], sym[next[i]]);
        if (p) heap.push(((uint64_t)(uint32_t)p->rank << 32) | (uint32_t)i);
    };
    for (int i = 0; i + 1 < n; i++) push(i);
    while (!heap.empty()) {
        uint64_t top = heap.top();
        heap.pop();
        int i = (int)(uint32_t)top, rank = (int)(top >> 32);
        if (sym[i] < 0 || next[i] < 0) continue;
        const PairMap::Slot* p = pm.find(sym[i], sym[next[i]]);
        if (!p || p->rank != rank) continue;  // stale: the pair at i changed since it was pushed
        int j = next[i];
        sym[i] = p->id;
        sym[j] = -1;
        next[i] = next[j];
        if (next[j] >= 0) prev[next[j]] = i;
        push(prev[i]);
        push(i);
    }
    sym.erase(std::remove(sym.begin(), sym.end(), -1), sym.end());
}

// ---------------------------------------------------------------------------------------------
// GPT-2's reversible byte <-> printable-character map (encoder.py's bytes_to_unicode): printable
// Latin-1 bytes map to themselves, the other 68 bytes to U+0100 onwards, in byte order.
inline std::vector<uint32_t> bytes_to_unicode() {
    std::vector<uint32_t> m(256);
    int extra = 0;
    for (int b = 0; b < 256; b++) {
        bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        m[b] = printable ? (uint32_t)b : (uint32_t)(256 + extra++);
    }
    return m;
}

inline void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) out += (char)cp;
    else if (cp < 0x800) { out += (char)(0xC0 | (cp >> 6)); out += (char)(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
        out += (char)(0xE0 | (cp >> 12)); out += (char)(0x80 | ((cp >> 6) & 0x3F)); out += (char)(0x80 | (cp & 0x3F));
    } else {
        out += (char)(0xF0 | (cp >> 18)); out += (char)(0x80 | ((cp >> 12) & 0x3F));
        out += (char)(0x80 | ((cp >> 6) & 0x3F)); out += (char)(0x80 | (cp & 0x3F));
    }
}

// a GPT-2 vocabulary string (UTF-8 of mapped characters) back to raw bytes; false if a character is
// outside the map
inline bool unicode_to_bytes(const std::string& s, std::string* out) {
    static const std::vector<int> inv = [] {
        std::vector<int> v(324, -1);
        std::vector<uint32_t> m = bytes_to_unicode();
        for (int b = 0; b < 256; b++) v[m[b]] = b;
        return v;
    }();
    out->clear();
    const unsigned char* p = (const unsigned char*)s.data();
    for (size_t i = 0; i < s.size();) {
        uint32_t cp = p[i];
        int len = 1;
        if (cp >= 0x80 && (len = utf8_decode(p + i, s.size() - i, &cp)) == 0) return false;
        if (cp >= inv.size() || inv[cp] < 0) return false;
        *out += (char)inv[cp];
        i += len;
    }
    return true;
}

// A JSON object whose values are integers ({"key": 12, ...}), as in encoder.json. Keys come back as
// UTF-8, with \uXXXX escapes decoded (surrogate pairs joined). `name` is for error messages.
inline std::vector<std::pair<std::string, long>> parse_json_int_object(const std::string& js, const std::string& name) {
    size_t i = 0, n = js.size();
    auto fail = [&](const char* what) { fatal(EXIT_RUNTIME, "%s: bad JSON at byte %zu: %s", name.c_str(), i, what); };
    auto ws = [&] { while (i < n && (js[i] == ' ' || js[i] == '\t' || js[i] == '\n' || js[i] == '\r')) i++; };
    auto hex4 = [&]() -> uint32_t {
        if (i + 4 > n) fail("truncated \\u escape");
        uint32_t v = 0;
        for (int k = 0; k < 4; k++, i++) {
            char c = js[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) fail("bad hex digit in \\u escape");
            v = v * 16 + (uint32_t)d;
        }
        return v;
    };
    auto str = [&]() -> std::string {
        if (i >= n || js[i] != '"') fail("expected a string");
        i++;
        std::string s;
        while (true) {
            if (i >= n) fail("unterminated string");
            unsigned char c = (unsigned char)js[i++];
            if (c == '"') return s;
            if (c < 0x20) fail("control character in string");
            if (c != '\\') { s += (char)c; continue; }
            if (i >= n) fail("unterminated escape");
            char e = js[i++];
            switch (e) {
                case '"': s += '"'; break;
                case '\\': s += '\\'; break;
                case '/': s += '/'; break;
                case 'b': s += '\b'; break;
                case 'f': s += '\f'; break;
                case 'n': s += '\n'; break;
                case 'r': s += '\r'; break;
                case 't': s += '\t'; break;
                case 'u': {
                    uint32_t cp = hex4();
                    if (cp >= 0xDC00 && cp <= 0xDFFF) fail("lone low surrogate");
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        if (i + 2 > n || js[i] != '\\' || js[i + 1] != 'u') fail("high surrogate without its low half");
                        i += 2;
                        uint32_t lo = hex4();
                        if (lo < 0xDC00 || lo > 0xDFFF) fail("high surrogate without its low half");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    append_utf8(s, cp);
                    break;
                }
                default: i--; fail("unknown escape");
            }
        }
    };
    std::vector<std::pair<std::string, long>> out;
    ws();
    if (i >= n || js[i] != '{') fail("expected '{'");
    i++;
    ws();
    if (i < n && js[i] == '}') i++;
    else {
        while (true) {
            ws();
            std::string k = str();
            ws();
            if (i >= n || js[i] != ':') fail("expected ':'");
            i++;
            ws();
            size_t s0 = i;
            if (i < n && js[i] == '-') i++;
            while (i < n && js[i] >= '0' && js[i] <= '9' && i - s0 < 12) i++;
            if (i == s0 || js[i - 1] == '-') fail("expected an integer");
            if (i < n && ((js[i] >= '0' && js[i] <= '9') || js[i] == '.' || js[i] == 'e' || js[i] == 'E')) fail("expected a small integer");
            out.emplace_back(std::move(k), strtol(js.c_str() + s0, nullptr, 10));
            ws();
            if (i < n && js[i] == ',') { i++; continue; }
            if (i < n && js[i] == '}') { i++; break; }
            fail("expected ',' or '}'");
        }
    }
    ws();
    if (i != n) fail("trailing characters after the object");
    return out;
}

// the piece cache behind encode(); a copy of a Tokenizer starts with an empty one (and its own lock)
struct PieceCache {
    std::mutex mu;
    // pieces of <= 8 bytes and <= 5 tokens (most of English), key and ids inline: one memory access a hit
    struct Short { uint64_t key; uint32_t meta; int32_t ids[5]; };  // meta = length | n_ids << 8; 0 = empty
    std::vector<Short> shorts;
    size_t n_shorts = 0;
    ByteMap map;           // other pieces: bytes -> offset into ids
    std::vector<int> ids;  // per entry: count, then the ids

    void clear() { shorts.clear(); n_shorts = 0; map.clear(); ids.clear(); }
    bool full() const { return n_shorts >= (1u << 19) || map.entries.size() >= (1u << 20) || ids.size() >= (16u << 20) || map.keys.size() >= (256u << 20); }
    // the slot holding (key, len), or the empty slot where it would go
    Short* short_slot(uint64_t key, uint32_t len) {
        if (shorts.empty()) shorts.assign(4096, Short{0, 0, {0}});
        size_t mask = shorts.size() - 1;
        for (size_t k = (((key ^ len) * 0x9E3779B97F4A7C15ull) >> 20) & mask;; k = (k + 1) & mask) {
            Short& s = shorts[k];
            if (s.meta == 0 || (s.key == key && (s.meta & 0xFF) == len)) return &s;
        }
    }
    void add_short(uint64_t key, uint32_t len, const int* v, int n) {
        if ((n_shorts + 1) * 2 > shorts.size()) {
            std::vector<Short> old;
            old.swap(shorts);
            shorts.assign(old.empty() ? 4096 : old.size() * 2, Short{0, 0, {0}});
            for (const Short& s : old)
                if (s.meta) *short_slot(s.key, s.meta & 0xFF) = s;
        }
        Short* s = short_slot(key, len);
        s->key = key;
        s->meta = len | (uint32_t)n << 8;
        memcpy(s->ids, v, sizeof(int) * n);
        n_shorts++;
    }
};
struct PieceCacheHolder {
    std::unique_ptr<PieceCache> p{new PieceCache};
    PieceCacheHolder() = default;
    PieceCacheHolder(const PieceCacheHolder&) : p(new PieceCache) {}
    PieceCacheHolder(PieceCacheHolder&&) = default;
    PieceCacheHolder& operator=(const PieceCacheHolder&) { p.reset(new PieceCache); return *this; }
    PieceCacheHolder& operator=(PieceCacheHolder&&) = default;
};

}  // namespace tok

// ---------------------------------------------------------------------------------------------

struct Tokenizer {
    static constexpr const char* EOT_TEXT = "<|endoftext|>";
    static constexpr int MAX_TOKEN_BYTES = 255;  // the file stores a token's length in a uint8

    int vocab_size = 0;
    int eot = -1;
    std::string source;                        // where it came from, for messages
    std::vector<std::pair<int, int>> merges;   // (left id, right id) in rank order
    bool encodable = false;                    // false for llm.c's files, which have no merges
    std::vector<uint32_t> tok_off;             // token i = tok_bytes[tok_off[i] .. tok_off[i+1])
    std::string tok_bytes;
    int byte_id[256] = {0};                    // the token of each single byte; -1: none (version 4 only)
    bool all_bytes = true;                     // every byte has a token
    int pre = PRE_GPT2;                        // pre-tokenizer
    std::vector<int> specials;                 // ids matched whole in the text when allow_special ({eot} unless set)
    int chat = CHAT_NONE;                      // chat template
    std::string chat_system;                   // the template's default system turn ("" = none)
    tok::PairMap pairs;
    tok::PieceCacheHolder cache;

    bool can_encode() const { return encodable; }
    // the same id -> bytes map: shards written by one are read right by the other
    bool same_tokens(const Tokenizer& o) const { return vocab_size == o.vocab_size && tok_off == o.tok_off && tok_bytes == o.tok_bytes; }
    int n_merges() const { return (int)merges.size(); }
    // the tokenizer needs format version 4 (more than GPT-2's one special, a pre-tokenizer, a chat
    // template or bytes without a token)
    bool extended() const { return pre != PRE_GPT2 || chat != CHAT_NONE || specials.size() != 1 || specials[0] != eot || !all_bytes; }
    // the id of special token `text` (e.g. "<|im_end|>"), or -1
    int special_id(const std::string& text) const {
        for (int id : specials)
            if (tok_off[id + 1] - tok_off[id] == text.size() && tok_bytes.compare(tok_off[id], text.size(), text) == 0) return id;
        return -1;
    }

    // SmolLM2-style tokenizer from a GGUF file's metadata: tokenizer.ggml.model "gpt2" (byte-level BPE),
    // tokenizer.ggml.pre "smollm" (digits split first) or "gpt-2"; tokens, merges ("left right", in the
    // byte-to-unicode alphabet) and token_type (3 control / 4 user-defined = special tokens, kept as
    // literal text); EOT = the token <|endoftext|> (else eos_token_id); a ChatML tokenizer.chat_template
    // gives chat = CHAT_CHATML and its default system turn.
    static Tokenizer from_gguf(const GGUF& g) {
        const char* S = g.path.c_str();
        const std::string& model = g.get_str("tokenizer.ggml.model");
        if (model != "gpt2") fatal(EXIT_RUNTIME, "%s: tokenizer model '%s' is not supported (byte-level BPE, 'gpt2', only)", S, model.c_str());
        std::string pre_name = g.get("tokenizer.ggml.pre") ? g.get_str("tokenizer.ggml.pre") : "gpt-2";
        int pre_kind = pre_name == "smollm" ? PRE_DIGITS : pre_name == "gpt-2" || pre_name == "gpt2" ? PRE_GPT2 : -1;
        if (pre_kind < 0) fatal(EXIT_RUNTIME, "%s: pre-tokenizer '%s' is not supported ('smollm' or 'gpt-2')", S, pre_name.c_str());
        if (const GGUFValue* b = g.get("tokenizer.ggml.add_bos_token"))
            if (b->type == GGUF_BOOL && b->i) fatal(EXIT_RUNTIME, "%s asks for a BOS token before every text; this tokenizer adds none", S);
        const GGUFValue& toks = g.get_array("tokenizer.ggml.tokens", GGUF_STRING);
        if (toks.n < 1 || toks.n > (1u << 24)) fatal(EXIT_RUNTIME, "%s: %llu tokens (1 to 16777216)", S, (unsigned long long)toks.n);
        int n = (int)toks.n;
        std::vector<int> types(n, 1);
        if (g.get("tokenizer.ggml.token_type")) {
            const GGUFValue& tt = g.get_array("tokenizer.ggml.token_type", GGUF_I64);
            if ((int64_t)tt.n != n) fatal(EXIT_RUNTIME, "%s: %llu token types for %d tokens", S, (unsigned long long)tt.n, n);
            for (int i = 0; i < n; i++) types[i] = (int)tt.ints[i];
        }
        std::vector<std::string> vocab(n);
        std::vector<int> spec;
        std::unordered_map<std::string, int> id_of;  // mapped-character string -> id (normal tokens)
        int eot_id = -1;
        for (int i = 0; i < n; i++) {
            const std::string& t = toks.strs[i];
            if (types[i] == 3 || types[i] == 4) {
                if (t.empty() || t.size() > (size_t)MAX_TOKEN_BYTES) fatal(EXIT_RUNTIME, "%s: special token %d has %zu bytes (1 to %d)", S, i, t.size(), MAX_TOKEN_BYTES);
                vocab[i] = t;
                spec.push_back(i);
                if (t == EOT_TEXT) eot_id = i;
                continue;
            }
            if (!tok::unicode_to_bytes(t, &vocab[i]))
                fatal(EXIT_RUNTIME, "%s: token %d has a character outside GPT-2's byte map", S, i);
            id_of.emplace(t, i);
        }
        if (eot_id < 0 && g.get("tokenizer.ggml.eos_token_id")) eot_id = (int)g.get_int("tokenizer.ggml.eos_token_id");
        if (eot_id < 0 || eot_id >= n || std::find(spec.begin(), spec.end(), eot_id) == spec.end())
            fatal(EXIT_RUNTIME, "%s: no %s control token (and no usable eos_token_id)", S, EOT_TEXT);
        const GGUFValue& mv = g.get_array("tokenizer.ggml.merges", GGUF_STRING);
        std::vector<std::pair<int, int>> mg;
        mg.reserve((size_t)mv.n);
        for (size_t k = 0; k < mv.strs.size(); k++) {
            const std::string& m = mv.strs[k];
            size_t sp = m.find(' ');
            auto a = sp == std::string::npos ? id_of.end() : id_of.find(m.substr(0, sp));
            auto b = sp == std::string::npos ? id_of.end() : id_of.find(m.substr(sp + 1));
            if (a == id_of.end() || b == id_of.end())
                fatal(EXIT_RUNTIME, "%s: merge %zu ('%s') is not two tokens separated by a space", S, k, gguf::printable(m).c_str());
            mg.emplace_back(a->second, b->second);
        }
        int chat_kind = CHAT_NONE;
        std::string system;
        if (const GGUFValue* ct = g.get("tokenizer.chat_template")) {
            if (ct->type == GGUF_STRING && ct->str.find("<|im_start|>") != std::string::npos) {
                chat_kind = CHAT_CHATML;
                static const std::string open = "<|im_start|>system\n";  // a literal newline in the template
                size_t a = ct->str.find(open), b = a == std::string::npos ? a : ct->str.find("<|im_end|>", a + open.size());
                if (b != std::string::npos) system = ct->str.substr(a + open.size(), b - a - open.size());
            }
        }
        Tokenizer t;
        t.pre = pre_kind;
        t.specials = spec;
        t.chat = chat_kind;
        t.chat_system = system;
        t.build(std::move(vocab), std::move(mg), eot_id, true, g.path, false);
        return t;
    }

    // the tokenizer as GGUF metadata, what from_gguf reads back (and llama.cpp reads): tokens and
    // merges in GPT-2's byte-to-unicode alphabet, special tokens as literal text of type 3 (control),
    // the pre-tokenizer, eos = <|im_end|> for a chat tokenizer (else EOT), and a ChatML template
    void to_gguf(GGUFWriter& w) const {
        static const std::vector<uint32_t> map = tok::bytes_to_unicode();
        std::vector<std::string> toks(vocab_size);
        std::vector<int32_t> types(vocab_size, 1);
        for (int i = 0; i < vocab_size; i++) {
            std::string raw = tok_bytes.substr(tok_off[i], tok_off[i + 1] - tok_off[i]);
            if (std::find(specials.begin(), specials.end(), i) != specials.end()) { toks[i] = raw; types[i] = 3; continue; }
            for (unsigned char c : raw) tok::append_utf8(toks[i], map[c]);
        }
        std::vector<std::string> mg;
        for (auto& m : merges) mg.push_back(toks[m.first] + " " + toks[m.second]);
        w.add_str("tokenizer.ggml.model", "gpt2");
        w.add_str("tokenizer.ggml.pre", pre == PRE_DIGITS ? "smollm" : "gpt-2");
        w.add_str_array("tokenizer.ggml.tokens", toks);
        w.add_i32_array("tokenizer.ggml.token_type", types);
        w.add_str_array("tokenizer.ggml.merges", mg);
        int im_start = special_id("<|im_start|>"), im_end = special_id("<|im_end|>");
        w.add_u32("tokenizer.ggml.bos_token_id", (uint32_t)(im_start >= 0 ? im_start : eot));
        w.add_u32("tokenizer.ggml.eos_token_id", (uint32_t)(chat == CHAT_CHATML && im_end >= 0 ? im_end : eot));
        w.add_u32("tokenizer.ggml.unknown_token_id", (uint32_t)eot);
        w.add_bool("tokenizer.ggml.add_bos_token", false);
        if (chat == CHAT_CHATML)  // SmolLM2's template, its default system turn included
            w.add_str("tokenizer.chat_template",
                      "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\n" + chat_system +
                      "<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
                      "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}");
    }

    static Tokenizer gpt2(const std::string& dir = "data/gpt2") {
        std::string enc_path = dir + "/encoder.json", bpe_path = dir + "/vocab.bpe";
        auto entries = tok::parse_json_int_object(read_file(enc_path), enc_path);
        std::vector<std::string> vocab(entries.size());
        std::vector<bool> seen(entries.size(), false);
        std::unordered_map<std::string, int> id_of;  // mapped-character string -> id
        int eot_id = -1;
        for (auto& e : entries) {
            if (e.second < 0 || e.second >= (long)entries.size() || seen[e.second])
                fatal(EXIT_RUNTIME, "%s: ids must be 0..%zu, each once (bad id %ld)", enc_path.c_str(), entries.size() - 1, e.second);
            seen[e.second] = true;
            if (!tok::unicode_to_bytes(e.first, &vocab[e.second]))
                fatal(EXIT_RUNTIME, "%s: token %ld has a character outside GPT-2's byte map", enc_path.c_str(), e.second);
            if (e.first == EOT_TEXT) eot_id = (int)e.second;
            id_of[e.first] = (int)e.second;
        }
        if (eot_id < 0) fatal(EXIT_RUNTIME, "%s has no %s token", enc_path.c_str(), EOT_TEXT);
        std::string bpe = read_file(bpe_path);
        std::vector<std::pair<int, int>> mg;
        size_t pos = 0;
        int line_no = 0;
        while (pos < bpe.size()) {
            size_t end = bpe.find('\n', pos);
            if (end == std::string::npos) end = bpe.size();
            std::string line = bpe.substr(pos, end - pos);
            pos = end + 1;
            line_no++;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty() || (line_no == 1 && line[0] == '#')) continue;  // "#version: 0.2"
            size_t sp = line.find(' ');
            auto a = id_of.find(line.substr(0, sp == std::string::npos ? 0 : sp));
            auto b = sp == std::string::npos ? id_of.end() : id_of.find(line.substr(sp + 1));
            if (sp == std::string::npos || a == id_of.end() || b == id_of.end())
                fatal(EXIT_RUNTIME, "%s line %d: expected two tokens of encoder.json separated by a space", bpe_path.c_str(), line_no);
            mg.emplace_back(a->second, b->second);
        }
        Tokenizer t;
        t.build(std::move(vocab), std::move(mg), eot_id, true, dir);
        return t;
    }

    // Learns merges greedily: each step merges the most frequent adjacent pair over the pre-split pieces
    // of `text` (ties: smaller left id, then smaller right id), never across pieces, never past
    // MAX_TOKEN_BYTES. Ids: 0..255 = bytes, then merges, EOT last. Stops early (smaller vocab_size) when
    // no pair is left. Literal "<|endoftext|>" separates documents and is not learned.
    static Tokenizer train(const std::string& text, int vocab_size = 8192) {
        if (vocab_size < 257 || vocab_size > (1 << 24))
            fatal(EXIT_USAGE, "tokenizer vocab size %d out of range (257..16777216: 256 bytes, merges, <|endoftext|>)", vocab_size);
        // 1. count distinct pieces
        tok::ByteMap wmap;
        std::vector<int64_t> wcount;
        for_each_segment(text.data(), text.size(), true, [&](const char* p, size_t n) {
            tok::pre_split(p, n, [&](size_t off, size_t len) {
                const unsigned char* w = (const unsigned char*)p + off;
                uint64_t h = tok::hash_bytes(w, len);
                if (uint32_t* v = wmap.find(w, len, h)) wcount[*v]++;
                else { wmap.insert(w, len, h, (uint32_t)wcount.size()); wcount.push_back(1); }
            });
        }, [](){});
        std::vector<std::vector<int>> words(wcount.size());
        for (size_t w = 0; w < words.size(); w++) {
            const auto& e = wmap.entries[w];
            for (uint32_t k = 0; k < e.len; k++) words[w].push_back((unsigned char)wmap.keys[e.off + k]);
        }
        wmap.clear();
        // 2. pair counts and, per pair, the words that (may) hold it
        struct PairStat { int64_t count = 0; std::vector<int> words; };
        std::unordered_map<uint64_t, PairStat> stats;
        for (size_t w = 0; w < words.size(); w++)
            for (size_t i = 0; i + 1 < words[w].size(); i++) {
                PairStat& st = stats[tok::pair_key(words[w][i], words[w][i + 1])];
                st.count += wcount[w];
                if (st.words.empty() || st.words.back() != (int)w) st.words.push_back((int)w);
            }
        std::vector<std::string> vocab(256);
        for (int b = 0; b < 256; b++) vocab[b] = std::string(1, (char)b);
        // 3. a max-heap of (count, pair). Entries are pushed when a count rises; a popped entry whose count
        // is stale (the pair's count fell since) is pushed again with the true count. Every pair's best
        // entry is therefore >= its true count, so the first fresh entry popped is the true maximum.
        struct Cand { int64_t count; int a, b; };
        auto lower = [](const Cand& x, const Cand& y) {
            if (x.count != y.count) return x.count < y.count;
            return x.a != y.a ? x.a > y.a : x.b > y.b;
        };
        std::priority_queue<Cand, std::vector<Cand>, decltype(lower)> heap(lower);
        auto fits = [&](int a, int b) { return vocab[a].size() + vocab[b].size() <= (size_t)MAX_TOKEN_BYTES; };
        for (auto& kv : stats) {
            int a = (int)(kv.first >> 32), b = (int)(uint32_t)kv.first;
            if (fits(a, b)) heap.push({kv.second.count, a, b});
        }
        std::vector<std::pair<int, int>> mg;
        std::vector<int> merged;
        std::vector<std::pair<uint64_t, int64_t>> delta;
        while ((int)mg.size() < vocab_size - 257 && !heap.empty()) {
            Cand top = heap.top();
            heap.pop();
            uint64_t key = tok::pair_key(top.a, top.b);
            auto it = stats.find(key);
            if (it == stats.end() || it->second.count <= 0) continue;
            if (it->second.count != top.count) { heap.push({it->second.count, top.a, top.b}); continue; }
            int a = top.a, b = top.b, id = 256 + (int)mg.size();
            mg.emplace_back(a, b);
            vocab.push_back(vocab[a] + vocab[b]);
            std::vector<int> holders = std::move(it->second.words);
            stats.erase(it);  // once merged, (a, b) can never be adjacent again
            for (int w : holders) {
                std::vector<int>& s = words[w];
                bool has = false;
                for (size_t i = 0; i + 1 < s.size() && !has; i++) has = s[i] == a && s[i + 1] == b;
                if (!has) continue;  // stale holder (the pair left this word) or a duplicate
                merged.clear();
                for (size_t i = 0; i < s.size();) {
                    if (i + 1 < s.size() && s[i] == a && s[i + 1] == b) { merged.push_back(id); i += 2; }
                    else merged.push_back(s[i++]);
                }
                delta.clear();
                for (size_t i = 0; i + 1 < s.size(); i++) delta.emplace_back(tok::pair_key(s[i], s[i + 1]), -wcount[w]);
                for (size_t i = 0; i + 1 < merged.size(); i++) delta.emplace_back(tok::pair_key(merged[i], merged[i + 1]), wcount[w]);
                std::sort(delta.begin(), delta.end());
                for (size_t i = 0; i < delta.size();) {
                    uint64_t k = delta[i].first;
                    int64_t d = 0;
                    for (; i < delta.size() && delta[i].first == k; i++) d += delta[i].second;
                    if (d == 0 || k == key) continue;
                    PairStat& st = stats[k];
                    st.count += d;
                    if (d > 0) {
                        st.words.push_back(w);
                        int l = (int)(k >> 32), r = (int)(uint32_t)k;
                        if (fits(l, r)) heap.push({st.count, l, r});
                    }
                }
                s.swap(merged);
            }
        }
        int eot_id = (int)vocab.size();
        vocab.push_back(EOT_TEXT);
        Tokenizer t;
        t.build(std::move(vocab), std::move(mg), eot_id, true, "trained");
        return t;
    }

    static Tokenizer load(const std::string& path) {
        const char* P = path.c_str();
        long size = file_size(path);
        if (size < 0) fatal(EXIT_RUNTIME, "tokenizer %s does not exist", P);
        if (size < 1024) fatal(EXIT_RUNTIME, "tokenizer %s is truncated (%ld bytes, the header alone is 1024)", P, size);
        FILE* f = fopen_check(P, "rb");
        int32_t h[256];
        fread_check(h, 4, 256, f, P);
        if (h[0] != TOKENIZER_MAGIC) { fclose(f); fatal(EXIT_RUNTIME, "tokenizer %s has bad magic %d (expected %d)", P, h[0], TOKENIZER_MAGIC); }
        int version = h[1];
        if (version < 1 || version > 4) { fclose(f); fatal(EXIT_RUNTIME, "tokenizer %s has unsupported version %d (1 to 4)", P, version); }
        int n = h[2], eot_id = version == 1 ? 50256 : h[3], nm = version >= 3 ? h[4] : 0;
        if (n <= 0 || n > (1 << 24) || eot_id < 0 || eot_id >= n || nm < 0 || nm >= n) {
            fclose(f);
            fatal(EXIT_RUNTIME, "tokenizer %s has a bad header (vocab %d, EOT %d, merges %d)", P, n, eot_id, nm);
        }
        int pre_kind = version == 4 ? h[5] : PRE_GPT2, ns = version == 4 ? h[6] : 0, chat_kind = version == 4 ? h[7] : CHAT_NONE;
        int sys_len = version == 4 ? h[8] : 0;
        if (pre_kind < PRE_GPT2 || pre_kind > PRE_DIGITS || ns < 0 || ns > n || chat_kind < CHAT_NONE || chat_kind > CHAT_CHATML ||
            sys_len < 0 || sys_len > size) {
            fclose(f);
            fatal(EXIT_RUNTIME, "tokenizer %s has a bad header (pre-tokenizer %d, specials %d, chat %d, system turn %d bytes)", P, pre_kind, ns, chat_kind, sys_len);
        }
        std::vector<std::string> vocab(n);
        for (int i = 0; i < n; i++) {
            unsigned char len;
            fread_check(&len, 1, 1, f, P);
            vocab[i].resize(len);
            if (len) fread_check(&vocab[i][0], 1, len, f, P);
        }
        std::vector<std::pair<int, int>> mg(nm);
        for (int k = 0; k < nm; k++) {
            int32_t ab[2];
            fread_check(ab, 4, 2, f, P);
            mg[k] = {ab[0], ab[1]};
        }
        std::vector<int> spec(ns);
        for (int k = 0; k < ns; k++) {
            int32_t id;
            fread_check(&id, 4, 1, f, P);
            spec[k] = id;
        }
        std::string system(sys_len, '\0');
        if (sys_len) fread_check(&system[0], 1, sys_len, f, P);
        long rest = 0;
        while (fgetc(f) != EOF) rest++;
        fclose(f);
        if (rest) fatal(EXIT_RUNTIME, "tokenizer %s has %ld unexpected bytes after its end", P, rest);
        Tokenizer t;
        t.pre = pre_kind;
        t.specials = spec;
        t.chat = chat_kind;
        t.chat_system = system;
        t.build(std::move(vocab), std::move(mg), eot_id, version >= 3, path, version < 4);
        return t;
    }

    // the file save() writes: version 3 (4 when extended()); a decode-only tokenizer (loaded from
    // llm.c's file) is written back as version 2
    std::string file_bytes() const {
        int32_t h[256] = {0};
        bool ext = encodable && extended();
        h[0] = TOKENIZER_MAGIC;
        h[1] = encodable ? (ext ? TOKENIZER_VERSION_EXT : TOKENIZER_VERSION) : 2;
        h[2] = vocab_size;
        h[3] = eot;
        h[4] = encodable ? (int32_t)merges.size() : 0;
        if (ext) {
            h[5] = pre;
            h[6] = (int32_t)specials.size();
            h[7] = chat;
            h[8] = (int32_t)chat_system.size();
        }
        std::string out((const char*)h, sizeof h);
        for (int i = 0; i < vocab_size; i++) {
            size_t len = tok_off[i + 1] - tok_off[i];
            if (len > (size_t)MAX_TOKEN_BYTES) fatal(EXIT_RUNTIME, "cannot save the tokenizer: token %d is %zu bytes (at most %d)", i, len, MAX_TOKEN_BYTES);
            out += (char)(unsigned char)len;
            out.append(tok_bytes, tok_off[i], len);
        }
        if (encodable)
            for (auto& m : merges) {
                int32_t ab[2] = {m.first, m.second};
                out.append((const char*)ab, sizeof ab);
            }
        if (ext) {
            for (int id : specials) out.append((const char*)&id, 4);
            out += chat_system;
        }
        return out;
    }
    void save(const std::string& path) const { write_file_atomic(path, file_bytes()); }

    // ids of `text`; with allow_special, literal "<|endoftext|>" becomes the EOT id (tiktoken's
    // allowed_special="all"), and every other special token's text its id; otherwise they are encoded
    // as ordinary text
    std::vector<int> encode(const std::string& text, bool allow_special = true) const {
        std::vector<int> out;
        out.reserve(text.size() / 4 + 16);
        encode_append(text.data(), text.size(), out, allow_special);
        return out;
    }

    void encode_append(const char* text, size_t n, std::vector<int>& out, bool allow_special = true) const {
        if (!can_encode())
            fatal(EXIT_RUNTIME, "tokenizer %s has no merges (an llm.c version-1/2 file): it can decode but not encode; "
                  "use --tokenizer gpt2 or a version-3 file", source.c_str());
        tok::PieceCache& pc = *cache.p;
        std::lock_guard<std::mutex> lock(pc.mu);
        std::vector<int> sym;
        if (!extended()) {  // GPT-2's and trained tokenizers: the one special, GPT-2's pre-split
            for_each_segment(text, n, allow_special, [&](const char* p, size_t len) {
                tok::pre_split(p, len, [&](size_t off, size_t l) { encode_piece(p, len, off, l, out, sym, pc); });
            }, [&] { out.push_back(eot); });
            return;
        }
        for_each_special(text, n, allow_special, [&](const char* p, size_t len) {
            if (!all_bytes) check_bytes(text, p, len);
            auto piece = [&](size_t off, size_t l) { encode_piece(p, len, off, l, out, sym, pc); };
            if (pre == PRE_DIGITS) tok::pre_split_digits(p, len, piece);
            else tok::pre_split(p, len, piece);
        }, [&](int id) { out.push_back(id); });
    }

    // BPE of the piece p[off .. off+l) of a segment p[0 .. len), through the piece cache, onto out
    void encode_piece(const char* p, size_t len, size_t off, size_t l, std::vector<int>& out, std::vector<int>& sym,
                      tok::PieceCache& pc) const {
        const unsigned char* w = (const unsigned char*)p + off;
        if (l == 1) { out.push_back(byte_id[w[0]]); return; }
        uint64_t key = 0, h = 0;
        if (l <= 8) {
            if (off + 8 <= len) {  // one 8-byte load, masked to the piece, beats a variable memcpy
                memcpy(&key, w, 8);
                if (l < 8) key &= (1ull << (8 * l)) - 1;
            } else memcpy(&key, w, l);
            const tok::PieceCache::Short* s = pc.short_slot(key, (uint32_t)l);
            if (s->meta) {
                for (uint32_t k = 0, c = s->meta >> 8; k < c; k++) out.push_back(s->ids[k]);
                return;
            }
        }
        h = tok::hash_bytes(w, l);  // long pieces, and short ones of more than 5 tokens
        if (uint32_t* v = pc.map.find(w, l, h)) {
            const int* c = pc.ids.data() + *v;
            out.insert(out.end(), c + 1, c + 1 + c[0]);
            return;
        }
        sym.resize(l);
        for (size_t k = 0; k < l; k++) sym[k] = byte_id[w[k]];
        if (l <= 64) tok::bpe_scan(sym, pairs);
        else tok::bpe_heap(sym, pairs);
        if (pc.full()) pc.clear();  // bounded: a long run over varied text must not grow it forever
        if (l <= 8 && sym.size() <= 5) pc.add_short(key, (uint32_t)l, sym.data(), (int)sym.size());
        else {
            pc.map.insert(w, l, h, (uint32_t)pc.ids.size());
            pc.ids.push_back((int)sym.size());
            pc.ids.insert(pc.ids.end(), sym.begin(), sym.end());
        }
        out.insert(out.end(), sym.begin(), sym.end());
    }

    // a byte without a token (no byte fallback) cannot be encoded: one clear error
    void check_bytes(const char* text, const char* p, size_t len) const {
        for (size_t i = 0; i < len; i++) {
            unsigned char b = (unsigned char)p[i];
            if (byte_id[b] < 0)
                fatal(EXIT_RUNTIME, "cannot encode byte 0x%02X at offset %zu of the text: tokenizer %s has no token for it (no byte fallback)",
                      b, (size_t)(p - text) + i, source.c_str());
        }
    }

    // ---- chat (CHAT_CHATML) ----
    struct ChatTurn { std::string role, content; };
    // the template's text for `turns`: <|im_start|>{role}\n{content}<|im_end|>\n each, the default system
    // turn first when the first turn is not a system one (and the template has one), then
    // <|im_start|>assistant\n when add_generation_prompt. Encode it with allow_special.
    std::string chat_text(const std::vector<ChatTurn>& turns, bool add_generation_prompt = true) const {
        if (chat != CHAT_CHATML) fatal(EXIT_RUNTIME, "tokenizer %s has no chat template", source.c_str());
        std::string out;
        if (!turns.empty() && turns[0].role != "system" && !chat_system.empty())
            out += "<|im_start|>system\n" + chat_system + "<|im_end|>\n";
        for (auto& t : turns) out += "<|im_start|>" + t.role + "\n" + t.content + "<|im_end|>\n";
        if (add_generation_prompt) out += "<|im_start|>assistant\n";
        return out;
    }
    std::vector<int> encode_chat(const std::vector<ChatTurn>& turns, bool add_generation_prompt = true) const {
        return encode(chat_text(turns, add_generation_prompt), true);
    }

    std::string decode(const std::vector<int>& ids) const {
        std::string out;
        for (int id : ids) {
            check_id(id);
            out.append(tok_bytes, tok_off[id], tok_off[id + 1] - tok_off[id]);
        }
        return out;
    }

    std::string decode_token(int id) const {
        check_id(id);
        return tok_bytes.substr(tok_off[id], tok_off[id + 1] - tok_off[id]);
    }

    // (vocab_size) 1 for each token whose bytes hold a digit: what inject --mem-quiet-digits keeps the memory quiet before
    std::vector<uint8_t> digit_tokens() const {
        std::vector<uint8_t> d(vocab_size);
        for (int id = 0; id < vocab_size; id++)
            for (size_t i = tok_off[id]; i < tok_off[id + 1]; i++) d[id] |= tok_bytes[i] >= '0' && tok_bytes[i] <= '9';
        return d;
    }

    // ---- internals ----
    void check_id(int id) const {
        if (id < 0 || id >= vocab_size) fatal(EXIT_RUNTIME, "token id %d is outside the vocabulary of %s (size %d)", id, source.c_str(), vocab_size);
    }

    // splits on literal "<|endoftext|>" when allow_special: seg(ptr, len) for the text between,
    // special() for each occurrence
    template <class Seg, class Special>
    static void for_each_segment(const char* text, size_t n, bool allow_special, Seg&& seg, Special&& special) {
        if (!allow_special) { seg(text, n); return; }
        static const size_t L = strlen(EOT_TEXT);
        size_t pos = 0;
        while (pos <= n) {
            const char* hit = n - pos >= L ? (const char*)memmem(text + pos, n - pos, EOT_TEXT, L) : nullptr;
            size_t end = hit ? (size_t)(hit - text) : n;
            if (end > pos) seg(text + pos, end - pos);
            if (!hit) break;
            special();
            pos = end + L;
        }
    }

    // the same for every special token (extended tokenizers): at each position the longest special
    // token whose text starts there wins, leftmost first (Hugging Face's added-token matching);
    // special(id) for each
    template <class Seg, class Special>
    void for_each_special(const char* text, size_t n, bool allow_special, Seg&& seg, Special&& special) const {
        if (!allow_special || specials.empty()) { seg(text, n); return; }
        std::vector<int> by_len(specials);  // longest first
        std::stable_sort(by_len.begin(), by_len.end(), [&](int a, int b) { return tok_off[a + 1] - tok_off[a] > tok_off[b + 1] - tok_off[b]; });
        bool first[256] = {false};
        for (int id : specials) first[(unsigned char)tok_bytes[tok_off[id]]] = true;
        size_t start = 0;
        for (size_t i = 0; i < n; i++) {
            if (!first[(unsigned char)text[i]]) continue;
            for (int id : by_len) {
                size_t l = tok_off[id + 1] - tok_off[id];
                if (l <= n - i && memcmp(text + i, tok_bytes.data() + tok_off[id], l) == 0) {
                    if (i > start) seg(text + start, i - start);
                    special(id);
                    start = i + l;
                    i = start - 1;
                    break;
                }
            }
        }
        if (n > start) seg(text + start, n - start);
    }

    // the one place a tokenizer is assembled and checked (GPT-2's files, train(), load(), from_gguf()).
    // pre, specials (empty: {eot}), chat and chat_system are set before; need_all_bytes: every byte
    // must have a token (all but version-4 files and GGUF)
    void build(std::vector<std::string> vocab, std::vector<std::pair<int, int>> mg, int eot_id, bool can, const std::string& src,
               bool need_all_bytes = true) {
        const char* S = src.c_str();
        source = src;
        vocab_size = (int)vocab.size();
        eot = eot_id;
        std::vector<char> is_special(vocab_size, 0);
        if (specials.empty()) specials = {eot_id};  // GPT-2's and trained tokenizers, files of versions 1-3
        else {
            for (int id : specials) {
                if (id < 0 || id >= vocab_size || is_special[id] || vocab[id].empty())
                    fatal(EXIT_RUNTIME, "tokenizer %s: special token %d is outside the vocabulary, empty or listed twice", S, id);
                is_special[id] = 1;
            }
            if (!is_special[eot]) fatal(EXIT_RUNTIME, "tokenizer %s: EOT %d is not one of its special tokens", S, eot);
        }
        is_special[eot] = 1;
        tok_off.assign(1, 0);
        tok_bytes.clear();
        for (auto& v : vocab) { tok_bytes += v; tok_off.push_back((uint32_t)tok_bytes.size()); }
        merges.clear();
        pairs.slots.clear();
        cache.p->clear();
        encodable = false;
        if (!can) return;
        // every byte needs its own token, or some text could not be encoded
        std::vector<int> bid(256, -1);
        for (int i = 0; i < vocab_size; i++)
            if (!is_special[i] && vocab[i].size() == 1) {
                unsigned char b = (unsigned char)vocab[i][0];
                if (bid[b] >= 0) fatal(EXIT_RUNTIME, "tokenizer %s: byte %d has two tokens (%d and %d)", S, b, bid[b], i);
                bid[b] = i;
            }
        all_bytes = true;
        for (int b = 0; b < 256; b++) {
            if (bid[b] < 0 && need_all_bytes) fatal(EXIT_RUNTIME, "tokenizer %s: byte %d has no token", S, b);
            byte_id[b] = bid[b];
            all_bytes = all_bytes && bid[b] >= 0;
        }
        std::unordered_map<std::string, int> id_of;
        for (int i = 0; i < vocab_size; i++)
            if (!is_special[i]) id_of.emplace(vocab[i], i);
        pairs.reset(mg.size());
        for (size_t k = 0; k < mg.size(); k++) {
            int a = mg[k].first, b = mg[k].second;
            if (a < 0 || a >= vocab_size || b < 0 || b >= vocab_size || is_special[a] || is_special[b])
                fatal(EXIT_RUNTIME, "tokenizer %s: merge %zu (%d, %d) names a token outside the vocabulary", S, k, a, b);
            auto it = id_of.find(vocab[a] + vocab[b]);
            if (it == id_of.end()) fatal(EXIT_RUNTIME, "tokenizer %s: merge %zu (%d, %d) makes a token not in the vocabulary", S, k, a, b);
            if (!pairs.add(a, b, (int)k, it->second)) fatal(EXIT_RUNTIME, "tokenizer %s: merge %zu (%d, %d) is listed twice", S, k, a, b);
        }
        merges = std::move(mg);
        encodable = true;
    }
};

// Encodes `text` once, from a cold piece cache, and returns the speed in MB/s (1 MB = 1e6 bytes of
// text); the token count goes to *n_tokens. For benchmarks.
inline double tokenizer_encode_mb_per_s(const Tokenizer& t, const std::string& text, size_t* n_tokens = nullptr) {
    Tokenizer cold = t;  // a copy starts with an empty cache
    auto t0 = std::chrono::steady_clock::now();
    std::vector<int> ids = cold.encode(text);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (n_tokens) *n_tokens = ids.size();
    return s > 0 ? text.size() / 1e6 / s : 0.0;
}
