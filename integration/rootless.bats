#!/usr/bin/env bats
# Rootless: whalebox run by an unprivileged user (docs/rootless.md). setup_file makes a
# user of its own (a unique name, a range in /etc/subuid and /etc/subgid) and a directory
# it owns holding a copy of the binary and of the busybox rootfs; teardown_file removes
# them all. Every command runs as that user through setpriv, with no terminal and a clean
# environment whose $XDG_RUNTIME_DIR is the user's own. Also passes with
# WHALEBOX=/usr/sbin/runc. The cgroup v2 tests need a host (the VM) whose cgroup2 lets
# root delegate a subtree to the user; they skip elsewhere (a cgroup v1 host has no
# cgroup the user may write, and the containers simply have none, as with runc).

load helpers

CGROOT=/sys/fs/cgroup
CGPARENT=whalebox-test
RL_RANGE=65536

# Why this host cannot run the suite ("" when it can).
rootless_unsupported() {
	[ "$(id -u)" -eq 0 ] || { echo "needs root to make a user"; return; }
	command -v useradd >/dev/null || { echo "no useradd"; return; }
	command -v setpriv >/dev/null || { echo "no setpriv"; return; }
	command -v newuidmap >/dev/null || { echo "no newuidmap (uidmap package)"; return; }
	[ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 1 ] ||
		{ echo "unprivileged user namespaces are disabled"; return; }
	[ -x "$BUSYBOX_BUNDLE/rootfs/bin/busybox" ] || { echo "run bundles/make-busybox-rootfs.sh first"; return; }
	echo ""
}

setup_file() {
	# Not a skip (bats 1.8 fails a setup_file that skips): setup skips each test.
	[ -z "$(rootless_unsupported)" ] || return 0
	local name dir uid
	name=wbrl$$$RANDOM
	useradd -M -d /nonexistent -s /bin/sh -K UID_MIN=20000 -K UID_MAX=29999 "$name"
	uid=$(id -u "$name")
	# A range no other user of this host has: above the usual ones, by uid.
	local start=$((200000000 + (uid - 20000) * RL_RANGE))
	echo "$name:$start:$RL_RANGE" >>/etc/subuid
	echo "$name:$start:$RL_RANGE" >>/etc/subgid
	dir=$(mktemp -d /tmp/whalebox-rootless.XXXXXX)
	chmod 755 "$dir"
	cp "$WHALEBOX" "$dir/runtime"
	cp -a "$BUSYBOX_BUNDLE/rootfs" "$dir/rootfs"
	mkdir -m 700 "$dir/xdg"
	chown -R "$name:$name" "$dir/rootfs" "$dir/xdg"
	chmod 755 "$dir/runtime"
	export RL_USER=$name RL_UID=$uid RL_GID=$(id -g "$name") RL_SUBID=$start RL_DIR=$dir
	export RL_XDG=$dir/xdg RL_RUNTIME=$dir/runtime
	# The state directory each runtime picks under $XDG_RUNTIME_DIR.
	case "$(basename "$WHALEBOX")" in
	runc) export RL_STATE_NAME=runc ;;
	*) export RL_STATE_NAME=whalebox ;;
	esac
}

teardown_file() {
	[ -n "${RL_USER:-}" ] || return 0
	# Whatever a failed test left running as the user (only this suite's user has that uid).
	local pid
	for pid in $(ps -o pid= -u "$RL_UID" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
	sleep 0.2
	sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
	userdel "$RL_USER" 2>/dev/null || true
	getent group "$RL_USER" >/dev/null && groupdel "$RL_USER" 2>/dev/null
	rm -rf "$RL_DIR"
	if [ -d "$CGROOT/$CGPARENT/rl$RL_UID" ]; then
		find "$CGROOT/$CGPARENT/rl$RL_UID" -depth -type d -exec rmdir {} + 2>/dev/null || true
	fi
}

setup() {
	local why
	why=$(rootless_unsupported)
	[ -z "$why" ] || skip "$why"
	[ -n "${RL_USER:-}" ] || skip "no rootless user"
	TEST_DIR=$RL_DIR/t$BATS_TEST_NUMBER
	mkdir -m 755 "$TEST_DIR"
	chown "$RL_USER:$RL_USER" "$TEST_DIR"
	BUNDLE=$TEST_DIR/bundle
	as_user mkdir "$BUNDLE"
	as_user sh -c "cd '$BUNDLE' && '$RL_RUNTIME' spec --rootless"
	# The shared rootfs by its absolute path (runc refuses a symlinked one).
	rl_config --arg root "$RL_DIR/rootfs" \
		'.process.terminal = false | .process.args = ["sleep", "1000"] | .root = {"path": $root, "readonly": true}'
	CG_ENTER=""
}

teardown() {
	[ -n "${RL_USER:-}" ] && [ -d "${TEST_DIR:-}" ] || return 0
	local id
	for id in $(as_user "$RL_RUNTIME" list -q 2>/dev/null); do
		as_user "$RL_RUNTIME" delete -f "$id" >/dev/null 2>&1 || true
	done
	rm -rf "$TEST_DIR"
}

# Runs a command as the test user: its ids, no supplementary groups, a clean environment.
# With CG_ENTER set (a cgroup directory), it first moves into that cgroup.
as_user() {
	local enter=()
	[ -n "${CG_ENTER:-}" ] && enter=(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG_ENTER")
	"${enter[@]}" setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups \
		env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$RL_DIR" USER="$RL_USER" \
		XDG_RUNTIME_DIR="$RL_XDG" "$@" </dev/null
}

# The runtime as the test user, recorded like helpers.bash's wb ($status, $output, $lines).
rl() {
	local out start
	out=$(mktemp "$TEST_DIR/output.XXXXXX")
	status=0
	start=$(date +%s%N)
	as_user "$RL_RUNTIME" "$@" >"$out" 2>&1 || status=$?
	output=$(cat "$out")
	lines=()
	[ -n "$output" ] && mapfile -t lines <<<"$output"
	echo "$RL_RUNTIME $* (status=$status, $((($(date +%s%N) - start) / 1000000)) ms):" >&2
	echo "$output" >&2
}

# Edits the bundle's config.json (a jq filter), keeping the user its owner.
rl_config() {
	jq "$@" "$BUNDLE/config.json" >"$TEST_DIR/config.tmp"
	cat "$TEST_DIR/config.tmp" >"$BUNDLE/config.json"
	rm -f "$TEST_DIR/config.tmp"
}

rl_status() {
	as_user "$RL_RUNTIME" state "$1" | jq -r .status
}

rl_wait_status() {
	local i
	for i in $(seq 50); do
		[ "$(rl_status "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	fail "container $1 never reached $2 (now: $(rl_status "$1" 2>&1))"
}

is_whalebox() {
	[ "$RL_STATE_NAME" = whalebox ]
}

@test "rootless: spec --rootless as the user matches runc's field by field" {
	command -v runc >/dev/null || skip "runc is not installed"
	as_user mkdir "$TEST_DIR/runcs" "$TEST_DIR/ours"
	as_user sh -c "cd '$TEST_DIR/runcs' && runc spec --rootless"
	as_user sh -c "cd '$TEST_DIR/ours' && '$RL_RUNTIME' spec --rootless"
	local field
	for field in .process .root .hostname .mounts .linux.uidMappings .linux.gidMappings .linux.namespaces \
		.linux.maskedPaths .linux.readonlyPaths .linux.resources '.linux | keys'; do
		diff <(jq -S "$field" "$TEST_DIR/runcs/config.json") <(jq -S "$field" "$TEST_DIR/ours/config.json") ||
			fail "field $field differs"
	done
	# The caller, mapped to root.
	[ "$(jq -c .linux.uidMappings "$TEST_DIR/ours/config.json")" = "[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}]" ]
	[ "$(jq -c .linux.gidMappings "$TEST_DIR/ours/config.json")" = "[{\"containerID\":0,\"hostID\":$RL_GID,\"size\":1}]" ]
}

@test "rootless: the state goes to \$XDG_RUNTIME_DIR, private and sticky" {
	rl create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ -d "$RL_XDG/$RL_STATE_NAME/c1" ]
	[ "$(stat -c '%U %a' "$RL_XDG/$RL_STATE_NAME")" = "$RL_USER 1700" ]
	rl delete -f c1
	[ "$status" -eq 0 ]
}

@test "rootless: create, start, state, list, ps, kill, delete" {
	rl create --bundle "$BUNDLE" life
	[ "$status" -eq 0 ]
	[ "$(rl_status life)" = created ]
	rl start life
	[ "$status" -eq 0 ]
	[ "$(rl_status life)" = running ]
	rl list
	[ "$status" -eq 0 ]
	[[ "$output" == *life*running* ]]
	local pid
	pid=$(as_user "$RL_RUNTIME" state life | jq .pid)
	[ "$(stat -c %u "/proc/$pid")" -eq "$RL_UID" ]
	if is_whalebox; then  # runc's ps needs a cgroup; without one whalebox reads the pid namespace
		rl ps --format json life
		[ "$status" -eq 0 ]
		[[ "$output" == *"$pid"* ]]
	fi
	rl kill life KILL
	[ "$status" -eq 0 ]
	rl_wait_status life stopped
	rl delete life
	[ "$status" -eq 0 ]
	rl state life
	[ "$status" -ne 0 ]
	[ ! -e "$RL_XDG/$RL_STATE_NAME/life" ]
}

@test "rootless: run in the foreground returns the exit status" {
	rl_config '.process.args = ["sh", "-c", "exit 7"]'
	rl run --bundle "$BUNDLE" fg
	[ "$status" -eq 7 ]
	rl state fg
	[ "$status" -ne 0 ]
}

@test "rootless: exec runs as root of the user namespace, the caller outside" {
	rl run -d --bundle "$BUNDLE" ex
	[ "$status" -eq 0 ]
	rl exec ex id -u
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	rl exec ex cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 $RL_UID 1" ]
	if is_whalebox; then  # runc's ps and kill --all need a cgroup
		rl exec -d ex sleep 1000
		[ "$status" -eq 0 ]
		rl ps ex
		[ "$status" -eq 0 ]
		[ "$(grep -c 'sleep 1000' <<<"$output")" -eq 2 ]
		rl kill --all ex KILL
		[ "$status" -eq 0 ]
	else
		rl kill ex KILL
	fi
	rl_wait_status ex stopped
	rl delete ex
	[ "$status" -eq 0 ]
}

@test "rootless: the id mappings seen from inside" {
	rl_config '.process.args = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id"]'
	rl run --bundle "$BUNDLE" maps
	[ "$status" -eq 0 ]
	[ "$(echo ${lines[0]})" = "0 $RL_UID 1" ]
	[ "$(echo ${lines[1]})" = "0 $RL_GID 1" ]
	[ "${lines[2]}" = deny ]  # the only way an unprivileged user may write a gid map
	[[ "${lines[3]}" == "uid=0(root) gid=0(root)"* ]]
}

@test "rootless: a range from /etc/subuid is mapped through newuidmap and newgidmap" {
	rl_config --argjson u "$RL_UID" --argjson g "$RL_GID" --argjson s "$RL_SUBID" \
		'.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}, {"containerID": 1, "hostID": $s, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1}, {"containerID": 1, "hostID": $s, "size": 65536}]
		| .process.args = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map"]'
	rl run --bundle "$BUNDLE" range
	[ "$status" -eq 0 ]
	[ "$(echo ${lines[0]})" = "0 $RL_UID 1" ]
	[ "$(echo ${lines[1]})" = "1 $RL_SUBID 65536" ]
	[ "$(echo ${lines[2]})" = "0 $RL_GID 1" ]
	[ "$(echo ${lines[3]})" = "1 $RL_SUBID 65536" ]
}

@test "rootless: a mapping outside the caller's ranges is refused in one line" {
	rl_config '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]'
	rl run --bundle "$BUNDLE" outside
	[ "$status" -ne 0 ]
	rl state outside
	[ "$status" -ne 0 ]
	if is_whalebox; then
		rl run --bundle "$BUNDLE" outside
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"uidMappings: host ids 0-0 are not the caller's to map"*"/etc/subuid"* ]]
	fi
}

@test "rootless: a mount the user may not make is refused in one line" {
	mkdir -m 700 "$TEST_DIR/private"  # root's, closed to the user: inner cannot be looked up
	mkdir "$TEST_DIR/private/inner"
	rl_config --arg src "$TEST_DIR/private/inner" \
		'.process.args = ["true"] | .mounts += [{"destination": "/mnt", "type": "bind", "source": $src, "options": ["rbind"]}]'
	rl run --bundle "$BUNDLE" mnt
	[ "$status" -ne 0 ]
	rl state mnt
	[ "$status" -ne 0 ]
	if is_whalebox; then
		rl run --bundle "$BUNDLE" mnt
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"/mnt"*"ermission denied"* ]]
	fi
}

@test "rootless: --rootless false keeps cgroup errors, true and auto do without" {
	[ "$(stat -fc %T $CGROOT)" != cgroup2fs ] || skip "on cgroup v2 the user's cgroup may be writable"
	rl --rootless false create --bundle "$BUNDLE" strict
	[ "$status" -ne 0 ]
	rl --rootless true create --bundle "$BUNDLE" lenient
	[ "$status" -eq 0 ]
	rl --rootless auto create --bundle "$BUNDLE" auto
	[ "$status" -eq 0 ]
	rl delete -f lenient
	rl delete -f auto
}

@test "rootless: limits without a writable cgroup are an error" {
	[ "$(stat -fc %T $CGROOT)" != cgroup2fs ] || skip "on cgroup v2 the user's cgroup may be writable"
	rl_config '.linux.resources = {"pids": {"limit": 10}}'
	rl run --bundle "$BUNDLE" limits
	[ "$status" -ne 0 ]
	rl state limits
	[ "$status" -ne 0 ]
}

@test "rootless: without a writable cgroup, state and list work, pause and update fail as runc's" {
	# The user's shell sits where bats runs (a cgroup root owns): the container has none.
	rl run -d --bundle "$BUNDLE" nocg
	[ "$status" -eq 0 ]
	[ "$(rl_status nocg)" = running ]
	rl list
	[ "$status" -eq 0 ]
	[[ "$output" == *nocg*running* ]]
	rl pause nocg
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot toggle freezer: cgroups not configured for container"* ]]
	[ "$(rl_status nocg)" = running ]
	rl update --pids-limit 30 nocg
	[ "$status" -ne 0 ]
	[[ "$output" == *"container could not join or create cgroup"* ]]
	# runc reports zero stats for a container without a cgroup.
	rl events --stats nocg
	[ "$status" -eq 0 ]
	[ "$(jq -r .type <<<"$output")" = stats ]
	rl delete -f nocg
	[ "$status" -eq 0 ]
}

# cgroup v2 with a subtree delegated to the user, as systemd's user@.service gives it:
# the user owns rl<UID> (and its cgroup.procs, cgroup.subtree_control), its shell sits in
# the leaf rl<UID>/shell, and the container goes beside it (runc's default path: below
# the parent of the caller's own cgroup).
delegate_cgroup() {
	[ "$(stat -fc %T $CGROOT)" = cgroup2fs ] || skip "not a cgroup v2 host (run integration/run-cgroupv2-vm.sh)"
	local base=$CGROOT/$CGPARENT/rl$RL_UID c
	mkdir -p "$base/shell"
	for c in memory pids; do
		echo "+$c" >"$CGROOT/cgroup.subtree_control"
		echo "+$c" >"$CGROOT/$CGPARENT/cgroup.subtree_control"
	done
	chown "$RL_USER" "$base" "$base/cgroup.procs" "$base/cgroup.subtree_control" "$base/cgroup.threads"
	chown -R "$RL_USER" "$base/shell"
	echo "+memory +pids" >"$base/cgroup.subtree_control"
	CG_BASE=$base
	CG_ENTER=$base/shell
}

@test "rootless cgroup v2: limits in a delegated subtree" {
	delegate_cgroup
	rl_config '.linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 20}}'
	rl run -d --bundle "$BUNDLE" lim
	[ "$status" -eq 0 ]
	[ "$(cat "$CG_BASE/lim/memory.max")" = 33554432 ]
	[ "$(cat "$CG_BASE/lim/pids.max")" = 20 ]
	local pid
	pid=$(as_user "$RL_RUNTIME" state lim | jq .pid)
	grep -q "^0::/$CGPARENT/rl$RL_UID/lim\$" "/proc/$pid/cgroup"
	rl update --pids-limit 30 lim
	[ "$status" -eq 0 ]
	[ "$(cat "$CG_BASE/lim/pids.max")" = 30 ]
	rl delete -f lim
	[ "$status" -eq 0 ]
	[ ! -d "$CG_BASE/lim" ]
}

@test "rootless cgroup v2: pause, resume and events in a delegated subtree, not without one" {
	[ "$(stat -fc %T $CGROOT)" = cgroup2fs ] || skip "not a cgroup v2 host (run integration/run-cgroupv2-vm.sh)"
	# First from bats' own cgroup, whose parent is root's: no cgroup, as on cgroup v1.
	rl run -d --bundle "$BUNDLE" nocg
	[ "$status" -eq 0 ]
	rl pause nocg
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot toggle freezer: cgroups not configured for container"* ]]
	[ "$(rl_status nocg)" = running ]
	rl delete -f nocg
	[ "$status" -eq 0 ]
	delegate_cgroup
	rl run -d --bundle "$BUNDLE" pz
	[ "$status" -eq 0 ]
	rl pause pz
	[ "$status" -eq 0 ]
	[ "$(rl_status pz)" = paused ]
	rl resume pz
	[ "$status" -eq 0 ]
	[ "$(rl_status pz)" = running ]
	rl events --stats pz
	[ "$status" -eq 0 ]
	[ "$(jq -r .type <<<"$output")" = stats ]
	rl delete -f pz
	[ "$status" -eq 0 ]
}
