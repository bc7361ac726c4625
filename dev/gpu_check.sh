#!/usr/bin/env bash
# dev/gpu_check.sh: everything that needs a GPU, in one go (about 6-9 minutes on one H200):
#   1. nvidia-smi, and the GPU's compute capability (the CUDA builds target only that arch)
#   2. make train (the CPU trainer) and the CUDA builds: tests/run_tests_cuda, build/cuda/*
#   3. the CUDA test suite (kernels vs CPU twins, the GPU model vs the PyTorch vectors, determinism),
#      then ./train --device cuda: the trainer's own GPU path for 200 steps of the default model,
#      then sparse memory finetuning and LoRA of that model on the GPU (inject, 50 steps each)
#   3d. SmolLM2-135M (the Llama family; models/, from `make smollm2`) on the GPU: its loss on the
#      first 100 kB of the 3M 2022 10-K under ./train eval (CPU, fp32) and build/cuda/eval_text (the
#      same windows on the GPU, bf16), which must agree within SMOL_LOSS_TOL nats (0.05; the CPU
#      emulator of the GPU measured 0.005 over the first 1.5 kB) on the same token count; then ./train inject --device cuda of it, --train full and memory-sparse (a memory
#      beside block 15), 20 steps of 4 x 1024 tokens each: tokens/s
#   4. the GPT-2 124M training-step benchmark (B x T = 16 x 1024; 8 x 1024 if that fails):
#      ms/step, tokens/s, MFU against the GPU's dense bf16 peak
#   5. if time is left: the dev/cuda kernel benchmarks (layernorm, attention, classifier, matmul)
# Logs go to $OUT (when set) or out/gpu_check/; a summary table ends the output.
# Exit status 0 when the builds, the tests and the benchmark all passed.
# Usage: dev/gpu_check.sh   (from anywhere; it cd's to the repo root)
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_DIR="${OUT:-out/gpu_check}"
mkdir -p "$LOG_DIR"
BUDGET_S=${GPU_CHECK_BUDGET_S:-650}   # the optional kernel benchmarks end by this many seconds
START=$(date +%s)
JOBS=$(nproc 2>/dev/null || echo 4)
STEPS=()      # "name|status|seconds|log"
FAILED=0
LAST_RC=0

elapsed() { echo $(( $(date +%s) - START )); }

# run_step NAME TIMEOUT_S REQUIRED(1/0) CMD...: runs CMD with a timeout, output to console and log
run_step() {
    local name=$1 limit=$2 required=$3; shift 3
    local log="$LOG_DIR/$name.log" t0 rc status
    t0=$(date +%s)
    echo "=== [$name] $* (timeout ${limit}s, log $log)"
    set +e
    timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    LAST_RC=$rc
    if [ "$rc" -eq 0 ]; then status=ok
    elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then status="TIMEOUT"
    else status="FAIL($rc)"; fi
    if [ "$rc" -ne 0 ] && [ "$required" = 1 ]; then FAILED=1; fi
    [ "$required" = 1 ] || status="$status (optional)"
    STEPS+=("$name|$status|$(( $(date +%s) - t0 ))|$log")
    return 0
}
skip_step() { STEPS+=("$1|skipped: $2|0|-"); echo "=== [$1] skipped: $2"; }

# ---- 1. the GPU
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi >/dev/null 2>&1; then
    echo "gpu_check: nvidia-smi does not work here: no GPU to check" | tee "$LOG_DIR/summary.txt"
    exit 1
fi
run_step nvidia-smi 30 1 nvidia-smi
CC=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .' || true)
GPU_NAME=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1 || true)
if [[ "$CC" =~ ^[0-9]+$ ]]; then ARCH="-gencode arch=compute_${CC},code=sm_${CC}"; else ARCH="-gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90"; fi
echo "GPU: $GPU_NAME (compute capability ${CC:-?}); CUDA_ARCH=$ARCH; $JOBS build jobs"

# the Makefile includes cuda.mk once the lead has wired it; until then include it here
if grep -qE '^[[:space:]]*-?include[[:space:]]+cuda\.mk' Makefile; then MK=(make); else MK=(make -f Makefile -f cuda.mk); fi

# ---- 2. builds (stale binaries from an earlier run must not stand in for a failed build)
rm -f tests/run_tests_cuda build/cuda/bench_gpt2 build/cuda/eval_text build/cuda/layernorm build/cuda/attention build/cuda/classifier build/cuda/matmul
# the CPU trainer builds in the background while nvcc runs (they share no targets)
(
    set +e
    timeout --kill-after=10 300 "${MK[@]}" train > "$LOG_DIR/build-train.log" 2>&1
    echo $? > "$LOG_DIR/build-train.rc"
) &
TRAIN_PID=$!
T_TRAIN0=$(date +%s)
run_step build-cuda 420 1 "${MK[@]}" -j"$JOBS" CUDA_ARCH="$ARCH" tests/run_tests_cuda build/cuda/bench_gpt2 build/cuda/eval_text \
    build/cuda/layernorm build/cuda/attention build/cuda/classifier build/cuda/matmul

wait "$TRAIN_PID" || true
rc=$(cat "$LOG_DIR/build-train.rc" 2>/dev/null || echo 1)
echo "=== [build-train] make train: exit $rc (log $LOG_DIR/build-train.log)"
tail -3 "$LOG_DIR/build-train.log" || true
if [ "$rc" -eq 0 ]; then st="ok (optional)"; else st="FAIL($rc) (optional)"; fi
STEPS+=("build-train|$st|$(( $(date +%s) - T_TRAIN0 ))|$LOG_DIR/build-train.log")

# ---- 3. the CUDA tests
if [ -x tests/run_tests_cuda ]; then
    run_step cuda-tests 300 1 ./tests/run_tests_cuda
else
    skip_step cuda-tests "tests/run_tests_cuda was not built"; FAILED=1
fi

# ---- 3b. the trainer itself on the GPU: ./train --device cuda (the default model, 200 steps)
if [ "$rc" -eq 0 ] && [ -x ./train ]; then
    run_step train-cuda 180 1 ./train --device cuda --steps 200 --val-every 100 --sample-tokens 32 --out out/gpu_check_train
else
    skip_step train-cuda "make train failed"; FAILED=1
fi

# ---- 3c. sparse memory finetuning on the GPU: a memory beside block 2's MLP of the model just trained
if [ -f out/gpu_check_train/model.bin ]; then
    run_step memory-sparse-cuda 120 1 ./train inject --device cuda --init-ckpt out/gpu_check_train/model.bin --data out/data \
        --df-data out/data --df-batches 20 --train memory-sparse --mem-layers 2 --steps 50 --val-every 25 --sample-tokens 0 \
        --out out/gpu_check_memory
    run_step lora-cuda 120 1 ./train inject --device cuda --init-ckpt out/gpu_check_train/model.bin --data out/data \
        --train lora --lora-rank 16 --steps 50 --val-every 25 --sample-tokens 0 --out out/gpu_check_lora
else
    skip_step memory-sparse-cuda "no checkpoint from train-cuda"; FAILED=1
fi

# ---- 3d. SmolLM2-135M on the GPU: eval loss against the CPU's, then training speed (full, memory-sparse)
SMOL=models/SmolLM2-135M-Instruct.Q4_1.gguf
SMOL_LOSS_TOL=${SMOL_LOSS_TOL:-0.05}
SMOL_DATA=out/gpu_check_smollm2_data
# json_num LOG KEY: KEY's value in the last line of LOG that has it ({"loss": L, "tokens": N}, as ./train eval prints)
json_num() { grep -oE "\"$2\": *[-+0-9.eEnaif]+" "$1" 2>/dev/null | tail -1 | sed 's/.*: *//'; }
# median_tok_s LOG: the median tok/s of the step lines after the first two (warm-up)
median_tok_s() { grep -oE '[0-9.]+ tok/s' "$1" 2>/dev/null | awk 'NR > 2 { print $1 }' | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
[ -f "$SMOL" ] || run_step smollm2-fetch 300 0 "${MK[@]}" smollm2
if [ ! -f "$SMOL" ]; then
    skip_step smollm2 "no $SMOL (make smollm2 fetches it; it needs network)"
elif [ "$rc" -ne 0 ] || [ ! -x ./train ]; then
    skip_step smollm2 "make train failed"; FAILED=1
else
    SMOL_TEXT="$LOG_DIR/smollm2_text.txt"
    head -c 100000 data/3m/3M_2022_10K.txt > "$SMOL_TEXT"
    run_step smollm2-eval-cpu 300 1 ./train eval --ckpt "$SMOL" --text "$SMOL_TEXT"
    if [ -x build/cuda/eval_text ]; then
        run_step smollm2-eval-cuda 120 1 ./build/cuda/eval_text "$SMOL" "$SMOL_TEXT"
    else
        skip_step smollm2-eval-cuda "build/cuda/eval_text was not built"; FAILED=1
    fi
    L_CPU=$(json_num "$LOG_DIR/smollm2-eval-cpu.log" loss); L_GPU=$(json_num "$LOG_DIR/smollm2-eval-cuda.log" loss)
    N_CPU=$(json_num "$LOG_DIR/smollm2-eval-cpu.log" tokens); N_GPU=$(json_num "$LOG_DIR/smollm2-eval-cuda.log" tokens)
    if [ -n "$L_CPU" ] && [ -n "$L_GPU" ] && [ "$N_CPU" = "$N_GPU" ] &&
        awk -v a="$L_CPU" -v b="$L_GPU" -v t="$SMOL_LOSS_TOL" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; then
        st=ok
    else
        st=FAIL; FAILED=1
    fi
    echo "smollm2 eval loss: cpu ${L_CPU:-?} (${N_CPU:-?} tokens), cuda ${L_GPU:-?} (${N_GPU:-?} tokens), tolerance $SMOL_LOSS_TOL: $st" \
        | tee "$LOG_DIR/smollm2-eval-compare.log"
    STEPS+=("smollm2-eval-cmp|$st|0|$LOG_DIR/smollm2-eval-compare.log")
    # training speed: the corpus in SmolLM2's tokenizer, then 20 steps of each mode from the GGUF
    run_step smollm2-prepare 300 1 ./train prepare --tokenizer "$SMOL" --data "$SMOL_DATA"
    for mode in full memory-sparse; do
        extra=()
        if [ "$mode" = memory-sparse ]; then extra=(--mem-layers 15 --df-data "$SMOL_DATA" --df-batches 20); fi
        run_step "smollm2-$mode-cuda" 300 1 ./train inject --device cuda --init-ckpt "$SMOL" --data "$SMOL_DATA" \
            --train "$mode" ${extra[@]+"${extra[@]}"} --batch 4 --context 1024 --steps 20 --warmup 2 --lr 1e-4 \
            --val-every 0 --sample-tokens 0 --out "out/gpu_check_smollm2_$mode"
        echo "smollm2 $mode on the GPU: median $(median_tok_s "$LOG_DIR/smollm2-$mode-cuda.log") tok/s (steps 3-20, B x T = 4 x 1024)" \
            | tee -a "$LOG_DIR/smollm2-speed.log"
    done
fi

# ---- 4. the GPT-2 124M benchmark
if [ -x build/cuda/bench_gpt2 ]; then
    run_step bench-gpt2 240 0 ./build/cuda/bench_gpt2 16 1024 10
    if [ "$LAST_RC" -ne 0 ] || ! grep -q '^{"gpu"' "$LOG_DIR/bench-gpt2.log"; then
        echo "the benchmark at B=16 failed; retrying at B=8"
        run_step bench-gpt2-b8 180 1 ./build/cuda/bench_gpt2 8 1024 10
    fi
else
    skip_step bench-gpt2 "build/cuda/bench_gpt2 was not built"; FAILED=1
fi

# ---- 5. kernel benchmarks, while time is left
for spec in "layernorm" "attention 4 1024 12 64" "classifier" "matmul"; do
    read -r -a parts <<< "$spec"
    name=dev-${parts[0]}
    bin=build/cuda/${parts[0]}
    left=$(( BUDGET_S - $(elapsed) ))
    if [ "$left" -lt 20 ]; then skip_step "$name" "time budget (${BUDGET_S}s) used"; continue; fi
    if [ ! -x "$bin" ]; then skip_step "$name" "$bin not built"; continue; fi
    run_step "$name" $(( left < 90 ? left : 90 )) 0 "$bin" "${parts[@]:1}"
done

# ---- summary
{
    echo
    echo "==================== gpu_check summary ($(elapsed) s, $GPU_NAME) ===================="
    printf "%-28s %-26s %6s  %s\n" step status seconds log
    for s in "${STEPS[@]}"; do IFS='|' read -r n st sec lg <<< "$s"; printf "%-28s %-26s %6s  %s\n" "$n" "$st" "$sec" "$lg"; done
    echo
    if [ -f "$LOG_DIR/cuda-tests.log" ]; then
        echo "cuda tests: $(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$LOG_DIR/cuda-tests.log" | tail -1)"
    fi
    if [ -f "$LOG_DIR/train-cuda.log" ]; then
        grep -E '^backend|^step +200/|val loss' "$LOG_DIR/train-cuda.log" | sed "s/^/train-cuda: /" || true
    fi
    for r in memory-sparse-cuda lora-cuda; do
        if [ -f "$LOG_DIR/$r.log" ]; then
            grep -E '^backend|^step +50/|val loss|frozen weights' "$LOG_DIR/$r.log" | sed "s/^/$r: /" || true
        fi
    done
    if [ -f "$LOG_DIR/smollm2-eval-compare.log" ]; then sed "s/^/smollm2: /" "$LOG_DIR/smollm2-eval-compare.log"; fi
    for r in smollm2-full-cuda smollm2-memory-sparse-cuda; do
        if [ -f "$LOG_DIR/$r.log" ]; then
            grep -E '^backend|^step +20/|frozen weights' "$LOG_DIR/$r.log" | sed "s/^/$r: /" || true
        fi
    done
    if [ -f "$LOG_DIR/smollm2-speed.log" ]; then sed "s/^/smollm2: /" "$LOG_DIR/smollm2-speed.log"; fi
    for b in bench-gpt2 bench-gpt2-b8; do
        if [ -f "$LOG_DIR/$b.log" ]; then
            grep -E 'timed steps|phases of one step' "$LOG_DIR/$b.log" | sed "s/^/$b: /" || true
            grep -E '^\{"gpu"' "$LOG_DIR/$b.log" | sed "s/^/$b: /" || true
        fi
    done
    for d in dev-layernorm dev-attention dev-classifier dev-matmul; do
        if [ -f "$LOG_DIR/$d.log" ]; then
            grep -E 'all (versions|paths) correct|MISMATCHES' "$LOG_DIR/$d.log" | sed "s/^/$d: /" || true
        fi
    done
    if [ $FAILED -eq 0 ]; then echo "RESULT: PASS"; else echo "RESULT: FAIL (see the logs above)"; fi
} | tee "$LOG_DIR/summary.txt"
exit $FAILED
