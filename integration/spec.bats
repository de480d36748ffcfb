#!/usr/bin/env bats
# whalebox spec and whalebox features: the starter config.json and the features document.
# WHALEBOX names the binary under test (default: build/whalebox of this tree).

WHALEBOX="${WHALEBOX:-$BATS_TEST_DIRNAME/../build/whalebox}"

setup() {
	BUNDLE="$(mktemp -d "$BATS_TMPDIR/spec.XXXXXX")"
}

teardown() {
	rm -rf "$BUNDLE"
}

@test "spec writes a valid config.json" {
	cd "$BUNDLE"
	run "$WHALEBOX" spec
	[ "$status" -eq 0 ]
	[ -f config.json ]
	[ "$(jq -r .ociVersion config.json)" = "1.2.0" ]
	[ "$(jq -r '.process.args[0]' config.json)" = "sh" ]
	[ "$(jq -r .process.terminal config.json)" = "true" ]
	[ "$(jq -r '[.linux.namespaces[].type] | join(",")' config.json)" = "pid,network,ipc,uts,mount" ]
}

@test "spec --bundle writes into the bundle" {
	run "$WHALEBOX" spec --bundle "$BUNDLE"
	[ "$status" -eq 0 ]
	[ -f "$BUNDLE/config.json" ]
	run "$WHALEBOX" spec -b "$BUNDLE/missing"
	[ "$status" -eq 1 ]
}

@test "spec refuses to overwrite config.json" {
	echo '{}' >"$BUNDLE/config.json"
	run "$WHALEBOX" spec --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ "$output" == *"File config.json exists. Remove it first"* ]]
	[ "$(cat "$BUNDLE/config.json")" = "{}" ]
}

@test "spec --rootless maps the caller and drops the network namespace" {
	run "$WHALEBOX" spec --rootless --bundle "$BUNDLE"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.linux.uidMappings[0].hostID' "$BUNDLE/config.json")" = "$(id -u)" ]
	[ "$(jq -r '.linux.gidMappings[0].hostID' "$BUNDLE/config.json")" = "$(id -g)" ]
	[ "$(jq -r '[.linux.namespaces[].type] | join(",")' "$BUNDLE/config.json")" = "pid,ipc,uts,mount,user" ]
	[ "$(jq -r '.linux.resources' "$BUNDLE/config.json")" = "null" ]
}

@test "spec matches runc spec but for ociVersion" {
	command -v runc >/dev/null || skip "runc not installed"
	for flags in "" "--rootless"; do
		mkdir "$BUNDLE/runc" "$BUNDLE/whalebox"
		runc spec $flags --bundle "$BUNDLE/runc"
		"$WHALEBOX" spec $flags --bundle "$BUNDLE/whalebox"
		diff <(jq 'del(.ociVersion)' "$BUNDLE/runc/config.json") <(jq 'del(.ociVersion)' "$BUNDLE/whalebox/config.json")
		rm -rf "$BUNDLE/runc" "$BUNDLE/whalebox"
	done
}

@test "features prints the features document" {
	run "$WHALEBOX" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ociVersionMin == "1.0.0" and .ociVersionMax == "1.3.0"'
	echo "$output" | jq -e '.linux.namespaces | index("user") != null'
	echo "$output" | jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") != null'
	echo "$output" | jq -e '.linux.seccomp.enabled == true'
	echo "$output" | jq -e '.annotations["io.github.seccomp.libseccomp.version"] | length > 0'
}
