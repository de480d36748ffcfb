#!/usr/bin/env bats
# mounts, maskedPaths, readonlyPaths, root.readonly, rootfsPropagation, sysctl, --no-pivot.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

# The mountinfo line of mount point DIR in the container's output ($output).
mountinfo_of() {
	awk -v dir="$1" '$5 == dir' <<<"$output" | tail -n 1
}

@test "tmpfs with size and mode" {
	update_config '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=1700"]}]'
	set_cmd sh -c 'stat -c %a /tmp; cat /proc/self/mountinfo'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1700 ]
	line=$(mountinfo_of /tmp)
	[[ "$line" == *" - tmpfs "* ]]
	[[ "$line" == *"size=1024k"* ]]
	[[ "$line" == *"mode=1700"* ]]
}

@test "tmpfs with tmpcopyup starts with the directory it covers, read-only if asked" {
	update_config '.mounts += [{"destination": "/etc", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "ro"]},
		{"destination": "/usr", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "nodev"]}]'
	set_cmd sh -c 'grep "^root:" /etc/passwd; readlink /usr/sbin/chroot; stat -c %a /etc; touch /usr/new && echo usr-rw;
		touch /etc/new 2>/dev/null || echo etc-ro; grep -c " /etc tmpfs ro,\| /usr tmpfs rw," /proc/mounts'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == root:* ]]
	[ "${lines[1]}" = "$(readlink "$BUSYBOX_BUNDLE/rootfs/usr/sbin/chroot")" ]
	[ "${lines[2]}" = "$(stat -c %a "$BUSYBOX_BUNDLE/rootfs/etc")" ]
	[ "${lines[3]}" = usr-rw ]
	[ "${lines[4]}" = etc-ro ]
	[ "${lines[5]}" = 2 ]
	# The image's directories are untouched.
	[ ! -e "$BUSYBOX_BUNDLE/rootfs/usr/new" ]
}

@test "nosuid, noexec and nodev show in mountinfo" {
	update_config '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "noexec", "nodev"]}]'
	set_cmd cat /proc/self/mountinfo
	wb run test_mounts
	[ "$status" -eq 0 ]
	opts=$(mountinfo_of /tmp | awk '{ print $6 }')
	[[ ",$opts," == *",nosuid,"* ]]
	[[ ",$opts," == *",noexec,"* ]]
	[[ ",$opts," == *",nodev,"* ]]
}

@test "a read-only bind mount can be read, not written" {
	mkdir "$TEST_DIR/src"
	echo "from the host" >"$TEST_DIR/src/file"
	update_config --arg src "$TEST_DIR/src" '.mounts += [{"destination": "/home", "type": "bind", "source": $src, "options": ["bind", "ro", "nosuid", "noexec"]}]'
	set_cmd sh -c 'cat /home/file; touch /home/new; echo "touch: $?"; grep " /home " /proc/self/mountinfo'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "from the host" ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *"touch: 1"* ]]
	opts=$(awk '$5 == "/home" { print $6 }' <<<"$output")
	[[ ",$opts," == *",ro,"* ]]
	[[ ",$opts," == *",nosuid,"* ]]
	[[ ",$opts," == *",noexec,"* ]]
	[ ! -e "$TEST_DIR/src/new" ]
}

@test "a read-write bind mount writes through to the host" {
	mkdir "$TEST_DIR/src"
	update_config --arg src "$TEST_DIR/src" '.mounts += [{"destination": "/home", "type": "bind", "source": $src, "options": ["bind", "rw"]}]'
	set_cmd sh -c 'echo written > /home/new'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[ "$(cat "$TEST_DIR/src/new")" = written ]
}

@test "a bind mount of a file" {
	echo "one file" >"$TEST_DIR/hostfile"
	update_config --arg src "$TEST_DIR/hostfile" '.mounts += [{"destination": "/etc/hostname", "type": "bind", "source": $src, "options": ["bind", "ro"]}]'
	set_cmd cat /etc/hostname
	wb run test_mounts
	[ "$status" -eq 0 ]
	[ "$output" = "one file" ]
}

# Runs the container in a private mount namespace where SRC/sub is a tmpfs holding a file,
# with SRC bind-mounted at /home with OPTION (bind or rbind).
run_with_submount() {
	local option=$1 src=$TEST_DIR/src
	mkdir -p "$src/sub"
	update_config --arg src "$src" --arg opt "$option" '.mounts += [{"destination": "/home", "type": "bind", "source": $src, "options": [$opt]}]'
	set_cmd sh -c 'cat /home/sub/file 2>/dev/null || echo "no file"'
	run unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs "$1/sub" && echo "in the submount" >"$1/sub/file" &&
		"$2" --root "$3" run test_mounts </dev/null' _ "$src" "$WHALEBOX" "$ROOT"
	echo "$output" >&2
}

@test "rbind carries submounts along" {
	run_with_submount rbind
	[ "$status" -eq 0 ]
	[ "$output" = "in the submount" ]
}

@test "bind does not carry submounts" {
	run_with_submount bind
	[ "$status" -eq 0 ]
	[ "$output" = "no file" ]
}

@test "a missing mount destination is created inside the rootfs" {
	copy_rootfs
	update_config '.mounts += [{"destination": "/srv/new/dir", "type": "tmpfs", "source": "tmpfs"}]'
	set_cmd sh -c 'grep -c " /srv/new/dir " /proc/self/mountinfo'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ -d rootfs/srv/new/dir ]
}

@test "a destination through a symlink to / stays inside the rootfs" {
	copy_rootfs
	ln -s / rootfs/rootlink
	name="wb-escape-$(basename "$TEST_DIR")"
	update_config --arg dst "/rootlink/srv/$name" '.mounts += [{"destination": $dst, "type": "tmpfs", "source": "tmpfs"}]'
	set_cmd sh -c 'cat /proc/self/mountinfo'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[ -n "$(mountinfo_of "/srv/$name")" ]
	[ -d "rootfs/srv/$name" ]
	[ ! -e "/srv/$name" ]
}

@test "a destination through a symlink to /etc leaves the host's /etc alone" {
	copy_rootfs
	ln -s /etc rootfs/etclink
	ln -s ../../../../../../etc rootfs/etcrel
	name="wb-escape-$(basename "$TEST_DIR")"
	host_hostname=$(cat /etc/hostname)
	update_config --arg d1 "/etclink/$name" --arg d2 "/etcrel/$name-rel" --arg src "$TEST_DIR/hostfile" '
		.mounts += [{"destination": $d1, "type": "tmpfs", "source": "tmpfs"},
		            {"destination": $d2, "type": "tmpfs", "source": "tmpfs"},
		            {"destination": "/etclink/hostname", "type": "bind", "source": $src, "options": ["bind"]}]'
	echo "container's hostname file" >"$TEST_DIR/hostfile"
	set_cmd sh -c 'cat /etc/hostname; cat /proc/self/mountinfo'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "container's hostname file" ]
	[ -n "$(mountinfo_of "/etc/$name")" ]
	[ -n "$(mountinfo_of "/etc/$name-rel")" ]
	[ ! -e "/etc/$name" ]
	[ ! -e "/etc/$name-rel" ]
	[ -d "rootfs/etc/$name" ]
	[ "$(cat /etc/hostname)" = "$host_hostname" ]
	! grep -q "$name" /proc/self/mountinfo
}

@test "a bind source that is a symlink to a directory is followed" {
	mkdir "$TEST_DIR/real"
	echo here >"$TEST_DIR/real/file"
	ln -s real "$TEST_DIR/link"
	update_config --arg src "$TEST_DIR/link" '.mounts += [{"destination": "/home", "type": "bind", "source": $src, "options": ["bind"]}]'
	set_cmd cat /home/file
	wb run test_mounts
	[ "$status" -eq 0 ]
	[ "$output" = here ]
}

@test "maskedPaths: files read empty, directories are empty" {
	copy_rootfs
	mkdir -p rootfs/secret
	echo "do not show" >rootfs/secret/file
	update_config '.linux.maskedPaths += ["/secret", "/proc/kcore", "/proc/timer_list", "/proc/keys"]'
	set_cmd sh -c '
		for f in /proc/kcore /proc/timer_list /proc/keys; do
			[ -e "$f" ] && echo "$f $(wc -c < "$f")"
		done
		echo "secret: [$(ls -A /secret)]"
		echo "firmware: [$(ls -A /sys/firmware)]"'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[[ "$output" == *"secret: []"* ]]
	[[ "$output" == *"firmware: []"* ]]
	# At least one masked file exists in this kernel's /proc, and every one reads empty.
	grep -q '^/proc/.* 0$' <<<"$output"
	! grep -qE '^/proc/.* [1-9][0-9]*$' <<<"$output"
	# The rootfs itself is untouched.
	[ "$(cat rootfs/secret/file)" = "do not show" ]
}

@test "maskedPaths that do not exist are skipped" {
	update_config '.linux.maskedPaths += ["/no/such/path"]'
	set_cmd true
	wb run test_mounts
	[ "$status" -eq 0 ]
}

@test "readonlyPaths: writes fail with EROFS" {
	update_config '
		.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]
		| .linux.readonlyPaths += ["/tmp"]'
	set_cmd sh -c 'touch /tmp/x; echo "tmp: $?"; echo x > /proc/sys/kernel/domainname; echo "proc/sys: $?"'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[[ "$output" == *"tmp: 1"* ]]
	[[ "$output" == *"proc/sys: 1"* ]]
	[ "$(grep -c "Read-only file system" <<<"$output")" -eq 2 ]
}

@test "readonlyPaths: the mount keeps its other flags; a mount below it comes along, writable (as runc)" {
	absolute_rootfs
	update_config '
		.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "noatime"]},
			{"destination": "/tmp/sub", "type": "tmpfs", "source": "tmpfs", "options": ["noexec"]}]
		| .linux.readonlyPaths += ["/tmp"]'
	set_cmd sh -c 'grep -E " /tmp(/sub)? " /proc/self/mountinfo; touch /tmp/x; echo "tmp: $?"; touch /tmp/sub/x; echo "sub: $?"'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[[ "$output" == *"tmp: 1"* && "$output" == *"sub: 0"* ]] || fail "$output"
	# The last mounts on /tmp and /tmp/sub are the ones the container sees.
	top=$(grep -E ' /tmp ' <<<"$output" | tail -1 | cut -d' ' -f6)
	[[ ",$top," == *,ro,* && ",$top," == *,nosuid,* && ",$top," == *,nodev,* && ",$top," == *,noatime,* ]] ||
		fail "/tmp: $top"
	sub=$(grep -E ' /tmp/sub ' <<<"$output" | tail -1 | cut -d' ' -f6)
	[[ ",$sub," == *,rw,* && ",$sub," == *,noexec,* ]] || fail "/tmp/sub: $sub"
}

@test "root.readonly: the rootfs cannot be written" {
	set_cmd sh -c 'touch /newfile; echo "touch: $?"'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *"touch: 1"* ]]
	[ ! -e "$BUSYBOX_BUNDLE/rootfs/newfile" ]
}

@test "root.readonly false: the rootfs is writable" {
	copy_rootfs
	set_cmd sh -c 'echo hello > /newfile'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[ "$(cat rootfs/newfile)" = hello ]
}

# Runs the container in a mount namespace whose mounts are all shared, with
# rootfsPropagation set to $1, printing the optional fields of its "/" mount.
run_with_propagation() {
	update_config --arg p "$1" '.linux.rootfsPropagation = $p'
	set_cmd sh -c 'awk '\''$5 == "/" { for (i = 7; $i != "-"; i++) printf "%s ", $i; print "" }'\'' /proc/self/mountinfo'
	run unshare -m --propagation shared "$WHALEBOX" --root "$ROOT" run test_mounts </dev/null
	echo "$output" >&2
}

@test "rootfsPropagation slave: / is a slave" {
	run_with_propagation slave
	[ "$status" -eq 0 ]
	[[ "$output" == *"master:"* ]]
	[[ "$output" != *"shared:"* ]]
}

@test "rootfsPropagation private: / has no peers" {
	run_with_propagation private
	[ "$status" -eq 0 ]
	[[ "$output" != *"master:"* ]]
	[[ "$output" != *"shared:"* ]]
}

@test "rootfsPropagation shared is accepted" {
	run_with_propagation shared
	[ "$status" -eq 0 ]
}

@test "rootfsPropagation with a bad value is refused" {
	update_config '.linux.rootfsPropagation = "sideways"'
	wb run test_mounts
	[ "$status" -ne 0 ]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "sysctl: net.* in the container's network namespace, kernel.shm* in its ipc namespace" {
	host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
	host_shmmax=$(cat /proc/sys/kernel/shmmax)
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789", "kernel.shmmni": "1234"}'
	set_cmd sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/kernel/shmmni'
	wb run test_mounts
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 123456789 ]
	[ "${lines[2]}" = 1234 ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_forward" ]
	[ "$(cat /proc/sys/kernel/shmmax)" = "$host_shmmax" ]
}

@test "sysctl: a net.* sysctl without a network namespace is refused" {
	# Safe even if it were applied: the test runs in a throwaway network namespace.
	update_config '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	set_cmd true
	run unshare --net sh -c '
		before=$(cat /proc/sys/net/ipv4/ip_forward)
		"$1" --root "$2" run test_mounts </dev/null
		echo "status $?"
		echo "ip_forward $before $(cat /proc/sys/net/ipv4/ip_forward)"' _ "$WHALEBOX" "$ROOT"
	echo "$output" >&2
	[[ "$output" != *"status 0"* ]]
	[[ "$output" =~ ip_forward\ ([01])\ ([01]) ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
}

@test "sysctl: a sysctl that is not namespaced is refused" {
	# The value is the host's own, so nothing changes even if it were written.
	update_config --arg v "$(cat /proc/sys/vm/swappiness)" '.linux.sysctl = {"vm.swappiness": $v}'
	set_cmd true
	wb run test_mounts
	[ "$status" -ne 0 ]
	[[ "$output" == *"vm.swappiness"* ]]
}

@test "--no-pivot: the container runs in its rootfs" {
	set_cmd sh -c 'cat /etc/hostname; ls /'
	wb run --no-pivot test_mounts
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = whalebox ]
	[[ "$output" == *"busybox"* ]] || [[ "$output" == *"bin"* ]]
	[[ "$output" != *"work"* ]]
}
