#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS TARGET...: runs each libFuzzer target (built by `make fuzz` into
# build/fuzz/) for SECONDS, one after the other, from the repo root. Each starts from its committed
# seeds (tests/fuzz/seeds/TARGET) plus what earlier runs kept (build/fuzz/corpus/TARGET). Prints one
# line per target (executions, time, corpus size) and fails on the first crash, leak, timeout or
# sanitizer report; the reproducer is left in build/fuzz/ (crash-*, leak-*, timeout-*).
set -uo pipefail
secs=${1:?usage: run.sh SECONDS TARGET...}
shift
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export OMP_NUM_THREADS=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "$@"; do
    corpus=build/fuzz/corpus/$t
    mkdir -p "$corpus"
    log=build/fuzz/$t.log
    ./build/fuzz/$t "$corpus" tests/fuzz/seeds/$t -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix=build/fuzz/ >"$log" 2>&1
    rc=$?
    execs=$(grep -o "stat::number_of_executed_units: [0-9]*" "$log" | tail -1 | awk "{print \$2}")
    per_s=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | awk '{print $2}')
    units=$(ls "$corpus" | wc -l)
    if [ $rc -ne 0 ]; then
        echo "fuzz $t: FAILED (exit $rc) after ${execs:-?} executions; log $log:"
        grep -E -A30 'ERROR|runtime error|Sanitizer|deadly signal|fuzz target exited' "$log" | head -60
        status=1
    else
        echo "fuzz $t: ok, ${execs:-?} executions in ${secs}s (${per_s:-?}/s), corpus $units inputs"
    fi
done
exit $status
