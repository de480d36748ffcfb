#!/bin/bash
# Shared by every integration/*.bats suite. It builds nothing: build whalebox first
# (cmake --build build --target whalebox) and the busybox rootfs
# (bundles/make-busybox-rootfs.sh), or run scripts/test.sh, which does both.
#
# Each test gets its own temporary directory holding a --root for container state and a
# bundle whose config.json is a copy of bundles/busybox/config.json. The rootfs is a
# symlink to the shared busybox rootfs: fine while the container only reads it. A test
# that writes to its rootfs calls `copy_rootfs` first.

INTEGRATION_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$INTEGRATION_ROOT")
WHALEBOX=${WHALEBOX:-$REPO/build/whalebox}
BUSYBOX_BUNDLE=$REPO/bundles/busybox
TESTDATA=$INTEGRATION_ROOT/testdata
SCHEMAS=$REPO/schemas
# Debian's interpreter, which has python3-jsonschema (a pyenv python3 on PATH may not).
PYTHON=/usr/bin/python3

# Runs whalebox with the test's --root and records $output, $lines and $status as bats'
# `run` does. Not `run` itself: a container inherits whalebox's stdout and stderr, and
# `run` would wait for a detached container to close them. Each call writes to a new
# file instead, so a detached container's later output lands in a file nobody reads
# again. The command line and its output go to stderr: a failing test shows them.
wb() {
	local out
	out=$(mktemp "$TEST_DIR/output.XXXXXX")
	status=0
	"$WHALEBOX" --root "$ROOT" "$@" </dev/null >"$out" 2>&1 || status=$?
	output=$(cat "$out")
	lines=()
	[ -n "$output" ] && mapfile -t lines <<<"$output"
	echo "whalebox $* (status=$status):" >&2
	echo "$output" >&2
}

# whalebox with the test's --root and nothing recorded: for pipelines and background
# jobs. Redirect the output of create and run to a file (see wb).
__wb() {
	"$WHALEBOX" --root "$ROOT" "$@"
}

fail() {
	echo "$@" >&2
	return 1
}

# Creates the test's directory, state root and bundle, and enters the bundle.
setup_bundle() {
	[ -x "$WHALEBOX" ] || fail "whalebox binary not found at $WHALEBOX: build it first"
	[ -x "$BUSYBOX_BUNDLE/rootfs/bin/busybox" ] || fail "run bundles/make-busybox-rootfs.sh first"
	TEST_DIR=$(mktemp -d "${BATS_RUN_TMPDIR:-/tmp}/whalebox.XXXXXX")
	BACKGROUND_PIDS=()
	ROOT=$TEST_DIR/state
	mkdir -p "$ROOT"
	BUNDLE=$(make_bundle bundle)
	cd "$BUNDLE" || return
}

# Makes another bundle NAME in the test's directory and prints its path. Every bundle has
# its own cgroup: cgroupsPath is relative, so whalebox puts it below its own cgroup, in a
# subtree named after the test's directory that teardown removes.
make_bundle() {
	local dir=$TEST_DIR/$1
	mkdir -p "$dir"
	ln -s "$BUSYBOX_BUNDLE/rootfs" "$dir/rootfs"
	jq --arg cg "$(test_cgroup)/$1" \
		'.process.args = ["sleep", "1000"] | .linux.cgroupsPath = $cg' \
		"$BUSYBOX_BUNDLE/config.json" >"$dir/config.json"
	echo "$dir"
}

# The relative cgroup path under which this test's containers go.
test_cgroup() {
	echo "whalebox-test-$(basename "$TEST_DIR")"
}

# Edits the current bundle's config.json with a jq filter: update_config '.hostname = "x"'.
update_config() {
	local tmp
	tmp=$(mktemp "$TEST_DIR/config.XXXXXX")
	jq "$@" <config.json >"$tmp" && mv "$tmp" config.json
}

# Sets process.args: set_cmd sh -c 'echo hi'.
set_cmd() {
	local args='[]' arg
	for arg in "$@"; do
		args=$(jq -c --arg a "$arg" '. + [$a]' <<<"$args")
	done
	update_config --argjson args "$args" '.process.args = $args'
}

# Replaces the rootfs symlink by a private copy the container may write to.
copy_rootfs() {
	rm -f rootfs
	cp -a "$BUSYBOX_BUNDLE/rootfs" rootfs
	update_config '.root.readonly = false'
}

# Starts `whalebox ARGS...` in the background; its output goes to $TEST_DIR/NAME.out and
# its exit status, once it ends, to $TEST_DIR/NAME.rc. Collect them with wait_background
# (not a bare `wait`: bats' own test-timeout watchdog is a background job too).
wb_background() {
	local name=$1
	shift
	(
		rc=0
		__wb "$@" </dev/null >"$TEST_DIR/$name.out" 2>&1 || rc=$?
		echo "$rc" >"$TEST_DIR/$name.rc"
	) &
	BACKGROUND_PIDS+=("$!")
}

# Waits for every job started by wb_background.
wait_background() {
	local pid
	for pid in "${BACKGROUND_PIDS[@]}"; do
		wait "$pid" || true
	done
	BACKGROUND_PIDS=()
}

# Waits up to 5 seconds until process PID has exited (gone or a zombie).
wait_for_exit() {
	local pid=$1 i
	for ((i = 0; i < 50; i++)); do
		[ -e "/proc/$pid" ] || return 0
		[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ] && return 0
		sleep 0.1
	done
	fail "process $pid is still alive"
}

# Prints the status field of a container's state.
container_status() {
	__wb state "$1" | jq -r .status
}

# Waits up to 5 seconds until container ID has STATUS.
wait_for_status() {
	local id=$1 want=$2 got i
	for ((i = 0; i < 50; i++)); do
		got=$(container_status "$id" 2>/dev/null)
		[ "$got" = "$want" ] && return 0
		sleep 0.1
	done
	fail "container $id: status is \"$got\", expected \"$want\""
}

# Asserts container ID has STATUS now.
testcontainer() {
	local got
	got=$(container_status "$1")
	[ "$got" = "$2" ] || fail "container $1: status is \"$got\", expected \"$2\""
}

# Prints the pid of a container's init.
container_pid() {
	__wb state "$1" | jq -r .pid
}

# The directories of the cgroups listed in FILE (a /proc/PID/cgroup), every hierarchy,
# each followed by SUFFIX ("/rel" or "").
cgroup_dirs_in() {
	local file=$1 suffix=$2 line ctrls path mnt
	while IFS= read -r line; do
		ctrls=$(cut -d: -f2 <<<"$line")
		path=$(cut -d: -f3- <<<"$line")
		if [ -z "$ctrls" ]; then
			mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
		else
			ctrls=${ctrls#name=}
			mnt=$(awk -v c="$ctrls" '$9 == "cgroup" {
				n = split($NF, opts, ","); for (i = 1; i <= n; i++) if (opts[i] == c || opts[i] == "name=" c) { print $5; exit }
			}' /proc/self/mountinfo)
		fi
		[ -n "$mnt" ] && echo "${mnt}${path%/}${suffix}"
	done <"$file" | sort -u
}

# The directories a relative cgroup path REL maps to in every hierarchy, below this
# process's own cgroup there (what whalebox does with a relative cgroupsPath).
cgroup_dirs() {
	cgroup_dirs_in /proc/self/cgroup "/$1"
}

# Removes the test's cgroup subtree (only directories, deepest first, and only ours).
remove_test_cgroups() {
	local dir
	for dir in $(cgroup_dirs "$(test_cgroup)"); do
		[ -d "$dir" ] || continue
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
}

# Deletes every container under the test's root, removes its cgroups and directories.
teardown_bundle() {
	[ -n "$TEST_DIR" ] || return 0
	cd "$INTEGRATION_ROOT" || return
	local id
	for id in $(__wb list -q 2>/dev/null); do
		__wb delete -f "$id" >/dev/null 2>&1 || echo "teardown: delete -f $id failed" >&2
	done
	remove_test_cgroups
	rm -rf "$TEST_DIR"
	unset TEST_DIR ROOT BUNDLE
}

# Fails unless FILE is JSON valid against the JSON schema SCHEMA (a file in schemas/).
validate_json() {
	"$PYTHON" - "$SCHEMAS/$2" "$1" <<'PY'
import json, sys, pathlib
import jsonschema
schema_path = pathlib.Path(sys.argv[1]).resolve()
schema = json.loads(schema_path.read_text())
doc = json.loads(pathlib.Path(sys.argv[2]).read_text())
resolver = jsonschema.RefResolver(base_uri=schema_path.as_uri(), referrer=schema)
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema, resolver=resolver).iter_errors(doc), key=lambda e: list(e.path))
for e in errors:
    print("/".join(str(p) for p in e.path) + ": " + e.message, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
}

# Skips the test unless the kernel has the named namespace type.
requires_ns() {
	[ -e "/proc/self/ns/$1" ] || skip "kernel lacks $1 namespaces"
}

# ---- Used by process, seccomp, console, hooks and security suites -----------------------

# `wb run ARGS...` for a probe without side effects, run again (up to 3 times in all) when
# it lost a known runtime race: release_init opens the exec fifo before it checks the
# init's pidfd, so a process that exits at once can make `run` fail with "cannot start a
# container that has stopped" although it ran (process.bats has the regression test).
wb_run() {
	local try
	for try in 1 2 3; do
		wb run "$@"
		[ "$status" -eq 1 ] && [[ "$output" == *"cannot start a container that has stopped" ]] || return 0
		__wb delete -f "${@: -1}" >/dev/null 2>&1 || true
	done
}

# True when the runtime under test is runc (WHALEBOX=/usr/sbin/runc).
is_runc() {
	[[ "$("$WHALEBOX" --version 2>/dev/null)" == runc* ]]
}

# Skips a test of behaviour beyond runc 1.1.5 when the runtime under test is runc; REASON
# (default "beyond runc 1.1.5") is the skip message.
beyond_runc() {
	is_runc && skip "${1:-beyond runc 1.1.5}"
	return 0
}

# Makes config.json's root.path the rootfs's real path: runc refuses the bundle's symlinked
# rootfs ("invalid rootfs: not an absolute path, or a symlink").
absolute_rootfs() {
	update_config --arg r "$(readlink -f rootfs)" '.root.path = $r'
}
