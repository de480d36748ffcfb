#!/bin/bash
# For integration/clients/containerd.bats: one private containerd per file, the runtime
# under test ($WHALEBOX, as in integration/helpers.bash) given to containerd-shim-runc-v2
# with `ctr run --runc-binary`. Everything containerd makes lives in $CTRD_DIR (a temp
# directory): its root, state, sockets, the runtime's --root and the IO fifos. Every
# container's cgroup is /whalebox-test/ctrd-<dir>/<id> (absolute, in every v1 hierarchy),
# where <dir> names $CTRD_DIR: teardown removes that subtree and nothing else (and
# /whalebox-test too when it made it and it is empty).

CLIENTS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$CLIENTS_ROOT/../.." && pwd)
WHALEBOX=${WHALEBOX:-$REPO/build/whalebox}
BUSYBOX_ROOTFS=$REPO/bundles/busybox/rootfs
CTRD_NS=whalebox-test
CTRD_IMAGE=docker.io/whalebox/busybox:test
CTRD_CGROUP_PARENT=/whalebox-test

# The state file setup_file leaves for the tests: the test processes are not setup_file's
# shell, so they read CTRD_DIR and the rest from it.
ctrd_env_file() {
	echo "$BATS_FILE_TMPDIR/containerd.env"
}

ctrd_load_env() {
	# shellcheck disable=SC1090
	source "$(ctrd_env_file)"
}

# Starts containerd with its own config and waits for its socket; imports the image.
ctrd_start() {
	command -v containerd >/dev/null || skip "containerd is not installed"
	command -v containerd-shim-runc-v2 >/dev/null || skip "containerd-shim-runc-v2 is not installed"
	[ -x "$WHALEBOX" ] || fail "runtime not found at $WHALEBOX: build it first"
	[ -x "$BUSYBOX_ROOTFS/bin/busybox" ] || fail "run bundles/make-busybox-rootfs.sh first"
	# Short: the socket path must fit in sun_path (108 bytes).
	CTRD_DIR=$(mktemp -d /tmp/wb-ctrd.XXXXXX)
	CTRD_SOCK=$CTRD_DIR/containerd.sock
	# Whether /whalebox-test existed before us (other suites share it).
	CTRD_OWN_PARENT=1
	awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo |
		while read -r mnt; do [ -d "$mnt$CTRD_CGROUP_PARENT" ] && echo found; done | grep -q found &&
		CTRD_OWN_PARENT=0
	# containerd's shims put their sockets in /run/containerd/s whatever the config says.
	CTRD_OWN_RUN=1
	[ -d /run/containerd ] && CTRD_OWN_RUN=0
	cat >"$CTRD_DIR/config.toml" <<EOF
version = 2
root = "$CTRD_DIR/root"
state = "$CTRD_DIR/state"
# CRI is not needed; opt would make /opt/containerd.
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$CTRD_SOCK"
[debug]
  level = "info"
[plugins."io.containerd.gc.v1.scheduler"]
  startup_delay = "100ms"
EOF
	# Not on bats' fd 3, or bats would wait for it.
	containerd --config "$CTRD_DIR/config.toml" </dev/null >"$CTRD_DIR/containerd.log" 2>&1 3>&- &
	CTRD_PID=$!
	{
		echo "CTRD_DIR=$CTRD_DIR"
		echo "CTRD_SOCK=$CTRD_SOCK"
		echo "CTRD_PID=$CTRD_PID"
		echo "CTRD_OWN_PARENT=$CTRD_OWN_PARENT"
		echo "CTRD_OWN_RUN=$CTRD_OWN_RUN"
	} >"$(ctrd_env_file)"
	local i
	for ((i = 0; i < 100; i++)); do
		[ -S "$CTRD_SOCK" ] && ctr -a "$CTRD_SOCK" version >/dev/null 2>&1 && break
		kill -0 "$CTRD_PID" 2>/dev/null || { cat "$CTRD_DIR/containerd.log" >&2; fail "containerd exited"; }
		sleep 0.1
	done
	[ -S "$CTRD_SOCK" ] || { cat "$CTRD_DIR/containerd.log" >&2; fail "containerd's socket did not appear"; }
	/usr/bin/python3 "$CLIENTS_ROOT/testdata/containerd-make-image.py" \
		"$BUSYBOX_ROOTFS" "$CTRD_IMAGE" "$CTRD_DIR/busybox.tar" || fail "could not build the image"
	_ctr images import --snapshotter overlayfs "$CTRD_DIR/busybox.tar" >&2 || fail "ctr images import failed"
}

# Stops everything ctrd_start made: tasks, containers, containerd (by its pid), mounts
# under $CTRD_DIR, the cgroups below /whalebox-test made for our containers, $CTRD_DIR.
ctrd_stop() {
	[ -f "$(ctrd_env_file)" ] || return 0
	ctrd_load_env
	[ -n "$CTRD_DIR" ] && [ -d "$CTRD_DIR" ] || return 0
	local id i
	if ctrd_is_ours "$CTRD_PID"; then
		for id in $(_ctr tasks ls -q 2>/dev/null); do
			_ctr tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1
		done
		for id in $(_ctr tasks ls -q 2>/dev/null); do
			for ((i = 0; i < 30; i++)); do
				_ctr tasks rm -f "$id" >/dev/null 2>&1 && break
				sleep 0.1
			done
		done
		for id in $(_ctr containers ls -q 2>/dev/null); do
			_ctr containers rm "$id" >/dev/null 2>&1 || echo "teardown: ctr c rm $id failed" >&2
		done
		kill -TERM "$CTRD_PID" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			kill -0 "$CTRD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$CTRD_PID" 2>/dev/null && kill -KILL "$CTRD_PID"
		wait "$CTRD_PID" 2>/dev/null
	fi
	ctrd_kill_leftovers
	# Deepest first; only mounts below our own directory.
	awk -v d="$CTRD_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r mnt; do umount -l "$mnt" || echo "teardown: umount $mnt failed" >&2; done
	ctrd_remove_cgroups
	if [ "$CTRD_OWN_RUN" = 1 ]; then
		rmdir /run/containerd/s /run/containerd/fifo "/run/containerd/runc/$CTRD_NS" /run/containerd/runc \
			/run/containerd 2>/dev/null
	fi
	rm -rf "$CTRD_DIR"
}

# Whether process PID is one of ours: its command line names $CTRD_DIR (containerd's
# config, a shim's -address).
ctrd_is_ours() {
	[ -n "$1" ] && grep -qF "$CTRD_DIR/" "/proc/$1/cmdline" 2>/dev/null
}

# What containerd could not clean (it died, a task would not go): the processes in our
# cgroup subtree (thawed first: a frozen task ignores SIGKILL on cgroup v1), then our
# shims. Killed by pid, each found through our own cgroups or $CTRD_DIR.
ctrd_kill_leftovers() {
	local sub=$(ctrd_cgroup_subtree) f pid
	for f in $(find "$(ctrd_cgroup_dir freezer "$sub")" -name freezer.state 2>/dev/null); do
		echo THAWED >"$f" 2>/dev/null
	done
	for f in $(find "$(ctrd_cgroup_dir freezer "$sub")" -name cgroup.freeze 2>/dev/null); do
		echo 0 >"$f" 2>/dev/null
	done
	for pid in $(find "$(ctrd_cgroup_dir pids "$sub")" -name cgroup.procs -exec cat {} + 2>/dev/null); do
		echo "teardown: killing leftover container process $pid" >&2
		kill -KILL "$pid" 2>/dev/null
	done
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		if ctrd_is_ours "$pid"; then
			echo "teardown: killing leftover $(tr '\0' ' ' <"$f" | cut -c1-80) ($pid)" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
	done
	local i
	for ((i = 0; i < 20; i++)); do
		[ -z "$(find "$(ctrd_cgroup_dir pids "$sub")" -name cgroup.procs -exec cat {} + 2>/dev/null)" ] && break
		sleep 0.1
	done
	# A killed shim leaves its socket, named in its bundle's address file.
	for f in "$CTRD_DIR"/state/io.containerd.runtime.v2.task/*/*/address; do
		[ -f "$f" ] || continue
		f=$(cat "$f")
		f=${f#unix://}
		[ -S "$f" ] && rm -f "$f"
	done
	return 0
}

# Removes our cgroup subtree (/whalebox-test/ctrd-<dir>) in every hierarchy, and
# /whalebox-test itself when we made it and it is empty. Directories only, deepest first.
ctrd_remove_cgroups() {
	local mnt dir
	for mnt in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
		dir=$mnt$(ctrd_cgroup_subtree)
		[ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
		[ "$CTRD_OWN_PARENT" = 1 ] && rmdir "$mnt$CTRD_CGROUP_PARENT" 2>/dev/null
	done
	return 0
}

# ctr against our containerd and namespace.
_ctr() {
	ctr -a "$CTRD_SOCK" -n "$CTRD_NS" "$@"
}

# Like bats' run, for ctr: records $status, $output and $lines, and logs the command and
# its output on stderr for a failing test. stdin is /dev/null.
ctr_run() {
	local out
	out=$(mktemp "$CTRD_DIR/out.XXXXXX")
	status=0
	_ctr "$@" </dev/null >"$out" 2>&1 || status=$?
	output=$(cat "$out")
	rm -f "$out"
	lines=()
	[ -n "$output" ] && mapfile -t lines <<<"$output"
	echo "ctr $* (status=$status):" >&2
	echo "$output" >&2
}

# The cgroup below which all our containers go: named after this file's containerd
# directory, so that teardown finds exactly ours.
ctrd_cgroup_subtree() {
	echo "$CTRD_CGROUP_PARENT/ctrd-$(basename "$CTRD_DIR")"
}

# The cgroup path for container ID.
ctrd_cgroup() {
	echo "$(ctrd_cgroup_subtree)/$1"
}

# True on a pure cgroup v2 host (the VM of integration/run-cgroupv2-vm.sh).
ctrd_cgroup_v2() {
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
}

# The host directory of cgroup path REL in v1 hierarchy CONTROLLER, or in the cgroup2
# hierarchy on a v2 host (where CONTROLLER does not matter).
ctrd_cgroup_dir() {
	if ctrd_cgroup_v2; then
		echo "/sys/fs/cgroup$2"
	else
		echo "/sys/fs/cgroup/$1$2"
	fi
}

# The runtime's --root for our namespace (where the shim keeps container state).
ctrd_runtime_root() {
	echo "$CTRD_DIR/runc"
}

# `ctr run` with the runtime under test, our cgroup, root and fifo directory:
# ctrd_run [ctr run flags...] -- ID [COMMAND...]. The image is $CTRD_IMAGE.
ctrd_run() {
	local flags=() id
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		flags+=("$1")
		shift
	done
	shift
	id=$1
	shift
	ctr_run run --runc-binary "$WHALEBOX" --runc-root "$(ctrd_runtime_root)" \
		--fifo-dir "$CTRD_DIR/fifo" --cgroup "$(ctrd_cgroup "$id")" --snapshotter overlayfs \
		"${flags[@]}" "$CTRD_IMAGE" "$id" "$@"
}

# Writes $CTRD_DIR/runtime-logger: runs $WHALEBOX with the shim's arguments and appends
# them with its exit status ("ARGS... rc=N") to $CTRD_DIR/runtime.log, to see which
# runtime commands the shim ran and how they ended. For the tests about delete only.
ctrd_logging_runtime() {
	: >"$CTRD_DIR/runtime.log"
	cat >"$CTRD_DIR/runtime-logger" <<EOF
#!/bin/sh
rc=0
"$WHALEBOX" "\$@" || rc=\$?
echo "\$* rc=\$rc" >>"$CTRD_DIR/runtime.log"
exit \$rc
EOF
	chmod +x "$CTRD_DIR/runtime-logger"
}

# Prints the STATUS column of `ctr t ls` for task ID.
task_status() {
	_ctr tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}

# Waits up to 5 seconds until task ID has STATUS.
wait_task_status() {
	local id=$1 want=$2 got i
	for ((i = 0; i < 50; i++)); do
		got=$(task_status "$id")
		[ "$got" = "$want" ] && return 0
		sleep 0.1
	done
	fail "task $id: status is \"$got\", expected \"$want\""
}

# Removes task and container ID whatever their state.
ctrd_cleanup() {
	local id=$1 i
	_ctr tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1
	for ((i = 0; i < 30; i++)); do
		_ctr tasks rm -f "$id" >/dev/null 2>&1 && break
		_ctr tasks ls -q 2>/dev/null | grep -qx "$id" || break
		sleep 0.1
	done
	_ctr containers rm "$id" >/dev/null 2>&1 || true
}

fail() {
	echo "$@" >&2
	return 1
}
