#!/usr/bin/env bats
# A create that fails says why in one line on stderr, exits 1 and leaves nothing behind:
# no state under --root, no cgroup, no mount, no process. And --log/--log-format.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

# Runs `whalebox COMMAND test_error` (create or run), keeping stderr apart in $stderr,
# and checks that it failed cleanly and left nothing behind.
fails_cleanly() {
	local command=$1 rootfs
	status=0
	"$WHALEBOX" --root "$ROOT" "$command" test_error </dev/null >"$TEST_DIR/stdout" 2>"$TEST_DIR/stderr" || status=$?
	stderr=$(cat "$TEST_DIR/stderr")
	echo "whalebox $command test_error (status=$status): $stderr" >&2
	cat "$TEST_DIR/stdout" >&2

	[ "$status" -eq 1 ] || fail "exit status $status, expected 1"
	[ "$(wc -l <"$TEST_DIR/stderr")" -eq 1 ] || fail "stderr is not one line"
	[ -z "$(ls -A "$ROOT")" ] || fail "state left under --root: $(ls -A "$ROOT")"
	local dir
	for dir in $(cgroup_dirs "$(test_cgroup)/bundle"); do
		case $dir in */memory/* | */pids/* | */unified/*) ;; *) continue ;; esac
		[ ! -d "$dir" ] || fail "cgroup $dir left behind"
	done
	rootfs=$(readlink -f "$BUNDLE/rootfs" 2>/dev/null || true)
	! grep -qF " $BUNDLE" /proc/self/mountinfo || fail "a mount of the bundle is left behind"
	if [ -n "$rootfs" ]; then
		! grep -qF " $rootfs " /proc/self/mountinfo || fail "a mount of the rootfs is left behind"
		local p
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/root" 2>/dev/null)" != "$rootfs" ] || fail "process ${p#/proc/} is left in the rootfs"
		done
	fi
}

@test "config.json that is not JSON" {
	echo '{ "ociVersion": ' >config.json
	fails_cleanly create
	[[ "$stderr" == *"config.json"* ]]
	[[ "$stderr" == *"JSON"* ]]
}

@test "no config.json" {
	rm config.json
	fails_cleanly create
	[[ "$stderr" == *"config.json"* ]]
}

@test "a wrong type names the JSON path: process.args" {
	update_config '.process.args = "sh"'
	fails_cleanly create
	[ "$stderr" = "process.args: expected array, got string" ]
}

@test "a wrong type names the JSON path: linux.resources.memory.limit" {
	update_config '.linux.resources.memory = {"limit": "1g"}'
	fails_cleanly create
	[ "$stderr" = "linux.resources.memory.limit: expected integer, got string" ]
}

@test "a wrong type in an array element names its index" {
	update_config '.mounts[1].options[0] = 7'
	fails_cleanly create
	[[ "$stderr" == *"mounts[1].options[0]"* ]]
}

@test "a NUL byte in a string is refused, naming the field" {
	# The kernel would stop at the NUL: "/mn\0t/../../etc" would mount on /mn.
	update_config '.mounts = [{"destination": "/mn\u0000t/../../etc", "type": "tmpfs", "source": "tmpfs"}] + .mounts'
	fails_cleanly create
	[ "$stderr" = 'mounts[0].destination: value "/mn\u0000t/../../etc" contains a NUL byte' ]
	[ ! -e rootfs/mn ]
}

@test "a NUL byte in process.args is refused, naming the field" {
	update_config '.process.args = ["sh", "-c\u0000x"]'
	fails_cleanly run
	[ "$stderr" = 'process.args[1]: value "-c\u0000x" contains a NUL byte' ]
}

@test "a number beyond every type names the field" {
	# jq would round 1e400; sed writes it as it is.
	update_config '.linux.resources.memory = {"limit": 123454321}'
	sed -i 's/123454321/1e400/' config.json
	fails_cleanly create
	[ "$stderr" = "linux.resources.memory.limit: value 1e400 out of range" ]
}

@test "a number out of range for its field names the field and the type" {
	update_config '.linux.resources.memory = {"limit": 123454321}'
	sed -i 's/123454321/9223372036854775808/' config.json
	fails_cleanly create
	[ "$stderr" = "linux.resources.memory.limit: value 9223372036854775808 out of range for int64" ]
	update_config '.linux.resources.memory = {} | .process.user.uid = -1'
	fails_cleanly create
	[ "$stderr" = "process.user.uid: value -1 out of range for uint32" ]
}

@test "a missing rootfs" {
	update_config '.root.path = "nosuchdir"'
	fails_cleanly create
	[[ "$stderr" == *"nosuchdir"* ]]
	[[ "$stderr" == *"does not exist"* ]]
}

@test "a missing bundle" {
	status=0
	"$WHALEBOX" --root "$ROOT" create -b "$TEST_DIR/nosuchbundle" test_error 2>"$TEST_DIR/stderr" || status=$?
	[ "$status" -eq 1 ]
	[[ "$(cat "$TEST_DIR/stderr")" == *"nosuchbundle"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "a bind mount whose source does not exist" {
	update_config --arg src "$TEST_DIR/nosuchsource" '.mounts += [{"destination": "/home", "type": "bind", "source": $src, "options": ["bind"]}]'
	fails_cleanly create
	[[ "$stderr" == *"nosuchsource"* ]]
}

@test "a mount of an unknown filesystem type" {
	update_config '.mounts += [{"destination": "/home", "type": "nosuchfs", "source": "none"}]'
	fails_cleanly create
	[[ "$stderr" == *"/home"* ]]
}

@test "an executable that is not in PATH" {
	set_cmd nosuchcommand
	fails_cleanly create
	[[ "$stderr" == *'exec: "nosuchcommand": executable file not found in $PATH'* ]]
}

@test "an executable path that does not exist" {
	set_cmd /bin/nosuchcommand
	fails_cleanly create
	[[ "$stderr" == *"/bin/nosuchcommand"* ]]
}

@test "an executable that is not executable" {
	set_cmd /etc/passwd
	fails_cleanly create
	[[ "$stderr" == *"/etc/passwd"* ]]
}

@test "run fails the same way, and cleans up" {
	set_cmd nosuchcommand
	fails_cleanly run
	[[ "$stderr" == *"executable file not found in \$PATH"* ]]
}

@test "a relative cwd" {
	update_config '.process.cwd = "relative/dir"'
	fails_cleanly create
	[[ "$stderr" == *"cwd"* ]]
}

@test "empty process.args" {
	update_config '.process.args = []'
	fails_cleanly create
	[[ "$stderr" == *"args"* ]]
}

@test "a terminal without --console-socket" {
	update_config '.process.terminal = true'
	fails_cleanly create
	[[ "$stderr" == *"console socket"* ]]
}

@test "an unknown command or flag exits 1 with a message" {
	wb nosuchcommand
	[ "$status" -ne 0 ]
	[ -n "$output" ]
	wb create --nosuchflag test_error
	[ "$status" -ne 0 ]
	[[ "$output" == *"nosuchflag"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "--log FILE --log-format json writes the error as a JSON line" {
	update_config '.process.args = "sh"'
	wb --log "$TEST_DIR/log.json" --log-format json create test_error
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.args: expected array, got string"* ]]
	[ -s "$TEST_DIR/log.json" ]
	# Every line is a JSON object; the error is one of them.
	jq -e . "$TEST_DIR/log.json" >/dev/null
	run jq -r 'select(.level == "error") | [.msg, (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))] | @tsv' "$TEST_DIR/log.json"
	[ "$status" -eq 0 ]
	[ "$output" = $'process.args: expected array, got string\ttrue' ]
}

@test "--log-format=json and --log-format json are both accepted" {
	update_config '.process.args = "sh"'
	wb --log "$TEST_DIR/a.json" --log-format=json create test_error
	[ "$status" -eq 1 ]
	wb --log "$TEST_DIR/b.json" --log-format json create test_error
	[ "$status" -eq 1 ]
	[ "$(jq -r .level "$TEST_DIR/a.json")" = error ]
	[ "$(jq -r .level "$TEST_DIR/b.json")" = error ]
}

@test "--log FILE with the text format" {
	update_config '.process.args = "sh"'
	wb --log "$TEST_DIR/log.txt" create test_error
	[ "$status" -eq 1 ]
	grep -q 'level=error msg="process.args: expected array, got string"' "$TEST_DIR/log.txt"
}

@test "an unknown --log-format is refused" {
	wb --log-format xml list
	[ "$status" -ne 0 ]
	[[ "$output" == *"xml"* ]]
}

@test "a successful command with --log --log-format json logs no error" {
	wb --log "$TEST_DIR/log.json" --log-format json create test_ok
	[ "$status" -eq 0 ]
	wb --log "$TEST_DIR/log.json" --log-format json delete test_ok
	[ "$status" -eq 0 ]
	if [ -s "$TEST_DIR/log.json" ]; then
		jq -e . "$TEST_DIR/log.json" >/dev/null
		[ -z "$(jq -r 'select(.level == "error") | .msg' "$TEST_DIR/log.json")" ]
	fi
}

@test "an error in the init reaches the caller as its real reason, not \"exited during setup\"" {
	update_config --arg r "$(readlink -f rootfs)" '.root.path = $r'
	# A hostname the kernel refuses (runc: "sethostname: invalid argument"; whalebox
	# refuses it before it starts anything).
	update_config --arg h "$(printf 'h%.0s' {1..70})" '.hostname = $h'
	fails_cleanly run
	[[ "$stderr" == *hostname* ]]
	[[ "$stderr" != *"exited during setup"* ]]
	# Arguments too long for execve.
	update_config '.hostname = "box" | .process.args = ["true", ("a" * 200000)]'
	fails_cleanly run
	[[ "$stderr" == *"rgument list too long"* ]]
	[[ "$stderr" != *"exited during setup"* ]]
}
