#!/usr/bin/env bash
# From a fresh Debian 12 clone, as root: install the build and test dependencies, build
# everything with warnings as errors, build the busybox rootfs, run the unit tests and
# every bats suite in integration/, and finish with one line "N passed, N failed"
# over all of them. Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
build=${BUILD_DIR:-build}

BUILD_DEPS=(cmake g++ make pkg-config git file nlohmann-json3-dev libspdlog-dev libcli11-dev
	libgtest-dev libgmock-dev libseccomp-dev libcap-dev libarchive-dev busybox-static jq)
TEST_DEPS=(bats python3 python3-jsonschema iproute2 util-linux procps runc containerd)
bash scripts/deps.sh "${BUILD_DEPS[@]}" "${TEST_DEPS[@]}" || exit 1

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

echo "== integration tests"
bats_tap=$repo/$build/integration.tap
export WHALEBOX=$repo/$build/whalebox
# A hung test fails after two minutes instead of holding CI.
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}
bats --formatter tap integration/ | tee "$bats_tap"
bats_status=${PIPESTATUS[0]}
b_skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$bats_tap")
b_ok=$(grep -cE '^ok [0-9]+' "$bats_tap")
b_failed=$(grep -cE '^not ok [0-9]+' "$bats_tap")
b_planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$bats_tap" | head -n 1)
passed=$((passed + b_ok - b_skipped))
failed=$((failed + b_failed))
skipped=$((skipped + b_skipped))
# Tests that never reported (bats died) count as failed.
if [ -n "$b_planned" ] && [ "$b_planned" -gt "$((b_ok + b_failed))" ]; then
	failed=$((failed + b_planned - b_ok - b_failed))
fi
if [ "$bats_status" -ne 0 ] && [ "$b_failed" -eq 0 ]; then failed=$((failed + 1)); fi

summary
[ "$failed" -eq 0 ]
