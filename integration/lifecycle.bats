#!/usr/bin/env bats
# create, start, state, kill, delete, run, list: the lifecycle and its error cases.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

@test "create, start, kill, delete: the status follows each step" {
	wb create test_busybox
	[ "$status" -eq 0 ]
	testcontainer test_busybox created

	wb start test_busybox
	[ "$status" -eq 0 ]
	testcontainer test_busybox running

	wb kill test_busybox KILL
	[ "$status" -eq 0 ]
	wait_for_status test_busybox stopped

	wb delete test_busybox
	[ "$status" -eq 0 ]
	wb state test_busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *"container does not exist"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "create from another directory with --bundle" {
	cd "$TEST_DIR"
	wb create --bundle "$BUNDLE" test_busybox
	[ "$status" -eq 0 ]
	[ "$(__wb state test_busybox | jq -r .bundle)" = "$BUNDLE" ]
}

@test "create with an id that is taken fails" {
	wb create test_busybox
	[ "$status" -eq 0 ]
	wb create test_busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *"test_busybox"* ]]
	testcontainer test_busybox created
}

@test "start twice is an error" {
	wb create test_busybox
	[ "$status" -eq 0 ]
	wb start test_busybox
	[ "$status" -eq 0 ]
	wb start test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start an already running container"* ]]
	testcontainer test_busybox running
}

@test "start of a stopped container is an error" {
	wb run -d test_busybox
	[ "$status" -eq 0 ]
	wb kill test_busybox KILL
	wait_for_status test_busybox stopped
	wb start test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start a container that has stopped"* ]]
}

@test "start of a missing container is an error" {
	wb start nosuchcontainer
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "delete of a running container needs --force" {
	wb run -d test_busybox
	[ "$status" -eq 0 ]
	pid=$(container_pid test_busybox)

	wb delete test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot delete container test_busybox that is not stopped: running"* ]]
	testcontainer test_busybox running

	wb delete --force test_busybox
	[ "$status" -eq 0 ]
	wait_for_exit "$pid"
	[ -z "$(ls -A "$ROOT")" ]
}

@test "delete of a created container kills its parked init" {
	wb create test_busybox
	pid=$(container_pid test_busybox)
	kill -0 "$pid"
	wb delete test_busybox
	[ "$status" -eq 0 ]
	wait_for_exit "$pid"
}

@test "delete of a missing id fails; with --force it succeeds" {
	wb delete nosuchcontainer
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]

	wb delete --force nosuchcontainer
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "delete removes the container's cgroup" {
	wb run -d test_busybox
	[ "$status" -eq 0 ]
	for dir in $(cgroup_dirs "$(test_cgroup)/bundle"); do
		[ -d "$dir" ] || fail "no cgroup $dir"
	done
	wb delete -f test_busybox
	[ "$status" -eq 0 ]
	for dir in $(cgroup_dirs "$(test_cgroup)/bundle"); do
		[ ! -d "$dir" ] || fail "cgroup $dir left behind"
	done
}

@test "run in the foreground returns the process's exit status" {
	set_cmd sh -c 'echo hello from the container; exit 3'
	wb run test_busybox
	[ "$status" -eq 3 ]
	[[ "$output" == *"hello from the container"* ]]
	# run deletes the container when it exits.
	[ -z "$(ls -A "$ROOT")" ]
}

@test "run of a process that exits at once returns its status, every time" {
	# start must not lose the race with an init that runs, exits and is reaped before
	# start has looked at it.
	set_cmd true
	for i in $(seq 30); do
		wb run "test_busybox_$i"
		[ "$status" -eq 0 ] || fail "run $i: status $status: $output"
	done
	set_cmd sh -c 'exit 7'
	for i in $(seq 10); do
		wb create "test_busybox_$i"
		[ "$status" -eq 0 ]
		wb start "test_busybox_$i"
		[ "$status" -eq 0 ] || fail "start $i: status $status: $output"
	done
}

@test "run returns 128+N when the process dies of signal N" {
	# Not in a new pid namespace: there sh is the namespace's init, and the kernel
	# drops a SIGKILL the init sends to itself.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_cmd sh -c 'kill -9 $$'
	wb run test_busybox
	[ "$status" -eq 137 ]
}

@test "run returns 137 when the container is killed from outside" {
	__wb run test_busybox >"$TEST_DIR/out" 2>&1 &
	runner=$!
	wait_for_status test_busybox running
	wb kill test_busybox KILL
	[ "$status" -eq 0 ]
	rc=0
	wait "$runner" || rc=$?
	[ "$rc" -eq 137 ]
}

@test "run forwards signals to the container's process" {
	set_cmd sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
	# The binary itself, not the __wb function: $! must be whalebox's pid.
	"$WHALEBOX" --root "$ROOT" run test_busybox >"$TEST_DIR/out" 2>&1 &
	runner=$!
	wait_for_status test_busybox running
	sleep 0.3 # let sh install its trap
	kill -TERM "$runner"
	rc=0
	wait "$runner" || rc=$?
	echo "exit status $rc" >&2
	[ "$rc" -eq 42 ]
}

@test "run --detach returns at once and leaves the container running" {
	wb run --detach test_busybox
	[ "$status" -eq 0 ]
	testcontainer test_busybox running
	pid=$(container_pid test_busybox)
	[ "$(cat "/proc/$pid/comm")" = "sleep" ]
}

@test "kill accepts KILL, SIGKILL, kill and 9" {
	for sig in KILL SIGKILL kill 9; do
		wb run -d test_busybox
		[ "$status" -eq 0 ]
		wb kill test_busybox "$sig"
		[ "$status" -eq 0 ]
		wait_for_status test_busybox stopped
		wb delete test_busybox
		[ "$status" -eq 0 ]
	done
}

@test "kill sends SIGTERM by default" {
	set_cmd sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
	__wb run test_busybox >"$TEST_DIR/out" 2>&1 &
	runner=$!
	wait_for_status test_busybox running
	sleep 0.3 # let sh install its trap
	wb kill test_busybox
	[ "$status" -eq 0 ]
	rc=0
	wait "$runner" || rc=$?
	echo "exit status $rc" >&2
	[ "$rc" -eq 42 ]
}

@test "kill with an unknown signal fails" {
	wb run -d test_busybox
	wb kill test_busybox NOSUCHSIG
	[ "$status" -eq 1 ]
	[[ "$output" == *"NOSUCHSIG"* ]]
	testcontainer test_busybox running
}

@test "kill of a stopped container fails" {
	set_cmd true
	wb run -d test_busybox
	wait_for_status test_busybox stopped
	wb kill test_busybox KILL
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
}

@test "kill --all signals every process of the container" {
	set_cmd sh -c 'sleep 1000 & sleep 1000 & wait'
	wb run -d test_busybox
	[ "$status" -eq 0 ]
	wb kill --all test_busybox KILL
	[ "$status" -eq 0 ]
	wait_for_status test_busybox stopped
}

@test "list: table, json and -q" {
	second=$(make_bundle second)
	wb run -d test_one
	[ "$status" -eq 0 ]
	wb create -b "$second" test_two
	[ "$status" -eq 0 ]

	wb list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
	[[ "${lines[1]}" =~ ^test_one\ +[0-9]+\ +running\ +$BUNDLE\ + ]]
	[[ "${lines[2]}" =~ ^test_two\ +[0-9]+\ +created\ +$second\ + ]]
	[ "${#lines[@]}" -eq 3 ]

	wb list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r 'map(.id + ":" + .status) | join(" ")' <<<"$output")" = "test_one:running test_two:created" ]

	wb list -q
	[ "$status" -eq 0 ]
	[ "$output" = $'test_one\ntest_two' ]
}

@test "list of an empty or missing root" {
	wb list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run "$WHALEBOX" --root "$TEST_DIR/nonexistent" list --format json
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" -eq 0 ]
}

@test "--pid-file holds the init's pid" {
	wb create --pid-file "$TEST_DIR/pid" test_busybox
	[ "$status" -eq 0 ]
	[ "$(cat "$TEST_DIR/pid")" = "$(container_pid test_busybox)" ]

	# A relative path is relative to the caller's directory.
	wb run -d --pid-file pidfile test_other
	[ "$status" -eq 0 ]
	[ "$(cat "$BUNDLE/pidfile")" = "$(container_pid test_other)" ]
}

@test "two deletes of one container in parallel: exactly one succeeds" {
	wb create test_busybox
	[ "$status" -eq 0 ]
	wb_background a delete test_busybox
	wb_background b delete test_busybox
	wait_background
	cat "$TEST_DIR/a.out" "$TEST_DIR/b.out" >&2
	rcs=$(cat "$TEST_DIR/a.rc" "$TEST_DIR/b.rc" | sort | tr '\n' ' ')
	[ "$rcs" = "0 1 " ]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "two starts of one container in parallel: exactly one succeeds" {
	wb create test_busybox
	[ "$status" -eq 0 ]
	wb_background a start test_busybox
	wb_background b start test_busybox
	wait_background
	cat "$TEST_DIR/a.out" "$TEST_DIR/b.out" >&2
	rcs=$(cat "$TEST_DIR/a.rc" "$TEST_DIR/b.rc" | sort | tr '\n' ' ')
	[ "$rcs" = "0 1 " ]
	testcontainer test_busybox running
}

@test "two creates of one id in parallel: exactly one succeeds" {
	wb_background a create test_busybox
	wb_background b create test_busybox
	wait_background
	cat "$TEST_DIR/a.out" "$TEST_DIR/b.out" >&2
	rcs=$(cat "$TEST_DIR/a.rc" "$TEST_DIR/b.rc" | sort | tr '\n' ' ')
	[ "$rcs" = "0 1 " ]
	testcontainer test_busybox created
}

@test "ids with '/', '..' or odd characters are refused" {
	for id in "a/b" ".." "." "../escape" "" "has space" "x:y"; do
		wb create "$id"
		[ "$status" -ne 0 ] || fail "create '$id' succeeded"
		wb state "$id"
		[ "$status" -ne 0 ]
		wb delete -f "$id"
		[ "$status" -ne 0 ] || [ -z "$id" ] || fail "delete -f '$id' succeeded"
	done
	wb create "a/b"
	[[ "$output" == *"invalid container id"* ]]
	[ -z "$(ls -A "$ROOT")" ]
	[ ! -e "$TEST_DIR/escape" ]
}

@test "a container whose init died reads as stopped" {
	wb run -d test_busybox
	pid=$(container_pid test_busybox)
	kill -9 "$pid"
	wait_for_status test_busybox stopped
	[ "$(__wb state test_busybox | jq .pid)" -eq 0 ]
	wb delete test_busybox
	[ "$status" -eq 0 ]
}

@test "a reused pid does not read as running, and delete -f leaves it alone" {
	wb run -d test_busybox
	pid=$(container_pid test_busybox)
	kill -9 "$pid"
	wait_for_status test_busybox stopped

	# Point the record at a live process that is not the container's init, as if the
	# kernel had handed the init's pid to it.
	sleep 1000 &
	stranger=$!
	state_file="$ROOT/test_busybox/state.json"
	[ -f "$state_file" ]
	jq --argjson pid "$stranger" '.pid = $pid' "$state_file" >"$TEST_DIR/state.json"
	cp "$TEST_DIR/state.json" "$state_file"

	testcontainer test_busybox stopped
	wb kill test_busybox KILL
	[ "$status" -ne 0 ]
	wb delete -f test_busybox
	[ "$status" -eq 0 ]
	kill -0 "$stranger"
	kill -9 "$stranger"
	wait "$stranger" 2>/dev/null || true
}
