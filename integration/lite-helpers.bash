#!/bin/bash
# Shared by integration/lite*.bats. Builds nothing: build whalebox-lite first
# (cmake --build build --target whalebox-lite; WHALEBOX_LITE overrides the binary) and the
# busybox rootfs (bundles/make-busybox-rootfs.sh).
#
# Each test gets its own temporary --root (images, layers, containers) and --state-root
# (the runtime's state), and a busybox image imported from bundles/busybox/rootfs.
# Every whalebox-lite call runs inside a network namespace the test made itself
# ($LITE_NETNS, a bind mount of an nsfs file in the test's directory, entered with nsenter):
# the default network's bridge, veths and iptables rules live and die there, never in the
# machine's own namespace.
# Teardown force-removes every container, then unmounts whatever is still mounted below
# the test's directory before deleting it, never crossing into another file system.

LITE_INTEGRATION=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LITE_REPO=$(dirname "$LITE_INTEGRATION")
WHALEBOX_LITE=${WHALEBOX_LITE:-$LITE_REPO/build/whalebox-lite}
LITE_BUSYBOX_ROOTFS=$LITE_REPO/bundles/busybox/rootfs
LITE_SCHEMAS=$LITE_REPO/schemas
# Debian's interpreter, which has python3-jsonschema.
LITE_PYTHON=/usr/bin/python3

# whalebox-lite with the test's roots; records $output, $lines and $status like bats'
# `run`, but through a file: a detached container's monitor must not hold our pipes.
lite() {
	local out
	out=$(mktemp "$LITE_DIR/output.XXXXXX")
	status=0
	in_test_netns "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" "$@" </dev/null >"$out" 2>&1 || status=$?
	output=$(cat "$out")
	lines=()
	[ -n "$output" ] && mapfile -t lines <<<"$output"
	echo "whalebox-lite $* (status=$status):" >&2
	echo "$output" >&2
}

# The same with stdout only in $output (stderr to the test's log).
lite_stdout() {
	local out
	out=$(mktemp "$LITE_DIR/output.XXXXXX")
	status=0
	in_test_netns "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" "$@" </dev/null >"$out" 2>>"$LITE_DIR/stderr" || status=$?
	output=$(cat "$out")
	echo "whalebox-lite $* (status=$status): $output" >&2
}

# Plain call for pipelines.
__lite() {
	in_test_netns "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" "$@"
}

# Runs a command in the test's network namespace.
in_test_netns() {
	nsenter --net="$LITE_NETNS" "$@"
}

setup_lite() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -x "$WHALEBOX_LITE" ] || skip "build whalebox-lite first ($WHALEBOX_LITE)"
	[ -x "$LITE_BUSYBOX_ROOTFS/bin/busybox" ] || skip "run bundles/make-busybox-rootfs.sh first"
	LITE_DIR=$(mktemp -d /tmp/whalebox-lite-bats.XXXXXX)
	LITE_ROOT=$LITE_DIR/root
	LITE_STATE=$LITE_DIR/state
	LITE_NETNS=$LITE_DIR/netns
	touch "$LITE_NETNS"
	unshare --net="$LITE_NETNS" ip link set lo up
	tar -C "$LITE_BUSYBOX_ROOTFS" -c . >"$LITE_DIR/busybox.tar"
	lite import "$LITE_DIR/busybox.tar" busybox
	[ "$status" -eq 0 ]
}

teardown_lite() {
	[ -n "${LITE_DIR:-}" ] && [ -d "$LITE_DIR" ] || return 0
	local id
	for id in $(__lite ps -aq 2>/dev/null); do
		__lite rm -f "$id" >/dev/null 2>&1 || true
	done
	# Background work still under way (a --rm teardown, a refiller of spare attachments:
	# network_spares.hpp) ends first, for at most 10 s.
	local f i
	for i in $(seq 1 50); do
		compgen -G "$LITE_ROOT/containers/*.removing" >/dev/null || break
		sleep 0.2
	done
	for f in "$LITE_STATE"/spares/*.lock; do
		[ -e "$f" ] && flock -w 10 "$f" true
	done
	# Anything a failed test left mounted below the directory, deepest first (the test's
	# network namespace too: with its last user gone, its bridge, veths and rules go).
	local m
	for m in $(awk -v d="$LITE_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf --one-file-system "$LITE_DIR"
}

# The id of a container (by name).
lite_id() {
	__lite inspect "$1" | "$LITE_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["Id"])'
}

# A field of the lite record of `inspect NAME` (its "WhaleboxLite" object: pid, monitorPid, ...).
lite_field() {
	__lite inspect "$1" | "$LITE_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["WhaleboxLite"][sys.argv[1]])' "$2"
}

# Waits up to $2 seconds (default 10) until `ps -a` shows NAME with a STATUS matching $3.
wait_status() {
	local name=$1 pattern=$3 i
	for i in $(seq 1 $((${2:-10} * 10))); do
		__lite ps -a | grep -E " ${name}\$" | grep -Eq "$pattern" && return 0
		sleep 0.1
	done
	__lite ps -a >&2
	return 1
}

# Validates record files against a schema: lite_validate SCHEMA FILE...
lite_validate() {
	"$LITE_PYTHON" - "$@" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    jsonschema.validate(json.load(open(f)), schema, format_checker=jsonschema.FormatChecker())
print("ok", len(sys.argv) - 2)
PY
}

# Writes an image archive with three layers (busybox, files, whiteouts):
# lite_mkimage docker|oci OUT NAME:TAG
lite_mkimage() {
	"$LITE_PYTHON" - "$1" "$LITE_DIR/busybox.tar" "$2" "$3" <<'PY'
"""Builds image archives for the whalebox-lite load tests: a docker-save archive
(manifest.json) or an OCI image layout (index.json, blobs/sha256), each with a base
layer (the busybox rootfs tar given), a layer that adds files, and a layer with
whiteouts (.wh.NAME and an opaque dir). Usage: mkimage.py docker|oci BASE_TAR OUT NAME"""
import hashlib, io, json, sys, tarfile

def tar_bytes(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                t.addfile(info)
            else:
                info.size = len(data)
                info.mode = 0o644
                t.addfile(info, io.BytesIO(data))
    return buf.getvalue()

def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()

kind, base_path, out, name = sys.argv[1:5]
base = open(base_path, "rb").read()
l2 = tar_bytes([("opt", None), ("opt/keep", b"keep\n"), ("opt/gone", b"gone\n"),
                ("cache", None), ("cache/old", b"old\n"), ("etc/motd", b"layer two\n")])
l3 = tar_bytes([("opt", None), ("opt/.wh.gone", b""), ("cache", None), ("cache/.wh..wh..opq", b""),
                ("cache/new", b"new\n")])
layers = [base, l2, l3]
config = json.dumps({
    "architecture": "amd64", "os": "linux", "created": "2024-01-02T03:04:05Z",
    "config": {"Cmd": ["cat", "/etc/motd"], "Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=hello"],
               "WorkingDir": "/opt"},
    "rootfs": {"type": "layers", "diff_ids": [sha(l) for l in layers]}}).encode()

def add(t, path, data):
    info = tarfile.TarInfo(path)
    info.size = len(data)
    info.mode = 0o644
    t.addfile(info, io.BytesIO(data))

with tarfile.open(out, "w") as t:
    if kind == "docker":
        cfg_name = sha(config)[7:] + ".json"
        add(t, cfg_name, config)
        paths = []
        for l in layers:
            p = sha(l)[7:] + "/layer.tar"
            add(t, p, l)
            paths.append(p)
        add(t, "manifest.json", json.dumps([{"Config": cfg_name, "RepoTags": [name], "Layers": paths}]).encode())
    else:
        blobs = {}
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(config), "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": sha(l), "size": len(l)}
                       for l in layers]}).encode()
        for b in [config, manifest] + layers:
            blobs[sha(b)] = b
        add(t, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        for d, b in blobs.items():
            add(t, "blobs/sha256/" + d[7:], b)
        add(t, "index.json", json.dumps({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(manifest),
            "size": len(manifest), "annotations": {"io.containerd.image.name": name,
                                                   "org.opencontainers.image.ref.name": name.split(":")[-1]}}]}).encode())
PY
}

# The "stream" of each line of container NAME's container.log, in order.
lite_log_streams() {
	jq -r .stream "$LITE_ROOT/containers/$(lite_id "$1")/container.log"
}

# whalebox-lite with /etc/subuid and /etc/subgid giving "whalebox-lite" 300000:65536, in a
# mount namespace of its own (the host's files are left alone).
lite_remapped() {
	printf 'whalebox-lite:300000:65536\n' >"$LITE_DIR/subid"
	local out
	out=$(mktemp "$LITE_DIR/output.XXXXXX")
	status=0
	unshare -m sh -c 'mount --bind "$0" /etc/subuid && mount --bind "$0" /etc/subgid && shift && exec "$@"' \
		"$LITE_DIR/subid" x nsenter --net="$LITE_NETNS" "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" \
		"$@" </dev/null >"$out" 2>&1 || status=$?
	output=$(cat "$out")
	lines=()
	[ -n "$output" ] && mapfile -t lines <<<"$output"
	echo "whalebox-lite $* (status=$status): $output" >&2
}
