#!/usr/bin/env bash
# side_by_side.sh: the same training step timed in this project (./train bench) and in PyTorch
# eager on the CPU, alternating, several runs each, in one invocation; prints both medians of
# tokens/s and the ratio ours/pytorch.
#   GPT-2 (default): ./train bench on one config vs dev/bench/torch_step.py
#   --smollm2:       SmolLM2-135M-Instruct's full finetuning step (batch 4, context 256):
#                    ./train bench --smollm2 (random weights of its shape) vs
#                    dev/bench/torch_llama_step.py (transformers' LlamaForCausalLM on the GGUF's weights)
#   --dtype bf16:    ./train --dtype bf16 vs torch.autocast("cpu", bfloat16); both keep fp32 masters
#
#   dev/bench/side_by_side.sh [--runs 3] [--dtype fp32|bf16] [--smollm2] [--depth 6] [--width 384]
#                             [--heads 6] [--context 256] [--batch 8] [--vocab 8192] [--steps 5] [--threads 2]
#
# Needs ./train (build it first), the reference venv (dev/reference/README.md) and, for --smollm2,
# make smollm2; TRAIN=path and PYTHON=path override where they are looked for. Each program's last
# output line must be a JSON object with tokens_per_s (ours: smollm2_full_tokens_per_s for
# --smollm2). Both use --threads threads (./train via OMP_NUM_THREADS).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=3 DEPTH=6 WIDTH=384 HEADS=6 CONTEXT=256 BATCH=8 VOCAB=8192 STEPS=5 THREADS=2 DTYPE=fp32 SMOLLM2=0
while [ $# -gt 0 ]; do
    if [ "$1" = --smollm2 ]; then SMOLLM2=1; shift; continue; fi
    [ $# -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 2; }
    case "$1" in
        --runs) RUNS=$2 ;; --depth) DEPTH=$2 ;; --width) WIDTH=$2 ;; --heads) HEADS=$2 ;;
        --context) CONTEXT=$2 ;; --batch) BATCH=$2 ;; --vocab) VOCAB=$2 ;; --steps) STEPS=$2 ;;
        --threads) THREADS=$2 ;; --dtype) DTYPE=$2 ;;
        *) echo "error: unknown flag $1 (see the header of $0)" >&2; exit 2 ;;
    esac
    shift 2
done

TRAIN=${TRAIN:-./train}
if [ -z "${PYTHON:-}" ]; then
    if [ -x dev/reference/.venv/bin/python ]; then PYTHON=dev/reference/.venv/bin/python; else PYTHON=python3; fi
fi
[ -x "$TRAIN" ] || { echo "error: $TRAIN not found or not executable: build it first" >&2; exit 1; }
"$PYTHON" -c "import torch" 2>/dev/null || { echo "error: $PYTHON cannot import torch: see dev/reference/README.md" >&2; exit 1; }

case "$DTYPE" in fp32|bf16) ;; *) echo "error: --dtype is fp32 or bf16, not $DTYPE" >&2; exit 2 ;; esac
if [ "$SMOLLM2" = 1 ]; then
    GGUF=models/SmolLM2-135M-Instruct.Q4_1.gguf
    [ -f "$GGUF" ] || { echo "error: $GGUF not found: run make smollm2" >&2; exit 1; }
    OURS_CMD=("$TRAIN" bench --smollm2 --steps "$STEPS" --dtype "$DTYPE" --threads "$THREADS") KEY=smollm2_full_tokens_per_s
    TORCH_CMD=(dev/bench/torch_llama_step.py --gguf "$GGUF" --batch 4 --context 256 --mode full --dtype "$DTYPE" --steps "$STEPS" --threads "$THREADS")
    CFG="SmolLM2-135M full finetuning, batch 4, context 256, steps $STEPS, $DTYPE"
else
    SHAPE=(--depth "$DEPTH" --width "$WIDTH" --heads "$HEADS" --context "$CONTEXT" --batch "$BATCH" --vocab "$VOCAB" --steps "$STEPS")
    OURS_CMD=("$TRAIN" bench "${SHAPE[@]}" --dtype "$DTYPE") KEY=tokens_per_s
    TORCH_CMD=(dev/bench/torch_step.py "${SHAPE[@]}" --threads "$THREADS" --dtype "$DTYPE")
    CFG="${SHAPE[*]} $DTYPE"
fi
LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT

# last line of a program's output -> its value of key $2
tps() { tail -n 1 "$1" | "$PYTHON" -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$2"; }

OURS=() THEIRS=()
echo "config: $CFG, threads $THREADS, $RUNS runs each, alternating"
for i in $(seq 1 "$RUNS"); do
    OMP_NUM_THREADS=$THREADS "${OURS_CMD[@]}" > "$LOG/ours.$i" 2>&1 \
        || { echo "error: $TRAIN bench failed:" >&2; tail -n 20 "$LOG/ours.$i" >&2; exit 1; }
    grep -q "falls back to fp32" "$LOG/ours.$i" && { echo "error: this CPU has no bf16 kernels: $(grep -m1 'falls back' "$LOG/ours.$i")" >&2; exit 1; }
    o=$(tps "$LOG/ours.$i" "$KEY") || { echo "error: no $KEY in the JSON on the last line of $TRAIN bench" >&2; tail -n 5 "$LOG/ours.$i" >&2; exit 1; }
    OMP_NUM_THREADS=$THREADS "$PYTHON" "${TORCH_CMD[@]}" > "$LOG/torch.$i" 2>&1 \
        || { echo "error: ${TORCH_CMD[0]} failed:" >&2; tail -n 20 "$LOG/torch.$i" >&2; exit 1; }
    t=$(tps "$LOG/torch.$i" tokens_per_s)
    echo "run $i: ours $o tok/s, pytorch $t tok/s"
    OURS+=("$o") THEIRS+=("$t")
done

"$PYTHON" - "${#OURS[@]}" "${OURS[@]}" "${THEIRS[@]}" <<'PY'
import json, statistics, sys
n = int(sys.argv[1])
ours = [float(v) for v in sys.argv[2:2 + n]]
theirs = [float(v) for v in sys.argv[2 + n:2 + 2 * n]]
mo, mt = statistics.median(ours), statistics.median(theirs)
print(f"median tokens/s: ours {mo:.1f}, pytorch {mt:.1f}, ratio ours/pytorch {mo / mt:.3f}")
print(json.dumps({"ours_tokens_per_s": mo, "pytorch_tokens_per_s": mt, "ratio": round(mo / mt, 4),
                  "ours_runs": ours, "pytorch_runs": theirs}))
PY
