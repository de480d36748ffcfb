#!/bin/bash
# For integration/clients/podman.bats: podman (with conmon) driving the runtime under test
# ($WHALEBOX, as in integration/helpers.bash; WHALEBOX=/usr/bin/runc checks the suite).
#
# Everything podman makes lives in $PODMAN_DIR, a temp directory: containers.conf and
# storage.conf (through CONTAINERS_CONF and CONTAINERS_STORAGE_CONF), the storage root and
# runroot, podman's tmp dir and $TMPDIR, locks (file locks, not /dev/shm), events log and
# network config, and the runtime's own --root (a two-line wrapper adds it, see
# podman_setup).
# Containers have no network (--network none) and their cgroups, and conmon's, go below
# /whalebox-test/podman-<dir> in every hierarchy (--cgroup-parent, cgroupfs manager).
# Teardown removes containers, unmounts what is mounted below $PODMAN_DIR, removes that
# cgroup subtree (and /whalebox-test when this suite made it and it is empty) and the
# directory. Nothing else on the host is touched.

CLIENTS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$CLIENTS_ROOT/../.." && pwd)
WHALEBOX=${WHALEBOX:-$REPO/build/whalebox}
BUSYBOX_ROOTFS=$REPO/bundles/busybox/rootfs
PODMAN_IMAGE=localhost/whalebox-busybox:test
PODMAN_CGROUP_TOP=/whalebox-test

fail() {
	echo "$@" >&2
	return 1
}

# The mount points of every cgroup hierarchy (v1 controllers, named ones and cgroup2).
cgroup_mounts() {
	awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo
}

# Once per file: the temp dir, the configuration and the image every test uses. Without
# podman or conmon it only records why (this bats cannot skip from setup_file), and each
# test skips in podman_setup_test.
podman_setup() {
	export PODMAN_SKIP=
	if ! command -v podman >/dev/null; then
		PODMAN_SKIP="podman is not installed (apt-get install podman conmon)"
		return 0
	fi
	if ! command -v conmon >/dev/null; then
		PODMAN_SKIP="conmon is not installed (apt-get install conmon)"
		return 0
	fi
	[ -x "$WHALEBOX" ] || fail "runtime not found at $WHALEBOX: build it first"
	[ -x "$BUSYBOX_ROOTFS/bin/busybox" ] || fail "run bundles/make-busybox-rootfs.sh first"
	# conmon runs the runtime from another directory.
	case $WHALEBOX in /*) ;; *) WHALEBOX=$PWD/$WHALEBOX ;; esac

	PODMAN_DIR=$(mktemp -d /tmp/wb-podman.XXXXXX)
	export PODMAN_DIR
	export PODMAN_CGROUP_PARENT=$PODMAN_CGROUP_TOP/podman-$(basename "$PODMAN_DIR")
	# Whether /whalebox-test existed before us (other suites share it).
	PODMAN_OWN_TOP=1
	local mnt
	for mnt in $(cgroup_mounts); do
		[ -d "$mnt$PODMAN_CGROUP_TOP" ] && PODMAN_OWN_TOP=0
	done
	export PODMAN_OWN_TOP
	echo "$PODMAN_OWN_TOP" >"$PODMAN_DIR/own-cgroup-top"

	mkdir -p "$PODMAN_DIR"/{bin,net,cni,runtime,tmpfiles}
	# podman's temporary files (image copies, `update` resource files) go to $TMPDIR or
	# /var/tmp.
	export TMPDIR=$PODMAN_DIR/tmpfiles
	# The runtime under test with its state in our dir, not in /run/<runtime>. podman's
	# --runtime-flag would do, but it is not handed on to the `podman container cleanup`
	# that conmon runs when a container exits.
	cat >"$PODMAN_DIR/bin/oci-runtime" <<EOF
#!/bin/sh
exec "$WHALEBOX" --root "$PODMAN_DIR/runtime" "\$@"
EOF
	chmod +x "$PODMAN_DIR/bin/oci-runtime"

	export CONTAINERS_CONF=$PODMAN_DIR/containers.conf
	export CONTAINERS_STORAGE_CONF=$PODMAN_DIR/storage.conf
	export CONTAINERS_REGISTRIES_CONF=$PODMAN_DIR/registries.conf
	: >"$CONTAINERS_REGISTRIES_CONF"
	write_storage_conf "${PODMAN_STORAGE_DRIVER:-overlay}"
	# - runtime_supports_json: conmon passes --log-format=json --log FILE to the runtime,
	#   and podman shows the runtime's error from that file.
	# - conmon_env_vars: conmon runs `podman container cleanup` when a container exits;
	#   it must see this configuration too.
	# - default_ulimits: podman asks for nofile/nproc 1048576 by default, above the hard
	#   limits of some CI hosts; runc and whalebox both fail then.
	cat >"$CONTAINERS_CONF" <<EOF
[containers]
netns = "none"
log_driver = "k8s-file"
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[network]
network_backend = "cni"
network_config_dir = "$PODMAN_DIR/net"
cni_plugin_dirs = ["$PODMAN_DIR/cni"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_DIR/events.log"
tmp_dir = "$PODMAN_DIR/tmp"
volume_path = "$PODMAN_DIR/volumes"
lock_type = "file"
conmon_env_vars = [
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "CONTAINERS_CONF=$CONTAINERS_CONF",
  "CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF",
  "CONTAINERS_REGISTRIES_CONF=$CONTAINERS_REGISTRIES_CONF",
  "TMPDIR=$TMPDIR",
]
runtime = "whalebox"
runtime_supports_json = ["whalebox"]

[engine.runtimes]
whalebox = ["$PODMAN_DIR/bin/oci-runtime"]
EOF

	tar -C "$BUSYBOX_ROOTFS" -cf "$PODMAN_DIR/busybox.tar" .
	if ! podman_import && [ -z "${PODMAN_STORAGE_DRIVER:-}" ]; then
		# No overlay here (say /tmp is itself on overlayfs): vfs copies, but works anywhere.
		echo "# podman: overlay storage failed ($(tail -n 1 "$PODMAN_DIR/import.out")), using vfs" >&3
		unmount_below "$PODMAN_DIR/"
		rm -rf "$PODMAN_DIR/storage" "$PODMAN_DIR/run"
		write_storage_conf vfs
		podman_import
	fi || fail "podman import failed: $(cat "$PODMAN_DIR/import.out")"
	rm -f "$PODMAN_DIR/busybox.tar"
}

write_storage_conf() {
	cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "$1"
graphroot = "$PODMAN_DIR/storage"
runroot = "$PODMAN_DIR/run"
EOF
}

# Imports $PODMAN_DIR/busybox.tar as $PODMAN_IMAGE. podman import writes a blob-info cache
# to /var/lib/containers/cache whatever the storage root is: this one podman gets a
# private empty /var/lib (a mount namespace of its own, gone when it exits), so the
# host's is left alone.
podman_import() {
	[ -f "${CONTAINERS_CONF:-}" ] && [ -f "${CONTAINERS_STORAGE_CONF:-}" ] || return 1
	unshare --mount --propagation private sh -c '
		mount -t tmpfs -o size=1m,mode=0755 whalebox-test /var/lib && exec "$@"' sh \
		podman import --quiet "$PODMAN_DIR/busybox.tar" "$PODMAN_IMAGE" >"$PODMAN_DIR/import.out" 2>&1
}

# Unmounts everything mounted below directory PREFIX (non-empty, ending in /), deepest
# first.
unmount_below() {
	local mnt
	case $1 in /?*/) ;; *) return 1 ;; esac
	awk -v d="$1" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r mnt; do umount "$mnt" 2>/dev/null || umount -l "$mnt" || true; done
}

# podman with this suite's configuration; records $output/$status with `run`. Refuses to
# run without it: podman would use the host's storage, /run/libpod and /etc/containers.
pm() {
	[ -n "${CONTAINERS_CONF:-}" ] && [ -f "$CONTAINERS_CONF" ] || fail "pm: no CONTAINERS_CONF: podman_setup first"
	podman --cgroup-manager cgroupfs "$@"
}

# `podman run` with the options every container gets: no network, our cgroup parent.
pm_run() {
	pm run --network none --cgroup-parent "$PODMAN_CGROUP_PARENT" "$@"
}

pm_create() {
	pm create --network none --cgroup-parent "$PODMAN_CGROUP_PARENT" "$@"
}

# Prints podman's view of a container's state (running, paused, exited ...).
pm_status() {
	pm inspect --format '{{.State.Status}}' "$1"
}

# Waits up to 10 seconds until container NAME has STATUS in podman's view.
pm_wait_status() {
	local name=$1 want=$2 got i
	for ((i = 0; i < 100; i++)); do
		got=$(pm_status "$name" 2>/dev/null)
		[ "$got" = "$want" ] && return 0
		sleep 0.1
	done
	fail "container $name: status is \"$got\", expected \"$want\""
}

# Waits up to 10 seconds until `podman logs NAME` contains TEXT.
pm_wait_log() {
	local name=$1 text=$2 i
	for ((i = 0; i < 100; i++)); do
		pm logs "$name" 2>/dev/null | grep -qF -- "$text" && return 0
		sleep 0.1
	done
	fail "container $name never logged \"$text\": $(pm logs "$name" 2>&1)"
}

# The host directory of a container's cgroup in hierarchy CONTROLLER (v1), or in the
# cgroup2 hierarchy when CONTROLLER is empty.
pm_cgroup_dir() {
	local name=$1 controller=$2 id
	id=$(pm inspect --format '{{.Id}}' "$name") || return
	if [ -n "$controller" ]; then
		echo "/sys/fs/cgroup/$controller$PODMAN_CGROUP_PARENT/libpod-$id"
	else
		echo "/sys/fs/cgroup$PODMAN_CGROUP_PARENT/libpod-$id"
	fi
}

# Runs COMMAND... under a pseudo-terminal (CI has none): `script` makes one.
with_tty() {
	local cmd="" arg
	for arg in "$@"; do cmd+=" $(printf '%q' "$arg")"; done
	script -qec "$cmd" /dev/null </dev/null
}

# Before each test.
podman_setup_test() {
	[ -z "${PODMAN_SKIP:-}" ] || skip "$PODMAN_SKIP"
}

# After each test: its containers go (kill at once, no stop timeout).
podman_teardown_test() {
	[ -n "${PODMAN_DIR:-}" ] || return 0
	pm rm -af -t 0 >/dev/null 2>&1 || true
}

# Once per file, after the tests: remove everything podman_setup and the tests made.
podman_teardown() {
	[ -n "${PODMAN_DIR:-}" ] && [ -d "$PODMAN_DIR" ] || return 0
	local mnt dir pid
	pm rm -af -t 0 >/dev/null 2>&1 || true
	pm rmi -af >/dev/null 2>&1 || true
	# Processes still in our cgroups (conmons, containers that outlived podman): ours.
	for mnt in $(cgroup_mounts); do
		dir=$mnt$PODMAN_CGROUP_PARENT
		[ -d "$dir" ] || continue
		for pid in $(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null || true
		done
	done
	# Mounts below our dir (the overlay driver's private home, container rootfs).
	unmount_below "$PODMAN_DIR/"
	for mnt in $(cgroup_mounts); do
		dir=$mnt$PODMAN_CGROUP_PARENT
		[ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
		if [ "$(cat "$PODMAN_DIR/own-cgroup-top" 2>/dev/null)" = 1 ] && [ -d "$mnt$PODMAN_CGROUP_TOP" ]; then
			rmdir "$mnt$PODMAN_CGROUP_TOP" 2>/dev/null || true
		fi
	done
	rm -rf "$PODMAN_DIR"
}
