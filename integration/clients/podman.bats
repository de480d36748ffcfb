#!/usr/bin/env bats
# podman (4.x, with conmon) drives the runtime under test: WHALEBOX, by default
# build/whalebox; `WHALEBOX=/usr/bin/runc bats integration/clients/podman.bats` runs the
# same tests against runc, which keeps them honest. Nothing here is whalebox-only.
# Set-up and clean-up are in podman-helpers.bash; the image is imported once per file.

load podman-helpers

bats_require_minimum_version 1.5.0

setup_file() {
	podman_setup
}

teardown_file() {
	podman_teardown
}

setup() {
	podman_setup_test
}

teardown() {
	podman_teardown_test
}

@test "podman run: echo" {
	run pm_run --rm "$PODMAN_IMAGE" echo hello from podman
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from podman" ]
}

@test "podman run: the exit code passes through" {
	run pm_run --rm "$PODMAN_IMAGE" sh -c 'exit 3'
	echo "$output"
	[ "$status" -eq 3 ]
}

@test "podman run -i: stdin reaches the container" {
	pipe_in() {
		printf 'one\ntwo\n' | pm_run --rm -i "$PODMAN_IMAGE" sh -c 'wc -l; read -r x; echo "got $x"'
	}
	run pipe_in
	echo "$output"
	[ "$status" -eq 0 ]
	# wc read both lines and left nothing for read.
	[ "$(echo "${lines[0]}" | tr -d ' ')" = 2 ]
}

@test "podman run -i: stdin line by line" {
	pipe_in() {
		printf 'hello stdin\n' | pm_run --rm -i "$PODMAN_IMAGE" sh -c 'read -r x; echo "got: $x"'
	}
	run pipe_in
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "got: hello stdin" ]
}

@test "podman run -d, then logs and wait" {
	run pm_run -d --name logger "$PODMAN_IMAGE" sh -c 'echo to-stdout; echo to-stderr >&2; exit 4'
	echo "$output"
	[ "$status" -eq 0 ]
	run pm wait logger
	[ "$status" -eq 0 ]
	[ "$output" = 4 ]
	run pm logs logger
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *to-stdout* ]]
	[[ "$output" == *to-stderr* ]]
	[ "$(pm inspect --format '{{.State.ExitCode}}' logger)" = 4 ]
}

@test "podman exec: output, exit code, environment, user and cwd" {
	run pm_run -d --name execs "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	run pm exec execs echo in exec
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "in exec" ]
	run pm exec execs sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run pm exec --user 1000:1000 -w /tmp -e FOO=bar execs sh -c 'echo "$(id -u):$(id -g) $PWD $FOO"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "1000:1000 /tmp bar" ]
	# An exec'd process shares the container's pid namespace.
	run pm exec execs sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[ "$output" = "sleep 1000 " ]
}

@test "podman exec: a failing exec shows the runtime's error" {
	run pm_run -d --name execfail "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	run -127 pm exec execfail /no/such/command
	echo "$output"
	[[ "$output" == *'exec: "/no/such/command"'* ]]
	[[ "$output" == *"OCI runtime attempted to invoke a command that was not found"* ]]
	# The container is unharmed.
	run pm exec execfail echo still here
	[ "$output" = "still here" ]
}

@test "podman exec -i: stdin reaches the exec'd process" {
	run pm_run -d --name execin "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	pipe_in() {
		echo via-exec | pm exec -i execin cat
	}
	run pipe_in
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = via-exec ]
}

@test "podman exec -t: a terminal" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	run pm_run -d --name exectty "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	run with_tty podman --cgroup-manager cgroupfs exec -t exectty sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo is-a-tty'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == */dev/pts/* ]]
	[[ "$output" == *is-a-tty* ]]
}

@test "podman exec -d: a detached process" {
	run pm_run -d --name execd "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	run pm exec -d execd sleep 789
	echo "$output"
	[ "$status" -eq 0 ]
	local i
	for ((i = 0; i < 50; i++)); do
		pm top execd | grep -q 'sleep 789' && break
		sleep 0.1
	done
	pm top execd | grep 'sleep 789'
}

@test "podman run -t: a terminal" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	run with_tty podman --cgroup-manager cgroupfs run --rm -t --network none \
		--cgroup-parent "$PODMAN_CGROUP_PARENT" "$PODMAN_IMAGE" \
		sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo is-a-tty; exit 6'
	echo "$output"
	[ "$status" -eq 6 ]
	[[ "$output" == */dev/pts/0* ]]
	[[ "$output" == *is-a-tty* ]]
}

@test "podman exec: six at once" {
	run pm_run -d --name busy "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	many_execs() {
		local i pids=()
		for i in 1 2 3 4 5 6; do
			pm exec busy sh -c "echo exec-$i" >"$PODMAN_DIR/exec-$i.out" 2>&1 &
			pids+=("$!")
		done
		for i in "${!pids[@]}"; do
			wait "${pids[$i]}" || return 1
		done
		cat "$PODMAN_DIR"/exec-?.out
	}
	run many_execs
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "exec-1 exec-2 exec-3 exec-4 exec-5 exec-6 " ]
}

@test "podman run -it: an interactive shell on the terminal" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	interactive() {
		# What is typed waits in the terminal until the shell reads it.
		printf 'echo interactive-$((6*7))\nexit 4\n' |
			script -qec "podman --cgroup-manager cgroupfs run --rm -it --network none \
				--cgroup-parent $PODMAN_CGROUP_PARENT $PODMAN_IMAGE sh" /dev/null
	}
	run interactive
	echo "$output"
	[ "$status" -eq 4 ]
	[[ "$output" == *interactive-42* ]]
}

@test "podman top" {
	run pm_run -d --name topped "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	run pm top topped
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *"sleep 1000"* ]]
	run pm top topped pid args
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *"1 "*"sleep 1000"* ]]
}

@test "podman pause and unpause" {
	run pm_run -d --name paused "$PODMAN_IMAGE" sh -c 'while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	run pm pause paused
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(pm_status paused)" = paused ]
	if [ -d /sys/fs/cgroup/freezer ]; then
		[ "$(cat "$(pm_cgroup_dir paused freezer)/freezer.state")" = FROZEN ]
	fi
	run pm unpause paused
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(pm_status paused)" = running ]
	if [ -d /sys/fs/cgroup/freezer ]; then
		[ "$(cat "$(pm_cgroup_dir paused freezer)/freezer.state")" = THAWED ]
	fi
	run pm exec paused echo alive
	[ "$output" = alive ]
}

@test "podman kill: signals by name and number reach the container" {
	run pm_run -d --name killed "$PODMAN_IMAGE" \
		sh -c 'trap "echo got-usr1" USR1; trap "echo got-hup" HUP; echo ready; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	pm_wait_log killed ready
	run pm kill -s USR1 killed
	[ "$status" -eq 0 ]
	pm_wait_log killed got-usr1
	run pm kill -s 1 killed
	[ "$status" -eq 0 ]
	pm_wait_log killed got-hup
	[ "$(pm_status killed)" = running ]
	run pm kill killed
	[ "$status" -eq 0 ]
	pm_wait_status killed exited
	[ "$(pm inspect --format '{{.State.ExitCode}}' killed)" = 137 ]
}

@test "podman stop: SIGTERM ends a process that handles it" {
	run pm_run -d --name stopped "$PODMAN_IMAGE" \
		sh -c 'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	pm_wait_log stopped ready
	SECONDS=0
	run pm stop -t 30 stopped
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$SECONDS" -lt 15 ]
	[ "$(pm_status stopped)" = exited ]
	[ "$(pm inspect --format '{{.State.ExitCode}}' stopped)" = 42 ]
	pm logs stopped | grep got-term
}

@test "podman stop -t: SIGKILL after the timeout for a process ignoring SIGTERM" {
	run pm_run -d --name stubborn "$PODMAN_IMAGE" \
		sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	pm_wait_log stubborn ready
	SECONDS=0
	run pm stop -t 1 stubborn
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$SECONDS" -ge 1 ]
	[ "$(pm_status stubborn)" = exited ]
	[ "$(pm inspect --format '{{.State.ExitCode}}' stubborn)" = 137 ]
}

@test "podman stop: --stop-signal" {
	run pm_run -d --name stopsig --stop-signal USR1 "$PODMAN_IMAGE" \
		sh -c 'trap "exit 9" USR1; echo ready; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	pm_wait_log stopsig ready
	run pm stop -t 30 stopsig
	[ "$status" -eq 0 ]
	[ "$(pm inspect --format '{{.State.ExitCode}}' stopsig)" = 9 ]
}

@test "podman init, then start: the runtime's create and start apart" {
	run pm_create --name twostep "$PODMAN_IMAGE" sh -c 'echo second step'
	[ "$status" -eq 0 ]
	run pm init twostep
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(pm_status twostep)" = initialized ]
	local id
	id=$(pm inspect --format '{{.Id}}' twostep)
	run "$PODMAN_DIR/bin/oci-runtime" state "$id"
	echo "$output"
	[ "$(jq -r .status <<<"$output")" = created ]
	run pm start -a twostep
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "second step" ]
	[ "$(pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' twostep)" = "exited 0" ]
}

@test "podman rm -f: a paused container and an initialized one" {
	run pm_run -d --name pausedrm "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	run pm pause pausedrm
	[ "$status" -eq 0 ]
	run pm rm -f -t 0 pausedrm
	echo "$output"
	[ "$status" -eq 0 ]
	run pm_create --name initrm "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	run pm init initrm
	[ "$status" -eq 0 ]
	run pm rm -f -t 0 initrm
	echo "$output"
	[ "$status" -eq 0 ]
	run pm ps -a --format '{{.Names}}'
	[[ "$output" != *pausedrm* ]]
	[[ "$output" != *initrm* ]]
	run "$PODMAN_DIR/bin/oci-runtime" list -q
	[ -z "$output" ]
}

@test "podman restart and start again" {
	run pm_run -d --name restarted "$PODMAN_IMAGE" \
		sh -c 'trap "exit 0" TERM; echo started; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	pm_wait_log restarted started
	local pid1 pid2
	pid1=$(pm inspect --format '{{.State.Pid}}' restarted)
	run pm restart -t 5 restarted
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(pm_status restarted)" = running ]
	pid2=$(pm inspect --format '{{.State.Pid}}' restarted)
	[ "$pid1" != "$pid2" ]
	run pm stop -t 5 restarted
	[ "$status" -eq 0 ]
	run pm start restarted
	[ "$status" -eq 0 ]
	[ "$(pm_status restarted)" = running ]
	run pm exec restarted true
	[ "$status" -eq 0 ]
}

@test "podman rm -f: a running container is gone, with its processes and runtime state" {
	run pm_run -d --name removed "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	local id pid
	id=$(pm inspect --format '{{.Id}}' removed)
	pid=$(pm inspect --format '{{.State.Pid}}' removed)
	[ -e "/proc/$pid" ]
	"$PODMAN_DIR/bin/oci-runtime" list | grep -q "$id"
	run pm rm -f -t 0 removed
	echo "$output"
	[ "$status" -eq 0 ]
	run pm ps -a --format '{{.Names}}'
	[[ "$output" != *removed* ]]
	! [ -e "/proc/$pid" ] || [ "$(awk '{ print $3 }' "/proc/$pid/stat")" = Z ]
	run "$PODMAN_DIR/bin/oci-runtime" list
	[[ "$output" != *"$id"* ]]
}

@test "podman run -m 64m: the memory limit is set, seen on the host and inside" {
	run pm_run -d --name limited -m 64m "$PODMAN_IMAGE" sleep 1000
	echo "$output"
	[ "$status" -eq 0 ]
	if [ -d /sys/fs/cgroup/memory ]; then
		[ "$(cat "$(pm_cgroup_dir limited memory)/memory.limit_in_bytes")" = 67108864 ]
		run pm exec limited cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	else
		[ "$(cat "$(pm_cgroup_dir limited "")/memory.max")" = 67108864 ]
		run pm exec limited cat /sys/fs/cgroup/memory.max
	fi
	echo "$output"
	[ "$output" = 67108864 ]
}

@test "podman run -m, --pids-limit: the limits hold" {
	run pm_run --rm -m 8m --memory-swap 8m "$PODMAN_IMAGE" sh -c 'x=a; while :; do x="$x$x"; done'
	echo "$output"
	# The OOM killer's SIGKILL.
	[ "$status" -eq 137 ]
	run pm_run --rm --pids-limit 5 "$PODMAN_IMAGE" \
		sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 5 & done 2>&1; kill $(jobs -p) 2>/dev/null; exit 0'
	echo "$output"
	[[ "$output" == *"can't fork"* ]]
}

@test "podman update: resources of a running container change" {
	local pids memory limit
	if [ -d /sys/fs/cgroup/memory ]; then
		pids=pids memory=memory limit=memory.limit_in_bytes
	else
		pids="" memory="" limit=memory.max
	fi
	run pm_run -d --name updated -m 64m --pids-limit 50 "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	[ "$(cat "$(pm_cgroup_dir updated "$pids")/pids.max")" = 50 ]
	run pm update --memory 32m updated
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$(pm_cgroup_dir updated "$memory")/$limit")" = 33554432 ]
}

@test "podman stats --no-stream" {
	run pm_run -d --name measured "$PODMAN_IMAGE" sleep 1000
	[ "$status" -eq 0 ]
	run pm stats --no-stream measured
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *measured* ]]
	run pm stats --no-stream --format '{{.Name}} {{.PIDs}}' measured
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "measured 1" ]
}

@test "podman run: process settings (user, hostname, cwd, env)" {
	run pm_run --rm --user 1000:1000 --hostname podhost -w /tmp -e GREETING=hi "$PODMAN_IMAGE" \
		sh -c 'echo "$(id -u):$(id -g) $(hostname) $PWD $GREETING"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "1000:1000 podhost /tmp hi" ]
}

@test "podman run --tmpfs and --read-only" {
	run pm_run --rm --tmpfs /data "$PODMAN_IMAGE" \
		sh -c 'grep " /data " /proc/mounts && echo x >/data/f && cat /data/f'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"tmpfs /data tmpfs"* ]]
	# podman asks for tmpcopyup: a tmpfs over a directory of the image starts with its
	# files, symlinks and subdirectories.
	run pm_run --rm --tmpfs /etc --tmpfs /usr "$PODMAN_IMAGE" sh -c '
		grep -c " /etc tmpfs\| /usr tmpfs" /proc/mounts
		grep "^root:" /etc/passwd
		readlink /usr/sbin/chroot
		ls -ld /etc /usr/sbin | cut -c1-10'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 2 ]
	[[ "${lines[1]}" == root:* ]]
	[ "${lines[2]}" = "$(readlink "$BUSYBOX_ROOTFS/usr/sbin/chroot")" ]
	[ "${lines[3]}" = drwxr-xr-x ]
	[ "${lines[4]}" = drwxr-xr-x ]
	# --read-only: / is read-only, podman's tmpfs on /tmp is writable.
	run pm_run --rm --read-only "$PODMAN_IMAGE" sh -c 'touch /tmp/ok && ! touch /nope 2>/dev/null && echo ok'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "podman run --device" {
	run pm_run --rm --device /dev/null:/dev/mynull "$PODMAN_IMAGE" \
		sh -c '[ -c /dev/mynull ] && echo x >/dev/mynull && echo ok'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "podman run: a failing create shows the runtime's error (command not found)" {
	run -127 pm_run --rm "$PODMAN_IMAGE" /no/such/command
	echo "$output"
	# podman's code for "command not found".
	[ "$status" -eq 127 ]
	[[ "$output" == *"/no/such/command"* ]]
	[[ "$output" == *"OCI runtime attempted to invoke a command that was not found"* ]]
}

@test "podman start: the runtime's error comes through its JSON log" {
	run pm_create --name broken "$PODMAN_IMAGE" /no/such/command
	[ "$status" -eq 0 ]
	local id log msg
	id=$(pm inspect --format '{{.Id}}' broken)
	run pm start broken
	echo "$output"
	[ "$status" -ne 0 ]
	# conmon gave the runtime --log-format=json --log FILE; podman shows that record's msg.
	log=$(find "$PODMAN_DIR/run" -path "*/$id/userdata/oci-log")
	[ -s "$log" ]
	cat "$log"
	jq -e 'select(.level == "error")' "$log"
	msg=$(jq -r 'select(.level == "error") | .msg' "$log" | tail -n 1)
	[[ "$msg" == *"/no/such/command"* ]]
	[[ "$output" == *"$msg"* ]]
}

# ---- podman container checkpoint / restore (criu) ---------------------------------------
# podman calls the runtime's checkpoint (--image-path, --work-path, --leave-running ...)
# and conmon its restore (--detach, --image-path, --work-path, --bundle, --pid-file).
# criu 3.17 only works in the VM (integration/run-cgroupv2-vm.sh): elsewhere these skip.

needs_criu() {
	command -v criu >/dev/null || skip "criu is not installed"
	criu check >/dev/null 2>&1 || skip "criu check fails on this kernel: run integration/run-cgroupv2-vm.sh"
}

# Waits until container NAME's /tmp/count is at least FROM; prints it.
pm_count_past() {
	local name=$1 from=$2 now i
	for ((i = 0; i < 50; i++)); do
		now=$(pm exec "$name" cat /tmp/count 2>/dev/null) || now=0
		if [ "${now:-0}" -gt "$from" ]; then
			echo "$now"
			return 0
		fi
		sleep 0.2
	done
	fail "container $name: count $now, not past $from"
}

@test "podman container checkpoint and restore: a counter goes on counting" {
	needs_criu
	run pm_run -d --name counter "$PODMAN_IMAGE" \
		sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/count; echo "tick $i"; sleep 0.2; done'
	[ "$status" -eq 0 ]
	local before after pid1 pid2
	before=$(pm_count_past counter 1)
	pid1=$(pm inspect --format '{{.State.Pid}}' counter)
	run pm container checkpoint counter
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(pm_status counter)" != running ]
	! [ -e "/proc/$pid1" ] || [ "$(awk '{ print $3 }' "/proc/$pid1/stat")" = Z ]

	run pm container restore counter
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(pm_status counter)" = running ]
	pid2=$(pm inspect --format '{{.State.Pid}}' counter)
	[ -e "/proc/$pid2" ]
	# The runtime's state agrees with podman's, and the count goes on from where it was.
	[ "$("$PODMAN_DIR/bin/oci-runtime" state "$(pm inspect --format '{{.Id}}' counter)" | jq -r .pid)" = "$pid2" ]
	after=$(pm_count_past counter "$before")
	pm_count_past counter "$after" >/dev/null
	# Its output still reaches podman's log (the new conmon's pipes).
	local ticks
	ticks=$(pm logs counter | grep -c tick)
	for ((i = 0; i < 50; i++)); do
		[ "$(pm logs counter | grep -c tick)" -gt "$ticks" ] && break
		sleep 0.2
	done
	[ "$(pm logs counter | grep -c tick)" -gt "$ticks" ]
	run pm stop -t 1 counter
	[ "$status" -eq 0 ]
}

@test "podman container checkpoint --leave-running, then restore after rm" {
	needs_criu
	run pm_run -d --name kept "$PODMAN_IMAGE" \
		sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/count; sleep 0.2; done'
	[ "$status" -eq 0 ]
	local before
	before=$(pm_count_past kept 1)
	run pm container checkpoint --leave-running --keep kept
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(pm_status kept)" = running ]
	pm_count_past kept "$before" >/dev/null
	# The container is stopped, then restored from the checkpoint it kept.
	run pm stop -t 0 kept
	[ "$status" -eq 0 ]
	run pm container restore kept
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(pm_status kept)" = running ]
	pm_count_past kept "$before" >/dev/null
}

# ---- podman's systemd cgroup manager (the default on systemd hosts) ---------------------
# It calls the runtime with --systemd-cgroup and cgroupsPath machine.slice:libpod:<id>.
# Needs systemd as PID 1 on cgroup v2: VM_SYSTEMD=1 integration/run-cgroupv2-vm.sh.

pm_sd() {
	podman --cgroup-manager systemd "$@"
}

@test "podman, cgroup_manager systemd: the container's scope has the limits; update; rm removes the unit" {
	[ -d /run/systemd/system ] && [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] ||
		skip "systemd is not PID 1 on a cgroup v2 host (run VM_SYSTEMD=1 integration/run-cgroupv2-vm.sh)"
	run pm_sd run -d --network none --name sd -m 64m --pids-limit 50 "$PODMAN_IMAGE" sleep 1000
	echo "$output"
	[ "$status" -eq 0 ]
	local id unit dir
	id=$(pm_sd inspect --format '{{.Id}}' sd)
	unit=libpod-$id.scope
	dir=/sys/fs/cgroup/machine.slice/$unit
	[ "$(systemctl show -p ActiveState --value "$unit")" = active ]
	[ "$(systemctl show -p MemoryMax --value "$unit")" = 67108864 ]
	[ "$(systemctl show -p TasksMax --value "$unit")" = 50 ]
	[ "$(cat "$dir/memory.max")" = 67108864 ]
	[ "$(cat "$dir/pids.max")" = 50 ]
	grep -qx "0::/machine.slice/$unit" "/proc/$(pm_sd inspect --format '{{.State.Pid}}' sd)/cgroup"

	run pm_sd update --memory 32m sd
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(systemctl show -p MemoryMax --value "$unit")" = 33554432 ]
	[ "$(cat "$dir/memory.max")" = 33554432 ]

	run pm_sd pause sd
	[ "$status" -eq 0 ]
	[ "$(cat "$dir/cgroup.freeze")" = 1 ]
	run pm_sd unpause sd
	[ "$status" -eq 0 ]
	run pm_sd top sd
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sleep 1000"* ]]

	run pm_sd rm -f -t 0 sd
	[ "$status" -eq 0 ]
	[ "$(systemctl show -p LoadState --value "$unit")" = not-found ]
	[ ! -e "$dir" ]
}
