#!/usr/bin/env bash
# dev/neuralfs.sh: the memory as a file system on SmolLM2-135M-Instruct (issue 21). Writes 3M's
# FY2022 10-K (pages 25-48: MD&A's segment results through the income statement) and then its FY2018
# 10-K (pages 21-44: the same sections four years earlier) into one sparse memory, each with
# --doc-name; lists the ledger; erases each document in turn; and scores every model on both page
# ranges' loss, held-out general text, the 2022 questions whose evidence lies in its pages (closed
# book, dev and held-out pooled) and the 80 questions of data/3m/qa_2018.jsonl on the 2018 pages.
# Writes OUT/report.md.
# Usage: dev/neuralfs.sh [OUT (out/neuralfs)]    STEPS=N (300) THREADS=N (2)
#        EXCLUSIVE=1: the 2018 write keeps clear of the 2022 rows (--mem-exclusive)
#        GENERAL=DIR: general text in SmolLM2's tokens (default: prepared into OUT/general)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-out/neuralfs}
STEPS=${STEPS:-300}
THREADS=${THREADS:-2}
G=models/SmolLM2-135M-Instruct.Q4_1.gguf
[ -f $G ] || make smollm2
mkdir -p "$OUT"
GENERAL=${GENERAL:-$OUT/general}
[ -f "$GENERAL/train.bin" ] || ./train prepare --tokenizer $G --data "$GENERAL" --threads "$THREADS"
# the pages as text, held-out general text (the last 1% of each corpus book), the 2022 questions
# whose evidence lies in its pages
python3 - "$OUT" <<'PY'
import glob, json, re, sys
out = sys.argv[1]
norm = lambda s: re.sub(r"\s+", " ", s)
for year, a, b in (("2022", 25, 48), ("2018", 21, 44)):
    pages = open(f"data/3m/3M_{year}_10K.txt", encoding="utf-8").read().split("\f")
    open(f"{out}/pages_{year}.txt", "w").write("\f".join(pages[a - 1:b]))
region = norm(open(f"{out}/pages_2022.txt").read())
qs = [json.loads(l) for f in ("data/3m/qa.jsonl", "data/3m/qa_heldout.jsonl") for l in open(f) if l.strip()]
inr = [q for q in qs if q.get("evidence") and norm(q["evidence"]) in region]
open(f"{out}/qa_2022_pages.jsonl", "w").write("".join(json.dumps(q) + "\n" for q in inr))
parts = []
for f in sorted(glob.glob("data/corpus/*.txt")):
    t = open(f, encoding="utf-8", errors="replace").read()
    parts.append(t[len(t) - len(t) // 100:])
open(f"{out}/general.txt", "w").write("\n".join(parts))
PY
MEM="--mem-layers 15 --mem-keys 512 --mem-dk 128 --sparse-lr 1000000 --df-data $GENERAL --df-batches 50"
RUN="--context 256 --batch 4 --steps $STEPS --dtype bf16 --val-every 0 --sample-tokens 0 --threads $THREADS"
for y in 2022 2018; do
    pages=25-48; [ $y = 2018 ] && pages=21-44
    [ -f "$OUT/synth_$y/report.json" ] || ./train synth --doc data/3m/3M_${y}_10K.txt --pages $pages --ckpt $G \
        --out "$OUT/synth_$y" --tokens $((STEPS * 4 * 256)) --context 256 --replay-data "$GENERAL"
done
[ -f "$OUT/m2022/ledger.bin" ] || ./train inject --init-ckpt $G --data "$OUT/synth_2022" --doc-name 3M_2022 --out "$OUT/m2022" $MEM $RUN
[ -f "$OUT/m2022_2018/ledger.bin" ] || ./train inject --init-ckpt "$OUT/m2022/model.bin" --data "$OUT/synth_2018" --doc-name 3M_2018 \
    --out "$OUT/m2022_2018" $MEM $RUN ${EXCLUSIVE:+--mem-exclusive}
./train memory --ckpt "$OUT/m2022_2018/model.bin" --docs --map "$OUT/slot_map.png" | tee "$OUT/docs.txt"
./train memory --ckpt "$OUT/m2022_2018/model.bin" --erase 3M_2018 --out "$OUT/erase_2018" | tee "$OUT/erase_2018.txt"
./train memory --ckpt "$OUT/m2022_2018/model.bin" --erase 3M_2022 --out "$OUT/erase_2022" | tee "$OUT/erase_2022.txt"
./train memory --ckpt "$OUT/m2022/model.bin" --erase 3M_2022 --out "$OUT/empty" | tee "$OUT/empty.txt"
num() { tail -1 | python3 -c "import json,sys; print('%.4f' % json.load(sys.stdin)['$1'])"; }
{
    echo "# The memory as a file system: two 10-Ks in one memory (SmolLM2-135M-Instruct)"
    echo
    echo "Each document: $STEPS steps of 4 x 256 tokens of its synthetic corpus, memory-sparse (512^2 slots beside block 15's MLP, 10,000 slots a step, SGD 1e6, --dtype bf16: AMX or AVX512-BF16 kernels where the CPU has them, else fp32)."
    echo "QA: the $(wc -l < "$OUT/qa_2022_pages.jsonl") questions of data/3m/qa.jsonl and qa_heldout.jsonl whose evidence lies in the 2022 pages, and the $(wc -l < data/3m/qa_2018.jsonl) of data/3m/qa_2018.jsonl on the 2018 pages; closed book."
    echo
    echo '```'; cat "$OUT/docs.txt" "$OUT/erase_2018.txt" "$OUT/erase_2022.txt" "$OUT/empty.txt"; echo '```'
    echo
    i=0
    echo "| model | 2022 pages' loss | 2018 pages' loss | general loss | 2022 QA | 2018 QA |"
    echo "|---|---|---|---|---|---|"
    for m in base:$G "2022 written:$OUT/m2022/model.bin" "2022 then 2018:$OUT/m2022_2018/model.bin" "2018 erased:$OUT/erase_2018/model.bin" \
             "2022 erased:$OUT/erase_2022/model.bin" "2022 written, then erased (the only document):$OUT/empty/model.bin"; do
        name=${m%%:*}; ck=${m#*:}; i=$((i + 1))
        a=$(./train eval --ckpt "$ck" --text "$OUT/pages_2022.txt" --context 256 --threads "$THREADS" | num loss)
        b=$(./train eval --ckpt "$ck" --text "$OUT/pages_2018.txt" --context 256 --threads "$THREADS" | num loss)
        g=$(./train eval --ckpt "$ck" --text "$OUT/general.txt" --context 256 --threads "$THREADS" | num loss)
        q=$(./train eval --ckpt "$ck" --qa "$OUT/qa_2022_pages.jsonl" --threads "$THREADS" --answers "$OUT/answers_$i.jsonl" | num accuracy)
        r=$(./train eval --ckpt "$ck" --qa data/3m/qa_2018.jsonl --threads "$THREADS" | num accuracy)
        echo "| $name | $a | $b | $g | $q | $r |"
    done
    # the 2022 questions that flip when the 2018 report is written into the same memory
    python3 - "$OUT/answers_2.jsonl" "$OUT/answers_3.jsonl" <<'PY'
import json, sys
a, b = ([json.loads(l) for l in open(f)] for f in sys.argv[1:3])
lost = [x for x, y in zip(a, b) if x["correct"] and not y["correct"]]
won = [x for x, y in zip(a, b) if y["correct"] and not x["correct"]]
print(f"\nWriting 2018 after 2022 flips {len(lost) + len(won)} of {len(a)} 2022 questions: {len(lost)} right to wrong, {len(won)} wrong to right.\n")
for x in lost: print(f"- lost: {x['question']}")
for x in won: print(f"- gained: {x['question']}")
PY
} > "$OUT/report.md"
cat "$OUT/report.md"
