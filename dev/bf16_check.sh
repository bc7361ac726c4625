#!/usr/bin/env bash
# dev/bf16_check.sh: the default run (./train, 600 steps) in fp32 and with bf16 matmul operands,
# one after the other on an otherwise idle machine, then the loss curves compared (dev/compare_logs.cpp:
# per-step differences, validation points, a PNG) and the tokens/s of the two runs.
# --dtype bf16 where the CPU has bf16 kernels (AMX / AVX512-BF16), else bf16-emulated (the numerics
# only: the emulated twin is slower than fp32, so its speed means nothing).
# Usage: dev/bf16_check.sh [OUT_DIR (out/bf16_check)]   (from the repo root, after make train)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-out/bf16_check}
mkdir -p "$OUT" build
g++ -std=c++17 -O2 -I. dev/compare_logs.cpp -o build/compare_logs
BF=bf16
if ./train bench --depth 1 --width 64 --context 16 --batch 1 --vocab 64 --steps 1 --dtype bf16 | grep -q "falls back to fp32"; then
    BF=bf16-emulated
    echo "no bf16 kernels on this CPU: comparing fp32 with bf16-emulated (numerics only)"
fi
for d in fp32 "$BF"; do
    ./train --dtype "$d" --out "$OUT/$d" --sample-tokens 0 | tee "$OUT/$d.log" | grep -E "^backend|^done|val loss" || true
done
build/compare_logs "$OUT/fp32/log.jsonl" fp32 "$OUT/$BF/log.jsonl" "$BF" "$OUT/loss.png" | tee "$OUT/compare.txt"
for d in fp32 "$BF"; do
    printf "%s: median tokens/s %s\n" "$d" "$(grep -o '"tok_s": [0-9.]*' "$OUT/$d/log.jsonl" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
done | tee -a "$OUT/compare.txt"
