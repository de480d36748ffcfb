#!/usr/bin/env bats
# A create (or run) killed at any moment leaves a container that `list` shows and
# `delete --force` removes completely (processes, the cgroups in every hierarchy, the
# state directory), after which the id can be used again; a damaged state.json does not
# stop `delete --force` either (issue 12, item 2).
#
# Whalebox-specific: runc leaves cgroups (and a state directory nobody can delete) behind
# here, so these tests are not expected to pass with WHALEBOX=/usr/sbin/runc.

load helpers

setup() {
	setup_bundle
}

teardown() {
	local pid
	for pid in ${STRAY_PIDS[@]+"${STRAY_PIDS[@]}"}; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	if [ -n "$DEFAULT_CGROUP" ]; then
		for dir in $(cgroup_dirs "$DEFAULT_CGROUP"); do
			[ -d "$dir" ] && rmdir "$dir" 2>/dev/null
		done
	fi
	teardown_bundle
}

# Pids of processes in a cgroup whose path has the component(s) /REL (any hierarchy).
# Zombies (and processes reaped since the grep) are left out: a killed init whose creator is gone is reparented to the machine's
# PID 1, which reaps it when it gets to it; it holds nothing but its pid meanwhile (and has
# already left cgroup.procs).
pids_in_cgroups_named() {
	local pid
	for pid in $(grep -lE -- "$1(/|\$)" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3); do
		case $(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) in
		Z | X | "") ;; # a zombie, dead, or already reaped since the grep
		*) echo "$pid" ;;
		esac
	done
}

# Fails if anything of the cgroup subtree REL is left in any hierarchy, or any process
# is in it.
assert_no_cgroups() {
	local rel=$1 dir left=""
	for dir in $(cgroup_dirs "$rel"); do
		[ -e "$dir" ] && left+=" $dir"
	done
	[ -z "$left" ] || fail "cgroups left:$left"
	left=$(pids_in_cgroups_named "/$rel")
	local pid
	for pid in $left; do
		echo "left: $(cut -d' ' -f1-4 "/proc/$pid/stat" 2>/dev/null) $(grep -E -- "/$rel(/|\$)" "/proc/$pid/cgroup" 2>/dev/null | tr '\n' ' ')" >&2
	done
	[ -z "$left" ] || fail "processes left in $rel: $left"
}

# Starts `whalebox ARGS...` and SIGKILLs it after a random 0-30 ms.
killed_after_random_delay() {
	"$WHALEBOX" --root "$ROOT" "$@" </dev/null >/dev/null 2>&1 &
	local pid=$!
	sleep "0.0$(printf '%02d' $((RANDOM % 31)))"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# ROUNDS rounds of: `whalebox COMMAND... ID` killed, then the checks above.
killed_rounds() {
	local rounds=$1 round id=killed
	shift
	for ((round = 1; round <= rounds; round++)); do
		echo "round $round" >&2
		killed_after_random_delay "$@" "$id"
		if [ -d "$ROOT/$id" ]; then
			wb list -q
			[ "$status" -eq 0 ]
			[[ "$output" == *"$id"* ]] || fail "round $round: $id exists but list does not show it"
			[[ "$(__wb state "$id" | jq -r .status)" =~ ^(stopped|created|running)$ ]]
		else
			# Killed before it claimed the id: nothing was made.
			assert_no_cgroups "$(test_cgroup)"
		fi
		wb delete --force "$id"
		[ "$status" -eq 0 ]
		[ ! -e "$ROOT/$id" ] || fail "round $round: state directory left"
		assert_no_cgroups "$(test_cgroup)"

		wb create "$id"
		[ "$status" -eq 0 ]
		wb delete --force "$id"
		[ "$status" -eq 0 ]
		assert_no_cgroups "$(test_cgroup)"
	done
}

@test "a create killed at a random moment leaves nothing delete --force cannot remove" {
	killed_rounds 12 create
}

@test "a run -d killed at a random moment leaves nothing delete --force cannot remove" {
	killed_rounds 8 run -d
}

@test "a create killed in its prestart hook is listed, stopped, and delete removes it" {
	update_config --arg m "$TEST_DIR/hook-running" \
		'.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "echo $$ > \($m); exec sleep 5"]}]'
	"$WHALEBOX" --root "$ROOT" create held </dev/null >"$TEST_DIR/create.out" 2>&1 &
	local create_pid=$! i
	for ((i = 0; i < 50; i++)); do
		[ -s "$TEST_DIR/hook-running" ] && break
		sleep 0.1
	done
	STRAY_PIDS=("$(cat "$TEST_DIR/hook-running")")
	# While the create runs, the container is being created.
	testcontainer held creating
	wb create held
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with id exists: held"* ]]

	kill -KILL "$create_pid"
	wait "$create_pid" || true
	wb list
	[[ "$output" == *held*stopped* ]]
	testcontainer held stopped
	wb delete held
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/held" ]
	assert_no_cgroups "$(test_cgroup)"
	wb create held
	[ "$status" -eq 0 ]
}

@test "delete --force of a container with a damaged state.json removes its cgroups, processes and state" {
	wb create damaged
	[ "$status" -eq 0 ]
	local pid
	pid=$(container_pid damaged)
	echo '{"id": "damaged", "pid": ' >"$ROOT/damaged/state.json"

	wb state damaged
	[ "$status" -eq 1 ]
	[[ "$output" == *"state of container damaged is unreadable"* ]]
	wb delete damaged
	[ "$status" -eq 1 ]
	wb create damaged
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with id exists: damaged"* ]]

	wb delete --force damaged
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"unreadable"*"poststop hooks were not run"* ]]
	[ ! -e "$ROOT/damaged" ]
	wait_for_exit "$pid"
	assert_no_cgroups "$(test_cgroup)"
	wb create damaged
	[ "$status" -eq 0 ]
}

@test "delete --force without any record falls back to the id's default cgroup" {
	# No cgroupsPath: the cgroup is the id, below whalebox's own cgroup.
	local id
	id="$(test_cgroup)-default"
	DEFAULT_CGROUP=$id
	update_config 'del(.linux.cgroupsPath)'
	wb create "$id"
	[ "$status" -eq 0 ]
	local pid
	pid=$(container_pid "$id")
	[ -d "$(cgroup_dirs "$id" | head -1)" ]
	rm "$ROOT/$id/state.json" "$ROOT/$id/cgroup.json"

	wb delete --force "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"default cgroup"* ]]
	[ ! -e "$ROOT/$id" ]
	wait_for_exit "$pid"
	assert_no_cgroups "$id"
}
