#!/usr/bin/env bash
# Side-by-side: `whalebox run`, `runc run` and `crun run` on the same busybox bundle with
# process.args ["true"], BENCH_N runs each (default 50). Prints each runtime's median wall
# time and median peak RSS, and the ratios whalebox/crun and whalebox/runc.
# Run as root from anywhere, after building whalebox (build/whalebox, or WHALEBOX=...).
# Not part of CI. crun refuses this project's hybrid cgroup hosts, so it runs inside
# `unshare -m` with the cgroup2 mount at /sys/fs/cgroup/unified unmounted there.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_N:-50}
WHALEBOX=${WHALEBOX:-$repo/build/whalebox}

# run_argv RUNTIME ID: sets ARGV to the command line of one `RUNTIME run`.
run_argv() {
	case $1 in
	whalebox) ARGV=("$WHALEBOX" --root "$work/state-whalebox" run -b "$work/bundle" "$2") ;;
	*) ARGV=("$1" --root "$work/state-$1" run -b "$work/bundle" "$2") ;;
	esac
}

# bench_loop RUNTIME: one warm-up, then N timed runs (wall time from bash's
# $EPOCHREALTIME, no fork around the measurement) and 10 runs under /usr/bin/time for
# the peak RSS. Writes $work/RUNTIME.wall (microseconds), .rss (KB) and .fails.
bench_loop() {
	local rt=$1 i t0 t1 fails=0
	: >"$work/$rt.wall"
	: >"$work/$rt.rss"
	local ARGV
	run_argv "$rt" "bench-$$"
	"${ARGV[@]}" </dev/null >/dev/null 2>&1 || true # warm-up
	for ((i = 0; i < N; i++)); do
		t0=${EPOCHREALTIME/./}
		if "${ARGV[@]}" </dev/null >/dev/null 2>"$work/err"; then
			t1=${EPOCHREALTIME/./}
			echo $((t1 - t0)) >>"$work/$rt.wall"
		else
			fails=$((fails + 1))
			echo "bench: $rt run failed: $(cat "$work/err")" >&2
		fi
	done
	for ((i = 0; i < 10; i++)); do
		/usr/bin/time -f '%M' -o "$work/time.out" "${ARGV[@]}" </dev/null >/dev/null 2>&1 &&
			cat "$work/time.out" >>"$work/$rt.rss"
	done
	echo "$fails" >"$work/$rt.fails"
}

# Inside the private mount namespace made for crun (see below).
if [ -n "${BENCH_INNER:-}" ]; then
	work=$BENCH_WORK
	umount /sys/fs/cgroup/unified 2>/dev/null || true
	bench_loop "$BENCH_INNER"
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

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A WALL RSS FAILS
for rt in whalebox runc crun; do
	if [ "$rt" = crun ]; then
		# The hybrid host: crun runs with the unified hierarchy unmounted, in a mount
		# namespace of its own; the whole loop runs there so the timing is crun's alone.
		unshare -m env BENCH_INNER=crun BENCH_WORK="$work" BENCH_N="$N" WHALEBOX="$WHALEBOX" bash "$0"
	else
		bench_loop "$rt"
	fi
	WALL[$rt]=$(median <"$work/$rt.wall")
	RSS[$rt]=$(median <"$work/$rt.rss")
	FAILS[$rt]=$(cat "$work/$rt.fails")
done

echo "$N runs each of \`RUNTIME run\` with process.args [\"true\"] ($(date -u +%Y-%m-%d), $(nproc) cpus, $(uname -r), load average $(cut -d' ' -f1 /proc/loadavg))"
printf '%-10s %16s %18s %8s\n' runtime "median wall ms" "median peak RSS KB" failures
for rt in whalebox runc crun; do
	printf '%-10s %16.2f %18s %8s\n' "$rt" "$(echo "${WALL[$rt]} / 1000" | bc -l)" "${RSS[$rt]}" "${FAILS[$rt]}"
done
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
echo "whalebox/crun: wall $(ratio "${WALL[whalebox]}" "${WALL[crun]}"), RSS $(ratio "${RSS[whalebox]}" "${RSS[crun]}")"
echo "whalebox/runc: wall $(ratio "${WALL[whalebox]}" "${WALL[runc]}"), RSS $(ratio "${RSS[whalebox]}" "${RSS[runc]}")"
