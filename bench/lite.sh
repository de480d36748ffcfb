#!/usr/bin/env bash
# Side-by-side: `whalebox-lite run --rm busybox true` against `podman run --rm --network
# none busybox true` on the same image (the repository's busybox rootfs, imported into
# each), BENCH_N runs each (default 20). podman drives whalebox as its OCI runtime, so the
# two lines differ only in the front end (podman + conmon against whalebox-lite); a third
# line has podman with runc, its usual runtime here. Prints the medians and the ratios.
# A second table compares whalebox-lite's own `run --rm` on the default bridge network (CNI
# bridge + host-local, lo up by netlink, the network's one masquerade rule; firewall only
# where FORWARD drops; the DEL of --rm runs behind the command; with
# WHALEBOX_LITE_NETWORK_SPARES=1 in the environment a start takes a spare attachment made
# ahead of time when one is ready) with `--network none`, back to back and then settled (each run once the background work
# of the runs before, run --rm's teardown and the spare's refill, has ended). On
# 2026-12-06 at load 3 (2 cpus), bridge - none: 52 ms back to back and 32 ms settled
# without spares, 60-67 ms back to back and 1-3 ms settled with them. The whole bench (both
# front ends) runs in a network namespace it makes, so the bridge and its rules never touch
# the host's; it enters it once, so no run pays for an nsenter of its own.
# BENCH_ONLY=network runs only that second table (no podman needed).
# Run as root after building (build/whalebox, build/whalebox-lite). Not part of CI.
# podman's whole configuration, storage and cgroups live in a temp dir and below
# /whalebox-test (integration/clients/podman-helpers.bash); everything is removed at exit.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

# Into a network namespace of our own, once: the rest of the script runs there.
if [ -z "${BENCH_LITE_NETNS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
	netns_dir=$(mktemp -d /tmp/whalebox-bench-netns.XXXXXX)
	touch "$netns_dir/netns"
	unshare --net="$netns_dir/netns" ip link set lo up
	rc=0
	BENCH_LITE_NETNS=$netns_dir/netns nsenter --net="$netns_dir/netns" bash "$0" "$@" || rc=$?
	umount -l "$netns_dir/netns" 2>/dev/null || true
	rm -rf "$netns_dir"
	exit "$rc"
fi
N=${BENCH_N:-20}
ONLY=${BENCH_ONLY:-}
WHALEBOX=$(realpath "${WHALEBOX:-$repo/build/whalebox}")
WHALEBOX_LITE=$(realpath "${WHALEBOX_LITE:-$repo/build/whalebox-lite}")

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
for bin in "$WHALEBOX" "$WHALEBOX_LITE"; do
	[ -x "$bin" ] || { echo "bench: build it first: $bin" >&2; exit 1; }
done
[ "$ONLY" = network ] || for tool in podman conmon runc; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install podman conmon runc)" >&2; exit 1; }
done
cmp -s /bin/busybox "$repo/bundles/busybox/rootfs/bin/busybox" || sh "$repo/bundles/make-busybox-rootfs.sh" >/dev/null

# The podman suite's setup, outside bats: its skip/fail end the script.
skip() { echo "bench: $*" >&2; exit 1; }
export WHALEBOX
# shellcheck source=../integration/clients/podman-helpers.bash
source "$repo/integration/clients/podman-helpers.bash"
[ "$ONLY" = network ] || podman_setup
lite_dir=$(mktemp -d /tmp/whalebox-bench-lite.XXXXXX)
cleanup() {
	lite rm -f $(lite ps -aq 2>/dev/null) >/dev/null 2>&1 || true
	for m in $(awk -v d="$lite_dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf --one-file-system "$lite_dir"
	[ "$ONLY" = network ] || podman_teardown
}
trap cleanup EXIT

lite() { "$WHALEBOX_LITE" --root "$lite_dir/root" --state-root "$lite_dir/state" "$@"; }
tar -C "$BUSYBOX_ROOTFS" -cf "$lite_dir/busybox.tar" .
lite import "$lite_dir/busybox.tar" busybox >/dev/null

# podman with runc: a second runtime entry whose state is in the same temp dir.
[ "$ONLY" = network ] || cat >"$PODMAN_DIR/bin/runc-runtime" <<EOF
#!/bin/sh
exec runc --root "$PODMAN_DIR/runc-root" "\$@"
EOF
[ "$ONLY" = network ] || chmod +x "$PODMAN_DIR/bin/runc-runtime"
[ "$ONLY" = network ] || sed -i "s|^whalebox = \[.*|&\nrunc = [\"$PODMAN_DIR/bin/runc-runtime\"]|" "$CONTAINERS_CONF"

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Waits (at most 10 s) until the background work of the runs before has ended: run --rm's
# teardown (ID.removing), which makes the next spare attachment before its DEL.
SETTLE=0
settle() {
	local i
	[ "$SETTLE" = 1 ] || return 0
	for ((i = 0; i < 200; i++)); do
		compgen -G "$lite_dir/root/containers/*.removing" >/dev/null || return 0
		sleep 0.05
	done
}

# time_loop NAME COMMAND...: one warm-up, then N timed runs; prints the median in µs.
time_loop() {
	local name=$1 i t0 t1
	shift
	"$@" </dev/null >/dev/null 2>&1 || { echo "bench: $name failed: $("$@" 2>&1 </dev/null | tail -1)" >&2; exit 1; }
	: >"$lite_dir/$name.wall"
	for ((i = 0; i < N; i++)); do
		settle
		t0=${EPOCHREALTIME/./}
		"$@" </dev/null >/dev/null 2>"$lite_dir/$name.err" || { echo "bench: $name run $i failed: $(tail -1 "$lite_dir/$name.err")" >&2; exit 1; }
		t1=${EPOCHREALTIME/./}
		echo $((t1 - t0)) >>"$lite_dir/$name.wall"
	done
	median <"$lite_dir/$name.wall"
}

lite_us=$(time_loop lite lite run --rm --network none busybox true)
lite_bridge_us=$(time_loop lite-bridge lite run --rm busybox true)
SETTLE=1
lite_settled_us=$(time_loop lite-settled lite run --rm --network none busybox true)
lite_bridge_settled_us=$(time_loop lite-bridge-settled lite run --rm busybox true)
load=$(cut -d' ' -f1 /proc/loadavg)
if [ "$ONLY" != network ]; then
podman_us=$(time_loop podman pm_run --rm "$PODMAN_IMAGE" true)
podman_runc_us=$(time_loop podman-runc pm_run --runtime runc --rm "$PODMAN_IMAGE" true)

echo "$N runs each of \`run --rm --network none busybox true\` ($(date -u +%Y-%m-%d), $(nproc) cpus, $(uname -r), load average $(cut -d' ' -f1 /proc/loadavg))"
printf '%-28s %16s\n' "front end (runtime)" "median wall ms"
printf '%-28s %16.1f\n' "whalebox-lite" "$(echo "$lite_us / 1000" | bc -l)"
printf '%-28s %16.1f\n' "podman (whalebox)" "$(echo "$podman_us / 1000" | bc -l)"
printf '%-28s %16.1f\n' "podman (runc)" "$(echo "$podman_runc_us / 1000" | bc -l)"
printf 'whalebox-lite/podman: %.3f (aim: 0.1 or less)\n' "$(echo "$lite_us / $podman_us" | bc -l)"
printf 'whalebox-lite/podman+runc: %.3f\n' "$(echo "$lite_us / $podman_runc_us" | bc -l)"
echo
fi

echo "whalebox-lite \`run --rm busybox true\`: default bridge network against --network none ($N runs each, $(date -u +%Y-%m-%d), $(nproc) cpus, load average $load)"
printf '%-28s %16s\n' "network" "median wall ms"
printf '%-28s %16.1f\n' "none" "$(echo "$lite_us / 1000" | bc -l)"
printf '%-28s %16.1f\n' "bridge (CNI)" "$(echo "$lite_bridge_us / 1000" | bc -l)"
printf 'bridge - none: %.1f ms (aim: 15 ms or less)\n' "$(echo "($lite_bridge_us - $lite_us) / 1000" | bc -l)"
echo "the same, each run once the runs before have ended their background work (teardown, spare refill)"
printf '%-28s %16.1f\n' "none, settled" "$(echo "$lite_settled_us / 1000" | bc -l)"
printf '%-28s %16.1f\n' "bridge (CNI), settled" "$(echo "$lite_bridge_settled_us / 1000" | bc -l)"
printf 'bridge - none, settled: %.1f ms (aim: 15 ms or less)\n' "$(echo "($lite_bridge_settled_us - $lite_settled_us) / 1000" | bc -l)"
