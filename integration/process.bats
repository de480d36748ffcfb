#!/usr/bin/env bats
# process: each attribute of config.json's process as the container sees it, and the
# default config of `whalebox spec` against `runc spec` run by runc itself.

load helpers

setup() {
	setup_bundle
}

teardown() {
	if [ -n "$TEST_DIR" ] && [ -d "$TEST_DIR/runc-state" ]; then
		runc --root "$TEST_DIR/runc-state" delete -f test_runc >/dev/null 2>&1 || true
	fi
	teardown_bundle
}

# The mask of capability numbers: cap_mask 0 5 13 → 0000000000002021.
cap_mask() {
	local mask=0 n
	for n in "$@"; do
		mask=$((mask | (1 << n)))
	done
	printf '%016x\n' "$mask"
}

# The value of field NAME in the container's /proc/self/status, from $output.
status_field() {
	awk -v f="$1:" '$1 == f { print $2 }' <<<"$output"
}

@test "user: uid, gid and additionalGids" {
	update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [100, 200]}'
	set_cmd sh -c 'id -u; id -g; id -G; id'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1001 ]
	[ "${lines[2]}" = "1001 100 200" ]
	[ "${lines[3]}" = "uid=1000 gid=1001 groups=100(users),200" ]
}

@test "user: without additionalGids the process has no supplementary groups" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_cmd sh -c 'grep ^Groups: /proc/self/status'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^Groups:[[:space:]]*$ ]]
}

@test "user: umask" {
	update_config '.process.user.umask = 63'
	set_cmd sh -c umask
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = 0077 ]

	# Without umask the runtime uses 0022 (as runc).
	update_config 'del(.process.user.umask)'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = 0022 ]
}

@test "env: exactly the configured variables" {
	update_config '.process.env = ["PATH=/bin:/sbin", "FOO=bar baz", "EMPTY=", "HOME=/tmp"]'
	set_cmd sh -c 'env | grep -v -e ^PWD= -e ^SHLVL= | sort'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = $'EMPTY=\nFOO=bar baz\nHOME=/tmp\nPATH=/bin:/sbin' ]
}

@test "env: HOME comes from the user's /etc/passwd entry when env has none (as runc)" {
	update_config '.process.env = ["PATH=/bin"]'
	set_cmd sh -c 'echo "$HOME"'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = /root ]

	# A uid without an entry gets / (runc's default).
	update_config '.process.user = {"uid": 1234, "gid": 1234}'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = / ]
}

@test "env: PATH from the config is used to find args[0]" {
	update_config '.process.env = ["PATH=/nowhere:/bin"]'
	set_cmd sh -c true
	wb_run test_busybox
	[ "$status" -eq 0 ]
}

@test "env: args[0] not found in PATH fails create with exit 1 and a message, leaving nothing" {
	update_config '.process.env = ["PATH=/nowhere"]'
	set_cmd sh -c true
	wb_run test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *'"sh"'* ]]
	[ -z "$(ls -A "$ROOT")" ]
	local dir
	for dir in $(cgroup_dirs "$(test_cgroup)/bundle"); do
		[ ! -d "$dir" ] || fail "cgroup $dir left behind"
	done
}

@test "cwd: the process starts there" {
	update_config '.process.cwd = "/etc"'
	set_cmd pwd
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = /etc ]
}

@test "cwd: a missing cwd is created, also on a read-only rootfs" {
	copy_rootfs
	update_config '.root.readonly = true | .process.cwd = "/new/deep/dir"'
	set_cmd sh -c 'pwd; touch x 2>&1; true'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /new/deep/dir ]
	[[ "${lines[1]}" == *"Read-only file system"* ]]
	[ -d rootfs/new/deep/dir ]
}

@test "cwd: a relative cwd is rejected" {
	update_config '.process.cwd = "tmp"'
	wb_run test_busybox
	[ "$status" -ne 0 ]
	# runc: "Cwd must be an absolute path"
	[[ "${output,,}" == *"cwd"*"absolute"* ]]
}

@test "rlimits: soft and hard limits" {
	update_config '.process.rlimits = [
		{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 1048576}]'
	set_cmd sh -c 'ulimit -n; ulimit -Hn; ulimit -c; ulimit -Hc'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 123 ]
	[ "${lines[1]}" = 456 ]
	[ "${lines[2]}" = 0 ]
	# busybox prints RLIMIT_CORE in 512-byte blocks... or KiB: accept either.
	[ "${lines[3]}" = 1024 ] || [ "${lines[3]}" = 2048 ]
}

@test "rlimits: an unknown type is an error" {
	update_config '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	wb_run test_busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *RLIMIT_BOGUS* ]]
}

@test "noNewPrivileges: NoNewPrivs in /proc/self/status" {
	set_cmd grep NoNewPrivs /proc/self/status
	update_config '.process.noNewPrivileges = true'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+1 ]]

	update_config '.process.noNewPrivileges = false'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+0 ]]
}

@test "capabilities: every set as root matches the config" {
	# As uid 0, execve makes permitted and effective the union of bounding and
	# inheritable, so a config that is consistent with that is seen unchanged.
	# CAP_CHOWN 0, CAP_KILL 5, CAP_NET_RAW 13, CAP_SYS_ADMIN 21.
	update_config '.process.capabilities = {
		"bounding":    ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"],
		"effective":   ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"],
		"permitted":   ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"],
		"inheritable": ["CAP_KILL", "CAP_NET_RAW"],
		"ambient":     ["CAP_KILL"]}'
	set_cmd grep ^Cap /proc/self/status
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$(status_field CapBnd)" = "$(cap_mask 0 5 13 21)" ]
	[ "$(status_field CapPrm)" = "$(cap_mask 0 5 13 21)" ]
	[ "$(status_field CapEff)" = "$(cap_mask 0 5 13 21)" ]
	[ "$(status_field CapInh)" = "$(cap_mask 5 13)" ]
	[ "$(status_field CapAmb)" = "$(cap_mask 5)" ]
}

@test "capabilities: as a non-root user only ambient ones survive execve" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
		"bounding":    ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		"effective":   ["CAP_KILL", "CAP_NET_RAW"],
		"permitted":   ["CAP_KILL", "CAP_NET_RAW"],
		"inheritable": ["CAP_KILL", "CAP_NET_RAW"],
		"ambient":     ["CAP_NET_RAW"]}'
	set_cmd grep ^Cap /proc/self/status
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$(status_field CapBnd)" = "$(cap_mask 0 5 13)" ]
	[ "$(status_field CapInh)" = "$(cap_mask 5 13)" ]
	[ "$(status_field CapPrm)" = "$(cap_mask 13)" ]
	[ "$(status_field CapEff)" = "$(cap_mask 13)" ]
	[ "$(status_field CapAmb)" = "$(cap_mask 13)" ]
}

@test "capabilities: no capabilities object means an empty set" {
	update_config 'del(.process.capabilities)'
	set_cmd grep ^Cap /proc/self/status
	wb_run test_busybox
	[ "$status" -eq 0 ]
	local f
	for f in CapBnd CapPrm CapEff CapInh CapAmb; do
		[ "$(status_field "$f")" = 0000000000000000 ]
	done
}

@test "capabilities: an unknown name is skipped" {
	update_config '.process.capabilities = {
		"bounding":  ["CAP_KILL", "CAP_BOGUS"],
		"effective": ["CAP_KILL", "CAP_BOGUS"],
		"permitted": ["CAP_KILL", "CAP_BOGUS"]}'
	set_cmd grep ^Cap /proc/self/status
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$(status_field CapBnd)" = "$(cap_mask 5)" ]
	[ "$(status_field CapEff)" = "$(cap_mask 5)" ]
}

@test "capabilities: an unknown name gets runc's warning" {
	update_config '.process.capabilities = {
		"bounding":  ["CAP_KILL", "CAP_BOGUS"],
		"effective": ["CAP_KILL", "CAP_BOGUS"],
		"permitted": ["CAP_KILL", "CAP_BOGUS"]}'
	set_cmd true
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *"level=warning msg=\"ignoring unknown or unavailable capabilities: [CAP_BOGUS]\""* ]]

	wb --log "$TEST_DIR/log.json" --log-format json run test_busybox
	[ "$status" -eq 0 ]
	jq -e 'select(.level == "warning" and (.msg | contains("CAP_BOGUS")))' "$TEST_DIR/log.json"
}

@test "capabilities: a capability outside the sets is really denied" {
	# The default config has no CAP_SYS_ADMIN: mount needs it.
	set_cmd sh -c 'mount -t tmpfs none /tmp && echo mounted'
	wb_run test_busybox
	[ "$status" -ne 0 ]
	[[ "$output" != *mounted* ]]
	[[ "${output,,}" == *"permission denied"* || "${output,,}" == *"not permitted"* ]]
}

@test "oomScoreAdj: /proc/self/oom_score_adj" {
	update_config '.process.oomScoreAdj = 123'
	set_cmd cat /proc/self/oom_score_adj
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = 123 ]
	# Only the container's: the test's shell keeps its own.
	[ "$(cat /proc/self/oom_score_adj)" != 123 ] || [ "$(cat /proc/$$/oom_score_adj)" != 123 ]
}

@test "personality: LINUX32 makes uname -m say i686" {
	[ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host"
	update_config '.linux.personality = {"domain": "LINUX32"}'
	set_cmd uname -m
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = i686 ]

	update_config '.linux.personality = {"domain": "LINUX"}'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = x86_64 ]
}

@test "default spec: whalebox and runc show the container the same process" {
	command -v runc >/dev/null || skip "runc is not installed"
	local probe
	# shellcheck disable=SC2016
	probe='id
grep -E "^(Cap[A-Za-z]+|NoNewPrivs|Seccomp):" /proc/self/status
echo "nofile $(ulimit -n) $(ulimit -Hn)"
echo "umask $(umask)"
echo "cwd $(pwd)"
env | grep -v -e ^PWD= -e ^SHLVL= -e ^HOME= | sort
echo "hostname $(hostname)"
awk "{ split(\$6, o, \",\"); print \"mount\", \$5, \$(NF-2), o[1] }" /proc/self/mountinfo | sort
for p in /proc/acpi /proc/asound /proc/kcore /proc/keys /proc/latency_stats /proc/timer_list /proc/timer_stats /proc/sched_debug /sys/firmware /proc/scsi; do
	if [ -e $p ]; then echo "$p $(stat -c %F $p) size=$(cat $p 2>/dev/null | wc -c) entries=$(ls -A $p 2>/dev/null | wc -l)"; else echo "$p absent"; fi
done
for p in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
	if [ -e $p ]; then echo "$p $(grep -E " $p " /proc/self/mountinfo | awk "{ print \$6 }")"; else echo "$p absent"; fi
done
echo "write /proc/sys: $(echo 1 2>&1 >/proc/sys/kernel/ctrl-alt-del)"
echo "ls /dev: $(ls /dev | tr "\n" " ")"'

	mkdir "$TEST_DIR/w" "$TEST_DIR/r"
	(cd "$TEST_DIR/w" && "$WHALEBOX" spec)
	(cd "$TEST_DIR/r" && runc spec)
	local dir name
	for dir in w r; do
		name=$([ $dir = w ] && echo whalebox || echo runc)
		jq --arg root "$BUSYBOX_BUNDLE/rootfs" --arg cg "$(test_cgroup)/$name" --arg probe "$probe" \
			'.process.terminal = false | .process.args = ["sh", "-c", $probe]
			| .root.path = $root | .linux.cgroupsPath = $cg' \
			"$TEST_DIR/$dir/config.json" >"$TEST_DIR/$dir/config.tmp"
		mv "$TEST_DIR/$dir/config.tmp" "$TEST_DIR/$dir/config.json"
	done
	# The two defaults differ in ociVersion only.
	diff <(jq -S 'del(.ociVersion, .linux.cgroupsPath)' "$TEST_DIR/w/config.json") \
		<(jq -S 'del(.ociVersion, .linux.cgroupsPath)' "$TEST_DIR/r/config.json")

	(cd "$TEST_DIR/r" && runc --root "$TEST_DIR/runc-state" run test_runc </dev/null >"$TEST_DIR/runc.out" 2>&1)
	cd "$TEST_DIR/w"
	wb_run test_whalebox
	[ "$status" -eq 0 ]
	echo "$output" >"$TEST_DIR/whalebox.out"
	# The same mount points with the same types; whalebox may make more of them
	# read-only (it does /sys/fs/cgroup's tmpfs, which runc 1.1.5 leaves rw), never fewer.
	diff -u <(awk '$1 == "mount" { print $2, $3 }' "$TEST_DIR/runc.out") \
		<(awk '$1 == "mount" { print $2, $3 }' "$TEST_DIR/whalebox.out")
	local mp
	for mp in $(awk '$1 == "mount" && $4 == "ro" { print $2 }' "$TEST_DIR/runc.out"); do
		grep -qx "mount $mp [^ ]* ro" "$TEST_DIR/whalebox.out" || fail "$mp is ro in runc, rw in whalebox"
	done
	# Everything else the same, line for line.
	diff -u <(grep -v '^mount ' "$TEST_DIR/runc.out") <(grep -v '^mount ' "$TEST_DIR/whalebox.out")
	grep -q '^uid=0(root) gid=0(root)' "$TEST_DIR/whalebox.out"
	grep -q '^NoNewPrivs:.*1' "$TEST_DIR/whalebox.out"
	grep -q '^nofile 1024 1024' "$TEST_DIR/whalebox.out"
}

@test "run: a process that exits at once is never reported as stopped before start" {
	set_cmd true
	local i
	for ((i = 0; i < 60; i++)); do
		wb run "test_busybox$i"
		[ "$status" -eq 0 ] || fail "run #$i: $output"
	done
}

@test "process.cwd that only root can enter works for another user (chdir before and after the user switch, as runc)" {
	absolute_rootfs
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .mounts += [{"destination": "/secret", "type": "tmpfs", "source": "tmpfs", "options": ["mode=700"]}]
		| .process.cwd = "/secret"'
	set_cmd sh -c 'pwd; id -u'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /secret ]
	[ "${lines[1]}" = 1000 ]
}

@test "the process's stdio belongs to process.user (uid only, as runc's fixStdioPermissions)" {
	absolute_rootfs
	update_config '.process.user = {"uid": 1000, "gid": 1001}'
	set_cmd sh -c 'ls -lnL /proc/self/fd/1 | awk "{ print \$3 }"'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
}

@test "process.env: a key given twice keeps its first place and its last value (as runc)" {
	absolute_rootfs
	update_config '.process.env += ["DUP=first", "OTHER=x", "DUP=last"]'
	set_cmd env
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$(grep -c '^DUP=' <<<"$output")" -eq 1 ]
	grep -qx DUP=last <<<"$output"
	[ "$(grep -n -e '^DUP=' -e '^OTHER=' <<<"$output" | cut -d: -f2 | tr '\n' ' ')" = "DUP=last OTHER=x " ]
}

@test "linux.sysctl: kernel.hostname is refused (the hostname field is the way), as runc" {
	absolute_rootfs
	update_config '.linux.sysctl = {"kernel.hostname": "other"}'
	wb run test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *'kernel.hostname'*'is not allowed as it conflicts with the OCI '*'hostname'*' field'* ]]
	[ -z "$(ls -A "$ROOT")" ]
	update_config '.linux.sysctl = {"kernel/hostname": "other"}'
	wb run test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *'kernel.hostname'*'is not allowed'* ]]
	# runc 1.1.5 still takes kernel.domainname (there is a field for it too, but no check).
	update_config '.linux.sysctl = {"kernel.domainname": "example.org"}'
	set_cmd cat /proc/sys/kernel/domainname
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = example.org ]
}

@test "linux.memoryPolicy is applied with set_mempolicy (beyond runc 1.1.5)" {
	absolute_rootfs
	beyond_runc
	[ -e /sys/devices/system/node/node0 ] || skip "no NUMA node 0"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
	set_cmd sh -c 'grep -m1 -o "bind:[0-9-]*" /proc/self/numa_maps'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = bind:0 ]
	update_config '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
	set_cmd sh -c 'grep -m1 -o "interleave[=a-z]*:[0-9-]*" /proc/self/numa_maps'
	wb_run test_busybox
	[ "$status" -eq 0 ]
	[ "$output" = interleave=static:0 ]
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0-x"}'
	wb run test_busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.memoryPolicy.nodes"* ]]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "the process starts with no signal ignored or blocked, whatever its caller ignores" {
	# A caller under nohup ignores SIGHUP; runc's container process does not inherit that
	# (a shell there could not even trap it).
	absolute_rootfs
	set_cmd grep -E "^Sig(Ign|Blk):" /proc/self/status
	trap '' HUP INT USR1
	wb_run test_busybox
	trap - HUP INT USR1
	[ "$status" -eq 0 ]
	[ "$(status_field SigIgn)" = 0000000000000000 ] || fail "ignored: $output"
	[ "$(status_field SigBlk)" = 0000000000000000 ] || fail "blocked: $output"
}
