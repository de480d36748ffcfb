#!/usr/bin/env bats
# whalebox-lite logs as docker's (issue 17 item 4): -t, --since, --until, -n/--tail, -f.
# --network none always.

load lite-helpers

setup() { setup_lite; }
teardown() { teardown_lite; }

@test "lite-logs: -t prefixes each line with its RFC 3339 nano time; -n/--tail" {
	lite run --name three --network none busybox sh -c 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three'
	[ "$status" -eq 0 ]
	lite logs -t three
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z\ one$ ]]
	[[ "${lines[2]}" == *Z\ three ]]
	lite logs -n 2 three
	[ "$output" = "$(printf 'two\nthree')" ]
	lite logs --tail 1 three
	[ "$output" = three ]
	lite logs --tail all three
	[ "${#lines[@]}" -eq 3 ]
	lite logs -n 0 three
	[ -z "$output" ]
	lite logs --tail bogus three
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid value for \"tail\""* ]]
}

@test "lite-logs: --since and --until take RFC 3339, Unix seconds and relative times" {
	lite run --name tt --network none busybox sh -c 'echo early; sleep 1.2; echo late'
	[ "$status" -eq 0 ]
	log=$LITE_ROOT/containers/$(lite_id tt)/container.log
	late_time=$(jq -r 'select(.log == "late\n") | .time' "$log")
	early_time=$(jq -r 'select(.log == "early\n") | .time' "$log")
	lite logs --since "$late_time" tt
	[ "$output" = late ]
	lite logs --until "$early_time" tt
	[ "$output" = early ]
	# Unix seconds (with a fraction) and the same instant in another zone.
	secs=$(date -d "$late_time" +%s)
	lite logs --since "$((secs + 1))" tt
	[ -z "$output" ]
	lite logs --since "$((secs - 5)).5" tt
	[[ "$output" == *late* ]]
	lite logs --since "$(date -u -d "@$((secs + 3600))" +%Y-%m-%dT%H:%M:%S)+01:00" --until 0s tt
	[[ "$output" == *late* ]]
	[[ "$output" != *early* ]]
	lite logs --since 1h tt
	[ "${#lines[@]}" -eq 2 ]
	lite logs --until 1h tt
	[ -z "$output" ]
	lite logs --since 2000-01-01 --until 2000-01-02T00:00 tt
	[ -z "$output" ]
	lite logs --since yesterday tt
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid value for "since"'* ]]
}

@test "lite-logs: -f follows until the container stops" {
	lite run -d --name ff --network none busybox sh -c 'echo a; sleep 1; echo b; sleep 1; echo c'
	[ "$status" -eq 0 ]
	start=$(date +%s)
	lite logs -f ff
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'a\nb\nc')" ]
	[ $(( $(date +%s) - start )) -ge 1 ]
	# -f with --until in the past returns at once.
	lite run -d --name gg --network none busybox sh -c 'echo x; sleep 30'
	lite logs -f --until 1s gg
	[ "$status" -eq 0 ]
	lite logs -f -n 1 --until 0s gg
	[ "$status" -eq 0 ]
}
