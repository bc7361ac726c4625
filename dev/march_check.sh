#!/usr/bin/env bash
# dev/march_check.sh: ./train (the project's flags: -O3 -march=native with the GCC 12 workaround)
# against two other builds of the same code, on the trainer's own paths with realistic inputs: the
# GPT-2 tokenizer on the 10-K, BPE training and the shards of `prepare`, the synthetic corpus of
# `synth`, pretraining, and a memory-sparse inject (background df over 200 batches, top-t slots, SGD).
# - bare: -march=native without the workaround (what the build was before). Every output must be
#   bit-identical: on this CPU, the trainer's code is not hit by the bug, or the bug shows here.
# - v2: -march=x86-64-v2 (SSE4.2, no AVX: no AVX-512 code to miscompile). The integer paths must be
#   bit-identical; float results differ in the last bits (other vector widths, no FMA), so losses
#   are compared as logged and the df entries that a flipped slot choice changes are counted.
# Usage: dev/march_check.sh [OUT_DIR (out/march_check)]   (from the repo root; about 5 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-out/march_check}
rm -rf "$OUT"
mkdir -p "$OUT"
make -s train build/train_x86-64-v2 build/train_bare
ln -sfn ../data build/data  # the trainer reads data/ beside its binary
declare -A BIN=([native]=./train [bare]=build/train_bare [v2]=build/train_x86-64-v2)
fail=0
same() {  # same BUILD WHAT FILE...: BUILD's copy of each FILE is byte-identical to native's
    local b=$1 what=$2; shift 2
    for f in "$@"; do
        if cmp -s "$OUT/native/$f" "$OUT/$b/$f"; then echo "same   $what: $f ($(stat -c %s "$OUT/native/$f") bytes)"
        else echo "DIFFER $what: $f"; fail=1; fi
    done
}
MODEL="--depth 2 --width 128 --heads 2 --context 64 --batch 8 --threads 2 --sample-tokens 0 --seed 7"
MEM="--mem-layers 1 --mem-keys 64 --mem-topk 16 --mem-heads 4 --mem-dk 64"
for b in native bare v2; do
    t=${BIN[$b]}; o=$OUT/$b
    mkdir -p "$o"
    echo "== $b: $t"
    $t encode --tokenizer gpt2 data/3m/3M_2022_10K.txt > "$o/encode_10k.txt"
    $t prepare --data "$o/data" > "$o/prepare.log"
    $t synth --doc data/3m/3M_2022_10K.txt --out "$o/synth" --tokens 300000 --tokenizer "$o/data/tokenizer.bin" > "$o/synth.log"
    # the same data for both pretraining runs (the native build's), so only the code differs
    $t pretrain --data "$OUT/native/data" --steps 100 --val-every 50 --out "$o/base" $MODEL > "$o/pretrain.log"
    # memory-sparse inject: df over 200 batches of general text, top-t slots per step, SGD
    $t inject --init-ckpt "$OUT/native/base/model.bin" --data "$OUT/native/synth" --df-data "$OUT/native/data" \
        --train memory-sparse --topt 200 --steps 30 --out "$o/inject" $MODEL $MEM > "$o/inject.log"
done
echo "== native vs bare (without the workaround): everything"
same bare "tokenizer" encode_10k.txt
same bare "prepare" $(cd "$OUT/native" && ls data/*)
same bare "synth" $(cd "$OUT/native" && ls synth/* | grep -v report.json)
same bare "pretrain" base/model.bin base/state.bin
same bare "inject" inject/model.bin inject/state.bin inject/df.bin
echo "== native vs v2 (x86-64-v2): integer paths"
same v2 "tokenizer" encode_10k.txt
same v2 "prepare" $(cd "$OUT/native" && ls data/*)
same v2 "synth" $(cd "$OUT/native" && ls synth/* | grep -v report.json)
python3 - "$OUT" <<'EOF' || fail=1
import json, struct, sys
out = sys.argv[1]
def load(b, f): return [json.loads(l) for l in open(f"{out}/{b}/{f}")]
# synth's report: the same but for its own path and timings
r = [load(b, "synth/report.json")[0] for b in ("native", "v2")]
for x in r: x.pop("out"); x.pop("seconds")
print("same   synth: report.json (less out and seconds)" if r[0] == r[1] else "DIFFER synth: report.json")
print("== native vs v2: float paths (slot choices from float scores)")
# df.bin: header of 256 int32 ([2] batches), then (L, N) int32
da, db = (open(f"{out}/{b}/inject/df.bin", "rb").read() for b in ("native", "v2"))
n = (len(da) - 1024) // 4
xa, xb = struct.unpack(f"<{n}i", da[1024:]), struct.unpack(f"<{n}i", db[1024:])
nd = sum(p != q for p, q in zip(xa, xb))
print(f"{'same  ' if da == db else 'differ'} df.bin: {struct.unpack('<3i', da[:12])[2]} background batches, "
      f"{sum(v > 0 for v in xa)} of {n} slots touched, {nd} entries differ")
# the training logs: every loss as printed (6 decimals), validation losses too
for f in ("base/log.jsonl", "inject/log.jsonl"):
    a, b = load("native", f), load("v2", f)
    ka = [(x.get("step"), x.get("loss"), x.get("val_loss")) for x in a]
    kb = [(x.get("step"), x.get("loss"), x.get("val_loss")) for x in b]
    d = max(abs((p[1] or 0) - (q[1] or 0)) for p, q in zip(ka, kb))
    print(f"{'same  ' if ka == kb else 'differ'} losses: {f}: {len(ka)} lines, max |diff| {d:.2g} (as logged, 6 decimals)")
sys.exit(0 if r[0] == r[1] else 1)
EOF
# memory-sparse wrote the same rows: the two inject checkpoints' memory values, row by row
./train memory --ckpt "$OUT/native/inject/model.bin" --diff "$OUT/v2/inject/model.bin" | tail -1
if [ $fail = 0 ]; then echo "march_check: bare bit-identical, v2's integer paths bit-identical"; else echo "march_check: DIFFER"; exit 1; fi
