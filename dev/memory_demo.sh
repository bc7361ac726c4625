#!/usr/bin/env bash
# dev/memory_demo.sh: the memory layer's demonstration (issue 5). Attach a product-key memory to a
# small pretrained checkpoint, train it on a small text (Item 1 of 3M's 10-K, ~4k tokens) in
# memory-sparse mode, and compare with full finetuning on the same data and steps: the text's loss
# falls in both, the loss on held-out general text should not move for memory-sparse. A third run
# first warms the memory's query and keys up on general text (--train memory-keys, base frozen)
# to measure whether that phase is needed. Writes OUT/summary.md (a table) and each run's checkpoint.
# Usage: dev/memory_demo.sh [BASE_CKPT (out/3m/base/model.bin)] [OUT (out/memory_demo)]
#        STEPS=N (100) THREADS=N (2) TOPT=N (100) SPARSE_LR=X (1e5)
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-out/3m/base/model.bin}
OUT=${2:-out/memory_demo}
STEPS=${STEPS:-100}
THREADS=${THREADS:-2}
TOK=$(dirname "$BASE")/tokenizer.bin
[ -f "$BASE" ] || { echo "memory_demo: $BASE does not exist (run ./train 3m first, or pass a checkpoint)"; exit 1; }
mkdir -p "$OUT/text"

# the small text, and held-out general text: the last 1% of each corpus book (the corpus's
# validation split is each file's last 2%, which the base never trained on)
awk 'NR >= 275 && /^Item 1A\. Risk Factors\./ { exit } NR >= 275' data/3m/3M_2022_10K.txt > "$OUT/text.txt"
python3 - "$OUT" <<'PY'
import glob, sys
out = sys.argv[1]
parts = []
for f in sorted(glob.glob("data/corpus/*.txt")):
    t = open(f, encoding="utf-8", errors="replace").read()
    parts.append(t[len(t) - len(t) // 100:])
open(out + "/general.txt", "w").write("\n".join(parts))
PY
# the text as a shard (llm.c format: 256 int32 header, magic 20240520, version 1, count; uint16 ids)
./train encode --tokenizer "$TOK" "$OUT/text.txt" > "$OUT/ids.txt"
python3 - "$OUT" <<'PY'
import struct, sys
out = sys.argv[1]
ids = [int(x) for x in open(out + "/ids.txt")]
hdr = [20240520, 1, len(ids)] + [0] * 253
with open(out + "/text/train.bin", "wb") as f:
    f.write(struct.pack("<256i", *hdr)); f.write(struct.pack("<%dH" % len(ids), *ids))
print("text: %d tokens" % len(ids))
PY
cp "$TOK" "$OUT/text/tokenizer.bin"

COMMON=(--data "$OUT/text" --steps "$STEPS" --batch 8 --threads "$THREADS" --val-every 0 --sample-tokens 0 --df-data out/data --df-batches 100)
MEM=(--mem-layers 2 --mem-keys 256 --mem-topk 32 --mem-heads 4 --mem-dk 128)
SPARSE=(--train memory-sparse --lr 1e-2 --sparse-lr "${SPARSE_LR:-1e5}" --topt "${TOPT:-100}")
run() { local name=$1; shift; local t0; t0=$(date +%s)
    if [ ! -f "$OUT/$name/model.bin" ]; then ./train inject "$@" --out "$OUT/$name" > "$OUT/$name.log" 2>&1; fi
    echo "$name: $(( $(date +%s) - t0 )) s"; }
run full --init-ckpt "$BASE" --train full --lr 1e-3 "${COMMON[@]}"
run sparse --init-ckpt "$BASE" "${SPARSE[@]}" "${MEM[@]}" "${COMMON[@]}"
# warm-up: the memory's query, keys and (random) values on general text, base frozen
run warmup --init-ckpt "$BASE" --train memory-keys --lr 1e-3 --data out/data --steps "$STEPS" --batch 8 --threads "$THREADS" --val-every 0 --sample-tokens 0 "${MEM[@]}"
run warm-sparse --init-ckpt "$OUT/warmup/model.bin" "${SPARSE[@]}" "${COMMON[@]}"

loss() { ./train eval --threads "$THREADS" --ckpt "$1" --text "$2" | tail -1 | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["loss"])'; }
{
    echo "# memory-sparse (top-${TOPT:-100} slots, SGD lr ${SPARSE_LR:-1e5}) vs full finetuning on a small text ($STEPS steps, batch 8)"
    echo
    echo "Base: \`$BASE\`. Text: Item 1 of 3M's FY2022 10-K ($(wc -l < "$OUT/ids.txt") tokens). General: the last 1% of each corpus book (held out)."
    echo
    echo "| model | text loss | general loss | general change vs base |"
    echo "|---|---|---|---|"
    g0=$(loss "$BASE" "$OUT/general.txt")
    echo "| base | $(loss "$BASE" "$OUT/text.txt") | $g0 | - |"
    for r in full sparse warmup warm-sparse; do
        g=$(loss "$OUT/$r/model.bin" "$OUT/general.txt")
        echo "| $r | $(loss "$OUT/$r/model.bin" "$OUT/text.txt") | $g | $(python3 -c "print('%+.4f' % ($g - $g0))") |"
    done
    echo
    ./train memory --ckpt "$OUT/warm-sparse/model.bin" --diff "$OUT/warmup/model.bin" | grep differ | sed 's/^/warm-sparse vs warmup: /'
} | tee "$OUT/summary.md"
