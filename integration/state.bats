#!/usr/bin/env bats
# state and features output against the OCI schemas; spec against runc spec.

load helpers

setup() {
	setup_bundle
	"$PYTHON" -c 'import jsonschema' 2>/dev/null || skip "needs python3-jsonschema for $PYTHON"
}

teardown() {
	teardown_bundle
}

@test "state of a created container is valid against state-schema.json" {
	wb create test_state
	[ "$status" -eq 0 ]
	wb state test_state
	[ "$status" -eq 0 ]
	echo "$output" >"$TEST_DIR/state.json"
	validate_json "$TEST_DIR/state.json" state-schema.json
	[ "$(jq -r .id <<<"$output")" = test_state ]
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
	[ "$(jq -r .ociVersion <<<"$output")" = "$(jq -r .ociVersion config.json)" ]
	pid=$(jq .pid <<<"$output")
	[ "$pid" -gt 0 ]
	kill -0 "$pid"
}

@test "state of a running and of a stopped container is valid too" {
	wb run -d test_state
	[ "$status" -eq 0 ]
	wb state test_state
	echo "$output" >"$TEST_DIR/running.json"
	validate_json "$TEST_DIR/running.json" state-schema.json
	[ "$(jq -r .status "$TEST_DIR/running.json")" = running ]

	wb kill test_state KILL
	wait_for_status test_state stopped
	wb state test_state
	echo "$output" >"$TEST_DIR/stopped.json"
	validate_json "$TEST_DIR/stopped.json" state-schema.json
	[ "$(jq .pid "$TEST_DIR/stopped.json")" -eq 0 ]
}

@test "state carries the annotations of config.json" {
	update_config '.annotations = {"org.example.key": "value", "other": "1"}'
	wb create test_state
	[ "$status" -eq 0 ]
	wb state test_state
	echo "$output" >"$TEST_DIR/state.json"
	validate_json "$TEST_DIR/state.json" state-schema.json
	[ "$(jq -c .annotations "$TEST_DIR/state.json")" = '{"org.example.key":"value","other":"1"}' ]
}

@test "state has runc's extra fields: rootfs, created, owner" {
	wb create test_state
	wb state test_state
	[ "$(jq -r .rootfs <<<"$output")" = "$(readlink -f "$BUNDLE/rootfs")" ]
	[[ "$(jq -r .created <<<"$output")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]
	jq -e 'has("owner")' <<<"$output" >/dev/null
}

@test "state of a missing container fails" {
	wb state nosuchcontainer
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "list --format json entries are valid states" {
	wb create test_state
	wb list --format json
	[ "$status" -eq 0 ]
	jq '.[0]' <<<"$output" >"$TEST_DIR/entry.json"
	validate_json "$TEST_DIR/entry.json" state-schema.json
}

@test "features is valid against features-schema.json" {
	wb features
	[ "$status" -eq 0 ]
	echo "$output" >"$TEST_DIR/features.json"
	validate_json "$TEST_DIR/features.json" features-schema.json
	# The namespaces and mount options it claims are the ones the tests use.
	for ns in pid network ipc uts mount user cgroup; do
		jq -e --arg ns "$ns" '.linux.namespaces | index($ns)' "$TEST_DIR/features.json" >/dev/null ||
			fail "features does not list namespace $ns"
	done
	jq -e '.mountOptions | index("rbind") and index("nosuid")' "$TEST_DIR/features.json" >/dev/null
}

@test "spec writes the same config as runc spec" {
	command -v runc >/dev/null || skip "runc is not installed"
	mkdir "$TEST_DIR/ours" "$TEST_DIR/runcs"
	wb spec --bundle "$TEST_DIR/ours"
	[ "$status" -eq 0 ]
	(cd "$TEST_DIR/runcs" && runc spec)
	diff <(jq -S 'del(.ociVersion)' "$TEST_DIR/ours/config.json") \
		<(jq -S 'del(.ociVersion)' "$TEST_DIR/runcs/config.json")
	validate_json "$TEST_DIR/ours/config.json" config-schema.json
}

@test "spec --rootless writes the same config as runc spec --rootless" {
	command -v runc >/dev/null || skip "runc is not installed"
	mkdir "$TEST_DIR/ours" "$TEST_DIR/runcs"
	(cd "$TEST_DIR/ours" && "$WHALEBOX" spec --rootless)
	(cd "$TEST_DIR/runcs" && runc spec --rootless)
	diff <(jq -S 'del(.ociVersion)' "$TEST_DIR/ours/config.json") \
		<(jq -S 'del(.ociVersion)' "$TEST_DIR/runcs/config.json")
	validate_json "$TEST_DIR/ours/config.json" config-schema.json
}

@test "spec in the current directory, and it refuses to overwrite" {
	mkdir "$TEST_DIR/spec"
	cd "$TEST_DIR/spec"
	wb spec
	[ "$status" -eq 0 ]
	[ -s config.json ]
	cp config.json config.first
	echo '{"changed": true}' >config.json
	wb spec
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json exists"* ]]
	[ "$(cat config.json)" = '{"changed": true}' ]
}

@test "a generated spec, with a rootfs, runs" {
	mkdir "$TEST_DIR/gen"
	cd "$TEST_DIR/gen"
	wb spec
	[ "$status" -eq 0 ]
	ln -s "$BUSYBOX_BUNDLE/rootfs" rootfs
	# runc's spec wants a terminal and no cgroupsPath; adapt it to a test.
	update_config --arg cg "$(test_cgroup)/gen" '.process.terminal = false | .process.args = ["true"] | .linux.cgroupsPath = $cg'
	wb run test_gen
	[ "$status" -eq 0 ]
}
