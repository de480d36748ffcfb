#!/usr/bin/env bats
# Rootless podman (4.x, with conmon) with the runtime under test ($WHALEBOX, by default
# build/whalebox; WHALEBOX=/usr/sbin/runc runs the same tests against runc): an
# unprivileged user runs podman, which puts itself, conmon and the runtime in a user
# namespace of its own (newuidmap/newgidmap with the user's /etc/subuid and /etc/subgid
# ranges) and runs the container there (docs/rootless.md).
#
# setup_file makes the user (a unique name, a range of its own in /etc/subuid and
# /etc/subgid) and a directory holding everything podman makes: its configuration
# (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF), vfs storage, $HOME, $XDG_RUNTIME_DIR (the
# runtime's state goes there) and a copy of the runtime the user can run. The image is
# imported from the local busybox rootfs (no network). Containers have no network
# (--network none; one test uses slirp4netns when installed) and, on this cgroup v1
# host, no cgroup (podman's cgroupfs manager does without one for a rootless user
# there). teardown_file kills the user's processes by pid
# (podman's pause process, conmon, containers), removes the user, its ranges and the
# directory. Nothing else on the host is touched.

REPO=$(cd "$(dirname "$BATS_TEST_FILENAME")/../.." && pwd)
WHALEBOX=$(realpath "${WHALEBOX:-$REPO/build/whalebox}")
BUSYBOX_ROOTFS=$REPO/bundles/busybox/rootfs
PR_IMAGE=localhost/whalebox-busybox:rootless
PR_RANGE=65536

fail() {
	echo "$@" >&2
	return 1
}

# Why this host cannot run the suite ("" when it can).
podman_rootless_unsupported() {
	[ "$(id -u)" -eq 0 ] || { echo "needs root to make a user"; return; }
	local tool
	for tool in podman conmon useradd setpriv newuidmap newgidmap; do
		command -v "$tool" >/dev/null || { echo "$tool is not installed"; return; }
	done
	[ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 1 ] ||
		{ echo "unprivileged user namespaces are disabled"; return; }
	[ -x "$WHALEBOX" ] || { echo "no runtime at $WHALEBOX: build it first"; return; }
	[ -x "$BUSYBOX_ROOTFS/bin/busybox" ] || { echo "run bundles/make-busybox-rootfs.sh first"; return; }
	echo ""
}

setup_file() {
	# Not a skip (bats 1.8 fails a setup_file that skips): setup skips each test.
	export PR_SKIP
	PR_SKIP=$(podman_rootless_unsupported)
	[ -z "$PR_SKIP" ] || return 0
	local name uid gid start dir
	name=wbpm$$$RANDOM
	useradd -M -d /nonexistent -s /bin/sh -K UID_MIN=30000 -K UID_MAX=39999 "$name"
	uid=$(id -u "$name")
	gid=$(id -g "$name")
	# A range no other user of this host has (rootless.bats' users are below 30000).
	start=$((200000000 + (uid - 20000) * PR_RANGE))
	echo "$name:$start:$PR_RANGE" >>/etc/subuid
	echo "$name:$start:$PR_RANGE" >>/etc/subgid
	dir=$(mktemp -d /tmp/wb-podman-rootless.XXXXXX)
	chmod 755 "$dir"
	export PR_USER=$name PR_UID=$uid PR_GID=$gid PR_DIR=$dir
	mkdir -m 700 "$dir/home" "$dir/xdg"
	cp "$WHALEBOX" "$dir/runtime"
	chmod 755 "$dir/runtime"
	tar -C "$BUSYBOX_ROOTFS" -cf "$dir/busybox.tar" .
	chmod 644 "$dir/busybox.tar"
	export PR_CONF=$dir/home/containers.conf PR_STORAGE_CONF=$dir/home/storage.conf
	export PR_REGISTRIES_CONF=$dir/home/registries.conf
	: >"$PR_REGISTRIES_CONF"
	# default_ulimits: podman's nofile/nproc 1048576 are above some CI hosts' hard limits.
	# conmon_env_vars: conmon runs `podman container cleanup`, which needs this setup too.
	cat >"$PR_CONF" <<EOF
[containers]
netns = "none"
log_driver = "k8s-file"
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/home/events.log"
lock_type = "file"
runtime = "undertest"
runtime_supports_json = ["undertest"]
conmon_env_vars = [
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "CONTAINERS_CONF=$PR_CONF",
  "CONTAINERS_STORAGE_CONF=$PR_STORAGE_CONF",
  "CONTAINERS_REGISTRIES_CONF=$PR_REGISTRIES_CONF",
]

[engine.runtimes]
undertest = ["$dir/runtime"]
EOF
	cat >"$PR_STORAGE_CONF" <<EOF
[storage]
driver = "vfs"
graphroot = "$dir/home/storage"
runroot = "$dir/xdg/containers"
EOF
	chown -R "$name:$name" "$dir/home" "$dir/xdg"
	as_user podman import --quiet "$dir/busybox.tar" "$PR_IMAGE" >"$dir/import.out" 2>&1 ||
		fail "podman import as $name failed: $(cat "$dir/import.out")"
}

teardown_file() {
	[ -n "${PR_USER:-}" ] || return 0
	as_user podman rm -af -t 0 >/dev/null 2>&1 || true
	# podman's pause process (it holds the user namespace), conmons and what a failed test
	# left running: only this suite's user has that uid.
	local pid
	for pid in $(ps -o pid= -u "$PR_UID" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
	sleep 0.2
	sed -i "/^$PR_USER:/d" /etc/subuid /etc/subgid
	userdel "$PR_USER" 2>/dev/null || true
	getent group "$PR_USER" >/dev/null && groupdel "$PR_USER" 2>/dev/null
	rm -rf "$PR_DIR"
}

setup() {
	[ -z "${PR_SKIP:-}" ] || skip "$PR_SKIP"
	[ -n "${PR_USER:-}" ] || skip "no rootless user"
}

teardown() {
	[ -n "${PR_USER:-}" ] || return 0
	as_user podman rm -af -t 0 >/dev/null 2>&1 || true
}

# Runs a command as the test user: its ids, no supplementary groups, a clean environment
# with its own $HOME and $XDG_RUNTIME_DIR and this suite's podman configuration.
as_user() {
	setpriv --reuid="$PR_UID" --regid="$PR_GID" --clear-groups \
		env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$PR_DIR/home" USER="$PR_USER" \
		LOGNAME="$PR_USER" XDG_RUNTIME_DIR="$PR_DIR/xdg" CONTAINERS_CONF="$PR_CONF" \
		CONTAINERS_STORAGE_CONF="$PR_STORAGE_CONF" CONTAINERS_REGISTRIES_CONF="$PR_REGISTRIES_CONF" \
		"$@" </dev/null
}

# podman as the test user, recorded like bats' run ($status, $output, $lines), stderr
# apart (podman warns that / is not a shared mount).
pr() {
	local err
	err=$(mktemp "$PR_DIR/stderr.XXXXXX")
	status=0
	output=$(as_user podman "$@" 2>"$err") || status=$?
	lines=()
	[ -n "$output" ] && mapfile -t lines <<<"$output"
	echo "podman $* (status=$status):" >&2
	echo "$output" >&2
	cat "$err" >&2
	rm -f "$err"
}

pr_status() {
	as_user podman inspect --format '{{.State.Status}}' "$1" 2>/dev/null
}

@test "rootless podman: run --rm true, the runtime given by --runtime" {
	pr --runtime "$PR_DIR/runtime" run --rm --network none "$PR_IMAGE" true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "rootless podman: run with output and an exit status, as root of the user's namespace" {
	pr run --rm --network none "$PR_IMAGE" sh -c 'echo hello rootless; id -u; head -n 1 /proc/self/uid_map; exit 3'
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "hello rootless" ]
	[ "${lines[1]}" = 0 ]
	# Root inside is the user outside.
	[ "$(echo ${lines[2]})" = "0 $PR_UID 1" ]
}

@test "rootless podman: exec into a detached container, stop and rm" {
	pr run -d --name det --network none "$PR_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	[ "$(pr_status det)" = running ]
	[ "$(as_user podman inspect --format '{{.OCIRuntime}}' det)" = undertest ]
	# The runtime keeps its state in the user's $XDG_RUNTIME_DIR (runc's: .../runc).
	local state_name=whalebox
	[ "$(basename "$WHALEBOX")" != runc ] || state_name=runc
	[ -d "$PR_DIR/xdg/$state_name/$(as_user podman inspect --format '{{.Id}}' det)" ]
	local pid
	pid=$(as_user podman inspect --format '{{.State.Pid}}' det)
	# The container's process belongs to the user on the host.
	[ "$(stat -c %u "/proc/$pid")" -eq "$PR_UID" ]
	pr exec det sh -c 'echo in exec; exit 5'
	[ "$status" -eq 5 ]
	[ "$output" = "in exec" ]
	pr exec det cat /proc/1/cmdline
	[ "$status" -eq 0 ]
	[[ "$output" == sleep* ]]
	pr stop -t 1 det
	[ "$status" -eq 0 ]
	[ "$(pr_status det)" = exited ]
	[ ! -e "/proc/$pid" ] || [ "$(stat -c %u "/proc/$pid" 2>/dev/null)" != "$PR_UID" ]
	pr rm det
	[ "$status" -eq 0 ]
	pr ps -a --format '{{.Names}}'
	[ "$status" -eq 0 ]
	[[ "$output" != *det* ]]
}

@test "rootless podman: a network of its own through slirp4netns" {
	command -v slirp4netns >/dev/null || skip "slirp4netns is not installed"
	pr run --rm --network slirp4netns "$PR_IMAGE" sh -c 'cat /proc/net/dev; readlink /proc/self/ns/net'
	[ "$status" -eq 0 ]
	# slirp4netns' tap device, in a network namespace that is not the host's.
	[[ "$output" == *tap0:* ]]
	[ "${lines[-1]}" != "$(readlink /proc/self/ns/net)" ]
}
