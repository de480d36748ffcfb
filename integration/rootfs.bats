#!/usr/bin/env bats
# Rootfs setup as runc 1.1.5 does it: the recursive mount options, a read-only /dev, the
# /proc checks, dangling symlink destinations, --no-pivot, no namespaces at all. Every test
# passes with WHALEBOX=/usr/sbin/runc too, except those that say "beyond runc 1.1.5".

load helpers

setup() {
	setup_bundle
	# runc refuses a rootfs that is a symlink.
	update_config --arg r "$BUSYBOX_BUNDLE/rootfs" '.root.path = $r'
}

# A private copy of the rootfs at ./rootfs, which the container may write to.
own_rootfs() {
	copy_rootfs
	update_config '.root.path = "rootfs"'
}

teardown() {
	wait_background
	teardown_bundle
}

# The option field of every mountinfo line in $output whose mount point is DIR or below it.
options_below() {
	awk -v dir="$1" '$5 == dir || index($5, dir "/") == 1 { print $6 }' <<<"$output"
}

@test "recursive options apply to the mount and every mount below it" {
	# /sys/fs/cgroup has submounts on a cgroup v1 host, none on v2: both are checked.
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/sys/fs/cgroup",
		"options": ["rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnoatime"]}]'
	set_cmd cat /proc/self/mountinfo
	wb run test_rootfs
	[ "$status" -eq 0 ]
	opts=$(options_below /mnt)
	[ -n "$opts" ]
	while read -r o; do
		for want in ro nosuid nodev noexec noatime; do
			[[ ",$o," == *",$want,"* ]] || fail "$want missing from $o"
		done
	done <<<"$opts"
}

@test "rrw undoes ro on a bind mount" {
	mkdir "$TEST_DIR/src"
	update_config --arg src "$TEST_DIR/src" '.mounts += [{"destination": "/mnt", "type": "bind", "source": $src,
		"options": ["rbind", "ro", "rrw"]}]'
	set_cmd sh -c 'touch /mnt/written && cat /proc/self/mountinfo'
	wb run test_rootfs
	[ "$status" -eq 0 ]
	[ -e "$TEST_DIR/src/written" ]
	o=$(options_below /mnt)
	[[ ",$o," == *",rw,"* ]]
}

@test "an option the runtime does not know on a bind mount is an error naming it (beyond runc 1.1.5)" {
	is_runc && skip "runc 1.1.5 passes it as data, which a bind mount ignores"
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/tmp", "options": ["rbind", "rfoo"]}]'
	set_cmd true
	wb run test_rootfs
	[ "$status" -ne 0 ]
	[[ "$output" == *'mount option "rfoo" is not known'* ]]
}

@test "an option no filesystem knows on a tmpfs is refused by the kernel" {
	update_config '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["rfoo"]}]'
	set_cmd true
	wb run test_rootfs
	[ "$status" -ne 0 ]
	[[ "$output" == *"nvalid argument"* ]]
}

@test "a read-only /dev tmpfs gets its nodes, links and /dev/pts before it turns read-only" {
	update_config '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)'
	set_cmd sh -c 'cat /proc/self/mountinfo; echo ---; ls /dev; echo hi > /dev/null && echo null-ok;
		touch /dev/new 2>/dev/null || echo dev-ro'
	wb run test_rootfs
	[ "$status" -eq 0 ]
	o=$(awk '$5 == "/dev" { print $6 }' <<<"$output")
	[[ ",$o," == *",ro,"* ]]
	for node in null zero full random urandom tty ptmx pts shm mqueue fd stdin stdout stderr; do
		grep -qx "$node" <<<"$output" || fail "/dev/$node missing"
	done
	awk '$5 == "/dev/pts"' <<<"$output" | grep -q devpts
	[[ "$output" == *null-ok* ]]
	[[ "$output" == *dev-ro* ]]
}

@test "a read-only tmpfs is read-only in the container" {
	update_config '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "nosuid"]}]'
	set_cmd sh -c 'touch /mnt/x 2>/dev/null || echo mnt-ro; cat /proc/self/mountinfo'
	wb run test_rootfs
	[ "$status" -eq 0 ]
	[[ "$output" == *mnt-ro* ]]
	o=$(options_below /mnt)
	[[ ",$o," == *",ro,"* && ",$o," == *",nosuid,"* ]]
}

@test "/proc in the rootfs that is a symlink is refused, never followed" {
	own_rootfs
	rmdir rootfs/proc
	mkdir rootfs/elsewhere
	ln -s /elsewhere rootfs/proc
	set_cmd true
	wb run test_rootfs
	[ "$status" -ne 0 ]
	[[ "$output" == *"must be mounted on ordinary directory"* ]]
	# Nothing was mounted where the link leads.
	[ -z "$(ls -A rootfs/elsewhere)" ]
}

@test "/proc in the rootfs that is a file is refused" {
	own_rootfs
	rmdir rootfs/proc
	touch rootfs/proc
	set_cmd true
	wb run test_rootfs
	[ "$status" -ne 0 ]
	[[ "$output" == *"must be mounted on ordinary directory"* ]]
}

@test "a mount destination that is a dangling symlink makes its target inside the rootfs" {
	own_rootfs
	ln -s /nonexistent/abs rootfs/abs-link
	mkdir rootfs/sub
	ln -s ../made/rel rootfs/sub/rel-link
	update_config '.mounts += [{"destination": "/abs-link", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/sub/rel-link", "type": "tmpfs", "source": "tmpfs"}]'
	set_cmd sh -c 'cat /proc/self/mountinfo'
	wb run test_rootfs
	[ "$status" -eq 0 ]
	[ -d rootfs/nonexistent/abs ]
	[ -d rootfs/made/rel ]
	awk '$5 == "/nonexistent/abs"' <<<"$output" | grep -q tmpfs
	awk '$5 == "/made/rel"' <<<"$output" | grep -q tmpfs
	[ ! -e /nonexistent/abs ]
}

@test "a bind mount onto / replaces the rootfs" {
	mkdir -p "$TEST_DIR/other/bin"
	cp -a "$BUSYBOX_BUNDLE/rootfs/." "$TEST_DIR/other/"
	echo other-root >"$TEST_DIR/other/marker"
	update_config --arg src "$TEST_DIR/other" '.mounts = [{"destination": "/", "type": "bind", "source": $src,
		"options": ["rbind"]}] + .mounts'
	set_cmd cat /marker
	wb run test_rootfs
	[ "$status" -eq 0 ]
	[ "$output" = other-root ]
}

@test "a device whose path ends in / is made at the cleaned path" {
	update_config '.linux.devices += [{"path": "/dev/extra-null/", "type": "c", "major": 1, "minor": 3}]'
	set_cmd sh -c 'stat -c "%F %t:%T" /dev/extra-null'
	wb run test_rootfs
	[ "$status" -eq 0 ]
	[ "$output" = "character special file 1:3" ]
}

@test "a tmpfs without mode= takes the mode of the directory it covers" {
	own_rootfs
	mkdir -m 0710 rootfs/covered
	update_config '.mounts += [{"destination": "/covered", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/fresh", "type": "tmpfs", "source": "tmpfs"}]'
	set_cmd stat -c %a /covered /fresh
	wb run test_rootfs
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 710 ]
	[ "${lines[1]}" = 1777 ]
}

@test "a tmpfs mode= is what the mount asks for, over an existing directory too (beyond runc 1.1.5)" {
	is_runc && skip "runc 1.1.5 puts the covered directory's mode back (fixed in runc 1.1.6)"
	own_rootfs
	mkdir -m 0755 rootfs/covered
	update_config '.mounts += [{"destination": "/covered", "type": "tmpfs", "source": "tmpfs", "options": ["mode=700"]}]'
	set_cmd stat -c %a /covered
	wb run test_rootfs
	[ "$status" -eq 0 ]
	[ "$output" = 700 ]
}

@test "--no-pivot: the host's proc and sysfs mounts are gone from the container's mount namespace" {
	command -v nsenter >/dev/null || skip "nsenter is not installed"
	wb run -d --no-pivot test_rootfs
	[ "$status" -eq 0 ]
	pid=$(__wb state test_rootfs | jq -r .pid)
	# nsenter -m enters at the namespace's root: the rootfs moved onto "/", with the old
	# root's mounts below it. Only the container's own proc and sysfs are full mounts.
	info=$(nsenter -t "$pid" -m -p cat /proc/self/mountinfo)
	echo "$info" >&2
	procs=$(awk '{ for (i = 7; $i != "-"; i++); if ($4 == "/" && $(i + 1) == "proc") n++ } END { print n + 0 }' <<<"$info")
	sysfs=$(awk '{ for (i = 7; $i != "-"; i++); if ($4 == "/" && $(i + 1) == "sysfs") n++ } END { print n + 0 }' <<<"$info")
	[ "$procs" -eq 1 ]
	[ "$sysfs" -le 1 ]
	__wb delete -f test_rootfs
}

@test "a config with no namespaces runs in the caller's namespaces" {
	command -v unshare >/dev/null || skip "unshare is not installed"
	# Its mounts are made in the caller's mount namespace (as runc): a private one here,
	# so nothing reaches the host's.
	update_config '.linux.namespaces = [] | del(.hostname) | del(.linux.maskedPaths) | del(.linux.readonlyPaths)'
	set_cmd sh -c 'readlink /proc/self/ns/pid; readlink /proc/self/ns/net; readlink /proc/self/ns/mnt; ls /bin/busybox'
	out=$TEST_DIR/nons.out
	rc=0
	unshare -m --propagation private sh -c 'readlink /proc/self/ns/mnt; exec "$@"' sh \
		"$WHALEBOX" --root "$ROOT" run test_rootfs </dev/null >"$out" 2>&1 || rc=$?
	cat "$out" >&2
	[ "$rc" -eq 0 ]
	mapfile -t lines <"$out"
	[ "${lines[1]}" = "$(readlink /proc/self/ns/pid)" ]
	[ "${lines[2]}" = "$(readlink /proc/self/ns/net)" ]
	# The caller's (unshare's) mount namespace, not a new one.
	[ "${lines[3]}" = "${lines[0]}" ]
	[ "${lines[4]}" = /bin/busybox ]
	# Nothing leaked into this (the host's) mount namespace.
	! grep -q "$TEST_DIR" /proc/self/mountinfo
}

@test "rootfsPropagation unbindable (beyond runc 1.1.5)" {
	is_runc && skip "runc 1.1.5 cannot bind-mount the rootfs of an unbindable /"
	update_config '.linux.rootfsPropagation = "unbindable"'
	set_cmd cat /proc/self/mountinfo
	wb run test_rootfs
	[ "$status" -eq 0 ]
	awk '$5 == "/"' <<<"$output" | grep -q unbindable
}
