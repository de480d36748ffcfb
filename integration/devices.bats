#!/usr/bin/env bats
# /dev: the default nodes and links, devpts and ptmx, linux.devices, the device cgroup.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

@test "the default device nodes exist with their major:minor and mode 0666" {
	set_cmd sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done'
	wb run test_dev
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/null character special file 1:3 666" ]
	[ "${lines[1]}" = "/dev/zero character special file 1:5 666" ]
	[ "${lines[2]}" = "/dev/full character special file 1:7 666" ]
	[ "${lines[3]}" = "/dev/random character special file 1:8 666" ]
	[ "${lines[4]}" = "/dev/urandom character special file 1:9 666" ]
	[ "${lines[5]}" = "/dev/tty character special file 5:0 666" ]
}

@test "the default devices work" {
	set_cmd sh -c '
		echo discarded > /dev/null && echo "null ok"
		echo "zero $(head -c 16 /dev/zero | wc -c)"
		echo "urandom $(head -c 16 /dev/urandom | wc -c)"
		echo x > /dev/full; echo "full $?"'
	wb run test_dev
	[ "$status" -eq 0 ]
	[[ "$output" == *"null ok"* ]]
	[[ "$output" == *"zero 16"* ]]
	[[ "$output" == *"urandom 16"* ]]
	[[ "$output" == *"full 1"* ]]
	[[ "$output" == *"No space left on device"* ]]
}

@test "/dev/fd, /dev/stdin, /dev/stdout, /dev/stderr and /dev/ptmx are links" {
	set_cmd sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done'
	wb run test_dev
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fd -> /proc/self/fd" ]
	[ "${lines[1]}" = "stdin -> /proc/self/fd/0" ]
	[ "${lines[2]}" = "stdout -> /proc/self/fd/1" ]
	[ "${lines[3]}" = "stderr -> /proc/self/fd/2" ]
	[ "${lines[4]}" = "ptmx -> pts/ptmx" ]
}

@test "/dev/pts is a private devpts instance" {
	set_cmd sh -c 'grep " /dev/pts " /proc/self/mountinfo; stat -c "%F %t:%T" /dev/pts/ptmx; ls /dev/pts'
	wb run test_dev
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" - devpts "* ]]
	[[ "${lines[0]}" == *"ptmxmode=666"* ]]
	[ "${lines[1]}" = "character special file 5:2" ]
	# A new instance: only ptmx, none of the host's terminals.
	[ "${lines[2]}" = ptmx ]
}

@test "/dev/shm and /dev/mqueue are mounted" {
	# The filesystem type is the field after the "-" separator.
	set_cmd sh -c 'awk '\''$5 == "/dev/shm" || $5 == "/dev/mqueue" { for (i = 7; $i != "-"; i++); print $5, $(i + 1) }'\'' /proc/self/mountinfo'
	wb run test_dev
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/shm tmpfs" ]
	[ "${lines[1]}" = "/dev/mqueue mqueue" ]
}

@test "/dev holds only what the runtime put there" {
	set_cmd ls -A /dev
	wb run test_dev
	[ "$status" -eq 0 ]
	# Nothing of the host's /dev (its disks, its kmsg) shows.
	[[ "$output" != *"kmsg"* ]]
	[[ "$output" != *"vda"* ]]
	[[ "$output" != *"mem"* ]]
}

@test "linux.devices: a custom node with fileMode, uid and gid" {
	update_config '.linux.devices = [
		{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 416, "uid": 1000, "gid": 1001},
		{"path": "/dev/sub/dir/mynull2", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]'
	set_cmd sh -c 'stat -c "%n %F %t:%T %a %u:%g" /dev/mynull /dev/sub/dir/mynull2; echo x > /dev/sub/dir/mynull2 && echo "write ok"'
	wb run test_dev
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/mynull character special file 1:3 640 1000:1001" ]
	[ "${lines[1]}" = "/dev/sub/dir/mynull2 character special file 1:3 666 0:0" ]
	[ "${lines[2]}" = "write ok" ]
}

@test "linux.devices: /dev/fuse with a device cgroup rule" {
	[ -c /dev/fuse ] || skip "no /dev/fuse on this host"
	update_config '
		.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rwm"}]'
	set_cmd stat -c "%F %t:%T %a" /dev/fuse
	wb run test_dev
	[ "$status" -eq 0 ]
	[ "$output" = "character special file a:e5 666" ]
}

@test "the device cgroup denies a node the rules do not allow" {
	[ -c /dev/kmsg ] || skip "no /dev/kmsg on this host"
	# The host's /dev/kmsg (1:11) bind-mounted in; linux.resources.devices does not allow it.
	update_config '.mounts += [{"destination": "/dev/kmsg", "type": "bind", "source": "/dev/kmsg", "options": ["bind"]}]'
	set_cmd sh -c 'head -c 1 /dev/kmsg >/dev/null; echo "read $?"'
	wb run test_dev
	[ "$status" -eq 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *"read 1"* ]]
}

@test "a linux.devices node the cgroup does not allow: clean error or denied access" {
	# runc creates the node and the cgroup denies opening it; refusing the config is
	# fine too, as long as it is one clean error and nothing is left behind.
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438}]'
	set_cmd sh -c 'head -c 1 /dev/kmsg >/dev/null; echo "read $?"'
	wb run test_dev
	if [ "$status" -eq 0 ]; then
		[[ "$output" == *"read 1"* ]]
	else
		[ "$status" -eq 1 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"/dev/kmsg"* ]]
		[ -z "$(ls -A "$ROOT")" ]
	fi
}

@test "a device with a bad type is refused" {
	update_config '.linux.devices = [{"path": "/dev/bad", "type": "x", "major": 1, "minor": 3}]'
	wb run test_dev
	[ "$status" -ne 0 ]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "in a user namespace the default devices are bind mounts of the host's" {
	requires_ns user
	update_config '
		.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_cmd sh -c 'stat -c "%n %t:%T" /dev/null /dev/zero; echo x > /dev/null && echo "null ok"'
	wb run test_dev
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/null 1:3" ]
	[ "${lines[1]}" = "/dev/zero 1:5" ]
	[ "${lines[2]}" = "null ok" ]
}
