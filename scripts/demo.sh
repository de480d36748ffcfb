#!/usr/bin/env bash
# From a fresh Debian 12 clone, as root: install the build dependencies, build whalebox,
# build the busybox rootfs and run the demo container (it prints its hostname, its
# processes and its network interfaces).
set -euo pipefail
cd "$(dirname "$0")/.."

# The configure step needs every header scripts/test.sh's BUILD_DEPS names (libsystemd's and
# libnftables' too, though whalebox opens those libraries only when it uses them).
BUILD_DEPS=(cmake g++ make pkg-config git file nlohmann-json3-dev libspdlog-dev libcli11-dev
	libgtest-dev libgmock-dev libseccomp-dev libcap-dev libarchive-dev libsystemd-dev libnftables-dev
	busybox-static jq)
bash scripts/deps.sh "${BUILD_DEPS[@]}"

build=${BUILD_DIR:-build}
cmake -S . -B "$build"
cmake --build "$build" -j"$(nproc)" --target whalebox
# (Re)build the rootfs only when its busybox is missing or stale: rewriting the binary
# while a container runs it fails with "Text file busy".
cmp -s /bin/busybox bundles/busybox/rootfs/bin/busybox || sh bundles/make-busybox-rootfs.sh

root=$(mktemp -d /tmp/whalebox-demo.XXXXXX)
trap 'rm -rf "$root"' EXIT
"./$build/whalebox" --root "$root" run --bundle bundles/busybox "demo-$$"
