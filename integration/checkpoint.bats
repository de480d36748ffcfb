#!/usr/bin/env bats
# checkpoint and restore through criu. criu 3.17 fails on the development host's kernel
# (its feature detection dies on the vDSO), so the suite runs in the cgroup v2 VM
# (integration/run-cgroupv2-vm.sh, where `criu check` says "Looks good"); elsewhere the
# tests that need criu skip, saying why.
#
# As in cgroupv2.bats, each test's container goes below /sys/fs/cgroup/whalebox-test-criu
# (in every hierarchy on a cgroup v1 host: VM_CGROUP_V1=1 integration/run-cgroupv2-vm.sh
# boots the VM with a hybrid layout) and state, bundles and rootfs live on the guest's
# fresh /tmp. Containers redirect
# their own stdio to the container's /dev/null (criu cannot dump a file of the host's
# mount namespace), or use a pty through --console-socket.

load helpers

CGROOT=/sys/fs/cgroup
CGPARENT=whalebox-test-criu

setup_file() {
	# Not a skip (bats 1.8 fails a setup_file that skips): setup skips each test.
	local why=""
	if ! command -v criu >/dev/null; then
		why="criu is not installed"
	elif ! out=$(criu check 2>&1); then
		why="criu check fails on this kernel ($(echo "$out" | grep -m1 -i error)): run integration/run-cgroupv2-vm.sh"
	elif [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] && ! [ -d /sys/fs/cgroup/freezer ]; then
		why="neither cgroup v2 nor a v1 freezer here (run integration/run-cgroupv2-vm.sh)"
	fi
	export CRIU_SKIP=$why
	[ -z "$why" ] || return 0
	local dir
	dir=$(mktemp -d "${BATS_RUN_TMPDIR:-/tmp}/whalebox-criu.XXXXXX")
	cp "$WHALEBOX" "$dir/whalebox"
	cp -a "$BUSYBOX_BUNDLE/rootfs" "$dir/rootfs"
	export WHALEBOX=$dir/whalebox CRIU_ROOTFS=$dir/rootfs
}

teardown_file() {
	local dir
	for dir in "$CGROOT/$CGPARENT" "$CGROOT"/*/"$CGPARENT"; do
		[ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

# cgroup v1 (a hybrid or legacy host): the hierarchies whose placement the tests check.
cgroup_v1() {
	[ "$(stat -fc %T "$CGROOT")" != cgroup2fs ]
}
V1_CHECKED="memory freezer pids"

# The container's cgroup directory for cgroup path CGPATH: the cgroup2 one, or on v1 the
# memory hierarchy's.
cgroup_dir_of() {
	if cgroup_v1; then echo "$CGROOT/memory$1"; else echo "$CGROOT$1"; fi
}

# Fails unless process PID is in cgroup CGPATH (on v1: in each hierarchy of V1_CHECKED).
in_cgroup() {
	local pid=$1 cg=$2 c
	if ! cgroup_v1; then
		[ "$(cat "/proc/$pid/cgroup")" = "0::$cg" ] || fail "pid $pid: $(cat "/proc/$pid/cgroup"), not 0::$cg"
		return
	fi
	for c in $V1_CHECKED; do
		grep -qE "^[0-9]+:([^:]*,)?$c(,[^:]*)?:$cg\$" "/proc/$pid/cgroup" ||
			fail "pid $pid is not in $c:$cg: $(cat "/proc/$pid/cgroup")"
	done
}

setup() {
	setup_bundle
	CG="" CGDIR=""
	[ -z "$CRIU_SKIP" ] || return 0
	ln -sfn "$CRIU_ROOTFS" rootfs
	CG=/$CGPARENT/t$BATS_TEST_NUMBER
	CGDIR=$(cgroup_dir_of "$CG")
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg'
}

needs_criu() {
	[ -z "$CRIU_SKIP" ] || skip "$CRIU_SKIP"
}

teardown() {
	if [ -n "${RECVTTY_PID:-}" ]; then
		kill "$RECVTTY_PID" 2>/dev/null || true
		wait "$RECVTTY_PID" 2>/dev/null || true
	fi
	# criu's errors, for a failing test.
	[ -z "${TEST_DIR:-}" ] || find "$TEST_DIR" \( -name dump.log -o -name restore.log -o -name pre-dump.log \) -exec grep -H -m5 -E 'Error|Warn' {} + >&2 2>/dev/null || true
	teardown_bundle
	if [ -n "$CGDIR" ] && [ -d "$CGDIR" ]; then
		echo "teardown: $CGDIR left behind" >&2
		local dir
		for dir in "$CGROOT$CG" "$CGROOT"/*"$CG"; do
			[ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
		done
	fi
	return 0
}

# A container that counts in /dev/shm/count (a tmpfs criu dumps), five times a second. Each
# count is written aside and renamed over the file, so a reader never finds it truncated
# and still empty (an exec under emulation can land between `>`'s truncate and its write).
# Its init leads its own session, as the runtime's init always does (runc's too): criu
# refuses an init whose session leader is outside its pid namespace.
set_counter() {
	set_cmd sh -c 'exec </dev/null >/dev/null 2>&1; i=0; while :; do i=$((i + 1)); echo $i >/dev/shm/count.new; mv /dev/shm/count.new /dev/shm/count; sleep 0.2; done'
}

count_of() {
	__wb exec "$1" cat /dev/shm/count
}

# Fails unless container ID's counter goes on from at least FROM.
goes_on_counting() {
	local id=$1 from=$2 now
	sleep 1
	now=$(count_of "$id") || fail "exec in $id failed"
	[ "$now" -gt "$from" ] || fail "$id: count $now, not past $from"
}

# Starts a counter container ID, detached, and waits until it has counted.
run_counter() {
	set_counter
	wb run -d "$@"
	[ "$status" -eq 0 ]
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(count_of "${!#}" 2>/dev/null || echo 0)" -ge 2 ] && return 0
		sleep 0.2
	done
	fail "the counter did not start"
}

@test "checkpoint/restore: criu missing gives one clear line" {
	wb run -d test_criu
	[ "$status" -eq 0 ]
	status=0
	output=$("$WHALEBOX" --root "$ROOT" --criu /nonexistent/criu checkpoint test_criu 2>&1) || status=$?
	[ "$status" -ne 0 ]
	[ "$output" = "checkpoint/restore needs criu, which was not found (/nonexistent/criu): install criu 3.15 or newer" ]
	testcontainer test_criu running
	status=0
	output=$("$WHALEBOX" --root "$ROOT" --criu /nonexistent/criu restore -d --image-path "$TEST_DIR" test_other 2>&1) || status=$?
	[ "$status" -ne 0 ]
	[[ "$output" == *"needs criu"* ]]
	[ ! -e "$ROOT/test_other" ]
}

@test "checkpoint/restore: a counter goes on counting, with state.json and pid file" {
	needs_criu
	run_counter test_criu
	before=$(count_of test_criu)
	wb checkpoint --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	# The container is gone, as with runc.
	[ ! -e "$ROOT/test_criu" ]
	[ -s "$TEST_DIR/image/inventory.img" ]
	wb restore -d --image-path "$TEST_DIR/image" --pid-file "$TEST_DIR/pid" test_criu
	[ "$status" -eq 0 ]
	testcontainer test_criu running
	pid=$(container_pid test_criu)
	[ "$(cat "$TEST_DIR/pid")" = "$pid" ]
	in_cgroup "$pid" "$CG"
	after=$(count_of test_criu)
	[ "$after" -ge "$before" ]
	goes_on_counting test_criu "$after"
	wb delete -f test_criu
	[ "$status" -eq 0 ]
	[ ! -d "$CGDIR" ]
}

@test "checkpoint --leave-running: the container runs on, and the image restores" {
	needs_criu
	run_counter test_criu
	wb checkpoint --leave-running --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	testcontainer test_criu running
	goes_on_counting test_criu "$(count_of test_criu)"
	wb delete -f test_criu
	[ "$status" -eq 0 ]
	wb restore -d --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	goes_on_counting test_criu "$(count_of test_criu)"
}

@test "checkpoint --pre-dump, then a final dump with --parent-path" {
	needs_criu
	run_counter test_criu
	wb checkpoint --pre-dump --image-path "$TEST_DIR/pre" test_criu
	[ "$status" -eq 0 ]
	testcontainer test_criu running
	goes_on_counting test_criu "$(count_of test_criu)"
	wb checkpoint --image-path "$TEST_DIR/final" --parent-path ../pre test_criu
	[ "$status" -eq 0 ]
	[ -L "$TEST_DIR/final/parent" ]
	wb restore -d --image-path "$TEST_DIR/final" test_criu
	[ "$status" -eq 0 ]
	goes_on_counting test_criu "$(count_of test_criu)"
}

@test "checkpoint/restore: bind mounts, a tmpfs and masked paths come back" {
	needs_criu
	mkdir "$TEST_DIR/data"
	echo hostdata >"$TEST_DIR/data/in"
	update_config --arg src "$TEST_DIR/data" '.mounts += [
		{"destination": "/data", "type": "bind", "source": $src, "options": ["rbind", "rw"]},
		{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]'
	run_counter test_criu
	__wb exec test_criu sh -c 'echo kept >/scratch/file'
	wb checkpoint --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	wb restore -d --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	[ "$(__wb exec test_criu cat /data/in)" = hostdata ]
	__wb exec test_criu sh -c 'echo fromcontainer >/data/out'
	[ "$(cat "$TEST_DIR/data/out")" = fromcontainer ]
	[ "$(__wb exec test_criu cat /scratch/file)" = kept ]
	# /proc/kcore is /dev/null again, /proc/acpi an empty read-only tmpfs.
	[ "$(__wb exec test_criu stat -c %t:%T /proc/kcore)" = 1:3 ]
	[ -z "$(__wb exec test_criu ls -A /proc/acpi)" ]
	goes_on_counting test_criu "$(count_of test_criu)"
}

start_recvtty() {
	CONSOLE_SOCKET=$TEST_DIR/tty.sock
	TTY_OUT=$TEST_DIR/tty
	"$PYTHON" "$TESTDATA/recvtty.py" "$CONSOLE_SOCKET" "$TTY_OUT" "$@" \
		</dev/null >"$TEST_DIR/recvtty.log" 2>&1 &
	RECVTTY_PID=$!
	local i
	for ((i = 0; i < 50; i++)); do
		[ -e "$TTY_OUT.ready" ] && return 0
		sleep 0.1
	done
	fail "recvtty did not start: $(cat "$TEST_DIR/recvtty.log")"
}

@test "checkpoint/restore: a tty container restored with --console-socket" {
	needs_criu
	start_recvtty
	update_config '.process.terminal = true'
	set_cmd sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/dev/shm/count.new; mv /dev/shm/count.new /dev/shm/count; echo "tick-$i"; sleep 0.2; done'
	wb run -d --console-socket "$CONSOLE_SOCKET" test_criu
	[ "$status" -eq 0 ]
	sleep 1
	wb checkpoint --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	wb restore -d --image-path "$TEST_DIR/image" --console-socket "$CONSOLE_SOCKET" test_criu
	[ "$status" -eq 0 ]
	sleep 1
	# The restored process writes to the new pty (the second connection).
	grep -q tick- "$TTY_OUT.1"
	goes_on_counting test_criu "$(count_of test_criu)"
	# Without a console socket a tty checkpoint does not restore, and leaves nothing.
	wb delete -f test_criu
	wb restore -d --image-path "$TEST_DIR/image" test_criu
	[ "$status" -ne 0 ]
	[[ "$output" == *"console socket"* ]]
	[ ! -e "$ROOT/test_criu" ]
	[ ! -d "$CGDIR" ]
}

@test "checkpoint/restore: limits are in force after restore" {
	needs_criu
	update_config '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 20}'
	run_counter test_criu
	wb checkpoint --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	wb restore -d --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	if cgroup_v1; then
		[ "$(cat "$CGDIR/memory.limit_in_bytes")" = 67108864 ]
		[ "$(cat "$CGROOT/pids$CG/pids.max")" = 20 ]
	else
		[ "$(cat "$CGDIR/memory.max")" = 67108864 ]
		[ "$(cat "$CGDIR/pids.max")" = 20 ]
	fi
	pid=$(container_pid test_criu)
	grep -qx "$pid" "$CGDIR/cgroup.procs"
	# pids.max holds: 30 more processes cannot all start.
	run __wb exec test_criu sh -c 'for i in $(seq 30); do sleep 5 & done; wait'
	[ "$status" -ne 0 ]
}

@test "checkpoint/restore: restore into a fresh --root" {
	needs_criu
	run_counter test_criu
	wb checkpoint --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	other=$TEST_DIR/other-root
	status=0
	"$WHALEBOX" --root "$other" restore -d --image-path "$TEST_DIR/image" test_criu </dev/null >"$TEST_DIR/restore.out" 2>&1 || status=$?
	[ "$status" -eq 0 ] || fail "$(cat "$TEST_DIR/restore.out")"
	[ "$("$WHALEBOX" --root "$other" state test_criu | jq -r .status)" = running ]
	[ ! -e "$ROOT/test_criu" ]
	"$WHALEBOX" --root "$other" delete -f test_criu
}

@test "checkpoint/restore: a failed dump leaves the container running, a failed restore nothing" {
	needs_criu
	run_counter test_criu
	# No page server listens there: the dump fails once the tasks are frozen.
	wb checkpoint --page-server 127.0.0.1:1 --image-path "$TEST_DIR/image" test_criu
	[ "$status" -ne 0 ]
	[[ "$output" == *"criu dump failed"* ]]
	testcontainer test_criu running
	goes_on_counting test_criu "$(count_of test_criu)"
	# An image directory without images, restored into a cgroup of its own.
	mkdir "$TEST_DIR/empty"
	update_config --arg cg "$CG-other" '.linux.cgroupsPath = $cg'
	wb restore -d --image-path "$TEST_DIR/empty" test_other
	[ "$status" -ne 0 ]
	[[ "$output" == *"criu restore failed"* ]]
	[ ! -e "$ROOT/test_other" ]
	[ ! -d "$(cgroup_dir_of "$CG-other")" ]
	[ "$(cat "$CGDIR/cgroup.procs" | wc -l)" -ge 1 ]
}

@test "checkpoint/restore: restored into the cgroup of the restore's config" {
	needs_criu
	run_counter test_criu
	wb checkpoint --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	[ ! -d "$CGDIR" ]
	# criu is told the new cgroup (--cgroup-root), here another path than the dump's.
	update_config --arg cg "$CG-moved" '.linux.cgroupsPath = $cg'
	wb restore -d --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	pid=$(container_pid test_criu)
	in_cgroup "$pid" "$CG-moved"
	[ ! -d "$CGDIR" ]
	goes_on_counting test_criu "$(count_of test_criu)"
	wb delete -f test_criu
	[ "$status" -eq 0 ]
	[ ! -d "$(cgroup_dir_of "$CG-moved")" ]
}

@test "checkpoint/restore: prestart and createRuntime hooks run while criu restores, before the init runs" {
	needs_criu
	run_counter test_criu
	wb checkpoint --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	# Each hook records the pid of its state and what that process is then (its comm:
	# still criu's restorer, not the container's sh, at criu's setup-namespaces step).
	cat >"$TEST_DIR/hook.sh" <<'EOF'
#!/bin/sh
pid=$(jq -r .pid)
echo "$pid $(cat "/proc/$pid/comm")" >"$1"
EOF
	chmod +x "$TEST_DIR/hook.sh"
	hook() {
		jq -n --arg p "$TEST_DIR/hook.sh" --arg out "$TEST_DIR/$1" '{"path": $p, "args": ["hook.sh", $out]}'
	}
	update_config --argjson pre "$(hook prestart)" --argjson cr "$(hook createRuntime)" \
		'.hooks = {"prestart": [$pre], "createRuntime": [$cr]}'
	wb restore -d --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	pid=$(container_pid test_criu)
	read -r pre_pid pre_comm _ <"$TEST_DIR/prestart"
	read -r cr_pid cr_comm _ <"$TEST_DIR/createRuntime"
	[ "$pre_pid" = "$pid" ]
	[ "$cr_pid" = "$pid" ]
	[ "$pre_comm" != sh ]
	[ "$cr_comm" != sh ]
	[ "$(cat "/proc/$pid/comm")" = sh ]
	goes_on_counting test_criu "$(count_of test_criu)"
	wb delete -f test_criu

	# A failing prestart hook fails the restore, which leaves nothing behind.
	update_config '.hooks = {"prestart": [{"path": "/bin/false"}]}'
	wb restore -d --image-path "$TEST_DIR/image" test_criu
	[ "$status" -ne 0 ]
	[[ "$output" == *"prestart hook"* ]]
	[ ! -e "$ROOT/test_criu" ]
	[ ! -d "$CGDIR" ]
}

@test "restore --no-subreaper: the restore adopts no orphans (by default it does, as runc's)" {
	needs_criu
	run_counter test_criu
	wb checkpoint --image-path "$TEST_DIR/image" test_criu
	[ "$status" -eq 0 ]
	# The prestart hook, a child of the restore, leaves an orphan that records the pid of
	# whoever adopts it once the hook has exited: the restore itself only as a subreaper.
	cat >"$TEST_DIR/hook.sh" <<'EOF'
#!/bin/sh
cat >/dev/null
sh -c 'ppid() { sed -n "s/^PPid:[[:space:]]*//p" /proc/$$/status; }
while [ "$(ppid)" = "$2" ]; do sleep 0.05; done
ppid >"$1.new"; mv "$1.new" "$1"' orphan "$1" "$$" </dev/null >/dev/null 2>&1 &
EOF
	chmod +x "$TEST_DIR/hook.sh"
	update_config --arg p "$TEST_DIR/hook.sh" --arg out "$TEST_DIR/adopter" \
		'.hooks = {"prestart": [{"path": $p, "args": ["hook.sh", $out]}]}'
	local flag rpid rc i
	for flag in default --no-subreaper; do
		rm -f "$TEST_DIR/adopter"
		# In the foreground (the test's background), so the restore lives on.
		"$WHALEBOX" --root "$ROOT" restore ${flag#default} --image-path "$TEST_DIR/image" test_criu \
			</dev/null >"$TEST_DIR/restore.out" 2>&1 3>&- &
		rpid=$!
		echo "# $flag: restore $rpid started" >&3
		for ((i = 0; i < 300; i++)); do
			[ -s "$TEST_DIR/adopter" ] && [ "$(container_status test_criu 2>/dev/null)" = running ] && break
			sleep 0.1
		done
		[ -s "$TEST_DIR/adopter" ] || fail "no orphan recorded its adopter ($(cat "$TEST_DIR/restore.out"))"
		if [ "$flag" = --no-subreaper ]; then
			[ "$(cat "$TEST_DIR/adopter")" != "$rpid" ] || fail "the restore adopted the orphan despite --no-subreaper"
		else
			[ "$(cat "$TEST_DIR/adopter")" = "$rpid" ] || fail "adopted by $(cat "$TEST_DIR/adopter"), not the restore ($rpid)"
		fi
		echo "# $flag: adopter $(cat "$TEST_DIR/adopter")" >&3
		goes_on_counting test_criu "$(count_of test_criu)"
		echo "# $flag: counting" >&3
		wb kill test_criu KILL
		[ "$status" -eq 0 ]
		echo "# $flag: killed" >&3
		wait_for_exit "$rpid"
		rc=0
		wait "$rpid" || rc=$?
		[ "$rc" -eq 137 ] || fail "restore exited $rc: $(cat "$TEST_DIR/restore.out")"
		[ ! -e "$ROOT/test_criu" ]
		[ ! -d "$CGDIR" ]
	done
}
