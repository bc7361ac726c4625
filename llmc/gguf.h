// gguf.h: GGUF, llama.cpp's model file (versions 2 and 3): a reader (header, metadata, tensor table,
// tensors dequantised to fp32 from F32, F16, BF16, Q8_0, Q4_0 and Q4_1) and a small writer (F32, F16,
// Q8_0; what `./train export` writes).
//
//   GGUF g = GGUF::open("models/SmolLM2-135M-Instruct.Q4_1.gguf");   // mmap + parse, nothing copied
//   int L = (int)g.get_int("llama.block_count");                     // 30
//   const GGUFValue* toks = g.get("tokenizer.ggml.tokens");          // toks->strs: 49,152 strings
//   std::vector<float> wq = g.tensor_f32("blk.0.attn_q.weight", {576, 576});  // (out, in) row-major
//
//   GGUFWriter w;
//   w.add_str("general.architecture", "llama");
//   w.add_tensor("blk.0.attn_q.weight", {576, 576}, wq.data(), GGML_Q8_0);   // (out, in) row-major
//   w.write("out/model.gguf");                                       // atomic
//
// File layout (little-endian): "GGUF", uint32 version, uint64 tensor count, uint64 kv count; the kv
// pairs (string key, uint32 value type, value); per tensor: string name, uint32 n_dims (1-4), uint64
// ne[n_dims], uint32 ggml type, uint64 offset from the data start; zero padding up to a multiple of
// general.alignment (32 unless the file says otherwise); the tensor data. A string is a uint64 byte
// length and its bytes (no NUL); an array is a uint32 element type, a uint64 count and the elements.
//
// Shapes: ne0 is the innermost (contiguous) dimension, so a weight matrix is listed [in, out] and its
// bytes are laid out like a row-major (out, in) matrix. Everything here that takes or prints a shape
// uses row-major order (outermost first, as PyTorch and numpy do): token_embd.weight is {49152, 576}.
// Quantised blocks run along ne0 (the input dimension), 32 weights each:
//   Q8_0: 34 bytes: fp16 d, int8 q[32];               w[j] = d * q[j]
//   Q4_0: 18 bytes: fp16 d, uint8 qs[16];              w[j] = d * ((qs[j] & 15) - 8), w[j+16] = d * ((qs[j] >> 4) - 8)
//   Q4_1: 20 bytes: fp16 d, fp16 m, uint8 qs[16];      w[j] = d * (qs[j] & 15) + m,   w[j+16] = d * (qs[j] >> 4) + m
//
// Bad input: any malformed or truncated file (bad magic, version, counts, lengths or offsets past the
// end, unknown value or tensor types, dims that overflow, tensor data past the end, duplicate names)
// gives one line via fatal(EXIT_RUNTIME) naming the file and the byte offset: the parser checks every
// count against the bytes left before it allocates, so memory stays bounded by a small multiple of
// the file size. GGUF::parse() reports the same errors as a string instead (for the fuzzer).
#pragma once
#include "utils.h"
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>
#include <sys/mman.h>
#include <sys/stat.h>

enum GGUFValueType : uint32_t {
    GGUF_U8 = 0, GGUF_I8 = 1, GGUF_U16 = 2, GGUF_I16 = 3, GGUF_U32 = 4, GGUF_I32 = 5, GGUF_F32 = 6,
    GGUF_BOOL = 7, GGUF_STRING = 8, GGUF_ARRAY = 9, GGUF_U64 = 10, GGUF_I64 = 11, GGUF_F64 = 12,
};

// ggml tensor types (the numbers are the file's); the reader dequantises the first six
enum GGMLType : uint32_t {
    GGML_F32 = 0, GGML_F16 = 1, GGML_Q4_0 = 2, GGML_Q4_1 = 3, GGML_Q8_0 = 8, GGML_BF16 = 30,
};

namespace gguf {

inline const char* value_type_name(uint32_t t) {
    static const char* n[] = {"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32",
                              "bool", "string", "array", "uint64", "int64", "float64"};
    return t < 13 ? n[t] : "unknown";
}
inline size_t value_type_size(uint32_t t) {  // bytes of a scalar; 0 for string/array/unknown
    static const size_t s[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    return t < 13 ? s[t] : 0;
}

// every ggml type a GGUF file may hold, with its block size (weights) and block bytes, so that a file
// of any of them opens (its metadata and other tensors stay readable); 0 = unknown type id
struct TypeInfo { const char* name; uint32_t block, bytes; };
inline TypeInfo type_info(uint32_t t) {
    static const TypeInfo table[] = {
        {"F32", 1, 4},      {"F16", 1, 2},       {"Q4_0", 32, 18},     {"Q4_1", 32, 20},   {nullptr, 0, 0},
        {nullptr, 0, 0},    {"Q5_0", 32, 22},    {"Q5_1", 32, 24},     {"Q8_0", 32, 34},   {"Q8_1", 32, 40},
        {"Q2_K", 256, 84},  {"Q3_K", 256, 110},  {"Q4_K", 256, 144},   {"Q5_K", 256, 176}, {"Q6_K", 256, 210},
        {"Q8_K", 256, 292}, {"IQ2_XXS", 256, 66}, {"IQ2_XS", 256, 74}, {"IQ3_XXS", 256, 98}, {"IQ1_S", 256, 50},
        {"IQ4_NL", 32, 18}, {"IQ3_S", 256, 110}, {"IQ2_S", 256, 82},   {"IQ4_XS", 256, 136}, {"I8", 1, 1},
        {"I16", 1, 2},      {"I32", 1, 4},       {"I64", 1, 8},        {"F64", 1, 8},      {"IQ1_M", 256, 56},
        {"BF16", 1, 2},     {nullptr, 0, 0},     {nullptr, 0, 0},      {nullptr, 0, 0},    {"TQ1_0", 256, 54},
        {"TQ2_0", 256, 66}, {nullptr, 0, 0},     {nullptr, 0, 0},      {nullptr, 0, 0},    {"MXFP4", 32, 17},
    };
    return t < sizeof table / sizeof table[0] ? table[t] : TypeInfo{nullptr, 0, 0};
}
inline bool can_dequantize(uint32_t t) {
    return t == GGML_F32 || t == GGML_F16 || t == GGML_BF16 || t == GGML_Q8_0 || t == GGML_Q4_0 || t == GGML_Q4_1;
}

// IEEE half <-> float. f32_to_f16 rounds to nearest, ties to even (as numpy's astype(float16) and the
// F16C instruction do); overflow gives infinity, NaN stays NaN.
inline float f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, e = (h >> 10) & 0x1F, m = h & 0x3FF, x;
    if (e == 0x1F) x = sign | 0x7F800000u | (m << 13);
    else if (e) x = sign | ((e + 112) << 23) | (m << 13);
    else {  // zero or subnormal: m * 2^-24, exact in fp32
        float f = (float)m * (1.0f / 16777216.0f);
        memcpy(&x, &f, 4);
        x |= sign;
    }
    float f;
    memcpy(&f, &x, 4);
    return f;
}
inline uint16_t f32_to_f16(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    uint32_t ax = x & 0x7FFFFFFFu;
    if (ax >= 0x7F800000u) return sign | (ax > 0x7F800000u ? 0x7E00 : 0x7C00);  // NaN, infinity
    if (ax >= 0x477FF000u) return sign | 0x7C00;                                // >= 65520 rounds to infinity
    if (ax < 0x38800000u) {                                                     // below 2^-14: a subnormal half
        if (ax < 0x33000000u) return sign;                                      // below 2^-25: zero
        uint32_t e = ax >> 23, m = (ax & 0x7FFFFF) | 0x800000, shift = 126 - e;  // value = m * 2^(e-150)
        uint32_t q = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1))) q++;
        return sign | (uint16_t)q;
    }
    uint32_t h = ((((ax >> 23) - 112) << 10) | ((ax & 0x7FFFFF) >> 13)), rem = ax & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) h++;  // a carry into the exponent is right
    return sign | (uint16_t)h;
}
inline float bf16_to_f32(uint16_t b) {
    uint32_t x = (uint32_t)b << 16;
    float f;
    memcpy(&f, &x, 4);
    return f;
}
inline uint16_t rd16(const uint8_t* p) { uint16_t v; memcpy(&v, p, 2); return v; }

// n values of one row of type t (n a multiple of the block size) from src to dst
inline void dequantize_row(uint32_t t, const uint8_t* src, float* dst, int64_t n) {
    switch (t) {
        case GGML_F32: memcpy(dst, src, 4 * (size_t)n); break;
        case GGML_F16: for (int64_t i = 0; i < n; i++) dst[i] = f16_to_f32(rd16(src + 2 * i)); break;
        case GGML_BF16: for (int64_t i = 0; i < n; i++) dst[i] = bf16_to_f32(rd16(src + 2 * i)); break;
        case GGML_Q8_0:
            for (int64_t b = 0; b < n / 32; b++, src += 34, dst += 32) {
                float d = f16_to_f32(rd16(src));
                for (int j = 0; j < 32; j++) dst[j] = d * (float)(int8_t)src[2 + j];
            }
            break;
        case GGML_Q4_0:
            for (int64_t b = 0; b < n / 32; b++, src += 18, dst += 32) {
                float d = f16_to_f32(rd16(src));
                for (int j = 0; j < 16; j++) {
                    dst[j] = d * (float)((src[2 + j] & 15) - 8);
                    dst[j + 16] = d * (float)((src[2 + j] >> 4) - 8);
                }
            }
            break;
        case GGML_Q4_1:
            for (int64_t b = 0; b < n / 32; b++, src += 20, dst += 32) {
                float d = f16_to_f32(rd16(src)), m = f16_to_f32(rd16(src + 2));
                for (int j = 0; j < 16; j++) {
                    dst[j] = d * (float)(src[4 + j] & 15) + m;
                    dst[j + 16] = d * (float)(src[4 + j] >> 4) + m;
                }
            }
            break;
        default: fatal(EXIT_RUNTIME, "internal: dequantize_row called for ggml type %u", t);
    }
}

// llama.cpp's quantize_row_q8_0_ref: per block d = amax / 127, q = roundf(x / d) (as x * (1/d)). Where
// d is so small (amax below ~1e-36) that 1/d overflows, q is clamped to +-127 (llama.cpp's cast of
// an infinity to int8 is undefined there); everywhere else the bytes are llama.cpp's
inline void quantize_row_q8_0(const float* x, uint8_t* dst, int64_t n) {
    for (int64_t b = 0; b < n / 32; b++, x += 32, dst += 34) {
        float amax = 0.0f;
        for (int j = 0; j < 32; j++) amax = std::max(amax, std::fabs(x[j]));
        float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        uint16_t dh = f32_to_f16(d);
        memcpy(dst, &dh, 2);
        for (int j = 0; j < 32; j++) {
            float q = roundf(x[j] * id);
            q = q != q ? 0.0f : std::min(127.0f, std::max(-127.0f, q));  // NaN: 0 * inf
            dst[2 + j] = (uint8_t)(int8_t)q;
        }
    }
}

struct Error { std::string msg; };

// a name from the file for a message: control bytes as \xNN, at most 80 bytes (a message stays one line)
inline std::string printable(const std::string& s) {
    std::string o;
    for (size_t i = 0; i < s.size() && i < 80; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F) { char b[8]; snprintf(b, sizeof b, "\\x%02X", c); o += b; }
        else o += (char)c;
    }
    return s.size() > 80 ? o + "..." : o;
}

}  // namespace gguf

// One metadata value. Scalars: `i` (integers and bool, exact; a uint64 above INT64_MAX is in `u` only),
// `u`, `f` (every number, as double); strings: `str`. Arrays (type GGUF_ARRAY, elements of elem_type,
// n of them): strs (strings), ints (integers, bool; uint64 as its bits), reals (float32/64) or items
// (arrays of arrays).
struct GGUFValue {
    uint32_t type = 0, elem_type = 0;
    int64_t i = 0;
    uint64_t u = 0;
    double f = 0;
    std::string str;
    uint64_t n = 0;
    std::vector<std::string> strs;
    std::vector<int64_t> ints;
    std::vector<double> reals;
    std::vector<GGUFValue> items;
    bool is_int() const { return type <= GGUF_I32 || type == GGUF_BOOL || type == GGUF_U64 || type == GGUF_I64; }
    bool is_number() const { return is_int() || type == GGUF_F32 || type == GGUF_F64; }
};

struct GGUFTensor {
    std::string name;
    std::vector<int64_t> ne;       // as in the file: ne[0] innermost
    uint32_t type = 0;             // GGMLType
    uint64_t offset = 0;           // from the data start
    int64_t n_elements = 0;
    uint64_t n_bytes = 0;
    const uint8_t* data = nullptr;  // into the mapping
    std::vector<int64_t> shape() const { return std::vector<int64_t>(ne.rbegin(), ne.rend()); }  // row-major
};

struct GGUF {
    std::string path;
    uint32_t version = 0;
    uint32_t alignment = 32;
    uint64_t data_offset = 0;
    size_t size = 0;
    std::vector<std::pair<std::string, GGUFValue>> kv;  // in file order
    std::vector<GGUFTensor> tensors;                     // in file order
    std::unordered_map<std::string, size_t> kv_index, tensor_index;

    GGUF() = default;
    GGUF(const GGUF&) = delete;
    GGUF& operator=(const GGUF&) = delete;
    GGUF(GGUF&& o) noexcept { *this = std::move(o); }
    GGUF& operator=(GGUF&& o) noexcept {
        if (this != &o) {
            unmap();
            path = std::move(o.path); version = o.version; alignment = o.alignment; data_offset = o.data_offset;
            size = o.size; kv = std::move(o.kv); tensors = std::move(o.tensors);
            kv_index = std::move(o.kv_index); tensor_index = std::move(o.tensor_index);
            map_ = o.map_; map_size_ = o.map_size_;
            o.map_ = nullptr; o.map_size_ = 0;
        }
        return *this;
    }
    ~GGUF() { unmap(); }

    // maps the file read-only and parses it; one clear line and exit(1) on any problem
    static GGUF open(const std::string& p) {
        const char* P = p.c_str();
        int fd = ::open(P, O_RDONLY);
        if (fd < 0) fatal(EXIT_RUNTIME, "cannot open %s: %s", P, strerror(errno));
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) { close(fd); fatal(EXIT_RUNTIME, "%s is not a regular file", P); }
        size_t n = (size_t)st.st_size;
        void* m = nullptr;
        if (n > 0) {
            m = mmap(nullptr, n, PROT_READ, MAP_PRIVATE, fd, 0);
            if (m == MAP_FAILED) { int e = errno; close(fd); fatal(EXIT_RUNTIME, "cannot map %s: %s", P, strerror(e)); }
        }
        close(fd);
        GGUF g;
        g.map_ = m;
        g.map_size_ = n;
        std::string err;
        if (!parse((const uint8_t*)m, n, p, g, &err)) fatal(EXIT_RUNTIME, "%s", err.c_str());
        return g;
    }

    // parses size bytes at data (which must outlive g); false with *err = "NAME: what (at byte N)"
    static bool parse(const uint8_t* data, size_t size, const std::string& name, GGUF& g, std::string* err) {
        g.path = name;
        g.size = size;
        g.kv.clear(); g.tensors.clear(); g.kv_index.clear(); g.tensor_index.clear();
        Cursor c{data, size, 0, name};
        try {
            g.parse_all(c);
        } catch (const gguf::Error& e) {
            *err = e.msg;
            g.kv.clear(); g.tensors.clear(); g.kv_index.clear(); g.tensor_index.clear();
            return false;
        }
        return true;
    }

    // ---- metadata ----
    const GGUFValue* get(const std::string& key) const {
        auto it = kv_index.find(key);
        return it == kv_index.end() ? nullptr : &kv[it->second].second;
    }
    const GGUFValue& require(const std::string& key) const {
        const GGUFValue* v = get(key);
        if (!v) fatal(EXIT_RUNTIME, "%s has no metadata key %s", path.c_str(), key.c_str());
        return *v;
    }
    int64_t get_int(const std::string& key) const {
        const GGUFValue& v = require(key);
        if (!v.is_int() || (v.type == GGUF_U64 && v.u > (uint64_t)INT64_MAX))
            fatal(EXIT_RUNTIME, "%s: metadata %s is a %s, expected an integer", path.c_str(), key.c_str(), gguf::value_type_name(v.type));
        return v.i;
    }
    double get_f64(const std::string& key) const {
        const GGUFValue& v = require(key);
        if (!v.is_number()) fatal(EXIT_RUNTIME, "%s: metadata %s is a %s, expected a number", path.c_str(), key.c_str(), gguf::value_type_name(v.type));
        return v.f;
    }
    const std::string& get_str(const std::string& key) const {
        const GGUFValue& v = require(key);
        if (v.type != GGUF_STRING) fatal(EXIT_RUNTIME, "%s: metadata %s is a %s, expected a string", path.c_str(), key.c_str(), gguf::value_type_name(v.type));
        return v.str;
    }
    // an array of elem_type (GGUF_STRING, or any integer type when elem_type is GGUF_I64)
    const GGUFValue& get_array(const std::string& key, uint32_t elem_type) const {
        const GGUFValue& v = require(key);
        bool ok = v.type == GGUF_ARRAY && (v.elem_type == elem_type || (elem_type == GGUF_I64 && v.elem_type != GGUF_BOOL &&
                                                                          (v.elem_type <= GGUF_I32 || v.elem_type == GGUF_U64)));
        if (!ok) fatal(EXIT_RUNTIME, "%s: metadata %s is not an array of %s", path.c_str(), key.c_str(), gguf::value_type_name(elem_type));
        return v;
    }

    // ---- tensors ----
    const GGUFTensor* find_tensor(const std::string& name) const {
        auto it = tensor_index.find(name);
        return it == tensor_index.end() ? nullptr : &tensors[it->second];
    }
    const GGUFTensor& tensor(const std::string& name) const {
        const GGUFTensor* t = find_tensor(name);
        if (!t) fatal(EXIT_RUNTIME, "%s has no tensor %s", path.c_str(), name.c_str());
        return *t;
    }
    // the tensor dequantised to fp32, row-major; `shape` (row-major, outermost first) must match
    // unless it is empty
    std::vector<float> tensor_f32(const std::string& name, std::vector<int64_t> shape = {}) const {
        const GGUFTensor& t = tensor(name);
        if (!shape.empty() && shape != t.shape())
            fatal(EXIT_RUNTIME, "%s: tensor %s has shape %s, expected %s", path.c_str(), name.c_str(),
                  shape_str(t.shape()).c_str(), shape_str(shape).c_str());
        std::vector<float> out((size_t)t.n_elements);
        dequantize(t, out.data());
        return out;
    }
    void dequantize(const GGUFTensor& t, float* out) const {
        if (!gguf::can_dequantize(t.type))
            fatal(EXIT_RUNTIME, "%s: tensor %s is %s; this reader dequantises F32, F16, BF16, Q8_0, Q4_0 and Q4_1 only",
                  path.c_str(), gguf::printable(t.name).c_str(), gguf::type_info(t.type).name);
        if (t.n_elements == 0) return;  // (then ne[0] may be anything: no row size to compute)
        int64_t row = t.ne[0], rows = t.n_elements / row;
        size_t row_bytes = row / gguf::type_info(t.type).block * gguf::type_info(t.type).bytes;
#pragma omp parallel for schedule(static) if (t.n_elements > (1 << 16))
        for (int64_t r = 0; r < rows; r++) gguf::dequantize_row(t.type, t.data + r * row_bytes, out + r * row, row);
    }

    static std::string shape_str(const std::vector<int64_t>& s) {
        std::string o = "[";
        for (size_t i = 0; i < s.size(); i++) o += (i ? ", " : "") + std::to_string(s[i]);
        return o + "]";
    }

  private:
    void* map_ = nullptr;
    size_t map_size_ = 0;
    void unmap() { if (map_) munmap(map_, map_size_); map_ = nullptr; map_size_ = 0; }

    // bounds-checked little-endian reads; every failure throws gguf::Error naming the file and offset
    struct Cursor {
        const uint8_t* p;
        size_t n, pos;
        const std::string& name;
        [[noreturn]] void fail(const std::string& what) const {
            throw gguf::Error{name + ": " + what + " (at byte " + std::to_string(pos) + " of " + std::to_string(n) + ")"};
        }
        size_t left() const { return n - pos; }
        const uint8_t* take(size_t k, const char* what) {
            if (k > left()) fail(std::string("truncated: ") + what + " needs " + std::to_string(k) + " bytes, " + std::to_string(left()) + " left");
            const uint8_t* r = p + pos;
            pos += k;
            return r;
        }
        template <class T> T get(const char* what) { T v; memcpy(&v, take(sizeof v, what), sizeof v); return v; }
        std::string str(const char* what) {
            uint64_t len = get<uint64_t>(what);
            if (len > left()) fail(std::string(what) + " has length " + std::to_string(len) + ", past the end of the file");
            return std::string((const char*)take((size_t)len, what), (size_t)len);
        }
    };

    void read_value(Cursor& c, uint32_t type, GGUFValue& v, int depth) {
        v.type = type;
        switch (type) {
            case GGUF_U8: v.u = c.get<uint8_t>("a uint8"); v.i = (int64_t)v.u; v.f = (double)v.u; break;
            case GGUF_I8: v.i = c.get<int8_t>("an int8"); break;
            case GGUF_U16: v.u = c.get<uint16_t>("a uint16"); v.i = (int64_t)v.u; v.f = (double)v.u; break;
            case GGUF_I16: v.i = c.get<int16_t>("an int16"); break;
            case GGUF_U32: v.u = c.get<uint32_t>("a uint32"); v.i = (int64_t)v.u; v.f = (double)v.u; break;
            case GGUF_I32: v.i = c.get<int32_t>("an int32"); break;
            case GGUF_U64: v.u = c.get<uint64_t>("a uint64"); v.i = (int64_t)v.u; v.f = (double)v.u; break;
            case GGUF_I64: v.i = c.get<int64_t>("an int64"); break;
            case GGUF_F32: v.f = c.get<float>("a float32"); break;
            case GGUF_F64: v.f = c.get<double>("a float64"); break;
            case GGUF_BOOL: {
                uint8_t b = c.get<uint8_t>("a bool");
                if (b > 1) c.fail("a bool is " + std::to_string(b) + " (0 or 1)");
                v.i = b; v.u = b; v.f = b;
                break;
            }
            case GGUF_STRING: v.str = c.str("a string"); break;
            case GGUF_ARRAY: {
                if (depth >= 4) c.fail("arrays nested more than 4 deep");
                v.elem_type = c.get<uint32_t>("an array's element type");
                v.n = c.get<uint64_t>("an array's length");
                size_t least = v.elem_type == GGUF_STRING ? 8 : v.elem_type == GGUF_ARRAY ? 12 : gguf::value_type_size(v.elem_type);
                if (!least) c.fail("an array has unknown element type " + std::to_string(v.elem_type));
                if (v.n > c.left() / least) c.fail("an array of " + std::to_string(v.n) + " " + gguf::value_type_name(v.elem_type) + " runs past the end of the file");
                if (v.elem_type == GGUF_STRING) {
                    v.strs.resize((size_t)v.n);
                    for (auto& s : v.strs) s = c.str("a string in an array");
                } else if (v.elem_type == GGUF_ARRAY) {
                    v.items.resize((size_t)v.n);
                    for (auto& it : v.items) read_value(c, GGUF_ARRAY, it, depth + 1);
                } else if (v.elem_type == GGUF_F32 || v.elem_type == GGUF_F64) {
                    v.reals.resize((size_t)v.n);
                    for (auto& x : v.reals) x = v.elem_type == GGUF_F32 ? c.get<float>("a float32") : c.get<double>("a float64");
                } else {
                    v.ints.resize((size_t)v.n);
                    for (auto& x : v.ints) { GGUFValue e; read_value(c, v.elem_type, e, depth + 1); x = e.i; }
                }
                return;
            }
            default: c.fail("unknown metadata value type " + std::to_string(type));
        }
        if (type == GGUF_I8 || type == GGUF_I16 || type == GGUF_I32 || type == GGUF_I64) { v.f = (double)v.i; v.u = (uint64_t)v.i; }
    }

    void parse_all(Cursor& c) {
        const uint8_t* magic = c.take(4, "the magic");
        if (memcmp(magic, "GGUF", 4) != 0) { c.pos = 0; c.fail("not a GGUF file (bad magic)"); }
        version = c.get<uint32_t>("the version");
        if (version != 2 && version != 3) c.fail("unsupported GGUF version " + std::to_string(version) + " (2 or 3)");
        uint64_t n_tensors = c.get<uint64_t>("the tensor count"), n_kv = c.get<uint64_t>("the metadata count");
        // a kv pair is at least 13 bytes (key length, type, a uint8), a tensor entry at least 32
        if (n_kv > c.left() / 13) c.fail("metadata count " + std::to_string(n_kv) + " is more than the file can hold");
        if (n_tensors > c.left() / 32) c.fail("tensor count " + std::to_string(n_tensors) + " is more than the file can hold");
        kv.reserve((size_t)n_kv);
        for (uint64_t k = 0; k < n_kv; k++) {
            std::string key = c.str("a metadata key");
            uint32_t type = c.get<uint32_t>("a metadata value type");
            GGUFValue v;
            read_value(c, type, v, 0);
            if (!kv_index.emplace(key, kv.size()).second) c.fail("metadata key " + gguf::printable(key) + " appears twice");
            kv.emplace_back(std::move(key), std::move(v));
        }
        alignment = 32;
        if (const GGUFValue* a = get("general.alignment")) {
            if (a->type != GGUF_U32 || a->u == 0 || (a->u & (a->u - 1)) || a->u > (1u << 20))
                c.fail("general.alignment must be a uint32 power of two up to 2^20");
            alignment = (uint32_t)a->u;
        }
        tensors.reserve((size_t)n_tensors);
        for (uint64_t k = 0; k < n_tensors; k++) {
            GGUFTensor t;
            t.name = c.str("a tensor name");
            uint32_t nd = c.get<uint32_t>("a tensor's dimension count");
            if (nd < 1 || nd > 4) c.fail("tensor " + gguf::printable(t.name) + " has " + std::to_string(nd) + " dimensions (1 to 4)");
            t.n_elements = 1;
            for (uint32_t d = 0; d < nd; d++) {
                uint64_t e = c.get<uint64_t>("a tensor dimension");
                if (e > (uint64_t)INT64_MAX || (e && (uint64_t)t.n_elements > (uint64_t)INT64_MAX / e))
                    c.fail("tensor " + gguf::printable(t.name) + " has dimensions whose product overflows");
                t.ne.push_back((int64_t)e);
                t.n_elements *= (int64_t)e;
            }
            t.type = c.get<uint32_t>("a tensor type");
            gguf::TypeInfo ti = gguf::type_info(t.type);
            if (!ti.name) c.fail("tensor " + gguf::printable(t.name) + " has unknown ggml type " + std::to_string(t.type));
            if (t.ne[0] % ti.block) c.fail("tensor " + gguf::printable(t.name) + ": its first dimension " + std::to_string(t.ne[0]) + " is not a multiple of " + ti.name + "'s block of " + std::to_string(ti.block));
            if ((uint64_t)(t.n_elements / ti.block) > c.n / ti.bytes)
                c.fail("tensor " + gguf::printable(t.name) + " " + shape_str(t.shape()) + " of " + ti.name + " is larger than the file");
            t.n_bytes = (uint64_t)(t.n_elements / ti.block) * ti.bytes;
            t.offset = c.get<uint64_t>("a tensor offset");
            if (t.offset % alignment) c.fail("tensor " + gguf::printable(t.name) + " has offset " + std::to_string(t.offset) + ", not a multiple of the alignment " + std::to_string(alignment));
            if (!tensor_index.emplace(t.name, tensors.size()).second) c.fail("tensor " + gguf::printable(t.name) + " appears twice");
            tensors.push_back(std::move(t));
        }
        data_offset = (c.pos + alignment - 1) / alignment * alignment;
        for (auto& t : tensors) {
            uint64_t avail = data_offset <= c.n ? c.n - data_offset : 0;
            if (t.offset > avail || t.n_bytes > avail - t.offset) {
                c.pos = c.n;
                c.fail("truncated: tensor " + gguf::printable(t.name) + " (" + gguf::type_info(t.type).name + ", " + shape_str(t.shape()) + ", " +
                       std::to_string(t.n_bytes) + " bytes at data offset " + std::to_string(t.offset) + ") runs past the end of the file");
            }
            t.data = c.p + data_offset + t.offset;
        }
    }
};

// Builds a GGUF v3 file in memory, then writes it atomically. Layout as the `gguf` package's
// GGUFWriter: header, kv pairs in the order added, tensor entries in the order added, zero padding to
// the alignment, each tensor's data padded to the alignment (so the same content gives the same bytes).
struct GGUFWriter {
    uint32_t alignment = 32;
    uint64_t n_kv = 0;
    std::string kv;  // the serialised pairs
    struct Tensor { std::string name; std::vector<int64_t> ne; uint32_t type; std::string bytes; };
    std::vector<Tensor> tensors;

    static void put_str(std::string& o, const std::string& s) { put(o, (uint64_t)s.size()); o += s; }
    template <class T> static void put(std::string& o, T v) { o.append((const char*)&v, sizeof v); }
    void key(const std::string& k, uint32_t type) { put_str(kv, k); put(kv, type); n_kv++; }

    void add_u32(const std::string& k, uint32_t v) { key(k, GGUF_U32); put(kv, v); }
    void add_i32(const std::string& k, int32_t v) { key(k, GGUF_I32); put(kv, v); }
    void add_u64(const std::string& k, uint64_t v) { key(k, GGUF_U64); put(kv, v); }
    void add_f32(const std::string& k, float v) { key(k, GGUF_F32); put(kv, v); }
    void add_bool(const std::string& k, bool v) { key(k, GGUF_BOOL); put(kv, (uint8_t)v); }
    void add_str(const std::string& k, const std::string& v) { key(k, GGUF_STRING); put_str(kv, v); }
    void add_str_array(const std::string& k, const std::vector<std::string>& v) {
        key(k, GGUF_ARRAY); put(kv, (uint32_t)GGUF_STRING); put(kv, (uint64_t)v.size());
        for (auto& s : v) put_str(kv, s);
    }
    void add_i32_array(const std::string& k, const std::vector<int32_t>& v) {
        key(k, GGUF_ARRAY); put(kv, (uint32_t)GGUF_I32); put(kv, (uint64_t)v.size());
        for (int32_t x : v) put(kv, x);
    }
    void add_f32_array(const std::string& k, const std::vector<float>& v) {
        key(k, GGUF_ARRAY); put(kv, (uint32_t)GGUF_F32); put(kv, (uint64_t)v.size());
        for (float x : v) put(kv, x);
    }
    void set_alignment(uint32_t a) {  // also records general.alignment, as GGUFWriter does
        if (a == 0 || (a & (a - 1))) fatal(EXIT_RUNTIME, "GGUF alignment %u is not a power of two", a);
        alignment = a;
        add_u32("general.alignment", a);
    }

    // x: the tensor in row-major order of `shape` (outermost first); type F32, F16 or Q8_0 (Q8_0 needs
    // the innermost dimension a multiple of 32)
    void add_tensor(const std::string& name, const std::vector<int64_t>& shape, const float* x, uint32_t type) {
        if (shape.empty() || shape.size() > 4) fatal(EXIT_RUNTIME, "GGUF tensor %s: %zu dimensions (1 to 4)", name.c_str(), shape.size());
        int64_t n = 1;
        for (int64_t d : shape) {
            if (d < 0) fatal(EXIT_RUNTIME, "GGUF tensor %s: negative dimension", name.c_str());
            n *= d;
        }
        Tensor t{name, std::vector<int64_t>(shape.rbegin(), shape.rend()), type, {}};
        if (type == GGML_F32) t.bytes.assign((const char*)x, 4 * (size_t)n);
        else if (type == GGML_F16) {
            t.bytes.resize(2 * (size_t)n);
            for (int64_t i = 0; i < n; i++) { uint16_t h = gguf::f32_to_f16(x[i]); memcpy(&t.bytes[2 * i], &h, 2); }
        } else if (type == GGML_Q8_0) {
            if (t.ne[0] % 32) fatal(EXIT_RUNTIME, "GGUF tensor %s: Q8_0 needs the innermost dimension (%lld) a multiple of 32", name.c_str(), (long long)t.ne[0]);
            t.bytes.resize((size_t)(n / 32) * 34);
            gguf::quantize_row_q8_0(x, (uint8_t*)&t.bytes[0], n);
        } else fatal(EXIT_RUNTIME, "GGUF tensor %s: the writer supports F32, F16 and Q8_0 (type %u asked)", name.c_str(), type);
        tensors.push_back(std::move(t));
    }

    std::string bytes() const {
        std::string o = "GGUF";
        put(o, (uint32_t)3);
        put(o, (uint64_t)tensors.size());
        put(o, n_kv);
        o += kv;
        uint64_t off = 0;
        auto pad = [&](uint64_t x) { return (x + alignment - 1) / alignment * alignment; };
        for (auto& t : tensors) {
            put_str(o, t.name);
            put(o, (uint32_t)t.ne.size());
            for (int64_t d : t.ne) put(o, (uint64_t)d);
            put(o, t.type);
            put(o, off);
            off += pad(t.bytes.size());
        }
        o.resize(pad(o.size()), '\0');
        for (auto& t : tensors) {
            o += t.bytes;
            o.resize(pad(o.size()), '\0');
        }
        return o;
    }
    void write(const std::string& path) const { write_file_atomic(path, bytes()); }
};
