#!/usr/bin/env bash
# dev/soak.sh: a long training run in save/resume cycles, checking that memory stays flat and that
# nothing the run writes is ever damaged.
#
#   dev/soak.sh [--steps N (3000)] [--cycle N (300)] [--train PATH (./train)] [--dir DIR] [--keep]
#
# 1. an uninterrupted reference run of N steps, its RSS sampled every 0.1 s: after warm-up (the
#    first 20% of its samples; the last 5% are the loss plot drawn at the end) the RSS of the last
#    quarter must stay within 5% + 4 MiB of the first quarter's (a leak of a few KiB per step shows
#    up as steady growth; the loss history kept for the plot is 32 bytes per step);
# 2. the same N steps in cycles of about CYCLE steps, each cycle a new process that resumes the
#    last; cycles end in turn by --stop-after, SIGTERM, SIGINT and SIGKILL at a random moment.
#    After every cycle: exit status as expected, model.bin loads and evaluates, log.jsonl holds
#    each step up to the checkpoint exactly once, no temp file is left once the next run starts;
# 3. at the end the cycled run's losses and model.bin are bit-identical to the reference's, and
#    every process's peak RSS is within 5% + 4 MiB of the reference's.
# Prints a summary (RSS figures in MiB) and exits non-zero on the first failure. Needs python3.
# The model is tiny (depth 2, width 32, context 32): N steps take about N * 3 ms of CPU.
set -euo pipefail
steps=3000 cycle=300 train=./train dir="" keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --steps) steps=$2; shift 2 ;;
        --cycle) cycle=$2; shift 2 ;;
        --train) train=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "usage: dev/soak.sh [--steps N] [--cycle N] [--train PATH] [--dir DIR] [--keep]" >&2; exit 2 ;;
    esac
done
[ -x "$train" ] || { echo "soak: $train is not built (make train)" >&2; exit 2; }
dir=${dir:-/tmp/soak_$$}
rm -rf "$dir" && mkdir -p "$dir"
[ $keep = 1 ] || trap 'rm -rf "$dir"' EXIT
fail() { echo "soak: FAIL: $*" >&2; exit 1; }

"$train" prepare --corpus tests/fixtures/corpus --data "$dir/data" --vocab 512 --threads 1 >/dev/null
args="pretrain --data $dir/data --steps $steps --save-every 25 --depth 2 --width 32 --heads 2 --context 32
      --batch 4 --threads 1 --val-every 500 --val-batches 2 --sample-tokens 0"

# runs the trainer in the background, samples its RSS (KiB) into $1.rss; $! is the trainer
start() {  # start TAG EXTRA_ARGS...
    local tag=$1; shift
    "$train" $args "$@" >"$dir/$tag.out" 2>"$dir/$tag.err" &
    local pid=$!
    ( while kill -0 $pid 2>/dev/null; do
          awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || true
          sleep 0.1
      done ) >"$dir/$tag.rss" &
    TRAIN_PID=$pid SAMPLER_PID=$!
}
peak_kib() { sort -n "$1" | tail -1; }
logged_step() {  # the highest step with a loss in a log (lines are in step order)
    { grep -o '^{"step": [0-9]*, "loss"' "$1" 2>/dev/null || true; } | tail -1 | tr -dc '0-9' | sed 's/^$/0/'
}

# 1. the reference
t0=$(date +%s)
start ref --out "$dir/ref"
wait $TRAIN_PID || fail "the reference run failed: $(cat "$dir/ref.err")"
wait $SAMPLER_PID || true
ref_s=$(( $(date +%s) - t0 ))
read -r first last growth ok < <(python3 - "$dir/ref.rss" <<'EOF'
import sys
r = [int(x) for x in open(sys.argv[1]) if x.strip()]
r = r[len(r) // 5:len(r) * 95 // 100] or r  # not the warm-up, nor the loss plot drawn at the end
q = max(1, len(r) // 4)
first, last = max(r[:q]), max(r[-q:])
print(first, last, last - first, int(last <= first * 1.05 + 4096))
EOF
)
ref_peak=$(peak_kib "$dir/ref.rss")
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
echo "soak: reference: $steps steps in ${ref_s}s, RSS first quarter $(mib $first) MiB, last quarter $(mib $last) MiB (growth $(mib $growth) MiB), peak $(mib $ref_peak) MiB"
[ "$ok" = 1 ] || fail "RSS grew during the reference run: $(mib $first) -> $(mib $last) MiB"

# 2. the cycled run
run="$dir/run" n=0 at=0 peaks="" max_peak=0
endings=(stop SIGTERM SIGINT SIGKILL)
while [ "$at" -lt "$steps" ]; do
    target=$(( at + cycle )); [ $target -gt $steps ] && target=$steps
    how=${endings[$(( n % 4 ))]}
    [ $target -ge $steps ] && how=stop
    extra=""; [ $n -gt 0 ] && extra="--resume"
    if [ $how = stop ]; then
        start c$n --out "$run" $extra --stop-after $target
        wait $TRAIN_PID || fail "cycle $n (to step $target) failed: $(cat "$dir/c$n.err")"
    else
        start c$n --out "$run" $extra
        while [ "$(logged_step "$run/log.jsonl")" -lt $target ]; do
            kill -0 $TRAIN_PID 2>/dev/null || break
            sleep 0.02
        done
        sleep "0.0$(( RANDOM % 10 ))"  # anywhere in the next steps, saves included
        kill -s ${how#SIG} $TRAIN_PID 2>/dev/null || true
        rc=0; wait $TRAIN_PID || rc=$?
        if [ $how = SIGKILL ]; then [ $rc = 137 ] || [ $rc = 0 ] || fail "cycle $n: SIGKILL gave exit $rc"
        else [ $rc = 0 ] || fail "cycle $n: $how gave exit $rc: $(cat "$dir/c$n.err")"; fi
        [ $how = SIGKILL ] || [ ! -s "$dir/c$n.err" ] || fail "cycle $n: $how printed errors: $(cat "$dir/c$n.err")"
    fi
    wait $SAMPLER_PID || true
    p=$(peak_kib "$dir/c$n.rss"); peaks="$peaks $(mib $p)"; [ $p -gt $max_peak ] && max_peak=$p
    # the checkpoint: loads and evaluates; the log holds each step up to it exactly once
    "$train" eval --ckpt "$run/model.bin" --text tests/fixtures/corpus/emma_head.txt --threads 1 >"$dir/eval.out" 2>&1 \
        || fail "cycle $n ($how): the checkpoint does not evaluate: $(cat "$dir/eval.out")"
    python3 - "$run/log.jsonl" <<'EOF' || fail "cycle $n ($how): the log is damaged"
import json, math, sys
seen = {}
for line in open(sys.argv[1], errors="replace"):
    try: j = json.loads(line)
    except ValueError: continue   # a line torn by SIGKILL: dropped on the next resume
    if "loss" in j:
        assert math.isfinite(j["loss"]), line
        seen[j["step"]] = seen.get(j["step"], 0) + 1
steps = sorted(seen)
assert steps == list(range(1, len(steps) + 1)), "steps missing"
EOF
    at=$(logged_step "$run/log.jsonl")
    echo "soak: cycle $n: ended by $how at step $at, peak RSS $(mib $p) MiB"
    n=$(( n + 1 ))
    [ $n -gt $(( 4 * steps / cycle + 8 )) ] && fail "no progress after $n cycles"
done
# a last resume cleans up after a kill and finds nothing left to do
"$train" $args --out "$run" --resume >"$dir/final.out" 2>&1 || fail "final resume failed: $(cat "$dir/final.out")"

# 3. intact: the same losses, the same bits, no leftovers, no process bigger than the reference
python3 - "$dir/ref/log.jsonl" "$run/log.jsonl" <<'EOF' || fail "the cycled run's losses differ from the reference's"
import json, sys
def losses(p):
    d = {}
    for line in open(p, errors="replace"):
        try: j = json.loads(line)
        except ValueError: continue
        if "loss" in j: d[j["step"]] = j["loss"]
    return d
a, b = losses(sys.argv[1]), losses(sys.argv[2])
assert len(a) == len(b) and a == b, (len(a), len(b))
EOF
cmp -s "$dir/ref/model.bin" "$run/model.bin" || fail "model.bin differs from the reference's"
cmp -s "$dir/ref/state.bin" "$run/state.bin" || fail "state.bin differs from the reference's"
left=$(ls "$run" | grep -E '\.tmp\.|prev' || true)
[ -z "$left" ] || fail "left behind in $run: $left"
[ $max_peak -le $(( ref_peak * 105 / 100 + 4096 )) ] || fail "a cycle peaked at $(mib $max_peak) MiB, the reference at $(mib $ref_peak) MiB"
echo "soak: ok: $n cycles, losses and checkpoint bit-identical to the uninterrupted run; peak RSS per cycle (MiB):$peaks; reference peak $(mib $ref_peak) MiB"
