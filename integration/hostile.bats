#!/usr/bin/env bats
# Hostile config.json documents (integration/testdata/hostile_configs.py writes them: wrong
# types in every major field, missing fields, traversal in paths, huge and negative
# numbers, NUL bytes, bad seccomp/capabilities/rlimits/namespaces/id mappings, a 50 MB
# string, deep nesting, garbage bytes). For each, `create` must exit 1 with one line on
# stderr that names the field, and leave nothing: no state under --root, no cgroup of
# the test's subtree, no mount under the bundle, no process in the rootfs.

load helpers

setup_file() {
	export HOSTILE_DIR=$BATS_FILE_TMPDIR/hostile
	export HOSTILE_CGROUP=whalebox-test-hostile-$$
	# A private copy of the rootfs: a process whose root it is can only be ours.
	export HOSTILE_ROOTFS=$BATS_FILE_TMPDIR/rootfs
	cp -a "$REPO/bundles/busybox/rootfs" "$HOSTILE_ROOTFS"
	"$PYTHON" "$TESTDATA/hostile_configs.py" "$REPO/bundles/busybox/config.json" "$HOSTILE_DIR" "$HOSTILE_CGROUP" >/dev/null
	# Where the test's cgroup would be in every hierarchy (computed once: it is slow).
	cgroup_dirs "$HOSTILE_CGROUP" >"$BATS_FILE_TMPDIR/cgroup-dirs"
}

teardown_file() {
	local dir
	for dir in $(cat "$BATS_FILE_TMPDIR/cgroup-dirs"); do
		[ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rm -rf "$HOSTILE_DIR" "$HOSTILE_ROOTFS"
}

setup() {
	setup_bundle
	rm -f rootfs
	ln -s "$HOSTILE_ROOTFS" rootfs
}

# teardown_bundle without its cgroup search (slow on a loaded host): the cgroups are known.
teardown() {
	cd "$INTEGRATION_ROOT" || return
	__wb delete -f hostile >/dev/null 2>&1 || true
	rm -rf "$TEST_DIR"
}

# Runs `create` on case NNN and sets $problems to what is wrong with the outcome (empty
# when it failed cleanly and named EXPECTED). Builtins only, but for cp, whalebox and
# grep: forks are slow on a loaded host and there are hundreds of cases.
check_case() {
	local name=$1 expected=$2 rc=0 err="" errlines left p dir
	problems=""
	cp "$HOSTILE_DIR/$name.json" "$BUNDLE/config.json"
	"$WHALEBOX" --root "$ROOT" create hostile </dev/null >"$TEST_DIR/stdout" 2>"$TEST_DIR/stderr" || rc=$?
	IFS= read -r -d '' err <"$TEST_DIR/stderr" || true
	mapfile -t errlines <"$TEST_DIR/stderr"
	[ "$rc" -eq 1 ] || problems+="exit status $rc, expected 1"$'\n'
	[ "${#errlines[@]}" -eq 1 ] && [ "${err: -1}" = $'\n' ] ||
		problems+="stderr is ${#errlines[@]} lines, expected one"$'\n'
	[[ "$err" == *"$expected"* ]] || problems+="stderr does not name \"$expected\""$'\n'
	[ "${#err}" -le 4096 ] || problems+="stderr is ${#err} characters long"$'\n'
	[ -z "$problems" ] || problems+="stderr: ${err:0:600}"$'\n'
	left=("$ROOT"/* "$ROOT"/.[!.]*)
	if [ ${#left[@]} -gt 0 ]; then
		problems+="state left under --root: ${left[*]}"$'\n'
		__wb delete -f hostile >/dev/null 2>&1 || true
		rm -rf "${left[@]}"
	fi
	for dir in "${CGROUP_DIRS[@]}"; do
		[ ! -d "$dir" ] || { problems+="cgroup $dir left behind"$'\n'; find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null; }
	done
	! grep -qF -e " $BUNDLE" -e " $HOSTILE_ROOTFS" /proc/self/mountinfo || problems+="a mount under the bundle is left behind"$'\n'
	# A process whose root is the rootfs (same device and inode).
	for p in /proc/[0-9]*; do
		[ ! "$p/root" -ef "$HOSTILE_ROOTFS" ] || problems+="process ${p#/proc/} is left in the rootfs"$'\n'
	done
}

# Checks every case of CLASS; a failing test lists each case that went wrong.
check_class() {
	local class=$1 name cls expected what failures=0 count=0
	shopt -s nullglob
	mapfile -t CGROUP_DIRS <"$BATS_FILE_TMPDIR/cgroup-dirs"
	while IFS=$'\t' read -r name cls expected what; do
		[ "$cls" = "$class" ] || continue
		count=$((count + 1))
		check_case "$name" "$expected"
		if [ -n "$problems" ]; then
			failures=$((failures + 1))
			echo "case $name ($what):" >&2
			while IFS= read -r line; do echo "    $line" >&2; done <<<"${problems%$'\n'}"
		fi
	done <"$HOSTILE_DIR/cases.tsv"
	echo "$class: $count cases, $failures failed" >&2
	[ "$count" -gt 0 ] || fail "no cases of class $class"
	[ "$failures" -eq 0 ]
}

@test "at least 150 hostile configs" {
	[ "$(wc -l <"$HOSTILE_DIR/cases.tsv")" -ge 150 ]
}

@test "hostile: a wrong type in every major field names its JSON path" {
	check_class type
}

@test "hostile: missing fields" {
	check_class missing
}

@test "hostile: traversal in paths" {
	check_class traversal
}

@test "hostile: huge and negative numbers" {
	check_class number
}

@test "hostile: bad seccomp" {
	check_class seccomp
}

@test "hostile: bad capabilities" {
	check_class caps
}

@test "hostile: bad rlimits" {
	check_class rlimits
}

@test "hostile: bad namespaces" {
	check_class namespaces
}

@test "hostile: bad id mappings" {
	check_class idmap
}

@test "hostile: a 50 MB string and deep nesting" {
	check_class big
}

@test "hostile: garbage bytes name config.json and the position" {
	check_class garbage
}

@test "hostile: NUL bytes, numbers beyond 64 bits, a 50 MB value cut in the message" {
	check_class parserfix
}
