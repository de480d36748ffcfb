#!/usr/bin/env bats
# linux.namespaces: each type seen from inside against the host, user and time namespaces
# with their mappings and offsets, joining a namespace by path, hostname and domainname.

load helpers

setup() {
	setup_bundle
}

teardown() {
	if [ -n "$HOLDER" ]; then
		kill -9 "$HOLDER" 2>/dev/null || true
		wait "$HOLDER" 2>/dev/null || true
		unset HOLDER
	fi
	teardown_bundle
}

# The /proc/self/ns names of the config's namespace types.
declare -gA PROC_NS=([pid]=pid [network]=net [ipc]=ipc [uts]=uts [mount]=mnt [cgroup]=cgroup [user]=user [time]=time)

# Runs the container printing "TYPE INODE" for each /proc/self/ns entry.
run_print_namespaces() {
	set_cmd sh -c 'for ns in pid net ipc uts mnt cgroup user time; do echo "$ns $(readlink /proc/self/ns/$ns)"; done'
	wb run test_ns
	[ "$status" -eq 0 ]
}

# The namespace the container showed for /proc name NS.
container_ns() {
	awk -v ns="$1" '$1 == ns { print $2 }' <<<"$output"
}

@test "each namespace in the config is a new one; the others are the host's" {
	requires_ns cgroup
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	run_print_namespaces
	for type in pid network ipc uts mount cgroup; do
		ns=${PROC_NS[$type]}
		[ "$(container_ns "$ns")" != "$(readlink "/proc/self/ns/$ns")" ] || fail "$type namespace is the host's"
	done
	# Not asked for: shared with the host.
	[ "$(container_ns user)" = "$(readlink /proc/self/ns/user)" ]
	if [ -e /proc/self/ns/time ]; then
		[ "$(container_ns time)" = "$(readlink /proc/self/ns/time)" ]
	fi
}

@test "without network, ipc and uts entries the container shares the host's" {
	update_config '.linux.namespaces |= map(select(.type != "network" and .type != "ipc" and .type != "uts")) | del(.hostname)'
	run_print_namespaces
	for ns in net ipc uts; do
		[ "$(container_ns "$ns")" = "$(readlink "/proc/self/ns/$ns")" ] || fail "$ns namespace is not the host's"
	done
	[ "$(container_ns mnt)" != "$(readlink /proc/self/ns/mnt)" ]
}

@test "pid namespace: the process is pid 1 and sees only its own processes" {
	set_cmd sh -c 'echo "pid $$"; ps -o pid,comm; true'
	wb run test_ns
	[ "$status" -eq 0 ]
	[[ "$output" == *"pid 1"* ]]
	# sh and ps, nothing of the host.
	[ "$(grep -cE '^ *[0-9]+ ' <<<"$output")" -eq 2 ]
}

@test "network namespace: only lo" {
	set_cmd sh -c 'ip -o link | cut -d: -f2 | tr -d " "'
	wb run test_ns
	[ "$status" -eq 0 ]
	[ "$output" = "lo" ]
}

@test "network namespace: lo is up, and 127.0.0.1 answers" {
	absolute_rootfs
	# (The client tries again until the listener is up: a loaded machine may take a while.)
	set_cmd sh -c 'ip -o link show lo; nc -l -p 5555 >/tmp/got & for i in $(seq 100); do echo hello | nc 127.0.0.1 5555 2>/dev/null && break; sleep 0.1; done; wait; cat /tmp/got'
	update_config '.root.readonly = false | .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]'
	wb run test_ns
	[ "$status" -eq 0 ]
	[[ "$output" == *"<LOOPBACK,UP,LOWER_UP>"* ]] || fail "$output"
	[ "$(tail -1 <<<"$output")" = hello ] || fail "$output"
}

@test "cgroup namespace: the container's cgroup is its root" {
	requires_ns cgroup
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	set_cmd cat /proc/self/cgroup
	wb run test_ns
	[ "$status" -eq 0 ]
	# Every hierarchy reads "/": the container cannot see where its cgroup lives.
	while IFS= read -r line; do
		[ "${line##*:}" = "/" ] || fail "cgroup line \"$line\" is not the namespace root"
	done <<<"$output"
}

@test "user namespace: mapped ids inside, host ids outside" {
	requires_ns user
	# A host directory owned by the mapped root, bind-mounted over /tmp.
	# The mapped root must be able to reach it: open up the (0700) temp directories.
	chmod 0711 "$BATS_RUN_TMPDIR" "$TEST_DIR"
	mkdir "$TEST_DIR/shared"
	chown 100000:100000 "$TEST_DIR/shared"
	update_config --arg src "$TEST_DIR/shared" '
		.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts += [{"destination": "/tmp", "type": "bind", "source": $src, "options": ["rbind", "rw"]}]
		| .process.capabilities |= map_values(. + ["CAP_CHOWN"])'
	set_cmd sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; touch /tmp/by-root; touch /tmp/by-1000; chown 1000:1000 /tmp/by-1000; readlink /proc/self/ns/user'
	wb run test_ns
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^\ *0\ +100000\ +65536$ ]]
	[[ "${lines[1]}" =~ ^\ *0\ +100000\ +65536$ ]]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" != "$(readlink /proc/self/ns/user)" ]
	[ "$(stat -c %u:%g "$TEST_DIR/shared/by-root")" = "100000:100000" ]
	[ "$(stat -c %u:%g "$TEST_DIR/shared/by-1000")" = "101000:101000" ]
}

@test "user namespace: host root's files show as nobody" {
	requires_ns user
	update_config '
		.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_cmd stat -c %u /bin/busybox
	wb run test_ns
	[ "$status" -eq 0 ]
	[ "$output" = 65534 ]
}

# A user namespace whose root is host uid/gid 100000.
userns_100000() {
	absolute_rootfs
	update_config '
		.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "user namespace: a bind source the container's root cannot reach is opened by the runtime" {
	requires_ns user
	# $TEST_DIR/private is root's and 0700: uid 100000 cannot get through it to dir.
	mkdir -m 0700 "$TEST_DIR/private"
	mkdir -m 0755 "$TEST_DIR/private/dir"
	echo secret >"$TEST_DIR/private/dir/file"
	chmod 0644 "$TEST_DIR/private/dir/file"
	userns_100000
	update_config --arg src "$TEST_DIR/private/dir" '.mounts += [
		{"destination": "/home", "type": "bind", "source": $src, "options": ["rbind", "ro"]}]'
	set_cmd sh -c 'cat /home/file; touch /home/new 2>/dev/null || echo read-only'
	wb_run test_ns
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = secret ]
	[ "${lines[1]}" = read-only ]
}

@test "user namespace: a bind mount listed before the cgroup mount leaves the cgroup mount real" {
	requires_ns user
	# runc's regression test (runc#3510): its mount fds once went to the wrong mount when a
	# bind came right before /sys/fs/cgroup (cgroup v1, no cgroup namespace: the cgroup
	# mount is bind mounts of the host's hierarchies).
	mkdir -m 0755 "$TEST_DIR/shared"
	chmod 0711 "$BATS_RUN_TMPDIR" "$TEST_DIR"
	userns_100000
	update_config --arg src "$TEST_DIR/shared" '
		.mounts |= map(if .destination == "/sys/fs/cgroup"
			then ({"destination": "/home", "type": "bind", "source": $src, "options": ["bind"]}, .) else . end)
		| .linux.namespaces -= [{"type": "cgroup"}]'
	wb run -d test_ns
	[ "$status" -eq 0 ]
	if [ -d /sys/fs/cgroup/pids ] && [ -d /sys/fs/cgroup/memory ]; then
		wb exec test_ns cat /sys/fs/cgroup/pids/tasks /sys/fs/cgroup/memory/tasks
	else
		wb exec test_ns cat /sys/fs/cgroup/cgroup.procs
	fi
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9] ]]
	wb exec test_ns stat -c %F /home
	[ "$output" = directory ]
	wb delete -f test_ns
}

@test "user namespace: a mount's uidMappings and gidMappings make it an idmapped mount" {
	requires_ns user
	beyond_runc "beyond runc 1.1.5 (runc 1.2 and crun have idmapped mounts)"
	mkdir -m 0755 "$TEST_DIR/ids"
	chmod 0711 "$BATS_RUN_TMPDIR" "$TEST_DIR"
	touch "$TEST_DIR/ids/file"
	chown 1234:2345 "$TEST_DIR/ids/file"
	userns_100000
	# The same directory three times: idmapped on /home (host id N is 100000+N on it, which
	# is N in the container), a plain bind on /tmp (1234 is not mapped: nobody), and on
	# /root with the "idmap" option alone, which takes the container's maps (runc 1.2).
	update_config --arg src "$TEST_DIR/ids" '.mounts += [
		{"destination": "/home", "type": "bind", "source": $src, "options": ["rbind"],
		 "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
		 "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]},
		{"destination": "/tmp", "type": "bind", "source": $src, "options": ["rbind"]},
		{"destination": "/root", "type": "bind", "source": $src, "options": ["bind", "idmap"]}]'
	set_cmd sh -c 'stat -c %u:%g /home/file /tmp/file /root/file; touch /home/by-root'
	wb_run test_ns
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1234:2345 ]
	[ "${lines[1]}" = 65534:65534 ]
	[ "${lines[2]}" = 1234:2345 ]
	# What the container's root makes on it is the host's root's.
	[ "$(stat -c %u:%g "$TEST_DIR/ids/by-root")" = 0:0 ]
}

@test "time namespace: timeOffsets shift monotonic and boottime" {
	requires_ns time
	update_config '
		.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 31536000, "nanosecs": 0}, "boottime": {"secs": 63072000, "nanosecs": 0}}'
	set_cmd sh -c 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
	wb run test_ns
	[ "$status" -eq 0 ]
	[[ "$output" =~ monotonic\ +31536000\ +0 ]]
	[[ "$output" =~ boottime\ +63072000\ +0 ]]
	host_uptime=$(cut -d. -f1 /proc/uptime)
	[ "${lines[2]}" -ge 63072000 ]
	[ "${lines[2]}" -lt $((63072000 + host_uptime + 60)) ]
	[ "${lines[3]}" != "$(readlink /proc/self/ns/time)" ]
}

@test "time namespace: the runtime's own time namespace is unchanged afterwards" {
	requires_ns time
	update_config '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"boottime": {"secs": 1000, "nanosecs": 0}}'
	set_cmd true
	wb run test_ns
	[ "$status" -eq 0 ]
	# A second container without a time namespace gets the host's.
	update_config '.linux.namespaces |= map(select(.type != "time")) | del(.linux.timeOffsets)'
	set_cmd readlink /proc/self/ns/time
	wb run test_ns
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink /proc/self/ns/time)" ]
}

@test "join an existing network namespace by path" {
	unshare --net sleep 1000 &
	HOLDER=$!
	# Wait until unshare has exec'd sleep in its new namespace.
	for ((i = 0; i < 50; i++)); do
		[ "$(readlink "/proc/$HOLDER/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.1
	done
	want=$(readlink "/proc/$HOLDER/ns/net")
	[ "$want" != "$(readlink /proc/self/ns/net)" ]

	update_config --arg path "/proc/$HOLDER/ns/net" \
		'.linux.namespaces |= map(if .type == "network" then .path = $path else . end)'
	set_cmd readlink /proc/self/ns/net
	wb run test_ns
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

@test "join a namespace path that does not exist fails" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/nosuch" else . end)'
	wb run test_ns
	[ "$status" -ne 0 ]
	[[ "$output" == *"/proc/self/ns/nosuch"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "hostname and domainname" {
	update_config '.hostname = "wb-test-host" | .domainname = "example.org"'
	set_cmd sh -c 'hostname; cat /proc/sys/kernel/domainname'
	wb run test_ns
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "wb-test-host" ]
	[ "${lines[1]}" = "example.org" ]
	# The host's stay as they were.
	[ "$(hostname)" != "wb-test-host" ]
	[ "$(cat /proc/sys/kernel/domainname)" != "example.org" ]
}

@test "hostname without a uts namespace is refused" {
	update_config '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "wb-test-host"'
	wb run test_ns
	[ "$status" -eq 1 ]
	# runc says "unable to set hostname without a private UTS namespace".
	[[ "$output" == *"hostname"* ]]
	[[ "$output" == *[Uu][Tt][Ss]* ]]
	[ "$(hostname)" != "wb-test-host" ]
}

@test "without a mount namespace, maskedPaths and readonlyPaths are refused" {
	update_config '.linux.namespaces |= map(select(.type != "mount"))'
	wb run test_ns
	[ "$status" -eq 1 ]
	[[ "$output" == *"unable to restrict sys entries without a private MNT namespace"* ]]
}
