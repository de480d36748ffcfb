#!/usr/bin/env bash
# Side-by-side: whalebox, runc and crun on the same busybox bundle, every figure of issue
# 18 in one run, each with its ratio to crun and to runc:
#   - `RUNTIME run` of process.args ["true"]: median wall time (BENCH_N runs, default 48);
#   - `RUNTIME exec CTR true` into a running container: median wall time (BENCH_N runs);
#   - peak RSS of `run` (median of 10 runs under /usr/bin/time);
#   - the binary's size on disk;
#   - BENCH_PAR_N (default 200) runs, BENCH_PAR (default 4) at a time: runs per second, the
#     median of BENCH_PAR_ROUNDS (default 6) batches of each runtime, interleaved;
#   - with valgrind installed, whalebox's own instruction counts (callgrind), which do not
#     depend on the machine's load: the start-up (`state` of a missing container, also its
#     distinct basic blocks, exp-bbv: what the VM's emulator translates anew) and the
#     runtime process of `exec` and its child up to the execve of the exec trampoline
#     (before issue 18's trampoline: the runtime process until it re-executed);
#   - with podman installed (and BENCH_LITE not 0), bench/lite.sh: whalebox-lite
#     `run --rm` against podman.
# BENCH_ONLY=size takes only the peak RSS and the binaries' sizes (a few seconds);
# BENCH_VALGRIND=0 skips the instruction counts.
# The cgroup v2 figures need the VM: bench/vm.sh runs this script there.
# Run as root from anywhere, after building whalebox (build/whalebox, or WHALEBOX=...).
# Not part of CI. crun refuses this project's hybrid cgroup hosts, so it runs inside
# `unshare -m` with the cgroup2 mount at /sys/fs/cgroup/unified unmounted there. The timed
# `run` and `exec` loops of whalebox and crun run together in one such namespace,
# interleaved run by run (each comes after the other as often as after itself), so a
# change in the machine's speed while the bench runs touches both alike; runc's are
# timed after them, on their own (see interleaved_loops for why); the parallel batches
# of all three are interleaved batch by batch in another; the peak RSS is taken one
# runtime after the other, each in such a namespace of its own.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_N:-48}
PAR_N=${BENCH_PAR_N:-200}
PAR=${BENCH_PAR:-4}
PAR_ROUNDS=${BENCH_PAR_ROUNDS:-6}
WHALEBOX=${WHALEBOX:-$repo/build/whalebox}

# rt_cmd RUNTIME: sets CMD to the runtime's command with its state root.
rt_cmd() {
	case $1 in
	whalebox) CMD=("$WHALEBOX" --root "$work/state-whalebox") ;;
	*) CMD=("$1" --root "$work/state-$1") ;;
	esac
}

# timed_one OUT COMMAND...: one timed run (bash's $EPOCHREALTIME around it, no fork around
# the measurement); appends microseconds to OUT, counts a failure in $fails.
timed_one() {
	local out=$1 t0 t1
	shift
	t0=${EPOCHREALTIME/./}
	if "$@" </dev/null >/dev/null 2>"$work/err"; then
		t1=${EPOCHREALTIME/./}
		echo $((t1 - t0)) >>"$out"
	else
		fails=$((fails + 1))
		echo "bench: $* failed: $(cat "$work/err")" >&2
	fi
}

# bench_loop RUNTIME: the peak RSS of one runtime taken alone: .rss (KB) and .fails.
bench_loop() {
	local rt=$1 i CMD
	fails=0
	rt_cmd "$rt"
	"${CMD[@]}" run -b "$work/bundle" "warm-$$" </dev/null >/dev/null 2>&1 || true # warm-up
	: >"$work/$rt.rss"
	# (.wall and .exec come from interleaved_loops, .par from parallel_batches; none with
	# BENCH_ONLY=size.)
	touch "$work/$rt.wall" "$work/$rt.exec" "$work/$rt.par"
	for ((i = 0; i < 10; i++)); do
		/usr/bin/time -f '%M' -o "$work/time.out" "${CMD[@]}" run -b "$work/bundle" "bench-$$" </dev/null >/dev/null 2>&1 &&
			cat "$work/time.out" >>"$work/$rt.rss"
	done
	echo "$fails" >"$work/$rt.fails"
}

# The order of the runtimes (0 whalebox, 1 runc, 2 crun) in round i of the parallel
# batches: ORDERS[i mod 6]. Over six rounds each runtime comes right after each other one
# three times and never after itself: what a batch leaves to the kernel (network
# namespaces to clean up, cgroups to release) slows the start of the next one.
ORDERS=("0 1 2" "0 2 1" "2 1 0" "1 0 2" "1 2 0" "2 0 1")

# The parallel batches of all three runtimes, interleaved: round i runs one batch of each
# (PAR_N runs, PAR at a time, each with its own id), in the order ORDERS[i mod 6] (until
# round 7 a single batch each, one runtime after the other, which moved with the
# machine's speed: round 6's readings went from 0.96 to 1.21 on the same code). Appends
# each batch's microseconds to RUNTIME.par; writes RUNTIME.par-fails.
parallel_batches() {
	local rts=(whalebox runc crun) i k rt t0 t1 CMD
	declare -A failed
	for rt in "${rts[@]}"; do
		: >"$work/$rt.par"
		failed[$rt]=0
	done
	for ((i = 0; i < PAR_ROUNDS; i++)); do
		for k in ${ORDERS[$((i % 6))]}; do
			rt=${rts[$k]}
			rt_cmd "$rt"
			# (xargs gives each run stdin /dev/null.)
			t0=${EPOCHREALTIME/./}
			if seq "$PAR_N" | xargs -P "$PAR" -I{} "${CMD[@]}" run -b "$work/bundle" "par-$$-$i-{}" >/dev/null 2>"$work/par.err"; then
				t1=${EPOCHREALTIME/./}
				echo $((t1 - t0)) >>"$work/$rt.par"
			else
				failed[$rt]=$((failed[$rt] + 1))
				echo "bench: $rt parallel runs failed: $(tail -1 "$work/par.err")" >&2
			fi
		done
	done
	for rt in "${rts[@]}"; do echo "${failed[$rt]}" >"$work/$rt.par-fails"; done
}

# The timed `run` and `exec` loops: whalebox and crun interleaved (round i times each once,
# whalebox first in even rounds, crun first in odd ones, so each follows itself and the
# other equally often), then runc's alone. Writes RUNTIME.wall, .exec and .timed-fails.
# Why runc is not in the interleave (round 8, docs/performance.md): a run that follows
# runc's (about 20 ms) pays a grace period of 5-10 ms for its first cgroup v1 move, as
# after any quiet spell (the kernel's cgroup_threadgroup_rwsem has gone back to its slow
# mode by then), so with runc in the rounds half of each runtime's runs carried runc's
# pause and the medians fell between two clusters, moving by 10-20 % from one reading to
# the next; round 7's six orders balanced who followed whom but not that.
interleaved_loops() {
	local rts=(whalebox runc crun) i rt what CMD fails
	declare -A failed
	for rt in "${rts[@]}"; do
		: >"$work/$rt.wall"
		: >"$work/$rt.exec"
		failed[$rt]=0
		rt_cmd "$rt"
		"${CMD[@]}" run -b "$work/bundle" "warm-$$" </dev/null >/dev/null 2>&1 || true # warm-up
		# exec: into one running container (sleep) each, after one warm-up exec.
		"${CMD[@]}" run -d -b "$work/bundle-sleep" "exec-$$" </dev/null >/dev/null 2>"$work/err" ||
			echo "bench: $rt run -d failed: $(cat "$work/err")" >&2
		"${CMD[@]}" exec "exec-$$" true </dev/null >/dev/null 2>&1 || true
	done
	# timed RUNTIME: one timed `run` or `exec` (as $what says) of RUNTIME.
	timed() {
		rt_cmd "$1"
		fails=0
		if [ "$what" = run ]; then
			timed_one "$work/$1.wall" "${CMD[@]}" run -b "$work/bundle" "bench-$$"
		else
			timed_one "$work/$1.exec" "${CMD[@]}" exec "exec-$$" true
		fi
		failed[$1]=$((failed[$1] + fails))
	}
	for what in run exec; do
		for ((i = 0; i < N; i++)); do
			if ((i % 2 == 0)); then timed whalebox; timed crun
			else timed crun; timed whalebox
			fi
		done
		for ((i = 0; i < N; i++)); do timed runc; done
	done
	for rt in "${rts[@]}"; do
		rt_cmd "$rt"
		"${CMD[@]}" delete -f "exec-$$" >/dev/null 2>&1 || true
		echo "${failed[$rt]}" >"$work/$rt.timed-fails"
	done
}

# Inside a private mount namespace without unified/ (see below): one runtime's peak RSS
# (BENCH_INNER=RUNTIME), or the timed loops (BENCH_INNER=interleaved) or the parallel
# batches (BENCH_INNER=parallel) of all three.
if [ -n "${BENCH_INNER:-}" ]; then
	work=$BENCH_WORK
	umount /sys/fs/cgroup/unified 2>/dev/null || true
	case $BENCH_INNER in
	interleaved) interleaved_loops ;;
	parallel) parallel_batches ;;
	*) bench_loop "$BENCH_INNER" ;;
	esac
	exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x "$WHALEBOX" ] || { echo "bench: build whalebox first ($WHALEBOX)" >&2; exit 1; }
for tool in runc crun jq /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install runc crun jq time)" >&2; exit 1; }
done
cmp -s /bin/busybox "$repo/bundles/busybox/rootfs/bin/busybox" || sh "$repo/bundles/make-busybox-rootfs.sh" >/dev/null

work=$(mktemp -d /tmp/whalebox-bench.XXXXXX)
cleanup() {
	for rt in whalebox runc crun; do
		for id in $(ls "$work/state-$rt" 2>/dev/null); do
			case $rt in
			whalebox) "$WHALEBOX" --root "$work/state-$rt" delete -f "$id" ;;
			*) "$rt" --root "$work/state-$rt" delete -f "$id" ;;
			esac
		done >/dev/null 2>&1 || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

# One bundle: a real copy of the rootfs (runc refuses a symlinked one), args ["true"],
# ociVersion 1.0.2 (crun 1.8 refuses newer versions),
# no terminal, no cgroupsPath (each runtime puts the cgroup where it does by default).
mkdir -p "$work/bundle"
cp -a "$repo/bundles/busybox/rootfs" "$work/bundle/rootfs"
jq '.ociVersion = "1.0.2" | .process.args = ["true"] | .process.terminal = false' "$repo/bundles/busybox/config.json" >"$work/bundle/config.json"
# The exec target: a copy of the rootfs (runc refuses a symlink), its init sleeping.
mkdir -p "$work/bundle-sleep"
cp -a "$work/bundle/rootfs" "$work/bundle-sleep/rootfs"
jq '.process.args = ["sleep", "3600"]' "$work/bundle/config.json" >"$work/bundle-sleep/config.json"

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else { m = (a[NR / 2] + a[NR / 2 + 1]) / 2; printf (m == int(m) ? "%d\n" : "%.1f\n"), m } }'; }

declare -A WALL EXEC RSS PAR SIZE FAILS
if [ "${BENCH_ONLY:-}" != size ]; then
	unshare -m env BENCH_INNER=interleaved BENCH_WORK="$work" BENCH_N="$N" WHALEBOX="$WHALEBOX" bash "$0"
	unshare -m env BENCH_INNER=parallel BENCH_WORK="$work" BENCH_PAR_N="$PAR_N" BENCH_PAR="$PAR" \
		BENCH_PAR_ROUNDS="$PAR_ROUNDS" WHALEBOX="$WHALEBOX" bash "$0"
fi
for rt in whalebox runc crun; do
	# The hybrid host: crun runs with the unified hierarchy unmounted, in a mount namespace
	# of its own. Since round 6 every runtime's peak RSS and parallel batches are taken
	# there too, as the timed loops are, so all three see the same cgroup layout (whalebox
	# and runc also make a cgroup2 directory when unified/ is mounted).
	unshare -m env BENCH_INNER="$rt" BENCH_WORK="$work" BENCH_N="$N" WHALEBOX="$WHALEBOX" bash "$0"
	WALL[$rt]=$(median <"$work/$rt.wall")
	EXEC[$rt]=$(median <"$work/$rt.exec")
	RSS[$rt]=$(median <"$work/$rt.rss")
	PAR[$rt]=$(median <"$work/$rt.par")
	FAILS[$rt]=$(($(cat "$work/$rt.fails") + $(cat "$work/$rt.timed-fails" 2>/dev/null || echo 0) +
		$(cat "$work/$rt.par-fails" 2>/dev/null || echo 0)))
	case $rt in
	whalebox) SIZE[$rt]=$(stat -Lc %s "$WHALEBOX") ;;
	*) SIZE[$rt]=$(stat -Lc %s "$(command -v "$rt")") ;;
	esac
done

ratio() { if [ "${2:-0}" = 0 ]; then printf -- '-'; else printf '%.2f' "$(echo "$1 / $2" | bc -l)"; fi; }
ms() { printf '%.2f' "$(echo "$1 / 1000" | bc -l)"; }
rate() { if [ "$1" = 0 ]; then printf -- '-'; else printf '%.1f' "$(echo "$PAR_N * 1000000 / $1" | bc -l)"; fi; }

echo "whalebox, runc and crun on one busybox bundle ($(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cpus, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "runc: $(runc --version | head -1); crun: $(crun --version | head -1); whalebox: $WHALEBOX"
echo
printf '%-34s %12s %12s %12s %9s %9s\n' figure whalebox runc crun "wb/crun" "wb/runc"
row() { # NAME whalebox runc crun (already formatted) RAW_WB RAW_RUNC RAW_CRUN
	printf '%-34s %12s %12s %12s %9s %9s\n' "$1" "$2" "$3" "$4" "$(ratio "$5" "$7")" "$(ratio "$5" "$6")"
}
row "run, median ms ($N runs)" "$(ms "${WALL[whalebox]}")" "$(ms "${WALL[runc]}")" "$(ms "${WALL[crun]}")" \
	"${WALL[whalebox]}" "${WALL[runc]}" "${WALL[crun]}"
row "exec, median ms ($N runs)" "$(ms "${EXEC[whalebox]}")" "$(ms "${EXEC[runc]}")" "$(ms "${EXEC[crun]}")" \
	"${EXEC[whalebox]}" "${EXEC[runc]}" "${EXEC[crun]}"
row "run, median peak RSS KB" "${RSS[whalebox]}" "${RSS[runc]}" "${RSS[crun]}" "${RSS[whalebox]}" "${RSS[runc]}" "${RSS[crun]}"
row "binary size KB" "$((SIZE[whalebox] / 1024))" "$((SIZE[runc] / 1024))" "$((SIZE[crun] / 1024))" \
	"${SIZE[whalebox]}" "${SIZE[runc]}" "${SIZE[crun]}"
# For the rate a higher figure is better: its ratio is whalebox's rate over the other's.
printf '%-34s %12s %12s %12s %9s %9s\n' "$PAR_N runs, $PAR at a time, runs/s" "$(rate "${PAR[whalebox]}")" \
	"$(rate "${PAR[runc]}")" "$(rate "${PAR[crun]}")" "$(ratio "${PAR[crun]}" "${PAR[whalebox]}")" \
	"$(ratio "${PAR[runc]}" "${PAR[whalebox]}")"
printf '%-34s %12s %12s %12s\n' "failures" "${FAILS[whalebox]}" "${FAILS[runc]}" "${FAILS[crun]}"
echo "Aims (issue 18): run <= 0.70 x crun, exec <= 0.80 x crun, RSS <= 1.00 x crun, binary <= 2048 KB,"
echo "parallel rate >= 1.25 x crun's (each runtime's rate: the median of $PAR_ROUNDS batches, interleaved)."

# Instruction counts: deterministic, so they mean something on a loaded machine too.
if command -v valgrind >/dev/null && [ "${BENCH_VALGRIND:-1}" != 0 ] && [ "${BENCH_ONLY:-}" != size ]; then
	ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null </dev/null |
		awk '/Collected/ { print $4 }' | tr -d ,; }
	rt_cmd whalebox
	"${CMD[@]}" run -d -b "$work/bundle-sleep" "ir-$$" </dev/null >/dev/null 2>&1 || true
	echo
	echo "whalebox instructions (callgrind, user space):"
	echo "  start-up (state of a missing container): $(ir "${CMD[@]}" state "no-such-$$")"
	# What an emulator translates for each new process (the VM's TCG: bench/vm.sh) grows
	# with the distinct code run, not with the instructions.
	valgrind --tool=exp-bbv --interval-size=1000000000 --bb-out-file=/dev/null --pc-out-file="$work/bbv" \
		"${CMD[@]}" state "no-such-$$" </dev/null >/dev/null 2>&1 || true
	echo "  start-up's distinct basic blocks (exp-bbv): $(wc -l <"$work/bbv")"
	echo "  exec, the runtime process and its child up to the exec trampoline: $(ir "${CMD[@]}" exec "ir-$$" true)"
	"${CMD[@]}" delete -f "ir-$$" >/dev/null 2>&1 || true
fi

if command -v podman >/dev/null && [ "${BENCH_LITE:-1}" != 0 ] && [ "${BENCH_ONLY:-}" != size ]; then
	echo
	BENCH_N=${BENCH_LITE_N:-20} WHALEBOX="$WHALEBOX" bash "$repo/bench/lite.sh"
fi
