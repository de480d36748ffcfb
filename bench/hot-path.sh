#!/usr/bin/env bash
# Regenerate cmake/hot-path.ld, the linker script fragment that places the functions
# whalebox runs on its common commands together at the start of its text (docs/performance.md:
# the kernel maps a file's pages 64 KB around each page fault, so code spread over the whole
# binary makes every command map nearly all of it). Run as root after building the whalebox
# target of a Release build (BUILD_DIR, default build); needs valgrind, jq and python3.
#
# It links an unstripped whalebox with a link map from that build's objects, runs it under
# callgrind on run, create, start, state, exec, kill, delete, list and --version, and maps
# each executed function to its input section (bench/hot-path.py). Not part of CI: the
# script fragment is committed, and a stale one only places fewer functions. With
# HOT_PATH_KEEP=1 the sections the current file names are kept as well (run it on an -O2
# and on an -Os build, WHALEBOX_MIN_SIZE, for a file that serves both).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${BUILD_DIR:-$repo/build}" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "hot-path: run as root" >&2; exit 1; }
for tool in valgrind jq python3; do
	command -v "$tool" >/dev/null || { echo "hot-path: $tool is missing" >&2; exit 1; }
done
link=$build/CMakeFiles/whalebox.dir/link.txt
[ -f "$link" ] || { echo "hot-path: no whalebox link command in $build" >&2; exit 1; }

work=$(mktemp -d /tmp/whalebox-hot-path.XXXXXX)
wb=$work/whalebox
cleanup() {
	for id in $(ls "$work/state" 2>/dev/null); do "$wb" --root "$work/state" delete -f "$id" >/dev/null 2>&1 || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# The same link, unstripped, with a map, and without the current fragment.
sed -e 's/ -s / /' -e 's/ -Wl,-T,[^ ]*hot-path\.ld//' -e "s| -o whalebox | -Wl,-Map=$work/whalebox.map -o $wb |" "$link" >"$work/link.sh"
(cd "$build" && sh "$work/link.sh")
nm "$wb" >"$work/whalebox.nm"

[ -x "$repo/bundles/busybox/rootfs/bin/busybox" ] || sh "$repo/bundles/make-busybox-rootfs.sh" >/dev/null
mkdir -p "$work/bundle" "$work/bundle-sleep"
cp -a "$repo/bundles/busybox/rootfs" "$work/bundle/rootfs"
ln -s ../bundle/rootfs "$work/bundle-sleep/rootfs"
jq '.process.args = ["true"] | .process.terminal = false' "$repo/bundles/busybox/config.json" >"$work/bundle/config.json"
jq '.process.args = ["sleep", "600"]' "$work/bundle/config.json" >"$work/bundle-sleep/config.json"

n=0
profile() { # ARGS...: one whalebox command under callgrind (its failures are expected:
	# valgrind does not know openat2, which the container's init needs, nor an execve of a memfd)
	n=$((n + 1))
	valgrind --tool=callgrind --compress-strings=no --compress-pos=no --demangle=no \
		--callgrind-out-file="$work/cg.$n.%p" "$wb" --root "$work/state" "$@" </dev/null >/dev/null 2>&1 || true
}
cd "$work"
profile --version
profile state missing
profile run -b bundle run
profile create -b bundle create-under-valgrind
"$wb" --root "$work/state" create -b bundle created </dev/null >/dev/null
profile state created
profile start created
profile delete -f created
profile list
"$wb" --root "$work/state" run -d -b bundle-sleep running </dev/null >/dev/null
profile exec running true
profile kill running KILL
profile delete -f running

[ "${HOT_PATH_KEEP:-0}" = 1 ] && cp "$repo/cmake/hot-path.ld" "$work/keep.ld" && export HOT_PATH_KEEP="$work/keep.ld"
[ "${HOT_PATH_KEEP:-0}" = 0 ] && unset HOT_PATH_KEEP
python3 "$repo/bench/hot-path.py" "$work/whalebox.map" "$work/whalebox.nm" "$work"/cg.* >"$work/hot-path.ld"
mv "$work/hot-path.ld" "$repo/cmake/hot-path.ld"
echo "hot-path: wrote $repo/cmake/hot-path.ld"
