#!/usr/bin/env bats
# hooks: prestart, createRuntime, createContainer, startContainer, poststart, poststop:
# when each runs, in which namespace, with what state on stdin, args, env, timeout, and
# what a failing hook does to the lifecycle.

load helpers

setup() {
	setup_bundle
	OUT=$TEST_DIR/hooks
	mkdir -p "$OUT" "$TEST_DIR/ct"
	HOOK=$TEST_DIR/hook.sh
	# Records one call of hook NAME in $OUT: NAME.state (stdin), NAME.env, NAME.mntns
	# (its mount namespace), NAME.root (where the init's root is now), NAME.alive
	# (whether the init is alive) and appends NAME to $OUT/order. Runs in the runtime
	# namespace or, for createContainer, in the container's before pivot_root, where
	# host paths still resolve.
	cat >"$HOOK" <<EOF
#!/bin/bash
name=\$1
out=$OUT
/usr/bin/env >"\$out/\$name.env"
/bin/cat >"\$out/\$name.state"
/bin/readlink /proc/self/ns/mnt >"\$out/\$name.mntns"
# (createContainer's /proc is still the host's: \$\$ is of another pid namespace.)
[ "\$name" = createContainer ] || /usr/bin/tr '\0' '\n' </proc/\$\$/cmdline >"\$out/\$name.cmdline"
pid=\$(/usr/bin/jq -r .pid "\$out/\$name.state")
[ -s "\$out/pid" ] && pid=\$(/bin/cat "\$out/pid")
if [ "\$pid" -gt 0 ] && [ -e "/proc/\$pid" ] && ! /bin/grep -q '^[0-9]* ([^)]*) Z' "/proc/\$pid/stat"; then
	echo alive >"\$out/\$name.alive"
	/bin/ls "/proc/\$pid/root/" >"\$out/\$name.root"
else
	echo gone >"\$out/\$name.alive"
fi
echo "\$name" >>"\$out/order"
exit "\${HOOK_EXIT:-0}"
EOF
	chmod +x "$HOOK"
	set_cmd sleep 1000
}

teardown() {
	teardown_bundle
}

# hook_json NAME [ENV...]: a hook entry running $HOOK NAME.
hook_json() {
	local name=$1 env
	shift
	env=$(jq -cn '$ARGS.positional' --args "$@")
	jq -cn --arg p "$HOOK" --arg n "$name" --argjson env "$env" \
		'{"path": $p, "args": ["hook.sh", $n], "env": $env}'
}

# The startContainer hook runs in the container after pivot_root: a busybox shell that
# writes to /tmp, which is $TEST_DIR/ct bound into the container. It lists its own / (the
# init is not dumpable until its execve, so /proc/1/root is not for it to read).
start_container_json() {
	local script=${1:-'cat >/tmp/startContainer.state; echo $$ >/tmp/startContainer.pid; ls / >/tmp/startContainer.root'}
	jq -cn --arg s "$script" '{"path": "/bin/sh", "args": ["sh", "-c", $s]}'
}

# Sets every hook: each records itself.
all_hooks() {
	update_config --arg ct "$TEST_DIR/ct" \
		--argjson pre "$(hook_json prestart)" --argjson cr "$(hook_json createRuntime)" \
		--argjson cc "$(hook_json createContainer)" --argjson sc "$(start_container_json)" \
		--argjson ps "$(hook_json poststart)" --argjson pst "$(hook_json poststop)" '
		.mounts += [{"destination": "/tmp", "type": "bind", "source": $ct, "options": ["rbind"]}]
		| .hooks = {"prestart": [$pre], "createRuntime": [$cr], "createContainer": [$cc],
			"startContainer": [$sc], "poststart": [$ps], "poststop": [$pst]}'
}

# Fails unless the container with init PID left nothing: no state, cgroup or process.
assert_nothing_left() {
	local pid=$1 dir
	[ -z "$(ls -A "$ROOT")" ] || fail "state left in $ROOT: $(ls -A "$ROOT")"
	for dir in $(cgroup_dirs "$(test_cgroup)/bundle"); do
		[ ! -d "$dir" ] || fail "cgroup $dir left behind"
	done
	if [ -n "$pid" ] && [ "$pid" != 0 ]; then
		wait_for_exit "$pid"
	fi
}

@test "hooks run in the spec's order, each at its moment, with the state on stdin" {
	all_hooks
	wb create test_busybox
	[ "$status" -eq 0 ]
	local pid
	pid=$(container_pid test_busybox)
	[ "$(cat "$OUT/order")" = $'prestart\ncreateRuntime\ncreateContainer' ]
	[ ! -e "$TEST_DIR/ct/startContainer.state" ]
	local h
	for h in prestart createRuntime createContainer; do
		jq -e --arg b "$BUNDLE" '.id == "test_busybox" and .status == "creating"
			and .bundle == $b and (.ociVersion | type == "string")' "$OUT/$h.state"
		[ "$(cat "$OUT/$h.alive")" = alive ]
	done
	# prestart and createRuntime: the runtime's pid of the init.
	jq -e --argjson pid "$pid" '.pid == $pid' "$OUT/prestart.state"
	jq -e --argjson pid "$pid" '.pid == $pid' "$OUT/createRuntime.state"
	testcontainer test_busybox created

	wb start test_busybox
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/order")" = $'prestart\ncreateRuntime\ncreateContainer\npoststart' ]
	[ -e "$TEST_DIR/ct/startContainer.state" ]
	jq -e '.id == "test_busybox"' "$TEST_DIR/ct/startContainer.state"
	jq -e --argjson pid "$pid" '.id == "test_busybox" and .status == "running" and .pid == $pid' "$OUT/poststart.state"
	[ "$(cat "$OUT/poststart.alive")" = alive ]
	testcontainer test_busybox running

	echo "$pid" >"$OUT/pid"
	wb kill test_busybox KILL
	[ "$status" -eq 0 ]
	wait_for_status test_busybox stopped
	[ ! -e "$OUT/poststop.state" ] # not before delete
	wb delete test_busybox
	[ "$status" -eq 0 ]
	[ "$(tail -n1 "$OUT/order")" = poststop ]
	jq -e '.id == "test_busybox" and .status == "stopped"' "$OUT/poststop.state"
	[ "$(cat "$OUT/poststop.alive")" = gone ]
}

@test "prestart and createRuntime run in the runtime namespace before pivot_root, createContainer in the container's mount namespace" {
	all_hooks
	wb create test_busybox
	[ "$status" -eq 0 ]
	local pid host_mnt ctr_mnt
	pid=$(container_pid test_busybox)
	host_mnt=$(readlink /proc/self/ns/mnt)
	ctr_mnt=$(readlink "/proc/$pid/ns/mnt")
	[ "$host_mnt" != "$ctr_mnt" ]
	[ "$(cat "$OUT/prestart.mntns")" = "$host_mnt" ]
	[ "$(cat "$OUT/createRuntime.mntns")" = "$host_mnt" ]
	[ "$(cat "$OUT/createContainer.mntns")" = "$ctr_mnt" ]
	# Before pivot_root the init's root is still the host's /; after create, the rootfs.
	[ ! -e /linuxrc ] || skip "the host has a /linuxrc"
	! grep -qx linuxrc "$OUT/createRuntime.root"
	! grep -qx linuxrc "$OUT/prestart.root"
	ls "/proc/$pid/root/" | grep -qx linuxrc
	# startContainer runs in the container: its / is the rootfs.
	wb start test_busybox
	[ "$status" -eq 0 ]
	grep -qx linuxrc "$TEST_DIR/ct/startContainer.root"
	[ "$(cat "$TEST_DIR/ct/startContainer.pid")" -lt 100 ] # a pid of the container's namespace
}

@test "hook args and env are passed exactly; nothing of the runtime's environment leaks" {
	local hook
	hook=$(jq -cn --arg h "$HOOK" '{"path": "/bin/bash",
		"args": ["my-argv0", $h, "prestart", "two words", ""], "env": ["K=v", "X=y z"]}')
	# bash is the interpreter here: argv[0] as given shows in /proc/PID/cmdline.
	update_config --argjson h "$hook" '.hooks = {"prestart": [$h]}'
	LEAKME=secret wb create test_busybox
	[ "$status" -eq 0 ]
	cat "$OUT/prestart.cmdline" >&2
	diff <(printf '%s\n' my-argv0 "$HOOK" prestart "two words" "") "$OUT/prestart.cmdline"
	# bash adds PWD, SHLVL and _ itself.
	[ "$(grep -v -e ^PWD= -e ^SHLVL= -e ^_= "$OUT/prestart.env" | sort)" = $'K=v\nX=y z' ]
}

@test "poststop runs when a foreground run ends" {
	update_config --argjson pst "$(hook_json poststop)" '.hooks = {"poststop": [$pst]}'
	set_cmd true
	wb_run test_busybox
	[ "$status" -eq 0 ]
	jq -e '.id == "test_busybox" and .status == "stopped"' "$OUT/poststop.state"
	[ -z "$(ls -A "$ROOT")" ]
}

@test "a foreground run's poststop hooks are the config's as created, though config.json changes meanwhile (as runc)" {
	# A poststart hook takes every hook out of config.json; runc runs the hooks of the
	# config it created the container with (its state), and so does whalebox's run.
	local edit=$TEST_DIR/edit.sh
	cat >"$edit" <<EOF
#!/bin/bash
/usr/bin/jq 'del(.hooks)' "$BUNDLE/config.json" >"$BUNDLE/config.json.new" && /bin/mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
EOF
	chmod +x "$edit"
	copy_rootfs # runc refuses a symlinked rootfs
	update_config --arg e "$edit" --argjson pst "$(hook_json poststop)" \
		'.hooks = {"poststart": [{"path": $e}], "poststop": [$pst]}'
	set_cmd true
	wb_run test_busybox
	[ "$status" -eq 0 ]
	jq -e '.hooks == null' "$BUNDLE/config.json"
	jq -e '.id == "test_busybox" and .status == "stopped"' "$OUT/poststop.state"
	[ -z "$(ls -A "$ROOT")" ]
}

@test "startContainer: the state says created, with the pid as seen in the container" {
	all_hooks
	wb create test_busybox
	[ "$status" -eq 0 ]
	wb start test_busybox
	[ "$status" -eq 0 ]
	cat "$TEST_DIR/ct/startContainer.state" >&2
	jq -e '.status == "created" and .pid == 1' "$TEST_DIR/ct/startContainer.state"
}

@test "createContainer: the pid in the state is as seen in the container (as runc)" {
	all_hooks
	wb create test_busybox
	[ "$status" -eq 0 ]
	jq -e '.pid == 1' "$OUT/createContainer.state"
}

@test "a timeout kills a slow hook and fails create" {
	update_config --arg out "$OUT" '.hooks.prestart = [{"path": "/bin/sh",
		"args": ["sh", "-c", "echo $$ >\($out)/slow.pid; exec sleep 30"], "timeout": 1}]'
	local start=$SECONDS
	wb create test_busybox
	[ "$status" -ne 0 ]
	[ $((SECONDS - start)) -lt 10 ]
	wait_for_exit "$(cat "$OUT/slow.pid")"
}

@test "a hook timeout is reported as such, and create leaves nothing" {
	update_config '.hooks.prestart = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
	wb create test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *"prestart"*"timeout"* ]]
	assert_nothing_left
}

@test "a failing createRuntime hook fails create and leaves no state, cgroup or process" {
	update_config --argjson cr "$(hook_json createRuntime HOOK_EXIT=3)" '.hooks = {"createRuntime": [$cr]}'
	wb create test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *"createRuntime"*"exit status 3"* ]]
	assert_nothing_left "$(jq -r .pid "$OUT/createRuntime.state")"
}

@test "a failing prestart hook fails create, later hooks do not run, nothing is left" {
	update_config --argjson pre "$(hook_json prestart HOOK_EXIT=1)" --argjson cr "$(hook_json createRuntime)" \
		'.hooks = {"prestart": [$pre], "createRuntime": [$cr]}'
	wb create test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *prestart* ]]
	[ "$(cat "$OUT/order")" = prestart ]
	assert_nothing_left "$(jq -r .pid "$OUT/prestart.state")"
}

@test "a failing createContainer hook fails create and leaves nothing" {
	# createContainer's state has the pid as the container sees it: createRuntime's has
	# the host's.
	update_config --argjson cr "$(hook_json createRuntime)" --argjson cc "$(hook_json createContainer HOOK_EXIT=2)" \
		'.hooks = {"createRuntime": [$cr], "createContainer": [$cc]}'
	wb create test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *createContainer* ]]
	assert_nothing_left "$(jq -r .pid "$OUT/createRuntime.state")"
}

@test "a failing createRuntime hook: the failure is reported and the init does not survive" {
	# The command fails and the init is gone.
	update_config --argjson cr "$(hook_json createRuntime HOOK_EXIT=3)" '.hooks = {"createRuntime": [$cr]}'
	wb create test_busybox
	[ "$status" -ne 0 ]
	wait_for_exit "$(jq -r .pid "$OUT/createRuntime.state")"
}

@test "a failing startContainer hook fails start; the user process never runs" {
	update_config --arg ct "$TEST_DIR/ct" '
		.mounts += [{"destination": "/tmp", "type": "bind", "source": $ct, "options": ["rbind"]}]
		| .hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 4"]}]'
	set_cmd sh -c 'touch /tmp/user-process-ran; sleep 1000'
	wb create test_busybox
	[ "$status" -eq 0 ]
	wb start test_busybox
	# The hook runs after the init passed the exec fifo; start waits for the exec and
	# reports the init's failure.
	[ "$status" -eq 1 ]
	[[ "$output" == *"startContainer hook #0: exit status 4"* ]]
	wait_for_status test_busybox stopped
	[ ! -e "$TEST_DIR/ct/user-process-ran" ]
}

@test "a failing poststart hook is reported" {
	update_config --argjson ps "$(hook_json poststart HOOK_EXIT=5)" '.hooks = {"poststart": [$ps]}'
	wb create test_busybox
	[ "$status" -eq 0 ]
	wb start test_busybox
	[[ "$output" == *"poststart"*"exit status 5"* ]]
}

@test "a failing poststart hook fails start and leaves no container behind (runtime spec lifecycle step 9)" {
	update_config --argjson ps "$(hook_json poststart HOOK_EXIT=5)" --argjson pst "$(hook_json poststop)" \
		'.hooks = {"poststart": [$ps], "poststop": [$pst]}'
	wb create test_busybox
	[ "$status" -eq 0 ]
	wb start test_busybox
	[ "$status" -ne 0 ]
	wb state test_busybox
	[ "$status" -ne 0 ]
	# Destroyed as runc destroys it: poststop hooks run.
	[ "$(cat "$OUT/order")" = $'poststart\npoststop' ]
	assert_nothing_left "$(jq -r .pid "$OUT/poststart.state")"
}

@test "a failing poststop hook is a warning: delete succeeds and the next hook runs" {
	update_config --argjson a "$(hook_json poststop HOOK_EXIT=6)" --argjson b "$(hook_json poststop2)" \
		'.hooks = {"poststop": [$a, $b]}'
	wb create test_busybox
	[ "$status" -eq 0 ]
	wb delete -f test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *"poststop"*"exit status 6"* ]]
	[[ "$output" == *warning* ]]
	[ "$(cat "$OUT/order")" = $'poststop\npoststop2' ]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "a hook path that is not absolute, or a timeout of 0, is rejected" {
	update_config '.hooks = {"prestart": [{"path": "true"}]}'
	wb create test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *path* ]]
	[ -z "$(ls -A "$ROOT")" ]

	update_config '.hooks = {"prestart": [{"path": "/bin/true", "timeout": 0}]}'
	wb create test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *timeout* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "run -d with a failing poststart hook fails and leaves no container behind, as runc" {
	absolute_rootfs
	update_config --argjson ps "$(hook_json poststart HOOK_EXIT=5)" '.hooks = {"poststart": [$ps]}'
	wb run -d test_busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *"error running "*"hook #0: "*"exit status 5"* ]]
	assert_nothing_left "$(jq -r .pid "$OUT/poststart.state")"
}

@test "hook errors read \"error running ... hook #N: ...\", as runc" {
	absolute_rootfs
	update_config --argjson a "$(hook_json createRuntime)" --argjson b "$(hook_json createRuntime HOOK_EXIT=3)" \
		'.hooks = {"createRuntime": [$a, $b]}'
	wb run -d test_busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *"error running "*"hook #1: "*"exit status 3"* ]]
	update_config --argjson cc "$(hook_json createContainer HOOK_EXIT=2)" '.hooks = {"createContainer": [$cc]}'
	wb run -d test_busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *"error running "*"hook #0: "*"exit status 2"* ]]
}

@test "createContainer runs in the rootfs; hooks without env get runc's: the runtime's, or in the container the process's" {
	absolute_rootfs
	local script='cat >/dev/null; pwd >"$OUT/$1.pwd"; /usr/bin/env | /usr/bin/sort >"$OUT/$1.env"'
	local in_ct='cat >/dev/null; pwd >/tmp/startContainer.pwd; env | sort >/tmp/startContainer.env'
	update_config --arg s "$script" --arg out "$OUT" --arg ct "$TEST_DIR/ct" --arg c "$in_ct" '
		.process.env += ["FROM_PROCESS=yes"]
		| .mounts += [{"destination": "/tmp", "type": "bind", "source": $ct, "options": ["rbind"]}]
		| .hooks = {
			"prestart": [{"path": "/bin/bash", "args": ["bash", "-c", ("OUT=" + $out + "; " + $s), "h", "prestart"]}],
			"createContainer": [{"path": "/bin/bash", "args": ["bash", "-c", ("OUT=" + $out + "; " + $s), "h", "createContainer"]}],
			"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", $c]}]}'
	set_cmd true
	FROM_RUNTIME=yes wb_run test_busybox
	[ "$status" -eq 0 ]
	# createContainer: the rootfs as the runtime sees it, before pivot_root.
	[ "$(cat "$OUT/createContainer.pwd")" = "$(readlink -f rootfs)" ]
	grep -qx FROM_PROCESS=yes "$OUT/createContainer.env"
	! grep -q FROM_RUNTIME "$OUT/createContainer.env"
	# prestart: the runtime's own environment.
	grep -qx FROM_RUNTIME=yes "$OUT/prestart.env"
	! grep -q FROM_PROCESS "$OUT/prestart.env"
	# startContainer: the process's environment, in the container's /.
	[ "$(cat "$TEST_DIR/ct/startContainer.pwd")" = / ]
	grep -qx FROM_PROCESS=yes "$TEST_DIR/ct/startContainer.env"
	grep -qx HOME=/root "$TEST_DIR/ct/startContainer.env"
}
