"""make_fixtures.py: writes the small GGUF fixtures of tests/test_gguf.cpp with the `gguf` PyPI package.

    dev/reference/.venv/bin/python dev/gguf/make_fixtures.py [--out tests/fixtures/gguf]

Files (deterministic: running it twice writes identical bytes):
  types.gguf           GGUF v3: one metadata key of every value type (uint8 .. float64, bool, string,
                       arrays of numbers, of bools, of strings, an array of arrays) and one tensor of
                       each type F32, F16, BF16, Q8_0, Q4_0, Q4_1 (numpy shape (3, 64), GGUF dims
                       [64, 3]) plus a 3-D F32 tensor (2, 3, 32); general.alignment 64.
  types.expected.txt   per tensor: "name TYPE ne0 ne1 ..." then one line of the fp32 values that
                       gguf.quants.dequantize gives for its bytes (%.9g: exact for fp32).
  writer_ref.gguf      what GGUFWriter writes for the content tests/test_gguf.cpp gives our writer
                       (GGUFFile in llmc/gguf.h): the test compares the bytes.
"""
import argparse
import os

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q, GGUFValueType as V

ap = argparse.ArgumentParser()
ap.add_argument("--out", default="tests/fixtures/gguf")
args = ap.parse_args()
os.makedirs(args.out, exist_ok=True)


def write(path, fill):
    w = gguf.GGUFWriter(path, arch="fixture")
    fill(w)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


# ---- types.gguf -------------------------------------------------------------------------------
rng = np.random.default_rng(17)
base = (rng.standard_normal((3, 64)) * 0.5).astype(np.float32)
base[1, :32] += 2.0          # a block with a large offset (Q4_1's min matters)
base[2, 32:] = 0.0           # an all-zero block (scale 0)
tensors = []                 # (name, qtype, numpy shape, raw bytes)
for name, qt in [("t_f32", Q.F32), ("t_f16", Q.F16), ("t_bf16", Q.BF16), ("t_q8_0", Q.Q8_0),
                 ("t_q4_0", Q.Q4_0), ("t_q4_1", Q.Q4_1)]:
    raw = base if qt == Q.F32 else gguf.quants.quantize(base, qt)
    tensors.append((name, qt, base.shape, raw))
t3 = (np.arange(2 * 3 * 32, dtype=np.float32).reshape(2, 3, 32) - 96) / 8
tensors.append(("t_f32_3d", Q.F32, t3.shape, t3))


def fill_types(w):
    w.add_uint8("k.u8", 200)
    w.add_int8("k.i8", -100)
    w.add_uint16("k.u16", 60000)
    w.add_int16("k.i16", -30000)
    w.add_uint32("k.u32", 4000000000)
    w.add_int32("k.i32", -2000000000)
    w.add_float32("k.f32", 0.1)
    w.add_bool("k.bool", True)
    w.add_string("k.str", "héllo <|im_end|>\n")
    w.add_uint64("k.u64", 2**63 + 5)
    w.add_int64("k.i64", -(2**62) - 3)
    w.add_float64("k.f64", 1e-300)
    w.add_array("k.arr_i32", [1, -2, 3])
    w.add_key_value("k.arr_u8", [0, 255, 7], V.ARRAY, V.UINT8)
    w.add_key_value("k.arr_f32", [0.5, -1.25], V.ARRAY, V.FLOAT32)
    w.add_key_value("k.arr_bool", [True, False, True], V.ARRAY, V.BOOL)
    w.add_array("k.arr_str", ["a", "", "Ġthe", "<|endoftext|>"])
    w.add_key_value("k.arr_arr", [[1, 2], [3]], V.ARRAY, V.ARRAY)
    w.add_custom_alignment(64)
    for name, qt, shape, raw in tensors:
        w.add_tensor(name, raw, raw_dtype=qt)  # quantised: raw is the (rows, bytes per row) uint8 array


write(os.path.join(args.out, "types.gguf"), fill_types)

# read back with the package's reader, dequantise, write the expected values
r = gguf.GGUFReader(os.path.join(args.out, "types.gguf"))
assert r.fields["k.arr_arr"] is not None
with open(os.path.join(args.out, "types.expected.txt"), "w") as f:
    for t in r.tensors:
        deq = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32).reshape(-1)
        f.write(t.name + " " + t.tensor_type.name + " " + " ".join(str(int(d)) for d in t.shape) + "\n")
        f.write(" ".join("%.9g" % v for v in deq) + "\n")
        src = [x for x in tensors if x[0] == t.name][0]
        ref = np.asarray(base if src[1] != Q.F32 or t.name == "t_f32" else t3, np.float32).reshape(-1)
        print("%-9s %-5s max |dequant - original| = %.3g" % (t.name, t.tensor_type.name, np.abs(deq - ref).max()))


# ---- writer_ref.gguf: the same content tests/test_gguf.cpp writes with GGUFFile ----------------
def formula(n, scale):  # exact in fp32 and in C++: ((i * 37) % 101 - 50) * scale
    return np.array([((i * 37) % 101 - 50) * scale for i in range(n)], dtype=np.float32)


def fill_ref(w):
    w.add_uint32("general.file_type", 7)
    w.add_string("general.name", "writer test")
    w.add_float32("llama.rope.freq_base", 100000.0)
    w.add_bool("tokenizer.ggml.add_bos_token", False)
    w.add_array("tokenizer.ggml.tokens", ["<|endoftext|>", "a", "Ġb"])
    w.add_key_value("tokenizer.ggml.token_type", [3, 1, 1], V.ARRAY, V.INT32)
    a = formula(2 * 32, np.float32(0.03125))
    w.add_tensor("w_f32", a.reshape(2, 32), raw_dtype=Q.F32)
    b = formula(3 * 32, np.float32(0.01))
    w.add_tensor("w_f16", b.astype(np.float16).reshape(3, 32), raw_dtype=Q.F16)
    c = formula(2 * 64, np.float32(0.07))
    c[64:96] = 0.0  # an all-zero block
    w.add_tensor("w_q8_0", gguf.quants.quantize(c.reshape(2, 64), Q.Q8_0), raw_dtype=Q.Q8_0)
    d = formula(5, np.float32(1.0))
    w.add_tensor("w_vec", d, raw_dtype=Q.F32)


write(os.path.join(args.out, "writer_ref.gguf"), fill_ref)
for n in ("types.gguf", "types.expected.txt", "writer_ref.gguf"):
    print(n, os.path.getsize(os.path.join(args.out, n)), "bytes")
