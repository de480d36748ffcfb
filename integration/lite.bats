#!/usr/bin/env bats
# whalebox-lite: the docker-like story. A busybox rootfs tarball becomes an image, each
# container gets an overlayfs write layer, and run/ps/logs/exec/stop/rm/commit behave as
# docker's. Real containers, as root; each test has its own --root.

load lite-helpers

setup() { setup_lite; }
teardown() { teardown_lite; }

@test "lite: import makes a one-layer image that images lists" {
	lite images
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "REPOSITORY"*"TAG"*"IMAGE ID"*"CREATED"*"SIZE" ]]
	[[ "${lines[1]}" == "busybox "*"latest "* ]]
	lite inspect busybox
	[[ "$output" == *'"Cmd": ['*'"sh"'* ]]
	# The layer is stored under its digest; stdin works too.
	ls "$LITE_ROOT"/layers/sha256 | grep -Eq '^[0-9a-f]{64}$'
	__lite import - other:1 <"$LITE_DIR/busybox.tar"
	lite images
	[[ "$output" == *"other "*"1 "* ]]
	[ "$(ls "$LITE_ROOT"/layers/sha256 | wc -l)" -eq 1 ]  # the same layer, stored once
}

@test "lite: run prints the command's output and returns its status" {
	lite run busybox sh -c 'echo hello from lite; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = "hello from lite" ]
	lite run --name fg busybox sh -c 'echo out; echo err >&2'
	[ "$status" -eq 0 ]
	# docker logs shows a foreground run's output too, stdout and stderr apart.
	lite logs fg
	[ "$output" = "$(printf 'out\nerr')" ]
	[ "$(lite_log_streams fg)" = "$(printf 'stdout\nstderr')" ]
	lite run --rm -e GREETING=hi -w /tmp -h boxy busybox sh -c 'echo $GREETING $(pwd) $(hostname) $(cat /etc/hostname)'
	[ "$status" -eq 0 ]
	[ "$output" = "hi /tmp boxy boxy" ]
}

@test "lite: errors in docker's style and exit codes" {
	lite run nosuchimage true
	[ "$status" -eq 125 ]
	[ "$output" = "Error: No such image: nosuchimage" ]
	# Other commands exit 1 on error, as docker's do.
	lite logs web
	[ "$status" -eq 1 ]
	[ "$output" = "Error: No such container: web" ]
	lite run --rm busybox /no/such/command
	[ "$status" -eq 127 ]
	lite run --rm -m lots busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"invalid size"* ]]
}

@test "lite: a file written in a container is only in its write layer" {
	lite run --name writer busybox sh -c 'echo data > /root/new.txt; rm /etc/group'
	[ "$status" -eq 0 ]
	id=$(lite_id writer)
	upper=$LITE_ROOT/containers/$id/upper
	[ "$(cat "$upper/root/new.txt")" = data ]
	# The deletion is a whiteout (char 0:0) in the upper dir; the image layer is untouched.
	[ "$(stat -c '%F %t:%T' "$upper/etc/group")" = "character special file 0:0" ]
	layer=$(ls -d "$LITE_ROOT"/layers/sha256/*)
	[ ! -e "$layer/root/new.txt" ]
	[ -f "$layer/etc/group" ]
	# Stopped containers keep no overlay mounted.
	! grep -q "$LITE_ROOT/containers/$id/merged" /proc/self/mountinfo
	lite run --rm busybox cat /etc/group
	[ "$status" -eq 0 ]
}

@test "lite: run -d, ps shows it Up, logs, exec, stop shows Exited" {
	lite_stdout run -d --name web busybox sh -c 'echo started; echo to-stderr >&2; while true; do sleep 1; done'
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	id=$output
	lite ps
	[[ "${lines[0]}" == "CONTAINER ID"*"IMAGE"*"COMMAND"*"CREATED"*"STATUS"*"NAMES" ]]
	[[ "${lines[1]}" == "${id:0:12}   busybox   \"sh -c echo started;…\""*"Up "*"web" ]]
	# Names and unique id prefixes both resolve.
	for i in $(seq 1 50); do grep -q to-stderr "$LITE_ROOT/containers/$id/container.log" && break; sleep 0.1; done
	lite logs web
	[[ "$output" == *"started"* && "$output" == *"to-stderr"* ]]
	lite logs "${id:0:8}"
	[[ "$output" == *"started"* ]]
	lite exec web sh -c 'echo in exec; exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = "in exec" ]
	lite exec web /no/such/command
	[ "$status" -eq 127 ]  # docker: not found is 127 for exec too
	# sh as pid 1 ignores SIGTERM: SIGKILL after the timeout.
	lite stop -t 1 web
	[ "$status" -eq 0 ]
	lite ps -a
	[[ "${lines[1]}" == *"Exited (137) "*" ago"*"web" ]]
	lite ps -q
	[ -z "$output" ]
	lite rm web
	[ "$status" -eq 0 ]
	[ ! -d "$LITE_ROOT/containers/$id" ]
}

@test "lite: a detached container's exit status is recorded" {
	lite run -d --name quick busybox sh -c 'echo bye; exit 3'
	[ "$status" -eq 0 ]
	wait_status quick 10 'Exited \(3\)'
	lite logs quick
	[ "$output" = "bye" ]
	lite logs --tail 1 quick
	[ "$output" = "bye" ]
	# start runs it again on the same write layer.
	lite start quick
	[ "$status" -eq 0 ]
	wait_status quick 10 'Exited \(3\)'
	lite logs quick
	[ "$output" = "$(printf 'bye\nbye')" ]
}

@test "lite: run -di keeps the container's stdin open, run -d gives it EOF" {
	lite run -d --name closed busybox sh
	[ "$status" -eq 0 ]
	wait_status closed 10 'Exited \(0\)'
	lite run -di --name open busybox sh
	[ "$status" -eq 0 ]
	sleep 1
	lite ps
	[[ "$output" == *"Up "*" open"* ]] || fail "sh with -di did not stay up"
	lite stop -t 1 open
	[ "$status" -eq 0 ]
	lite rm -f closed open
	[ "$status" -eq 0 ]
}

@test "lite: --rm removes the container after it exits" {
	lite run --rm --name gone busybox true
	[ "$status" -eq 0 ]
	lite ps -aq
	[ -z "$output" ]
	# The files and the network go in the background (ID.removing, out of ps at once).
	local i left
	for ((i = 0; i < 100; i++)); do
		left=$(ls "$LITE_ROOT/containers")
		[ -z "$left" ] && break
		[[ "$left" == *.removing ]] || fail "left behind: $left"
		sleep 0.1
	done
	[ -z "$left" ] || fail "not removed within 10 s: $left"
}

@test "lite: volume data survives rm -f" {
	vol=$LITE_DIR/vol
	lite run -d --name vol -v "$vol:/data" -v "$vol:/ro:ro" busybox sh -c 'echo keep > /data/file; echo x > /ro/no; sleep 1000'
	[ "$status" -eq 0 ]
	[ -d "$vol" ]  # a missing host dir is created
	for i in $(seq 1 50); do [ -f "$vol/file" ] && break; sleep 0.1; done
	lite rm vol
	[ "$status" -eq 1 ]
	[[ "$output" == *"You cannot remove a running container"* ]]
	lite rm -f vol
	[ "$status" -eq 0 ]
	[ "$(cat "$vol/file")" = keep ]
	[ ! -e "$vol/no" ]  # :ro held
	lite ps -aq
	[ -z "$output" ]
}

@test "lite: rm never deletes below a mount point left in the container dir" {
	lite run --name crash busybox true
	id=$(lite_id crash)
	dir=$LITE_ROOT/containers/$id
	mkdir -p "$LITE_DIR/host" "$dir/upper/data"
	echo precious >"$LITE_DIR/host/file"
	# As if a crash had left a bind mount behind: rm must refuse rather than delete into it.
	mount --bind "$LITE_DIR/host" "$dir/upper/data"
	lite rm -f crash
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount point"* ]]
	[ "$(cat "$LITE_DIR/host/file")" = precious ]
	umount "$dir/upper/data"
	lite rm -f crash
	[ "$status" -eq 0 ]
	[ "$(cat "$LITE_DIR/host/file")" = precious ]
}

@test "lite: commit turns the write layer into an image" {
	lite run --name builder busybox sh -c 'echo committed > /root/f; rm /etc/group'
	lite commit builder snap:1
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
	lite run --rm snap:1 sh -c 'cat /root/f; [ ! -e /etc/group ] && echo group-deleted'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'committed\ngroup-deleted')" ]
	lite inspect snap:1
	[[ "$output" == *'"source": "commit"'* ]]
	[ "$(ls "$LITE_ROOT"/layers/sha256 | wc -l)" -eq 2 ]
	# export: the merged view as a tar.
	lite export builder "$LITE_DIR/export.tar"
	[ "$status" -eq 0 ]
	tar -tf "$LITE_DIR/export.tar" | grep -qx 'root/f'
	! tar -tf "$LITE_DIR/export.tar" | grep -qx 'etc/group'
}

@test "lite: -m 64m is the memory cgroup's limit, and more is OOM-killed (137)" {
	[ -d /sys/fs/cgroup/memory ] || skip "needs the cgroup v1 memory controller"
	lite run -d --name mem -m 64m --cpus 1.5 --pids-limit 50 busybox sleep 1000
	[ "$status" -eq 0 ]
	pid=$(lite_field mem pid)
	[ "$pid" -gt 0 ]
	cg=$(grep ':memory:' "/proc/$pid/cgroup" | cut -d: -f3)
	[[ "$cg" == */whalebox-lite/* ]]
	[ "$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes")" -eq $((64 * 1024 * 1024)) ]
	cpu=$(grep -E ':cpu(,cpuacct)?:' "/proc/$pid/cgroup" | cut -d: -f3)
	[ "$(cat "/sys/fs/cgroup/cpu$cpu/cpu.cfs_quota_us")" -eq 150000 ]
	lite rm -f mem
	lite run --rm -m 64m busybox sh -c 'x=$(head -c 100000000 /dev/zero | tr "\0" a); echo survived'
	[ "$status" -eq 137 ]
	[[ "$output" != *survived* ]]
}

@test "lite: --net none has only lo, --net host the host's interfaces" {
	lite run --rm --net none busybox ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
	lite run --rm --net host busybox ls /sys/class/net
	# The host here is the namespace whalebox-lite runs in (the test's own).
	[ "$(echo "$output" | wc -l)" -eq "$(in_test_netns ip -o link | wc -l)" ]
}

@test "lite: run -t gives the command a terminal" {
	command -v script >/dev/null || skip "needs script(1)"
	run script -qec "nsenter --net=$LITE_NETNS $WHALEBOX_LITE --root $LITE_ROOT --state-root $LITE_STATE run --rm -t busybox sh -c 'tty; exit 5'" /dev/null
	[ "$status" -eq 5 ]
	[[ "$output" == *"/dev/pts/"* ]]
	# A foreground run on a terminal is logged too.
	run script -qec "nsenter --net=$LITE_NETNS $WHALEBOX_LITE --root $LITE_ROOT --state-root $LITE_STATE run --name tlog -t busybox echo on-a-tty" /dev/null
	[ "$status" -eq 0 ]
	lite logs tlog
	[[ "$output" == *on-a-tty* ]]
	run script -qec "nsenter --net=$LITE_NETNS $WHALEBOX_LITE --root $LITE_ROOT --state-root $LITE_STATE run --rm busybox tty" /dev/null
	[[ "$output" == *"not a tty"* ]]
}

@test "lite: load a docker save archive and an OCI layout with whiteouts; layers shared" {
	lite_mkimage docker "$LITE_DIR/save.tar" layered:v1
	lite_mkimage oci "$LITE_DIR/oci.tar" ocimg:v2
	lite load -i "$LITE_DIR/save.tar"
	[ "$status" -eq 0 ]
	[ "$output" = "Loaded image: layered:v1" ]
	__lite load <"$LITE_DIR/oci.tar"
	lite images
	[[ "$output" == *"layered "*"v1 "* && "$output" == *"ocimg "*"v2 "* ]]
	# busybox (imported with the same bytes) + two more: every layer stored once.
	[ "$(ls "$LITE_ROOT"/layers/sha256 | wc -l)" -eq 3 ]
	# Image config applied (Cmd, Env, WorkingDir); .wh.gone hides opt/gone, the opaque
	# cache/ hides cache/old.
	lite run --rm layered:v1
	[ "$output" = "layer two" ]
	lite run --rm ocimg:v2 sh -c 'echo $GREETING $(pwd); ls /opt; ls /cache'
	[ "$output" = "$(printf 'hello /opt\nkeep\nnew')" ]
	lite rmi layered:v1
	[ "$status" -eq 0 ]
	lite run --rm ocimg:v2 true
	[ "$status" -eq 0 ]
}

@test "lite: rmi refuses an image a container uses, then removes unshared layers" {
	lite run --name user busybox true
	lite rmi busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *"conflict"* ]]
	lite rm user
	lite rmi busybox
	[ "$status" -eq 0 ]
	[ -z "$(ls "$LITE_ROOT"/layers/sha256)" ]
	lite run busybox true
	[ "$output" = "Error: No such image: busybox" ]
}

@test "lite: records validate against their schemas, and a crash leaves them usable" {
	lite run --name rec -e A=1 -v "$LITE_DIR/v:/v" busybox true
	lite run -d --name live busybox sleep 1000
	lite_validate "$LITE_SCHEMAS/lite-image.json" "$LITE_ROOT"/images/*.json
	lite_validate "$LITE_SCHEMAS/lite-container.json" "$LITE_ROOT"/containers/*/container.json
	# A monitor killed mid-run: the record still says running; ps and rm -f cope.
	monitor=$(lite_field live monitorPid)
	kill -9 "$monitor"
	lite ps -a
	[ "$status" -eq 0 ]
	[[ "$output" == *" live"* ]]
	lite rm -f live
	[ "$status" -eq 0 ]
	lite ps -a
	[[ "$output" != *" live"* ]]
	! grep -q "$LITE_ROOT/containers/.*/merged" /proc/self/mountinfo
}

@test "lite: help for every command" {
	for cmd in import load images rmi inspect run ps logs exec stop start restart kill rm commit export volume tag rename wait version; do
		"$WHALEBOX_LITE" "$cmd" --help | grep -q "Usage"
	done
}
