#!/usr/bin/env bats
# whalebox-lite with docker's habits (issue 17): exit codes, messages, image references,
# sizes. Real containers, as root; each test has its own --root; --network none always.

load lite-helpers

setup() { setup_lite; }
teardown() { teardown_lite; }

@test "lite-habits: exit codes as docker's: run 125/126/127, exec 126/127, other commands 1" {
	lite run --network none nosuchimage true
	[ "$status" -eq 125 ]
	lite run --rm --network none busybox nosuchcommand
	[ "$status" -eq 127 ]
	[[ "$output" == *'executable file not found in $PATH'* ]]
	lite run --rm --network none busybox /etc/passwd
	[ "$status" -eq 126 ]
	lite run --rm --network none busybox sh -c 'exit 7'
	[ "$status" -eq 7 ]
	lite logs nosuch
	[ "$status" -eq 1 ]
	[ "$output" = "Error: No such container: nosuch" ]
	lite rmi nosuch
	[ "$status" -eq 1 ]
	lite inspect nosuch
	[ "$status" -eq 1 ]
	lite run -d --name box --network none busybox sleep 1000
	[ "$status" -eq 0 ]
	lite exec box nosuchcommand
	[ "$status" -eq 127 ]
	lite exec box /etc/passwd
	[ "$status" -eq 126 ]
	lite exec box sh -c 'exit 5'
	[ "$status" -eq 5 ]
	lite exec nosuch true
	[ "$status" -eq 1 ]
}

@test "lite-habits: unknown flags and commands read as docker's" {
	lite run --bogus --network none busybox true
	[ "$status" -eq 125 ]
	[ "${lines[0]}" = "unknown flag: --bogus" ]
	[ "${lines[1]}" = "See 'whalebox-lite run --help'." ]
	lite ps -z
	[ "$status" -eq 125 ]
	[ "${lines[0]}" = "unknown shorthand flag: 'z' in -z" ]
	[ "${lines[1]}" = "See 'whalebox-lite ps --help'." ]
	lite frobnicate
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "whalebox-lite: 'frobnicate' is not a whalebox-lite command." ]
	# Flags the command knows still work, before and after its arguments.
	lite run --rm --network none -e A=1 busybox sh -c 'echo $A'
	[ "$output" = 1 ]
}

@test "lite-habits: image references follow docker's grammar" {
	lite import "$LITE_DIR/busybox.tar" Bad:Name:x
	[ "$status" -eq 1 ]
	[ "$output" = "Error: invalid reference format" ]
	lite import "$LITE_DIR/busybox.tar" UPPER
	[ "$status" -eq 1 ]
	[[ "$output" == *"repository name (UPPER) must be lowercase"* ]]
	lite run --rm --network none Bad:Name:x true
	[ "$status" -eq 125 ]
	[ "$output" = "Error: invalid reference format" ]
	for good in a.b/c_d:1.0 localhost:5000/team/app:v-2 registry.example.com/x__y--z:latest; do
		lite import "$LITE_DIR/busybox.tar" "$good"
		[ "$status" -eq 0 ]
	done
	lite images
	[[ "$output" == *"localhost:5000/team/app "*"v-2 "* ]]
}

@test "lite-habits: images SIZE counts layers a load shares with an image already there" {
	lite_mkimage docker "$LITE_DIR/save.tar" layered:v1
	# Alone in a fresh root...
	other=(--root "$LITE_DIR/other" --state-root "$LITE_DIR/other-state")
	"$WHALEBOX_LITE" "${other[@]}" load -i "$LITE_DIR/save.tar" >/dev/null
	alone=$("$WHALEBOX_LITE" "${other[@]}" images | awk '$1 == "layered" { print $NF }')
	# ...and next to busybox, whose layer (the same bytes) it shares.
	lite load -i "$LITE_DIR/save.tar"
	[ "$status" -eq 0 ]
	shared=$(__lite images | awk '$1 == "layered" { print $NF }')
	bb=$(__lite images | awk '$1 == "busybox" { print $NF }')
	[ -n "$alone" ]
	[ "$shared" = "$alone" ]
	[ "$shared" != "$bb" ]
}

@test "lite-habits: tag, rename, wait, version" {
	lite tag busybox mybox:1
	[ "$status" -eq 0 ]
	lite images
	[[ "$output" == *"mybox "*"1 "* && "$output" == *"busybox "*"latest "* ]]
	lite tag busybox Bad:Name:x
	[ "$status" -eq 1 ]
	lite run -d --name first --network none busybox sh -c 'sleep 1; exit 3'
	lite rename first second
	[ "$status" -eq 0 ]
	lite wait second
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
	lite ps -a
	[[ "$output" == *" second"* && "$output" != *" first"* ]]
	lite rename second "bad name"
	[ "$status" -eq 1 ]
	lite version
	[ "$status" -eq 0 ]
	[[ "$output" == *"Version:"* ]]
}

@test "lite-habits: run --restart without -d stays attached to the first run; the monitor restarts" {
	lite run --name fail --network none --restart on-failure:2 busybox sh -c 'echo run; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = run ]
	wait_status fail 15 'Exited \(3\)'
	[ "$(__lite logs fail | grep -c run)" -eq 3 ]
	[ "$(jq .lifecycle.restartCount "$LITE_ROOT/containers/$(lite_id fail)/container.json")" -eq 2 ]
	# -i: our stdin is the first run's; its end is the container's end of input.
	printf 'hello\n' >"$LITE_DIR/in"
	out=$(mktemp "$LITE_DIR/output.XXXXXX")
	st=0
	timeout -s KILL 30 nsenter --net="$LITE_NETNS" "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" \
		run -i --name cat --network none \
		--restart on-failure:1 busybox sh -c 'test -e /ran && exit 2; touch /ran; cat; exit 2' <"$LITE_DIR/in" >"$out" 2>&1 || st=$?
	[ "$st" -eq 2 ]
	[ "$(cat "$out")" = hello ]
	wait_status cat 15 'Exited \(2\)'
	[ "$(jq .lifecycle.restartCount "$LITE_ROOT/containers/$(lite_id cat)/container.json")" -eq 1 ]
	# -it: the container's terminal is ours until its first run exits; then it runs again.
	which script >/dev/null || skip "needs script(1)"
	cmd="nsenter --net=$LITE_NETNS $WHALEBOX_LITE --root $LITE_ROOT --state-root $LITE_STATE"
	st=0
	(sleep 1; printf 'echo a""b\r'; sleep 0.5; printf 'exit 4\r'; sleep 1) |
		timeout 15 script -qec "$cmd run -it --name term --network none --restart on-failure:1 busybox sh" /dev/null \
			>"$LITE_DIR/term.out" || st=$?
	[ "$st" -eq 4 ]
	grep -q ab "$LITE_DIR/term.out"
	wait_status term 5 '^.*Up '
}
