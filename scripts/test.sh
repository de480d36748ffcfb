#!/usr/bin/env bash
# From a fresh Debian 12 clone, as root: install the build and test dependencies, build
# everything with warnings as errors, build the busybox rootfs, run the unit tests and
# every bats suite in integration/, and finish with one line "N passed, N failed"
# over all of them. Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
build=${BUILD_DIR:-build}

BUILD_DEPS=(cmake g++ make ccache pkg-config git file nlohmann-json3-dev libspdlog-dev libcli11-dev
	libgtest-dev libgmock-dev libseccomp-dev libcap-dev libarchive-dev libsystemd-dev libnftables-dev busybox-static jq)
# clang + compiler-rt: the libFuzzer targets (tests/fuzz/run.sh).
FUZZ_DEPS=(clang libclang-rt-14-dev)
# containernetworking-plugins + iptables: whalebox-lite's networks (bridge, host-local,
# portmap, firewall; portmap and firewall run iptables); nftables (the nft command):
# lite-network.bats reads the networks' masquerade rules with it.
# uidmap (newuidmap/newgidmap), passwd (useradd): integration/rootless.bats and
# integration/clients/podman-rootless.bats (rootless podman; slirp4netns: its network);
# criu: checkpoint.bats.
TEST_DEPS=(bats python3 python3-jsonschema iproute2 util-linux procps runc containerd podman conmon
	containernetworking-plugins iptables nftables uidmap passwd slirp4netns criu)
# bench/run.sh (not run here): crun, time and bc; valgrind for its instruction counts.
BENCH_DEPS=(crun time bc valgrind)
# The cgroup v2 suite runs in a VM (integration/run-cgroupv2-vm.sh); the systemd driver's
# suites in one that boots systemd (with D-Bus).
VM_DEPS=(qemu-system-x86 linux-image-amd64 xz-utils systemd dbus)
bash scripts/deps.sh "${BUILD_DEPS[@]}" "${TEST_DEPS[@]}" "${FUZZ_DEPS[@]}" "${VM_DEPS[@]}" "${BENCH_DEPS[@]}" || exit 1

passed=0
failed=0
skipped=0
summary() {
	echo
	[ "$skipped" -gt 0 ] && echo "($skipped skipped)"
	echo "$passed passed, $failed failed"
}

echo "== build"
if ! { cmake -S . -B "$build" -DWHALEBOX_WERROR=ON && cmake --build "$build" -j"$(nproc)"; }; then
	echo "test: the build failed" >&2
	failed=$((failed + 1))
	summary
	exit 1
fi
# (Re)build the rootfs only when its busybox is missing or stale: rewriting the binary
# while a container runs it fails with "Text file busy".
if ! cmp -s /bin/busybox bundles/busybox/rootfs/bin/busybox; then
	sh bundles/make-busybox-rootfs.sh || { failed=$((failed + 1)); summary; exit 1; }
fi

echo "== unit tests"
unit_xml=$repo/$build/unit-tests.xml
rm -f "$unit_xml"
if [ -x "$build/whalebox-tests" ]; then
	# From the build directory, as ctest would run them.
	(cd "$build" && timeout 1800 ./whalebox-tests --gtest_output="xml:$unit_xml")
	unit_status=$?
	if [ -s "$unit_xml" ]; then
		read -r u_tests u_failures u_errors u_disabled u_skipped < <(/usr/bin/python3 - "$unit_xml" <<'PY'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
g = lambda k: int(r.get(k, 0) or 0)
print(g("tests"), g("failures"), g("errors"), g("disabled"), g("skipped"))
PY
		)
		passed=$((passed + u_tests - u_failures - u_errors - u_disabled - u_skipped))
		failed=$((failed + u_failures + u_errors))
		skipped=$((skipped + u_disabled + u_skipped))
		# A crash after the report was written still counts as a failure.
		if [ "$unit_status" -ne 0 ] && [ "$((u_failures + u_errors))" -eq 0 ]; then failed=$((failed + 1)); fi
	else
		echo "test: the unit tests wrote no report (status $unit_status)" >&2
		failed=$((failed + 1))
	fi
else
	echo "test: $build/whalebox-tests is missing" >&2
	failed=$((failed + 1))
fi

# Adds a bats TAP report to the totals. $1: the TAP file, $2: bats' exit status.
count_tap() {
	local tap=$1 status=$2 ok bad skip planned
	skip=$(grep -cE '^ok [0-9]+ .*# skip' "$tap")
	ok=$(grep -cE '^ok [0-9]+' "$tap")
	bad=$(grep -cE '^not ok [0-9]+' "$tap")
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | awk '{ n += $1 } END { if (NR) print n }')
	passed=$((passed + ok - skip))
	failed=$((failed + bad))
	skipped=$((skipped + skip))
	# Tests that never reported (bats died) count as failed.
	if [ -n "$planned" ] && [ "$planned" -gt "$((ok + bad))" ]; then
		failed=$((failed + planned - ok - bad))
	fi
	if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then failed=$((failed + 1)); fi
}

echo "== integration tests"
bats_tap=$repo/$build/integration.tap
export WHALEBOX=$repo/$build/whalebox
# A hung test fails after two minutes instead of holding CI.
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}
bats --formatter tap -r integration/ | tee "$bats_tap"
count_tap "$bats_tap" "${PIPESTATUS[0]}"

# Every libFuzzer target for a bounded time (ASan + UBSan, its own clang build in
# build-fuzz): each target counts as one test, failed on any finding.
echo "== fuzzing (tests/fuzz/run.sh, ${FUZZ_SECONDS:=20} s a target)"
fuzz_log=$repo/$build/fuzz.out
WHALEBOX_FUZZ_BUILD=$repo/build-fuzz bash tests/fuzz/run.sh "$FUZZ_SECONDS" | tee "$fuzz_log"
fuzz_status=${PIPESTATUS[0]}
fuzz_ok=$(grep -c '^ok   fuzz_' "$fuzz_log")
fuzz_bad=$(grep -c '^FAIL fuzz_' "$fuzz_log")
passed=$((passed + fuzz_ok))
failed=$((failed + fuzz_bad))
if [ "$fuzz_status" -ne 0 ] && [ "$fuzz_bad" -eq 0 ]; then failed=$((failed + 1)); fi

# This host is cgroup v1/hybrid: the cgroup v2 suite and the client suites run in one
# throwaway VM whose only hierarchy is cgroup v2 (integration/vm/wb-vm; KVM when usable,
# TCG otherwise).
echo "== cgroup v2 integration tests (VM)"
vm_tap=$repo/$build/cgroupv2-vm.tap
integration/run-cgroupv2-vm.sh --formatter tap | tee "$vm_tap"
count_tap "$vm_tap" "${PIPESTATUS[0]}"

# The systemd cgroup driver needs systemd as PID 1: a second boot (VM_SYSTEMD=1) with its
# suite and the podman and containerd tests that use their systemd cgroup managers (the
# only ones whose names say systemd; the rest of those suites ran in the boot above).
echo "== systemd cgroup driver tests (VM with systemd)"
sd_tap=$repo/$build/systemd-vm.tap
VM_SYSTEMD=1 VM_SUITES="integration/systemd.bats integration/clients/podman.bats integration/clients/containerd.bats" \
	integration/run-cgroupv2-vm.sh --formatter tap -f '[Ss]ystemd' | tee "$sd_tap"
count_tap "$sd_tap" "${PIPESTATUS[0]}"

summary
[ "$failed" -eq 0 ]
