#!/usr/bin/env bats
# linux.seccomp: actions, errnoRet, argument conditions, the docker-style default profile
# and SCMP_ACT_NOTIFY with a seccomp agent on listenerPath.

load helpers

setup() {
	setup_bundle
	AGENT_PID=
}

teardown() {
	if [ -n "$AGENT_PID" ]; then
		kill "$AGENT_PID" 2>/dev/null || true
		wait "$AGENT_PID" 2>/dev/null || true
	fi
	teardown_bundle
}

# Sets linux.seccomp to a profile allowing everything but RULE (a JSON object).
allow_all_but() {
	update_config --argjson rule "$1" \
		'.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [$rule]}'
}

# Starts integration/testdata/seccomp_agent.py on $TEST_DIR/agent/agent.sock; it writes
# what it receives to $TEST_DIR/agent/out.{json,fds,syscalls}. Extra args go to the agent.
start_agent() {
	mkdir -p "$TEST_DIR/agent"
	AGENT_SOCK=$TEST_DIR/agent/agent.sock
	AGENT_OUT=$TEST_DIR/agent/out
	"$PYTHON" "$TESTDATA/seccomp_agent.py" "$AGENT_SOCK" "$AGENT_OUT" "$@" \
		</dev/null >"$TEST_DIR/agent.log" 2>&1 &
	AGENT_PID=$!
	local i
	for ((i = 0; i < 50; i++)); do
		[ -e "$AGENT_OUT.ready" ] && return 0
		sleep 0.1
	done
	fail "seccomp agent did not start: $(cat "$TEST_DIR/agent.log")"
}

@test "SCMP_ACT_ERRNO: the denied syscall returns errnoRet" {
	allow_all_but '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}'
	set_cmd sh -c 'mkdir /tmp/x; echo "status=$?"; echo alive'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *"mkdir: can't create directory '/tmp/x': Function not implemented"* ]]
	[[ "$output" == *status=1* ]]
	[[ "$output" == *alive* ]]
}

@test "SCMP_ACT_ERRNO without errnoRet means EPERM" {
	allow_all_but '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}'
	set_cmd mkdir /tmp/x
	wb_run test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "Seccomp: 2 in /proc/self/status, and no filter without linux.seccomp" {
	allow_all_but '{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}'
	set_cmd grep -E '^Seccomp(_filters)?:' /proc/self/status
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^Seccomp:[[:space:]]+2$ ]]
	[[ "${lines[1]}" =~ ^Seccomp_filters:[[:space:]]+1$ ]]

	update_config 'del(.linux.seccomp)'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^Seccomp:[[:space:]]+0$ ]]
}

@test "SCMP_ACT_KILL in an allow-all profile kills the caller with SIGSYS" {
	allow_all_but '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL"}'
	# mkdir is a child of the shell: the shell sees 128 + SIGSYS (31) and goes on.
	set_cmd sh -c 'mkdir /tmp/x; echo "status=$?"; echo alive'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *status=159* ]]
	[[ "$output" == *alive* ]]

	# As the container's process itself: run reports the signal as 128 + 31.
	set_cmd mkdir /tmp/x
	wb_run test_busybox
	[ "$status" -eq 159 ]
}

@test "SCMP_ACT_KILL_PROCESS kills the whole process" {
	allow_all_but '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}'
	set_cmd mkdir /tmp/x
	wb_run test_busybox
	[ "$status" -eq 159 ]
}

@test "argument conditions: only the matching call is denied" {
	# kill(pid, SIGUSR1) is denied; kill(pid, 0) and kill(pid, SIGUSR2) are not.
	allow_all_but '{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
		"args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}'
	# shellcheck disable=SC2016
	set_cmd sh -c 'sleep 10 & p=$!
		kill -0 $p; echo "sig0=$?"
		kill -USR1 $p; echo "usr1=$?"
		kill -USR2 $p; echo "usr2=$?"
		wait $p; echo "wait=$?"'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *sig0=0* ]]
	[[ "$output" == *usr1=1* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *usr2=0* ]]
	[[ "$output" == *wait=140* ]] # killed by SIGUSR2 (12)
}

@test "argument conditions: conditions on different arguments are ANDed" {
	# kill(2, SIGUSR1) is denied; kill(3, SIGUSR1) and kill(2, SIGUSR2) are not.
	allow_all_but '{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
		"args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"},
		         {"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}'
	# shellcheck disable=SC2016
	set_cmd sh -c 'sleep 10 & a=$!; sleep 10 & b=$!; echo "pids $a $b"
		kill -USR1 $a; echo "a_usr1=$?"
		kill -USR1 $b; echo "b_usr1=$?"
		kill -USR2 $a; echo "a_usr2=$?"
		wait'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "pids 2 3" ]
	[[ "$output" == *a_usr1=1* ]]
	[[ "$output" == *b_usr1=0* ]]
	[[ "$output" == *a_usr2=0* ]]
}

@test "argument conditions: SCMP_CMP_MASKED_EQ; conditions on one argument are ORed (as runc)" {
	# runc adds conditions on the same argument as separate rules (libseccomp cannot AND
	# them): umask(m) is denied when m & 0o077 == 0o077, or when m >= 0o700.
	allow_all_but '{"names": ["umask"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
		"args": [{"index": 0, "value": 63, "valueTwo": 63, "op": "SCMP_CMP_MASKED_EQ"},
		         {"index": 0, "value": 448, "op": "SCMP_CMP_GE"}]}'
	# busybox sh ignores umask(2)'s result; the mask it reads back tells.
	set_cmd sh -c 'umask 0077; umask; umask 0700; umask; umask 0027; umask; umask 0177; umask'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0022 ] # masked match: denied
	[ "${lines[1]}" = 0022 ] # >= 0o700: denied
	[ "${lines[2]}" = 0027 ] # neither: allowed
	[ "${lines[3]}" = 0027 ] # 0o177: masked match: denied
}

@test "defaultAction SCMP_ACT_ERRNO with defaultErrnoRet and an allow list" {
	update_config --slurpfile p "$TESTDATA/seccomp-default.json" \
		'.linux.seccomp = ($p[0] | .syscalls |= map(.names -= ["mkdir", "mkdirat"]) | .defaultErrnoRet = 38)'
	set_cmd sh -c 'mkdir /tmp/x; echo "status=$?"'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *"Function not implemented"* ]]
	[[ "$output" == *status=1* ]]
}

@test "default profile: a normal shell works" {
	update_config --slurpfile p "$TESTDATA/seccomp-default.json" '.linux.seccomp = $p[0]'
	# shellcheck disable=SC2016
	set_cmd sh -c 'echo hello; id -u; ls / >/dev/null && echo listed; sleep 0.1 & wait $!; echo "bg=$?"
		cat /proc/self/status | grep -E "^Seccomp:"; date >/dev/null && echo dated; echo x | sha256sum | cut -c1-8'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = listed ]
	[ "${lines[3]}" = bg=0 ]
	[[ "${lines[4]}" =~ ^Seccomp:[[:space:]]+2$ ]]
	[ "${lines[5]}" = dated ]
	[ "${lines[6]}" = 73cb3858 ]
}

@test "default profile: mount, unshare and new user namespaces fail even with CAP_SYS_ADMIN" {
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	# shellcheck disable=SC2016
	set_cmd sh -c 'mount -t tmpfs none /tmp; echo "mount=$?"
		unshare -m true; echo "unshare=$?"
		unshare -U true; echo "userns=$?"'
	# Without the profile the capability is enough.
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *mount=0* ]]
	[[ "$output" == *unshare=0* ]]
	[[ "$output" == *userns=0* ]]

	update_config --slurpfile p "$TESTDATA/seccomp-default.json" '.linux.seccomp = $p[0]'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *mount=1* ]]
	[[ "$output" == *unshare=1* ]]
	[[ "$output" == *userns=1* ]]
	[[ "$output" == *"unshare(0x20000): Operation not permitted"* ]]
}

@test "default profile: clone3 gets ENOSYS, so libc falls back to clone" {
	update_config --slurpfile p "$TESTDATA/seccomp-default.json" '.linux.seccomp = $p[0]'
	# Pipelines and background jobs fork: they must keep working.
	set_cmd sh -c 'echo a | cat | cat; (sleep 0.1 &); echo b'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = $'a\nb' ]
}

@test "an unknown syscall name is skipped, an unknown action is an error" {
	allow_all_but '{"names": ["mkdir", "mkdirat", "no_such_syscall"], "action": "SCMP_ACT_ERRNO"}'
	set_cmd sh -c 'mkdir /tmp/x; echo "status=$?"'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *status=1* ]]

	allow_all_but '{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}'
	wb_run test_busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *SCMP_ACT_BOGUS* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "SCMP_ACT_NOTIFY without listenerPath is an error" {
	allow_all_but '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}'
	set_cmd true
	wb_run test_busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *listenerPath* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "SCMP_ACT_NOTIFY: the agent gets the notify fd and the state, and answers" {
	start_agent --errno 95
	# The agent's directory is bound into the container at the same path, so this test
	# does not depend on where the runtime connects from (see the next test).
	copy_rootfs
	update_config --arg dir "$TEST_DIR/agent" --arg sock "$AGENT_SOCK" '
		.mounts += [{"destination": $dir, "type": "bind", "source": $dir, "options": ["rbind"]}]
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $sock,
			"listenerMetadata": "probe-metadata",
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_cmd sh -c 'mkdir /tmp/x; echo "status=$?"'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	# The agent answered -EOPNOTSUPP for mkdir (83 on x86_64).
	[[ "$output" == *"mkdir: can't create directory '/tmp/x': Operation not supported"* ]]
	[[ "$output" == *status=1* ]]
	[ ! -e rootfs/tmp/x ]
	grep -qx 'anon_inode:seccomp notify' "$AGENT_OUT.fds"
	[ "$(wc -l <"$AGENT_OUT.fds")" -eq 1 ]
	[ "$(uname -m)" != x86_64 ] || grep -qx 83 "$AGENT_OUT.syscalls"
	cat "$AGENT_OUT.json" >&2
	jq -e '.fds == ["seccompFd"]' "$AGENT_OUT.json"
	jq -e '.metadata == "probe-metadata"' "$AGENT_OUT.json"
	jq -e '.ociVersion | type == "string"' "$AGENT_OUT.json"
	jq -e '.state.id == "test_busybox"' "$AGENT_OUT.json"
	jq -e --arg b "$BUNDLE" '.state.bundle == $b' "$AGENT_OUT.json"
	jq -e '.state.status == "creating" or .state.status == "created"' "$AGENT_OUT.json"
}

@test "SCMP_ACT_NOTIFY: the state sent to the agent carries the container's pid" {
	start_agent
	copy_rootfs
	update_config --arg dir "$TEST_DIR/agent" --arg sock "$AGENT_SOCK" '
		.mounts += [{"destination": $dir, "type": "bind", "source": $dir, "options": ["rbind"]}]
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $sock,
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_cmd sleep 100
	wb create test_busybox
	[ "$status" -eq 0 ]
	wb start test_busybox
	[ "$status" -eq 0 ]
	local pid
	pid=$(container_pid test_busybox)
	local i
	for ((i = 0; i < 50; i++)); do
		[ -s "$AGENT_OUT.json" ] && break
		sleep 0.1
	done
	jq -e --argjson pid "$pid" '.pid == $pid and .state.pid == $pid' "$AGENT_OUT.json"
}

@test "SCMP_ACT_NOTIFY: exec sends its own notify fd, with its pid and the init's in state.pid" {
	start_agent
	update_config --arg sock "$AGENT_SOCK" '
		.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $sock,
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_cmd sleep 100
	wb run -d test_busybox
	[ "$status" -eq 0 ]
	local init_pid exec_pid
	init_pid=$(container_pid test_busybox)
	jq -e --argjson pid "$init_pid" '.pid == $pid and .state.pid == $pid' "$AGENT_OUT.json"
	# The agent keeps the last message: the exec's (written once the agent has read it).
	wb exec -d --pid-file "$TEST_DIR/exec.pid" test_busybox sleep 100
	[ "$status" -eq 0 ]
	exec_pid=$(cat "$TEST_DIR/exec.pid")
	[ "$exec_pid" != "$init_pid" ]
	local i
	for ((i = 0; i < 50; i++)); do
		jq -e --argjson pid "$init_pid" '.pid != $pid' "$AGENT_OUT.json" >/dev/null 2>&1 && break
		sleep 0.1
	done
	cat "$AGENT_OUT.json" >&2
	jq -e --argjson pid "$exec_pid" --argjson init "$init_pid" '.pid == $pid and .state.pid == $init' "$AGENT_OUT.json"
}

@test "SCMP_ACT_NOTIFY: listenerPath is a path on the host, not in the container" {
	start_agent --errno 95
	update_config --arg sock "$AGENT_SOCK" '
		.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $sock,
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_cmd sh -c 'mkdir /tmp/x; echo "status=$?"'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *"Operation not supported"* ]]
	jq -e '.state.id == "test_busybox"' "$AGENT_OUT.json"
}

@test "SCMP_ACT_NOTIFY: an unreachable agent fails with a message" {
	update_config --arg sock "$TEST_DIR/nobody-listens.sock" '
		.process.noNewPrivileges = true
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $sock,
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_cmd true
	wb run test_busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *"seccomp agent"* ]]
}

@test "a syscall newer than every one the profile names gets ENOSYS, not the default errno (runc's ENOSYS stub)" {
	[ "$(uname -m)" = x86_64 ] || skip "syscall numbers of x86_64"
	absolute_rootfs
	# What a busybox shell needs, every syscall up to prlimit64 (302) the default profile
	# allows, mkdir excepted; setns (308) is newer than all of them.
	update_config --slurpfile names "$TESTDATA/seccomp-allow-upto-prlimit64.json" '.linux.seccomp = {
		"defaultAction": "SCMP_ACT_ERRNO",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"syscalls": [{"names": $names[0], "action": "SCMP_ACT_ALLOW"}]}'
	set_cmd sh -c 'mkdir /tmp/x; nsenter -t 1 -u true; echo done'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *"mkdir: can't create directory '/tmp/x': Operation not permitted"* ]]
	[[ "$output" == *"setns(): can't reassociate to namespace 'uts': Function not implemented"* ]]
	[[ "$output" == *done* ]]

	# Once the profile names a later syscall (statx, 332), setns is the profile's to deny.
	update_config '.linux.seccomp.syscalls += [{"names": ["statx"], "action": "SCMP_ACT_ERRNO"}]'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *"setns(): can't reassociate to namespace 'uts': Operation not permitted"* ]]

	# An allow-all default gets no stub: the kernel's own ENOSYS only.
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	set_cmd sh -c 'mkdir /tmp/x; echo done'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "an init killed by the seccomp filter during setup is reported as such (beyond runc 1.1.5, which hangs)" {
	beyond_runc "runc 1.1.5 waits forever here"
	# The init sends its last setup message with sendmsg, after the filter is in place.
	allow_all_but '{"names": ["sendmsg"], "action": "SCMP_ACT_KILL_PROCESS"}'
	set_cmd true
	wb run test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *"the init was killed by SIGSYS (seccomp)"* ]]
	[[ "$output" != *"exited during setup"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}
