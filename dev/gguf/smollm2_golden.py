"""smollm2_golden.py: golden values for SmolLM2-135M-Instruct (models/SmolLM2-135M-Instruct.Q4_1.gguf,
from `make smollm2`) that tests/test_gguf.cpp and tests/test_tokenizer.cpp check without Python.

    dev/reference/.venv/bin/python dev/gguf/smollm2_golden.py [--gguf PATH]

Writes:
  tests/fixtures/gguf/smollm2_tensors.txt  per checked tensor: "name TYPE ne0 ne1 count sum sumsq
      sumabs" (float64 sums over all values of gguf.quants.dequantize) then a line of values: the first
      64, then 64 at indices (k * 7919 * 64 + 13) % count for k < 64. %.9g (exact for fp32).
  tests/fixtures/gguf/smollm2_tokens.txt  token ids of Hugging Face `tokenizers` configured as SmolLM2's
      tokenizer (byte-level BPE from the GGUF's tokens and merges; pre-tokenizer Sequence[Split(\\p{N},
      isolated), ByteLevel(no prefix space, GPT-2 regex)]; the 17 control tokens as special added
      tokens): per text file "file count fnv1a64" (FNV-1a/64 of the ids as little-endian uint32),
      per hand-made case "case <hex of the UTF-8 text> <ids comma-separated>", then "first2000" and
      the first 2,000 ids of the 10-K.
It also reports how many ids transformers' own GGUF tokenizer conversion gets wrong on the 10-K.
"""
import argparse
import glob
import os

import sys

import numpy as np
import gguf

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from llama_ref import smollm2_tokenizer  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--gguf", default="models/SmolLM2-135M-Instruct.Q4_1.gguf")
ap.add_argument("--no-transformers", action="store_true", help="skip the transformers comparison")
args = ap.parse_args()
r = gguf.GGUFReader(args.gguf)

# ---- tensors ------------------------------------------------------------------------------------
names = ["token_embd.weight", "blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.0.ffn_down.weight",
         "blk.29.ffn_up.weight", "blk.0.attn_norm.weight", "output_norm.weight"]
by_name = {t.name: t for t in r.tensors}
with open("tests/fixtures/gguf/smollm2_tensors.txt", "w") as f:
    for n in names:
        t = by_name[n]
        v = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32).reshape(-1)
        d = v.astype(np.float64)
        f.write("%s %s %s %d %.17g %.17g %.17g\n" % (n, t.tensor_type.name, " ".join(str(int(x)) for x in t.shape),
                                                     v.size, d.sum(), (d * d).sum(), np.abs(d).sum()))
        idx = list(range(64)) + [(k * 7919 * 64 + 13) % v.size for k in range(64)]
        f.write(" ".join("%.9g" % v[i] for i in idx) + "\n")
        print("%-24s %-5s %9d values, sum %.6g" % (n, t.tensor_type.name, v.size, d.sum()))

# ---- tokenizer ----------------------------------------------------------------------------------
tk = smollm2_tokenizer(r)  # the one construction, shared with the PyTorch oracle (dev/reference/llama_ref.py)


def fnv1a64(ids):
    h = 0xCBF29CE484222325
    for i in ids:
        for b in int(i).to_bytes(4, "little"):
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


files = ["data/3m/3M_2022_10K.txt"] + sorted(glob.glob("data/corpus/*.txt"))
cases = [
    "Hello world! 12345 apples cost $3.50, 1/2 off: ½ ² ٣٤ Ⅻ 10-K FY2022.",
    "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
    "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n",
    "a<|endoftext|>b<repo_name>c<|im_end|><|im_end|> <jupyter_code>x<empty_output>",
    "  leading and trailing spaces   \n\n\ttabs\r\nand    runs of spaces 1 2  3",
    "don't I'll we've they're it's 'S 'LL",
    "Ünïcödé 漢字 😺 ﬁ café naïve",
    "x" * 300 + " " + "=" * 200,
    "3M's 2022 revenue was $34,229 million; EPS $10.18 (vs. $10.12).",
]
ids_10k = None
with open("tests/fixtures/gguf/smollm2_tokens.txt", "w") as f:
    f.write("# dev/gguf/smollm2_golden.py: SmolLM2 token ids from Hugging Face tokenizers (see the script)\n")
    for p in files:
        text = open(p, encoding="utf-8").read()
        ids = tk.encode(text, add_special_tokens=False).ids
        assert tk.decode(ids, skip_special_tokens=False) == text, p
        if ids_10k is None:
            ids_10k, text_10k = ids, text
        f.write("file %s %d %016x\n" % (p, len(ids), fnv1a64(ids)))
        print("%-40s %9d bytes %8d tokens" % (p, len(text.encode()), len(ids)))
    for c in cases:
        ids = tk.encode(c, add_special_tokens=False).ids
        f.write("case %s %s\n" % (c.encode().hex(), ",".join(map(str, ids))))
    f.write("first2000 " + ",".join(map(str, ids_10k[:2000])) + "\n")

if not args.no_transformers:
    from transformers import AutoTokenizer
    d, base = os.path.split(os.path.abspath(args.gguf))
    ht = AutoTokenizer.from_pretrained(d, gguf_file=base)
    hid = ht(text_10k, add_special_tokens=False)["input_ids"]
    first = next((i for i, (a, b) in enumerate(zip(hid, ids_10k)) if a != b), min(len(hid), len(ids_10k)))
    n5 = sum(a != b for a, b in zip(hid[:5100], ids_10k[:5100]))
    print("transformers' GGUF tokenizer on the 10-K: %d ids (tokenizers: %d); first difference at id %d; "
          "%d of the first 5,100 positions differ" % (len(hid), len(ids_10k), first, n5))
