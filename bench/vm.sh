#!/usr/bin/env bash
# Issue 18's figures on pure cgroup v2: bench/run.sh inside the project's VM
# (integration/vm/wb-vm: Debian's own kernel, cgroup2 only, no systemd), where whalebox,
# runc and crun each put their container's cgroup as they do on a v2 host (whalebox:
# clone3 with CLONE_INTO_CGROUP). Without KVM the guest is emulated (TCG): the times are
# the emulator's, so only the ratios between runtimes, taken in the same boot, mean
# anything. Not part of CI.
#   BENCH_N (default 18), BENCH_PAR_N (default 40), BENCH_PAR and
#   BENCH_PAR_ROUNDS as for bench/run.sh;
#   VM_TIMEOUT (default 2400 s). No valgrind counts and no whalebox-lite here.
# Run as root after building whalebox and the busybox rootfs; the VM's packages as
# integration/run-cgroupv2-vm.sh installs them (qemu-system-x86, linux-image-amd64,
# busybox-static, xz-utils, kmod), and crun (bench/run.sh's BENCH_DEPS).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
WHALEBOX=$(realpath "${WHALEBOX:-$repo/build/whalebox}")
[ -x "$WHALEBOX" ] || { echo "bench/vm.sh: no whalebox at $WHALEBOX: build it first" >&2; exit 1; }
vm_args=(--timeout "${VM_TIMEOUT:-2400}")
# The guest mounts empty tmpfs on /tmp, /var/tmp and /run: paths there must be shared.
for path in "$repo" "$WHALEBOX"; do
	case "$path" in
	/tmp/* | /var/tmp/* | /run/*) vm_args+=(--share "$(dirname "$path")") ;;
	esac
done
exec "$repo/integration/vm/wb-vm" "${vm_args[@]}" -- env WHALEBOX="$WHALEBOX" \
	BENCH_N="${BENCH_N:-18}" BENCH_PAR_N="${BENCH_PAR_N:-40}" BENCH_PAR="${BENCH_PAR:-4}" \
	BENCH_PAR_ROUNDS="${BENCH_PAR_ROUNDS:-6}" \
	BENCH_VALGRIND=0 BENCH_LITE=0 bash "$repo/bench/run.sh"
