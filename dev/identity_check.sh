#!/usr/bin/env bash
# dev/identity_check.sh: does a refactor change what the trainer computes? Builds two revisions in
# git worktrees and runs the same deterministic work in each: the default run's first 50 steps,
# 10 inject steps of every training mode from that checkpoint, and 6 steps of the GPU path on the
# CUDA emulator; then compares the logs' losses and norms and the checkpoints byte for byte.
#   bash dev/identity_check.sh OLD_REV [NEW_REV]     (NEW_REV defaults to HEAD; about 25 minutes)
# Prints one line per comparison and "N identical, M differ"; exits 1 if any differ.
set -u
OLD=${1:?usage: dev/identity_check.sh OLD_REV [NEW_REV]}
NEW=${2:-HEAD}
ROOT=${IDC_ROOT:-/tmp/identity_check}
REPO=$(git rev-parse --show-toplevel)
mkdir -p "$ROOT"; rm -rf "$ROOT"/*_runs
T="--threads 2"

build() {  # rev dir (a worktree already at that revision keeps its build)
    [ -x "$2/train" ] && [ "$(git -C "$2" rev-parse HEAD)" = "$(git -C "$REPO" rev-parse "$1")" ] && { rm -rf "$2/runs"; return; }
    git -C "$REPO" worktree remove --force "$2" 2>/dev/null
    git -C "$REPO" worktree add --detach "$2" "$1" >/dev/null || exit 1
    (cd "$2" && make -s train build/cuda-emu/libllmc_cuda.so >"$ROOT/build_$(basename "$2").log" 2>&1) \
        || { echo "build of $1 failed: $ROOT/build_$(basename "$2").log"; exit 1; }
}

work() {  # dir: every run writes under dir/runs
    cd "$1" && mkdir -p runs || exit 1
    ./train $T --stop-after 50 --sample-tokens 0 --out runs/pre >runs/pre.txt 2>&1 || echo "pre failed in $1"
    local mem="--mem-layers 1 --mem-keys 16 --mem-topk 8 --df-batches 4"
    for mode in full lora memory memory-sparse memory-keys; do
        local extra=""
        case $mode in lora) extra="--lora-rank 4";; memory*) extra="$mem";; esac
        ./train inject $T --init-ckpt runs/pre/model.bin --data out/data --train $mode $extra --steps 10 \
            --val-every 5 --sample-tokens 0 --out runs/inject_$mode >runs/inject_$mode.txt 2>&1 \
            || echo "inject $mode failed in $1"
    done
    LLMC_CUDA_LIB=build/cuda-emu/libllmc_cuda.so ./train --device cuda $T --depth 2 --width 64 --context 32 \
        --batch 4 --steps 6 --val-every 3 --sample-tokens 0 --out runs/gpu >runs/gpu.txt 2>&1 || echo "gpu failed in $1"
}

build "$OLD" "$ROOT/old"
build "$NEW" "$ROOT/new"
(work "$ROOT/old") & (work "$ROOT/new") & wait

# the numbers a log records, without wall-clock fields
numbers() { grep -o '"\(step\|loss\|val_loss\|norm\|grad_norm\|lr\)": *[^,}]*' "$1" 2>/dev/null; }
same=0; differ=0
for run in pre inject_full inject_lora inject_memory inject_memory-sparse inject_memory-keys gpu; do
    for f in log.jsonl model.bin state.bin df.bin; do
        a="$ROOT/old/runs/$run/$f"; b="$ROOT/new/runs/$run/$f"
        [ -e "$a" ] || [ -e "$b" ] || continue
        if [ "$f" = log.jsonl ]; then
            ok=0; [ -n "$(numbers "$a")" ] && [ "$(numbers "$a")" = "$(numbers "$b")" ] && ok=1
            what="$(numbers "$a" | grep -c loss) losses"
        elif [ "$f" = model.bin ]; then  # header ints 0-21 and the weights; ints 22-24, a checksum, only newer revisions write
            ok=0; cmp -s -n 88 "$a" "$b" && cmp -s -i 1024 "$a" "$b" && ok=1; what="$(stat -c %s "$a" 2>/dev/null || echo 0) bytes"
        else
            ok=0; cmp -s "$a" "$b" && ok=1; what="$(stat -c %s "$a" 2>/dev/null || echo 0) bytes"
        fi
        if [ $ok = 1 ]; then same=$((same + 1)); echo "identical  $run/$f ($what)"
        else differ=$((differ + 1)); echo "DIFFER     $run/$f"; fi
    done
done
echo "last losses: $(for r in pre inject_full inject_lora inject_memory inject_memory-sparse inject_memory-keys gpu; do
    printf '%s %s  ' "$r" "$(numbers "$ROOT/new/runs/$r/log.jsonl" | grep '"loss"' | tail -1 | sed 's/.*: *//')"; done)"
echo "$same identical, $differ differ"
for d in old new; do cp -r "$ROOT/$d/runs" "$ROOT/${d}_runs"; done
echo "runs in $ROOT/old_runs and $ROOT/new_runs; the worktrees stay for a rerun (git worktree remove $ROOT/old $ROOT/new)"
[ $differ = 0 ]
