#!/usr/bin/env bash
# side_by_side.sh: the same GPT-2 training step timed in this project (./train bench) and in
# PyTorch eager on the CPU (dev/bench/torch_step.py), alternating, several runs each, in one
# invocation; prints both medians of tokens/s and the ratio ours/pytorch.
#
#   dev/bench/side_by_side.sh [--runs 3] [--depth 6] [--width 384] [--heads 6] [--context 256]
#                             [--batch 8] [--vocab 8192] [--steps 5] [--threads 2]
#
# Needs ./train (build it first) and the reference venv (dev/reference/README.md); TRAIN=path
# and PYTHON=path override where they are looked for. Each program's last output line must be a
# JSON object with tokens_per_s. Both use --threads threads (./train via OMP_NUM_THREADS).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=3 DEPTH=6 WIDTH=384 HEADS=6 CONTEXT=256 BATCH=8 VOCAB=8192 STEPS=5 THREADS=2
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 2; }
    case "$1" in
        --runs) RUNS=$2 ;; --depth) DEPTH=$2 ;; --width) WIDTH=$2 ;; --heads) HEADS=$2 ;;
        --context) CONTEXT=$2 ;; --batch) BATCH=$2 ;; --vocab) VOCAB=$2 ;; --steps) STEPS=$2 ;;
        --threads) THREADS=$2 ;;
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

CFG=(--depth "$DEPTH" --width "$WIDTH" --heads "$HEADS" --context "$CONTEXT" --batch "$BATCH" --vocab "$VOCAB" --steps "$STEPS")
LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT

# last line of a program's output -> its tokens_per_s
tps() { tail -n 1 "$1" | "$PYTHON" -c 'import json,sys; print(json.loads(sys.stdin.read())["tokens_per_s"])'; }

OURS=() THEIRS=()
echo "config: ${CFG[*]} threads $THREADS, $RUNS runs each, alternating"
for i in $(seq 1 "$RUNS"); do
    OMP_NUM_THREADS=$THREADS "$TRAIN" bench "${CFG[@]}" > "$LOG/ours.$i" 2>&1 \
        || { echo "error: $TRAIN bench failed:" >&2; tail -n 20 "$LOG/ours.$i" >&2; exit 1; }
    o=$(tps "$LOG/ours.$i") || { echo "error: no tokens_per_s JSON on the last line of $TRAIN bench" >&2; tail -n 5 "$LOG/ours.$i" >&2; exit 1; }
    OMP_NUM_THREADS=$THREADS "$PYTHON" dev/bench/torch_step.py "${CFG[@]}" --threads "$THREADS" > "$LOG/torch.$i" 2>&1 \
        || { echo "error: torch_step.py failed:" >&2; tail -n 20 "$LOG/torch.$i" >&2; exit 1; }
    t=$(tps "$LOG/torch.$i")
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
