#!/usr/bin/env bats
# The command line as runc 1.1.5 has it (issue 11): --debug records, unknown commands and
# -h, run --keep, kill 0, update's flags, list --format json, exec's exit status 255,
# --ignore-paused, --cgroup and the process group. Every test passes with
# WHALEBOX=/usr/sbin/runc too, so it shows the reference behaviour.

load helpers

setup() {
	setup_bundle
	# runc refuses a rootfs reached through a symlink: name the real directory.
	update_config --arg r "$(readlink -f rootfs)" '.root.path = $r'
	PAUSED=
}

teardown() {
	[ -z "$PAUSED" ] || __wb resume "$PAUSED" >/dev/null 2>&1 || true
	wait_background
	teardown_bundle
}

# Fails unless $output has a debug record in runc's text form.
has_text_debug_record() {
	grep -qE '^time="[^"]+" level=debug msg=' <<<"$output" || fail "no debug record on stderr"
}

# Fails unless FILE has a debug record in runc's JSON form.
has_json_debug_record() {
	jq -se 'map(select(.level == "debug" and (.msg | type) == "string" and (.time | type) == "string")) | length > 0' \
		"$1" >/dev/null || fail "no JSON debug record in $1: $(cat "$1")"
}

# The directories of a live process's cgroups (full paths, every hierarchy).
process_cgroup_dirs() {
	cgroup_dirs_in "/proc/$1/cgroup" ""
}

# The line of /proc/PID/cgroup (as printed in $1) for the pids controller, or cgroup2's.
pids_cgroup_line() {
	local line
	line=$(grep -E '^[0-9]+:([^:]*,)?pids(,[^:]*)?:' <<<"$1" || true)
	[ -n "$line" ] || line=$(grep -E '^0::' <<<"$1")
	echo "$line"
}

@test "--debug: create, start, run and exec write debug records on stderr, runc's text form" {
	wb --debug create test_debug
	[ "$status" -eq 0 ]
	has_text_debug_record
	wb --debug start test_debug
	[ "$status" -eq 0 ]
	wb --debug exec test_debug true
	[ "$status" -eq 0 ]
	has_text_debug_record
	set_cmd true
	wb --debug run test_debug_run
	[ "$status" -eq 0 ]
	has_text_debug_record
}

@test "--debug --log FILE --log-format json: the records go to the file as JSON" {
	wb --debug --log "$TEST_DIR/create.log" --log-format json create test_debug
	[ "$status" -eq 0 ]
	has_json_debug_record "$TEST_DIR/create.log"
	wb --debug --log "$TEST_DIR/exec.log" --log-format json start test_debug
	[ "$status" -eq 0 ]
	wb --debug --log "$TEST_DIR/exec.log" --log-format json exec test_debug true
	[ "$status" -eq 0 ]
	has_json_debug_record "$TEST_DIR/exec.log"
	! grep -q 'level=debug' <<<"$output" || fail "debug records on stderr despite --log"
}

@test "--debug: every command accepts it; whalebox writes a debug record for each" {
	local cmd
	wb run -d test_debug
	[ "$status" -eq 0 ]
	for cmd in "state test_debug" "list" "ps test_debug" "pause test_debug" "resume test_debug" \
		"update --pids-limit 20 test_debug" "kill test_debug KILL"; do
		# shellcheck disable=SC2086
		wb --debug $cmd
		[ "$status" -eq 0 ] || fail "--debug $cmd failed"
		# runc 1.1.5 writes debug records only from create, run and exec.
		is_runc || has_text_debug_record
	done
	wait_for_status test_debug stopped
	wb --debug delete test_debug
	[ "$status" -eq 0 ]
	is_runc || has_text_debug_record
}

@test "an unknown command is an error naming it, with -h too" {
	wb nosuchcommand
	[ "$status" -ne 0 ]
	[[ "$output" == *nosuchcommand* ]]
	wb nosuchcommand -h
	[ "$status" -ne 0 ]
	[[ "$output" == *nosuchcommand* ]]
	wb --debug nosuchcommand test_x
	[ "$status" -ne 0 ]
	[[ "$output" == *nosuchcommand* ]]
}

@test "COMMAND -h prints that command's usage" {
	local cmd
	for cmd in create start run exec kill delete state list update pause resume ps events; do
		wb "$cmd" -h
		[ "$status" -eq 0 ] || fail "$cmd -h: status $status"
		grep -qi "usage" <<<"$output" || fail "$cmd -h: no usage"
		grep -q " $cmd " <<<"$output" || fail "$cmd -h: does not name $cmd"
	done
	wb kill -h
	[[ "$output" == *"--all"* ]]
	wb exec -h
	[[ "$output" == *"--ignore-paused"* ]]
}

@test "run --keep keeps the stopped container and its cgroup until delete" {
	local dir found=
	set_cmd sh -c 'exit 3'
	wb run --keep test_keep
	[ "$status" -eq 3 ]
	testcontainer test_keep stopped
	for dir in $(cgroup_dirs "$(test_cgroup)/bundle"); do
		[ -d "$dir" ] && found=$dir
	done
	[ -n "$found" ] || fail "the cgroup of test_keep is gone"
	wb delete test_keep
	[ "$status" -eq 0 ]
	[ ! -d "$found" ] || fail "cgroup $found left after delete"
	wb state test_keep
	[ "$status" -ne 0 ]
}

@test "run without --keep deletes the container" {
	set_cmd true
	wb run test_nokeep
	[ "$status" -eq 0 ]
	wb state test_nokeep
	[ "$status" -ne 0 ]
}

@test "kill 0 checks that the container lives, with and without --all" {
	wb run -d test_kill0
	[ "$status" -eq 0 ]
	wb kill test_kill0 0
	[ "$status" -eq 0 ]
	wb kill --all test_kill0 0
	[ "$status" -eq 0 ]
	wb kill test_kill0 SIGKILL
	[ "$status" -eq 0 ]
	wait_for_status test_kill0 stopped
	wb kill test_kill0 0
	[ "$status" -ne 0 ]
}

@test "update takes every runc flag, spelled as runc spells them" {
	local flag dir
	update_config '.linux.resources = {"pids": {"limit": 100}, "memory": {"limit": 268435456}}'
	wb run -d test_update
	[ "$status" -eq 0 ]
	for flag in "--cpu-share 512" "--cpu-period 100000" "--cpu-quota 50000" "--cpuset-cpus 0" \
		"--cpuset-mems 0" "--memory 200M" "--memory-reservation 100M" "--kernel-memory 100M" \
		"--kernel-memory-tcp 100M" "--pids-limit 50" "--blkio-weight 500" \
		"--cpu-rt-period 1000000" "--cpu-rt-runtime 0" "--memory-swap 400M" \
		"--l3-cache-schema L3:0=f" "--mem-bw-schema MB:0=70"; do
		# shellcheck disable=SC2086
		wb update $flag test_update
		# A flag either works or fails for the host's reason, never as an unknown flag.
		[[ "$output" != *"not defined"* && "$output" != *"not expected"* && "$output" != *"nrecognized"* ]] ||
			fail "update $flag: not a known flag"
		case $flag in
		--blkio-weight* | --cpu-rt-* | --memory-swap*) ;;  # depends on the kernel's cgroup files
		--l3-cache-schema*)
			[ -e /sys/fs/resctrl/info/L3 ] || { [ "$status" -ne 0 ] && [[ "$output" == *"Intel RDT/CAT: l3 cache schema is not enabled"* ]]; } ;;
		--mem-bw-schema*)
			[ -e /sys/fs/resctrl/info/MB ] || { [ "$status" -ne 0 ] && [[ "$output" == *"Intel RDT/MBA: memory bandwidth schema is not enabled"* ]]; } ;;
		*) [ "$status" -eq 0 ] || fail "update $flag: status $status" ;;
		esac
	done
	for dir in $(process_cgroup_dirs "$(container_pid test_update)"); do
		[ -f "$dir/pids.max" ] && { [ "$(cat "$dir/pids.max")" = 50 ] || fail "pids.max is $(cat "$dir/pids.max")"; }
		[ -f "$dir/cpu.shares" ] && { [ "$(cat "$dir/cpu.shares")" = 512 ] || fail "cpu.shares is $(cat "$dir/cpu.shares")"; }
	done
	wb update -r - test_update
	[ "$status" -ne 0 ] || [ "$status" -eq 0 ]  # stdin is empty: either way, -r is known
	[[ "$output" != *"not defined"* && "$output" != *"not expected"* ]]
}

@test "list --format json keeps runc's field order and fills owner as the table does" {
	wb run -d test_list
	[ "$status" -eq 0 ]
	wb list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -c '.[0] | keys_unsorted' <<<"$output")" = '["ociVersion","id","pid","status","bundle","rootfs","created","owner"]' ]
	local owner
	owner=$(jq -r '.[0].owner' <<<"$output")
	[ "$owner" = root ]
	wb list
	[ "$(awk 'NR == 2 { print $NF }' <<<"$output")" = "$owner" ]
}

@test "exec: the runtime's own failures exit 255, the process's status passes through" {
	wb run -d test_exec
	[ "$status" -eq 0 ]
	wb exec test_exec nosuchbinary
	[ "$status" -eq 255 ]
	wb exec --pid-file "$TEST_DIR/missing/dir/pid" test_exec true
	[ "$status" -eq 255 ]
	wb exec test_exec sh -c 'exit 7'
	[ "$status" -eq 7 ]
	wb exec test_nosuchcontainer true
	[ "$status" -eq 255 ]
}

@test "exec in a paused container: refused (255) unless --ignore-paused" {
	wb run -d test_paused
	[ "$status" -eq 0 ]
	wb pause test_paused
	[ "$status" -eq 0 ]
	PAUSED=test_paused
	wb exec test_paused true
	[ "$status" -eq 255 ]
	[[ "$output" == *"--ignore-paused"* ]]
	# The process is frozen with the container until it resumes.
	wb_background ignored exec --ignore-paused test_paused echo hello
	sleep 0.5
	wb resume test_paused
	[ "$status" -eq 0 ]
	PAUSED=
	wait_background
	[ "$(cat "$TEST_DIR/ignored.rc")" -eq 0 ] || fail "exec --ignore-paused: $(cat "$TEST_DIR/ignored.out")"
	grep -q hello "$TEST_DIR/ignored.out"
}

@test "exec --cgroup PATH and CONTROLLER:PATH run the process in a sub-cgroup" {
	local pid dir
	wb run -d test_cg
	[ "$status" -eq 0 ]
	pid=$(container_pid test_cg)
	for dir in $(process_cgroup_dirs "$pid"); do
		mkdir -p "$dir/sub"
		# A v1 cpuset takes no process before it has cpus and mems.
		if [ -f "$dir/sub/cpuset.cpus" ]; then
			cat "$dir/cpuset.cpus" >"$dir/sub/cpuset.cpus"
			cat "$dir/cpuset.mems" >"$dir/sub/cpuset.mems"
		fi
	done
	wb exec --cgroup sub test_cg cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[[ "$(pids_cgroup_line "$output")" == */sub ]] || fail "not in sub: $output"
	if grep -qE '^[0-9]+:([^:]*,)?pids(,[^:]*)?:' "/proc/$pid/cgroup"; then
		wb exec --cgroup pids:sub test_cg cat /proc/self/cgroup
		[ "$status" -eq 0 ]
		[[ "$(pids_cgroup_line "$output")" == */sub ]] || fail "pids not in sub: $output"
		[[ "$(grep -E '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' <<<"$output")" != */sub ]] || fail "memory moved too: $output"
	fi
	wb exec --cgroup ../escape test_cg true
	[ "$status" -eq 255 ]
	[[ "$output" == *"not a sub cgroup path"* ]]
	wb exec --cgroup nosuchsub test_cg true
	[ "$status" -eq 255 ]
}

@test "exec: the process leads its own process group inside the container" {
	wb run -d test_pgrp
	[ "$status" -eq 0 ]
	wb exec test_pgrp sh -c 'echo $(cut -d" " -f5 /proc/$$/stat) $$'
	[ "$status" -eq 0 ]
	read -r pgrp pid <<<"$output"
	[ "$pgrp" != 0 ] || fail "getpgrp() is 0"
	[ "$pgrp" = "$pid" ] || fail "pgrp $pgrp, pid $pid"
}

@test "run: the init leads its own session inside the container, without a terminal too" {
	# As runc's (nsexec's setsid); criu cannot checkpoint an init whose session leader is
	# outside its pid namespace. Fields 5 and 6 of /proc/1/stat: the init's pgrp and session.
	set_cmd sh -c 'cut -d" " -f5,6 /proc/1/stat'
	wb run test_sid
	[ "$status" -eq 0 ]
	[ "$output" = "1 1" ] || fail "pgrp and session of the init: $output"
}

@test "the binaries are position independent with full RELRO (bound at start, GOT read-only)" {
	beyond_runc "a property of whalebox's link"
	command -v readelf >/dev/null || skip "readelf (binutils) is not installed"
	for bin in "$WHALEBOX" "$(dirname "$WHALEBOX")/whalebox-lite"; do
		[ -x "$bin" ] || continue
		run readelf -d -l "$bin"
		[ "$status" -eq 0 ]
		[[ "$output" == *"GNU_RELRO"* ]] || fail "$bin: no RELRO segment"
		[[ "$output" == *"BIND_NOW"* || "$output" == *"Flags: NOW"* ]] || fail "$bin: not bound at start"
		[[ "$output" == *"PIE"* ]] || fail "$bin: not a PIE"
	done
}

# The command line's syntax and its errors (issue 18 replaced CLI11 with whalebox's own
# parser in cli/app.cpp: these hold it to runc's).
@test "a flag's value: --flag value, --flag=value and -f value alike" {
	wb run -d test_flags
	[ "$status" -eq 0 ]
	local form
	for form in "--format json" "--format=json" "-f json"; do
		# shellcheck disable=SC2086
		wb list $form
		[ "$status" -eq 0 ] || fail "list $form: status $status"
		[ "$(jq -r '.[0].id' <<<"$output")" = test_flags ] || fail "list $form: $output"
	done
	wb kill test_flags KILL
	wait_for_status test_flags stopped
	# A boolean flag takes =true and =false.
	wb delete --force=false test_flags
	[ "$status" -eq 0 ]
	wb state test_flags
	[ "$status" -ne 0 ]
}

@test "command-line errors are runc's: unknown flag, missing value, bad number, argument counts" {
	wb state --bogus test_x
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag provided but not defined: -bogus"* ]]
	wb --bogus state test_x
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag provided but not defined: -bogus"* ]]
	wb update --pids-limit abc test_x
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid value "abc" for flag -pids-limit: parse error'* ]]
	wb state test_x --root
	[ "$status" -eq 1 ]
	wb exec -e
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag needs an argument: -e"* ]]
	wb delete --force=maybe test_x
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid boolean value "maybe" for -force'* ]]
	# runc prints the usage too; both name the rule.
	wb state
	[ "$status" -eq 1 ]
	[[ "$output" == *state*'requires exactly 1 argument(s)'* ]]
	wb kill
	[ "$status" -eq 1 ]
	[[ "$output" == *kill*'requires a minimum of 1 argument(s)'* ]]
	wb kill test_x KILL extra
	[ "$status" -eq 1 ]
	[[ "$output" == *kill*'requires a maximum of 2 argument(s)'* ]]
}

@test "exec: flags end at the container id; -- before it is dropped, after it is the command's" {
	wb run -d test_exec_args
	[ "$status" -eq 0 ]
	wb exec test_exec_args sh -c 'echo "$0 $1"' -x --y
	[ "$status" -eq 0 ]
	[ "$output" = "-x --y" ]
	wb exec -- test_exec_args echo after-dashes
	[ "$status" -eq 0 ]
	[ "$output" = after-dashes ]
	# As runc: the -- after the id is the command's first word.
	wb exec test_exec_args -- echo x
	[ "$status" -eq 255 ]
}

@test "whalebox's own extensions: flags after the arguments, global flags after the command, -fVALUE, -dt" {
	beyond_runc
	wb run test_ext -d
	[ "$status" -eq 0 ]
	wb list -fjson
	[ "$(jq -r '.[0].id' <<<"$output")" = test_ext ]
	"$WHALEBOX" state test_ext --root "$ROOT" >/dev/null
	# -dt: -d and -t, and a tty for a detached process needs a console socket.
	wb exec -dt test_ext true
	[ "$status" -ne 0 ]
	[[ "$output" == *console* ]] || fail "-dt not read as -d -t: $output"
	wb kill test_ext KILL --all
	[ "$status" -eq 0 ]
	wait_for_status test_ext stopped
	wb delete test_ext
	[ "$status" -eq 0 ]
}
