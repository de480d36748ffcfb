#!/bin/sh
# Builds the libFuzzer targets (clang, ASan + UBSan) if needed and runs each for SECONDS
# (default 30) on its seed corpus. Exits non-zero on any finding and prints the input
# that caused it (the crash-*/leak-*/timeout-* file libFuzzer wrote). No network needed.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]      (targets: config exec_process ...)
# Environment: WHALEBOX_FUZZ_BUILD (build dir, default build-fuzz), FUZZ_ARGS (more
# libFuzzer flags, e.g. "-runs=1000000").
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=${*:-"config exec_process update_resources state layer_tar lite_image"}
build=${WHALEBOX_FUZZ_BUILD:-$src/build-fuzz}
case $build in /*) ;; *) build=$src/$build ;; esac

if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWHALEBOX_FUZZ=ON >/dev/null
fi
cmake --build "$build" --target fuzz-all -j2 >/dev/null

artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
failed=0
total=0
for t in $targets; do
    corpus=$build/fuzz-corpus/$t  # new inputs go here; the checked-in seeds stay as they are
    mkdir -p "$corpus"
    log=$build/fuzz-$t.log
    rm -f "$artifacts/$t-"*
    # The targets chdir while they run: the artifact prefix must be absolute.
    set +e
    "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$t-" ${FUZZ_ARGS:-} \
        "$corpus" "$here/corpus/$t" >"$log" 2>&1
    rc=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    runs=${runs:-0}
    total=$((total + runs))
    found=$(ls "$artifacts/$t-"* 2>/dev/null || true)
    if [ $rc -ne 0 ] || [ -n "$found" ]; then
        failed=1
        echo "FAIL fuzz_$t: exit $rc after $runs runs (log: $log)"
        grep -E 'ERROR|FUZZ_CHECK|terminate|what\(\)|SUMMARY' "$log" | head -n 5 | sed 's/^/    /'
        for f in $found; do echo "    input: $f"; done
    else
        echo "ok   fuzz_$t: $runs runs in ${seconds}s, no finding"
    fi
done
echo "fuzz: $total runs in total"
exit $failed
