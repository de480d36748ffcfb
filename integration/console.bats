#!/usr/bin/env bats
# process.terminal: the pty sent to --console-socket, /dev/console, consoleSize, the pty
# proxied by a foreground run, exec --tty.

load helpers

setup() {
	setup_bundle
	RECVTTY_PID=
	update_config '.process.terminal = true'
}

teardown() {
	if [ -n "$RECVTTY_PID" ]; then
		kill "$RECVTTY_PID" 2>/dev/null || true
		wait "$RECVTTY_PID" 2>/dev/null || true
	fi
	teardown_bundle
}

# Starts integration/testdata/recvtty.py on $TEST_DIR/tty.sock; connection N's output goes
# to $TEST_DIR/tty.N. Extra args (--input TEXT) go to recvtty.
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

# Waits until every process holding the pty of connection N has closed it, and prints
# what was read from it with the CRs of the tty's line discipline removed.
tty_output() {
	local n=$1 i
	for ((i = 0; i < 100; i++)); do
		[ -e "$TTY_OUT.$n.done" ] && break
		sleep 0.1
	done
	[ -e "$TTY_OUT.$n.done" ] || fail "pty $n still open; so far: $(cat "$TTY_OUT.$n" 2>/dev/null)"
	tr -d '\r' <"$TTY_OUT.$n"
}

@test "terminal: the process's stdio and /dev/console are the pty sent to --console-socket" {
	start_recvtty
	# shellcheck disable=SC2016
	set_cmd sh -c 'tty
		stat -c "%F %t:%T" /dev/console "$(tty)"
		for fd in 0 1 2; do readlink /proc/self/fd/$fd; done
		[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo "all ttys"'
	wb run -d --console-socket "$CONSOLE_SOCKET" test_busybox
	[ "$status" -eq 0 ]
	local out pts
	out=$(tty_output 0)
	echo "$out" >&2
	mapfile -t lines <<<"$out"
	pts=${lines[0]}
	[[ "$pts" =~ ^/dev/pts/[0-9]+$ ]]
	# /dev/console is a character device with the pty's numbers.
	[[ "${lines[1]}" == "character special file "* ]]
	[ "${lines[1]}" = "${lines[2]}" ]
	[ "${lines[3]}" = "$pts" ]
	[ "${lines[4]}" = "$pts" ]
	[ "${lines[5]}" = "$pts" ]
	[ "${lines[6]}" = "all ttys" ]
}

@test "terminal: the container's session has the pty as controlling terminal" {
	start_recvtty
	# Field 7 of /proc/self/stat is tty_nr: not 0 with a controlling terminal; the shell
	# is the session leader.
	# shellcheck disable=SC2016
	set_cmd sh -c 'set -- $(cat /proc/$$/stat); echo "tty_nr=$7 sid=$6 pid=$$"'
	wb run -d --console-socket "$CONSOLE_SOCKET" test_busybox
	[ "$status" -eq 0 ]
	local out
	out=$(tty_output 0)
	echo "$out" >&2
	[[ "$out" =~ tty_nr=([0-9]+)\ sid=1\ pid=1 ]]
	[ "${BASH_REMATCH[1]}" -ne 0 ]
}

@test "terminal: consoleSize is applied" {
	start_recvtty
	update_config '.process.consoleSize = {"height": 33, "width": 111}'
	set_cmd stty size
	wb run -d --console-socket "$CONSOLE_SOCKET" test_busybox
	[ "$status" -eq 0 ]
	[ "$(tty_output 0)" = "33 111" ]
}

@test "terminal: input written to the pty master reaches the process" {
	start_recvtty --input $'echo "hi-$((40 + 2))"\nexit 3\n'
	set_cmd sh
	wb run -d --console-socket "$CONSOLE_SOCKET" test_busybox
	[ "$status" -eq 0 ]
	local out
	out=$(tty_output 0)
	echo "$out" >&2
	grep -qx 'hi-42' <<<"$out"
	wait_for_status test_busybox stopped
}

@test "terminal: create without --console-socket fails and leaves nothing" {
	wb create test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot allocate tty if whalebox will detach without setting console socket"* ]]
	[ -z "$(ls -A "$ROOT")" ]

	wb run -d test_busybox
	[ "$status" -eq 1 ]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "terminal: --console-socket that nobody listens on fails create" {
	wb create --console-socket "$TEST_DIR/nobody.sock" test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *nobody.sock* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "no terminal: not a tty, and no /dev/console" {
	update_config '.process.terminal = false'
	set_cmd sh -c 'tty; ls /dev/console 2>&1; true'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "not a tty" ]
	[[ "${lines[1]}" == *"No such file or directory"* ]]
}

@test "run in the foreground proxies the pty: output, input and the exit status" {
	command -v script >/dev/null || skip "needs script(1)"
	set_cmd sh -c 'tty; echo "out-$((6 * 7))"; exit 7'
	local rc=0
	script -qec "$(printf '%q ' "$WHALEBOX" --root "$ROOT" run test_busybox)" /dev/null \
		</dev/null >"$TEST_DIR/script.out" 2>&1 || rc=$?
	tr -d '\r' <"$TEST_DIR/script.out" >&2
	[ "$rc" -eq 7 ]
	tr -d '\r' <"$TEST_DIR/script.out" | grep -q '/dev/pts/[0-9]*$'
	grep -q 'out-42' "$TEST_DIR/script.out"
	[ -z "$(ls -A "$ROOT")" ]

	# Input typed on the terminal reaches the shell in the container.
	set_cmd sh
	rc=0
	(sleep 1; printf 'echo "in-$((40 + 2))"\nexit 3\n'; sleep 1) |
		script -qec "$(printf '%q ' "$WHALEBOX" --root "$ROOT" run test_busybox)" /dev/null \
			>"$TEST_DIR/script.out" 2>&1 || rc=$?
	tr -d '\r' <"$TEST_DIR/script.out" >&2
	[ "$rc" -eq 3 ]
	tr -d '\r' <"$TEST_DIR/script.out" | grep -qx 'in-42'
}

@test "run in the foreground gives the pty its terminal's size before the process starts" {
	set_cmd stty size
	local rc i
	# A race: try a few times.
	for ((i = 0; i < 5; i++)); do
		rc=0
		script -qec "stty rows 40 cols 100; $(printf '%q ' "$WHALEBOX" --root "$ROOT" run test_busybox)" \
			/dev/null </dev/null >"$TEST_DIR/script.out" 2>&1 || rc=$?
		tr -d '\r' <"$TEST_DIR/script.out" >&2
		[ "$rc" -eq 0 ]
		tr -d '\r' <"$TEST_DIR/script.out" | grep -q '^\(\^@\)\?40 100$'
	done
}

@test "exec --tty --console-socket in a container without a terminal" {
	start_recvtty
	update_config '.process.terminal = false'
	wb run -d test_busybox
	[ "$status" -eq 0 ]
	wb exec -t --console-socket "$CONSOLE_SOCKET" test_busybox sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo ttys; exit 5'
	[ "$status" -eq 5 ]
	local out
	out=$(tty_output 0)
	echo "$out" >&2
	[[ "${out%%$'\n'*}" =~ ^/dev/pts/[0-9]+$ ]]
	grep -qx ttys <<<"$out"
	testcontainer test_busybox running
}

@test "exec --tty does not touch the container's /dev/console" {
	start_recvtty
	update_config '.process.terminal = false'
	wb run -d test_busybox
	[ "$status" -eq 0 ]
	wb exec -t --console-socket "$CONSOLE_SOCKET" test_busybox true
	[ "$status" -eq 0 ]
	wb exec test_busybox sh -c 'ls /dev/console; grep -c " /dev/console " /proc/self/mountinfo'
	[[ "$output" == *"No such file or directory"* ]]
	[ "${lines[-1]}" = 0 ]
}

@test "exec --tty --console-socket in a container with a terminal" {
	start_recvtty
	set_cmd sleep 1000
	wb run -d --console-socket "$CONSOLE_SOCKET" test_busybox
	[ "$status" -eq 0 ]
	wb exec -t --console-socket "$CONSOLE_SOCKET" test_busybox sh -c 'tty; exit 5'
	[ "$status" -eq 5 ]
	[[ "$(tty_output 1)" =~ ^/dev/pts/[0-9]+$ ]]
	# The init's console is still its own pty.
	wb exec test_busybox sh -c 'stat -c %t:%T /dev/console; stat -L -c %t:%T /proc/1/fd/0'
	[ "${lines[0]}" = "${lines[1]}" ]
}

@test "exec --tty in the foreground proxies the pty and passes the exit status" {
	command -v script >/dev/null || skip "needs script(1)"
	update_config '.process.terminal = false'
	wb run -d test_busybox
	[ "$status" -eq 0 ]
	local rc=0
	script -qec "$(printf '%q ' "$WHALEBOX" --root "$ROOT" exec -t test_busybox sh -c 'tty; exit 4')" \
		/dev/null </dev/null >"$TEST_DIR/script.out" 2>&1 || rc=$?
	tr -d '\r' <"$TEST_DIR/script.out" >&2
	[ "$rc" -eq 4 ]
	tr -d '\r' <"$TEST_DIR/script.out" | grep -q '/dev/pts/[0-9]*$'
}

# Runs `whalebox ARGS...` on a new terminal (script(1)) whose input stays open, so that
# script sends no end-of-file character into it; what the terminal shows goes to
# $TEST_DIR/script.out. Sets $rc.
on_terminal() {
	rc=0
	(sleep 3) | script -qec "$(printf '%q ' "$WHALEBOX" --root "$ROOT" "$@")" /dev/null \
		>"$TEST_DIR/script.out" 2>&1 || rc=$?
	tr -d '\r' <"$TEST_DIR/script.out" >&2
}

@test "terminal: the pty belongs to process.user (its uid; the group stays devpts' tty), for run and exec, as runc" {
	command -v script >/dev/null || skip "needs script(1)"
	absolute_rootfs
	update_config '.process.user = {"uid": 1000, "gid": 1001}'
	set_cmd sh -c 'ls -lnL /proc/self/fd/0 | awk "{ print \"owner\", \$3, \$4 }"'
	on_terminal run test_busybox
	[ "$rc" -eq 0 ]
	tr -d '\r' <"$TEST_DIR/script.out" | grep -qx 'owner 1000 5'

	update_config '.process.terminal = false | .process.args = ["sleep", "1000"]'
	wb run -d test_busybox2
	[ "$status" -eq 0 ]
	on_terminal exec -t --user 1000:1001 test_busybox2 sh -c 'ls -lnL /proc/self/fd/0 | awk "{ print \"owner\", \$3, \$4 }"'
	[ "$rc" -eq 0 ]
	tr -d '\r' <"$TEST_DIR/script.out" | grep -qx 'owner 1000 5'
}

@test "run in the foreground with a terminal passes the process's bytes: \\n stays \\n, no NUL (as runc)" {
	command -v script >/dev/null || skip "needs script(1)"
	absolute_rootfs
	set_cmd sh -c 'echo one; echo two'
	rc=0
	(sleep 3) | script -qec "$(printf '%q ' "$WHALEBOX" --root "$ROOT" run test_busybox) >$TEST_DIR/raw.out" \
		/dev/null >/dev/null 2>&1 || rc=$?
	od -c "$TEST_DIR/raw.out" >&2
	[ "$rc" -eq 0 ]
	cmp "$TEST_DIR/raw.out" <(printf 'one\ntwo\n')
	# On the terminal itself, its own line discipline shows them as usual.
	on_terminal run test_busybox
	[ "$rc" -eq 0 ]
	cmp "$TEST_DIR/script.out" <(printf 'one\r\ntwo\r\n')
}
