#!/usr/bin/env bats
# containerd 1.6 (ctr + containerd-shim-runc-v2) driving the runtime under test, $WHALEBOX
# (build/whalebox by default; WHALEBOX=/usr/bin/runc runs the same suite against runc).
# One private containerd serves the whole file; see containerd-helpers.bash.

load containerd-helpers

setup_file() {
	ctrd_start
}

teardown_file() {
	ctrd_stop
}

setup() {
	ctrd_load_env
	ID=t$BATS_TEST_NUMBER
}

teardown() {
	ctrd_cleanup "$ID"
}

@test "containerd: ctr run prints the container's output" {
	ctrd_run --rm -- "$ID" echo hello from the container
	[ "$status" -eq 0 ]
	[ "$output" = "hello from the container" ]
}

@test "containerd: ctr run passes the exit code through" {
	ctrd_run --rm -- "$ID" sh -c 'exit 42'
	[ "$status" -eq 42 ]
}

@test "containerd: a detached task is RUNNING in ctr t ls and its pid is the init" {
	ctrd_run -d --null-io -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	local pid
	pid=$(_ctr tasks ls | awk -v id="$ID" '$1 == id { print $2 }')
	[ -n "$pid" ] && [ "$pid" -gt 0 ]
	[ "$(cat "/proc/$pid/comm")" = sleep ]
	# In the cgroup ctr asked for.
	if ctrd_cgroup_v2; then
		grep -qx "0::$(ctrd_cgroup "$ID")" "/proc/$pid/cgroup"
	else
		grep -q ":memory:$(ctrd_cgroup "$ID")\$" "/proc/$pid/cgroup"
	fi
}

@test "containerd: ctr t exec runs a process in the task and passes its exit code" {
	ctrd_run -d --null-io -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	ctr_run tasks exec --exec-id e1 --fifo-dir "$CTRD_DIR/fifo" "$ID" sh -c 'echo in exec; cat /proc/1/comm'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "in exec" ]
	[ "${lines[1]}" = sleep ]
	ctr_run tasks exec --exec-id e2 --fifo-dir "$CTRD_DIR/fifo" "$ID" sh -c 'exit 7'
	[ "$status" -eq 7 ]
}

@test "containerd: ctr t exec with --user and --cwd" {
	ctrd_run -d --null-io -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	ctr_run tasks exec --exec-id e1 --user 1000 --cwd /tmp --fifo-dir "$CTRD_DIR/fifo" "$ID" sh -c 'id -u; pwd'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = /tmp ]
}

@test "containerd: ctr run --no-pivot" {
	ctrd_run --rm --no-pivot -- "$ID" sh -c 'echo ok; cat /proc/1/comm'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = ok ]
	[ "${lines[1]}" = cat ]
}

@test "containerd: parallel ctr t exec into one task all succeed" {
	ctrd_run -d --null-io -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	local jobs=() i rc
	for i in $(seq 1 10); do
		(
			rc=0
			_ctr tasks exec --exec-id "p$i" --fifo-dir "$CTRD_DIR/fifo" "$ID" echo "out $i" \
				</dev/null >"$CTRD_DIR/par.$ID.$i" 2>&1 || rc=$?
			echo "rc $rc" >>"$CTRD_DIR/par.$ID.$i"
		) &
		jobs+=("$!")
	done
	for i in "${jobs[@]}"; do wait "$i"; done
	for i in $(seq 1 10); do
		cat "$CTRD_DIR/par.$ID.$i" >&2
		[ "$(cat "$CTRD_DIR/par.$ID.$i")" = "out $i"$'\n'"rc 0" ]
	done
}

@test "containerd: a pod: a container joins another's network, ipc, uts and pid namespaces" {
	# As the CRI plugin does for every container of a pod (the sandbox holds them).
	ctrd_run -d --null-io -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	local pid ns joins=()
	pid=$(_ctr tasks ls | awk -v id="$ID" '$1 == id { print $2 }')
	for ns in network ipc uts pid; do
		local f=$ns
		[ "$ns" = network ] && f=net
		joins+=(--with-ns "$ns:/proc/$pid/ns/$f")
	done
	ctrd_run --rm --seccomp "${joins[@]}" -- "${ID}b" sh -c 'for n in net ipc uts pid; do readlink /proc/self/ns/$n; done
		ps -o comm | grep -c "^sleep"; grep Seccomp: /proc/self/status'
	local st=$status out=$output
	_ctr containers rm "${ID}b" >/dev/null 2>&1 || true
	[ "$st" -eq 0 ]
	local want n
	for n in net ipc uts pid; do want+="$(readlink "/proc/$pid/ns/$n")"$'\n'; done
	want+=$'1\nSeccomp:\t2'
	[ "$out" = "$want" ]
}

@test "containerd: ctr t ps lists the init and a detached exec" {
	ctrd_run -d --null-io -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	ctr_run tasks exec -d --exec-id bg --fifo-dir "$CTRD_DIR/fifo" "$ID" sleep 999
	[ "$status" -eq 0 ]
	local init i
	init=$(_ctr tasks ls | awk -v id="$ID" '$1 == id { print $2 }')
	for ((i = 0; i < 50; i++)); do
		ctr_run tasks ps "$ID"
		[ "${#lines[@]}" -ge 3 ] && break
		sleep 0.1
	done
	[ "$status" -eq 0 ]
	# PID INFO, then one line per process.
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == PID* ]]
	printf '%s\n' "${lines[@]:1}" | awk '{ print $1 }' | grep -qx "$init"
	local pid
	for pid in $(printf '%s\n' "${lines[@]:1}" | awk '{ print $1 }'); do
		[ "$(cat "/proc/$pid/comm")" = sleep ]
	done
}

@test "containerd: ctr t pause and resume" {
	ctrd_run -d --null-io -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	ctr_run tasks pause "$ID"
	[ "$status" -eq 0 ]
	wait_task_status "$ID" PAUSED
	local pid
	pid=$(_ctr tasks ls | awk -v id="$ID" '$1 == id { print $2 }')
	local dir
	dir=$(ctrd_cgroup_dir freezer "$(ctrd_cgroup "$ID")")
	if ctrd_cgroup_v2; then
		grep -qx "frozen 1" "$dir/cgroup.events"
	else
		[ "$(cat "$dir/freezer.state")" = FROZEN ]
	fi
	ctr_run tasks resume "$ID"
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	if ctrd_cgroup_v2; then
		grep -qx "frozen 0" "$dir/cgroup.events"
	else
		[ "$(cat "$dir/freezer.state")" = THAWED ]
	fi
	[ "$(awk '{ print $3 }' "/proc/$pid/stat")" = S ]
}

@test "containerd: ctr t kill -s SIGKILL of a paused task stops it" {
	ctrd_run -d --null-io -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	ctr_run tasks pause "$ID"
	[ "$status" -eq 0 ]
	wait_task_status "$ID" PAUSED
	ctr_run tasks kill -s SIGKILL "$ID"
	[ "$status" -eq 0 ]
	wait_task_status "$ID" STOPPED
	ctr_run tasks rm "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exit code 137"* ]]
}

@test "containerd: ctr t kill sends the signal to the init" {
	ctrd_run -d --null-io -- "$ID" sh -c 'trap "exit 3" TERM; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	ctr_run tasks kill -s SIGTERM "$ID"
	[ "$status" -eq 0 ]
	wait_task_status "$ID" STOPPED
	# ctr t rm reports the exit code.
	ctr_run tasks rm "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exit code 3"* ]]
}

@test "containerd: ctr t kill --all kills every process of the task" {
	ctrd_run -d --null-io -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	ctr_run tasks exec -d --exec-id bg --fifo-dir "$CTRD_DIR/fifo" "$ID" sleep 999
	[ "$status" -eq 0 ]
	local pids
	pids=$(cat "$(ctrd_cgroup_dir pids "$(ctrd_cgroup "$ID")")/cgroup.procs")
	[ "$(wc -w <<<"$pids")" -eq 2 ]
	ctr_run tasks kill --all -s SIGKILL "$ID"
	[ "$status" -eq 0 ]
	wait_task_status "$ID" STOPPED
	local pid i
	for pid in $pids; do
		for ((i = 0; i < 50; i++)); do
			[ -e "/proc/$pid" ] || break
			sleep 0.1
		done
		[ ! -e "/proc/$pid" ]
	done
	ctr_run tasks rm "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exit code 137"* ]]
}

@test "containerd: ctr t rm and ctr c rm leave no state, cgroup or mount behind" {
	ctrd_logging_runtime
	ctr_run run --runc-binary "$CTRD_DIR/runtime-logger" --runc-root "$(ctrd_runtime_root)" \
		--fifo-dir "$CTRD_DIR/fifo" --cgroup "$(ctrd_cgroup "$ID")" --snapshotter overlayfs \
		-d --null-io "$CTRD_IMAGE" "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	[ -d "$(ctrd_runtime_root)/$CTRD_NS/$ID" ]
	ctr_run tasks kill -s SIGKILL "$ID"
	[ "$status" -eq 0 ]
	wait_task_status "$ID" STOPPED
	ctr_run tasks rm "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exit code 137"* ]]
	ctr_run containers rm "$ID"
	[ "$status" -eq 0 ]
	# The shim's delete (and any delete --force after it) succeeded.
	cat "$CTRD_DIR/runtime.log" >&2
	grep -qE "(^| )delete $ID rc=0\$" "$CTRD_DIR/runtime.log"
	grep -qE "(^| )delete --force $ID rc=0\$" "$CTRD_DIR/runtime.log"
	! grep -E '(^| )delete .*rc=[1-9]' "$CTRD_DIR/runtime.log"
	# Nothing left: the runtime's state, the container's cgroup, the rootfs mount.
	[ ! -e "$(ctrd_runtime_root)/$CTRD_NS/$ID" ]
	local mnt
	for mnt in $(awk '$9 == "cgroup" { print $5 }' /proc/self/mountinfo); do
		[ ! -e "$mnt$(ctrd_cgroup "$ID")" ] || fail "cgroup $mnt$(ctrd_cgroup "$ID") is left"
	done
	! grep -F "/$ID/rootfs" /proc/self/mountinfo
	_ctr containers ls -q | grep -qvx "$ID" || [ -z "$(_ctr containers ls -q)" ]
	# delete --force of a container that is gone is not an error (the shim's cleanup).
	run "$WHALEBOX" --root "$(ctrd_runtime_root)/$CTRD_NS" delete --force "$ID"
	[ "$status" -eq 0 ]
}

@test "containerd: --memory-limit is the limit seen inside the container" {
	# ctr's default spec has no /sys/fs/cgroup; a cgroup mount shows the container's own.
	ctrd_run --rm --memory-limit 67108864 \
		--mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:noexec:nodev \
		-- "$ID" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
	[ "$status" -eq 0 ]
	[ "$output" = 67108864 ]
}

@test "containerd: a memory limit too low to start the container is a clear error" {
	ctrd_run --rm --memory-limit 4096 -- "$ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"OCI runtime create failed"*"memory limit"* ]]
}

@test "containerd: a task that runs out of memory exits 137 with a /tasks/oom event" {
	# The shim finds the memory cgroup from the init's /proc/PID/cgroup and watches it.
	_ctr events </dev/null >"$CTRD_DIR/events.$ID" 2>&1 3>&- &
	local events=$! i
	ctrd_run --rm --memory-limit 16777216 -- "$ID" sh -c 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived'
	local st=$status
	for ((i = 0; i < 30; i++)); do
		grep -q "/tasks/oom.*\"$ID\"" "$CTRD_DIR/events.$ID" && break
		sleep 0.1
	done
	kill "$events"
	wait "$events" || true
	cat "$CTRD_DIR/events.$ID" >&2
	[ "$st" -eq 137 ]
	[[ "$output" != *survived* ]]
	grep -q "/tasks/oom.*\"$ID\"" "$CTRD_DIR/events.$ID"
}

@test "containerd: --cpus and --cpu-shares reach the container's cgroup" {
	ctrd_run -d --null-io --cpus 0.5 --cpu-shares 512 -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	local dir
	dir=$(ctrd_cgroup_dir cpu "$(ctrd_cgroup "$ID")")
	if ctrd_cgroup_v2; then
		[ "$(cat "$dir/cpu.max")" = "50000 100000" ]
		# runc's conversion of 512 shares.
		[ "$(cat "$dir/cpu.weight")" = 20 ]
	else
		[ "$(cat "$dir/cpu.cfs_period_us")" = 100000 ]
		[ "$(cat "$dir/cpu.cfs_quota_us")" = 50000 ]
		[ "$(cat "$dir/cpu.shares")" = 512 ]
	fi
}

@test "containerd: a device node can be made but not opened (the runtime's default device rules)" {
	# containerd's spec denies all devices and keeps CAP_MKNOD; runc's default rules allow
	# mknod of any node (package scripts, image builds), and opening only the usual ones.
	ctrd_run --rm -- "$ID" sh -c 'mknod /tmp/sdx b 8 0 && mknod /tmp/mem c 1 1 && echo made
		head -c 1 /tmp/mem >/dev/null 2>&1 || echo "open refused"; head -c 1 /dev/zero | wc -c'
	[ "$status" -eq 0 ]
	[ "$output" = $'made\nopen refused\n1' ]
}

@test "containerd: ctr run -t gives the container a terminal" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	local cmd
	cmd="ctr -a $CTRD_SOCK -n $CTRD_NS run -t --rm --runc-binary $WHALEBOX --runc-root $(ctrd_runtime_root)"
	cmd+=" --fifo-dir $CTRD_DIR/fifo --cgroup $(ctrd_cgroup "$ID") --snapshotter overlayfs"
	cmd+=" $CTRD_IMAGE $ID sh -c '[ -t 0 ] && [ -t 1 ] && echo tty: \$(tty); stty -g; exit 5'"
	run script -qefc "$cmd" /dev/null </dev/null
	echo "$output" >&2
	[ "$status" -eq 5 ]
	[[ "$output" == *"tty: /dev/"* ]]
	# stty could read the terminal's settings.
	[[ "$output" =~ [0-9a-f]+(:[0-9a-f]+)+ ]]
}

@test "containerd: ctr t exec -t gives the process a terminal" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	ctrd_run -d --null-io -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	local cmd
	cmd="ctr -a $CTRD_SOCK -n $CTRD_NS tasks exec -t --exec-id tty --fifo-dir $CTRD_DIR/fifo"
	cmd+=" $ID sh -c '[ -t 0 ] && [ -t 1 ] && echo tty: \$(tty); exit 6'"
	run script -qefc "$cmd" /dev/null </dev/null
	echo "$output" >&2
	[ "$status" -eq 6 ]
	[[ "$output" == *"tty: /dev/pts/"* ]]
}

@test "containerd: ctr t metrics reports the task's cgroup" {
	ctrd_run -d --null-io -- "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	ctr_run tasks metrics --format json "$ID"
	[ "$status" -eq 0 ]
	# pids.current is the one process; memory usage is above zero.
	local json
	json=$(_ctr tasks metrics --format json "$ID")
	[ "$(jq -r '.pids.current // .Pids.Current' <<<"$json")" -eq 1 ]
	# v1 metrics: memory.usage.usage; v2 metrics: memory.usage (a number).
	[ "$(jq -r '.memory.usage | if type == "object" then .usage else . end' <<<"$json")" -gt 0 ]
}

@test "containerd: a failing create shows the runtime's error in ctr's message" {
	ctrd_logging_runtime
	ctr_run run --runc-binary "$CTRD_DIR/runtime-logger" --runc-root "$(ctrd_runtime_root)" \
		--fifo-dir "$CTRD_DIR/fifo" --cgroup "$(ctrd_cgroup "$ID")" --snapshotter overlayfs \
		--rm "$CTRD_IMAGE" "$ID" /no-such-command
	[ "$status" -ne 0 ]
	# The shim read the runtime's JSON --log: the message names the command.
	[[ "$output" == *"OCI runtime create failed"*"/no-such-command"* ]]
	cat "$CTRD_DIR/runtime.log" >&2
	grep -qE "(^| )create .* $ID rc=1\$" "$CTRD_DIR/runtime.log"
	! grep -E '(^| )delete .*rc=[1-9]' "$CTRD_DIR/runtime.log"
	[ ! -e "$(ctrd_runtime_root)/$CTRD_NS/$ID" ]
	local mnt
	for mnt in $(awk '$9 == "cgroup" { print $5 }' /proc/self/mountinfo); do
		[ ! -e "$mnt$(ctrd_cgroup "$ID")" ] || fail "cgroup $mnt$(ctrd_cgroup "$ID") is left"
	done
}

# ---- containerd's runc shim with SystemdCgroup = true (ctr --runc-systemd-cgroup) -------
# The shim calls the runtime with --systemd-cgroup; cgroupsPath is slice:prefix:name.
# Needs systemd as PID 1 on cgroup v2: VM_SYSTEMD=1 integration/run-cgroupv2-vm.sh.

@test "containerd, SystemdCgroup: the task runs in a systemd scope with its limit; rm removes the unit" {
	[ -d /run/systemd/system ] && ctrd_cgroup_v2 ||
		skip "systemd is not PID 1 on a cgroup v2 host (run VM_SYSTEMD=1 integration/run-cgroupv2-vm.sh)"
	local unit=whalebox-ctrd-$ID.scope pid
	ctr_run run --runc-binary "$WHALEBOX" --runc-root "$(ctrd_runtime_root)" --runc-systemd-cgroup \
		--fifo-dir "$CTRD_DIR/fifo" --cgroup "system.slice:whalebox-ctrd:$ID" --snapshotter overlayfs \
		--memory-limit 67108864 -d --null-io "$CTRD_IMAGE" "$ID" sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING
	pid=$(_ctr tasks ls | awk -v id="$ID" '$1 == id { print $2 }')
	grep -qx "0::/system.slice/$unit" "/proc/$pid/cgroup"
	[ "$(systemctl show -p ActiveState --value "$unit")" = active ]
	[ "$(systemctl show -p MemoryMax --value "$unit")" = 67108864 ]
	[ "$(cat "/sys/fs/cgroup/system.slice/$unit/memory.max")" = 67108864 ]

	ctr_run tasks pause "$ID"
	[ "$status" -eq 0 ]
	wait_task_status "$ID" PAUSED
	ctr_run tasks resume "$ID"
	[ "$status" -eq 0 ]
	wait_task_status "$ID" RUNNING

	ctr_run tasks kill -s SIGKILL "$ID"
	[ "$status" -eq 0 ]
	wait_task_status "$ID" STOPPED
	ctr_run tasks rm "$ID"
	[ "$status" -eq 0 ]
	[ "$(systemctl show -p LoadState --value "$unit")" = not-found ]
	[ ! -e "/sys/fs/cgroup/system.slice/$unit" ]
}
