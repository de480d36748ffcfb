#!/usr/bin/env bats
# whalebox-lite: the commands docker users reach for (issue 17, item 5): create, top,
# stats, pause/unpause, cp, attach, history, save, info, container/image prune, system df.
# Real containers, as root; each test has its own --root; --network none always.

load lite-helpers

setup() { setup_lite; }
teardown() { teardown_lite; }

@test "lite-commands: create makes a container that start starts" {
	lite create --name made --network none busybox sh -c 'echo made-output; sleep 1000'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^[0-9a-f]{64}$ ]]
	lite ps -a
	[[ "$output" == *"Created"*"made"* ]]
	lite ps -q
	[ -z "$output" ]
	lite start made
	[ "$status" -eq 0 ]
	lite ps
	[[ "$output" == *"Up "*"made"* ]]
	sleep 0.5
	lite logs made
	[[ "$output" == *made-output* ]]
	lite create --network none nosuchimage
	[ "$status" -eq 125 ]
}

@test "lite-commands: top lists the container's processes" {
	lite run -d --name box --network none busybox sleep 1000
	[ "$status" -eq 0 ]
	lite top box
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "UID "*"PID"*"PPID"*"CMD"* ]]
	[[ "$output" == *"sleep 1000"* ]]
	lite stop -t 0 box
	lite top box
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not running"* ]]
}

@test "lite-commands: stats --no-stream shows CPU %, MEM USAGE / LIMIT and PIDS from the cgroup" {
	lite run -d --name box -m 64m --network none busybox sh -c 'sleep 1000 & sleep 1000; echo'
	[ "$status" -eq 0 ]
	lite stats --no-stream box
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "CONTAINER ID"*"NAME"*"CPU %"*"MEM USAGE / LIMIT"*"MEM %"*"PIDS"* ]]
	[[ "${lines[1]}" == *box* ]]
	[[ "${lines[1]}" == *"/ 64MiB"* ]]
	lite stats --no-stream --format '{{.Name}} {{.PIDs}}' box
	[ "$output" = "box 3" ]
	lite stats --no-stream
	[ "${#lines[@]}" -eq 2 ]
}

@test "lite-commands: pause freezes and unpause thaws" {
	lite run -d --name box --network none busybox sleep 1000
	lite pause box
	[ "$status" -eq 0 ]
	[ "$output" = box ]
	lite ps
	[[ "$output" == *"(Paused)"* ]]
	lite pause box
	[ "$status" -eq 1 ]
	[[ "$output" == *"already paused"* ]]
	lite info --format '{{.ContainersPaused}}'
	[ "$output" = 1 ]
	lite unpause box
	[ "$status" -eq 0 ]
	lite exec box true
	[ "$status" -eq 0 ]
	lite unpause box
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not paused"* ]]
}

@test "lite-commands: cp copies files and directories both ways, running or stopped" {
	lite run -d --name box --network none busybox sh -c 'mkdir -p /data/sub; echo inside >/data/sub/f; ln -s /etc/passwd /data/link; sleep 1000'
	[ "$status" -eq 0 ]
	sleep 0.3
	lite cp box:/data/sub/f "$LITE_DIR/f"
	[ "$status" -eq 0 ]
	[ "$(cat "$LITE_DIR/f")" = inside ]
	lite cp box:/data "$LITE_DIR/"
	[ "$status" -eq 0 ]
	[ "$(cat "$LITE_DIR/data/sub/f")" = inside ]
	[ "$(readlink "$LITE_DIR/data/link")" = /etc/passwd ]
	mkdir -p "$LITE_DIR/up/deep"
	echo outside >"$LITE_DIR/up/deep/g"
	chmod 0751 "$LITE_DIR/up/deep/g"
	lite cp "$LITE_DIR/up" box:/tmp
	[ "$status" -eq 0 ]
	lite exec box stat -c %a /tmp/up/deep/g
	[ "$output" = 751 ]
	lite cp "$LITE_DIR/f" box:/renamed
	lite exec box cat /renamed /tmp/up/deep/g
	[ "$output" = "inside
outside" ]
	# A symlink in the container never leads out of its rootfs.
	lite exec box ln -s / /escape
	lite cp "$LITE_DIR/f" box:/escape/tmp/
	[ "$status" -eq 0 ]
	[ ! -e /tmp/f ] || [ "$(cat /tmp/f)" != inside ]
	lite exec box cat /tmp/f
	[ "$output" = inside ]
	lite cp box:/nosuch "$LITE_DIR/x"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Could not find the file /nosuch"* ]]
	lite stop -t 0 box
	lite cp box:/renamed "$LITE_DIR/stopped"
	[ "$status" -eq 0 ]
	[ "$(cat "$LITE_DIR/stopped")" = inside ]
	lite cp "$LITE_DIR/up/deep/g" box:/stopped-in
	[ "$status" -eq 0 ]
	lite start box
	lite exec box cat /stopped-in
	[ "$output" = outside ]
}

@test "lite-commands: cp - streams a tar" {
	lite run -d --name box --network none busybox sleep 1000
	lite exec box sh -c 'mkdir /d; echo x >/d/one'
	__lite cp box:/d - >"$LITE_DIR/d.tar"
	tar -tf "$LITE_DIR/d.tar" | grep -q one
	mkdir "$LITE_DIR/src" && echo two >"$LITE_DIR/src/two"
	tar -C "$LITE_DIR/src" -c . | in_test_netns "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" cp - box:/d
	lite exec box cat /d/two
	[ "$output" = two ]
}

@test "lite-commands: attach follows a running container's output until it exits" {
	lite run -d --name box --network none busybox sh -c 'echo before; sleep 2; echo after; exit 3'
	sleep 0.5
	lite attach box
	[ "$status" -eq 3 ]
	[[ "$output" == *after* ]]
	[[ "$output" != *before* ]]
	lite attach box
	[ "$status" -eq 1 ]
}

# whalebox-lite with the test's roots, stdin from $1 (a file), all output in $output
# (killed after 30 seconds: an attach that never ends fails the test).
lite_with_input() {
	local input=$1 out
	shift
	out=$(mktemp "$LITE_DIR/output.XXXXXX")
	status=0
	timeout -s KILL 30 nsenter --net="$LITE_NETNS" "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" \
		"$@" <"$input" >"$out" 2>&1 || status=$?
	output=$(cat "$out")
	echo "whalebox-lite $* <$input (status=$status): $output" >&2
}

@test "lite-commands: attach sends our stdin to a -i container (--no-stdin does not)" {
	lite run -di --name box --network none busybox sh -c 'read line; echo "got $line"; exit 3'
	[ "$status" -eq 0 ]
	lite run -di --name quiet --network none busybox sh -c 'read line; echo "got $line"'
	# --no-stdin: output only; the container still waits for its line.
	echo ignored >"$LITE_DIR/in"
	out=$(mktemp "$LITE_DIR/output.XXXXXX")
	st=0
	# (KILL: attach passes TERM on to the container, whose sh, as PID 1, ignores it.)
	timeout -s KILL 2 nsenter --net="$LITE_NETNS" "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" \
		attach --no-stdin quiet <"$LITE_DIR/in" >"$out" 2>&1 || st=$?
	[ "$st" -eq 137 ]
	! grep -q got "$out"
	# The line goes to the container, its answer comes back, attach returns its status.
	mkfifo "$LITE_DIR/fifo"
	(echo hello; sleep 3) >"$LITE_DIR/fifo" &
	lite_with_input "$LITE_DIR/fifo" attach box
	[ "$status" -eq 3 ]
	[ "$output" = "got hello" ]
	lite logs box
	[ "$output" = "got hello" ]
	lite attach box
	[ "$status" -eq 1 ]
	[[ "$output" == *"You cannot attach to a stopped container"* ]]
}

@test "lite-commands: attach to a -t container: its terminal, Ctrl-P Ctrl-Q and --detach-keys detach" {
	which script >/dev/null || skip "needs script(1)"
	lite run -dit --name term --network none busybox sh
	[ "$status" -eq 0 ]
	cmd="nsenter --net=$LITE_NETNS $WHALEBOX_LITE --root $LITE_ROOT --state-root $LITE_STATE"
	# Not a terminal: refused, as docker's.
	echo ls >"$LITE_DIR/in"
	lite_with_input "$LITE_DIR/in" attach term
	[ "$status" -eq 1 ]
	[[ "$output" == *"the input device is not a TTY"* ]]
	# Ctrl-P Ctrl-Q detaches (exit 0); the container keeps running.
	st=0
	(sleep 1; printf 'echo one""two\r'; sleep 0.5; printf '\020\021'; sleep 2) |
		timeout 10 script -qec "$cmd attach term" /dev/null >"$LITE_DIR/detach.out" || st=$?
	[ "$st" -eq 0 ]
	grep -q onetwo "$LITE_DIR/detach.out"
	wait_status term 2 '^.*Up '
	# --detach-keys; then the shell's exit ends the attach with its status.
	st=0
	(sleep 1; printf '\030'; sleep 2) | timeout 10 script -qec "$cmd attach --detach-keys ctrl-x term" /dev/null || st=$?
	[ "$st" -eq 0 ]
	wait_status term 2 '^.*Up '
	st=0
	(sleep 1; printf 'exit 5\r'; sleep 2) | timeout 10 script -qec "$cmd attach term" /dev/null || st=$?
	[ "$st" -eq 5 ]
	wait_status term 5 'Exited \(5\)'
}

@test "lite-commands: attach passes the signals it gets on (--sig-proxy)" {
	lite run -d --name trap --network none busybox sh -c 'trap "echo caught; exit 7" TERM; echo ready; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	# (nsenter execs whalebox-lite: $! is the attach.)
	nsenter --net="$LITE_NETNS" "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" attach trap \
		>"$LITE_DIR/attach.out" 2>&1 &
	pid=$!
	sleep 1
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 7 ]
	grep -q caught "$LITE_DIR/attach.out"
}

@test "lite-commands: start -a and start -ai attach from the start" {
	lite create --name once --network none busybox sh -c 'echo from-start; exit 4'
	lite start -a once
	[ "$status" -eq 4 ]
	[ "$output" = from-start ]
	lite create -i --name cat --network none busybox cat
	printf 'meow\n' >"$LITE_DIR/in"
	# Our end of input is the container's (cat ends).
	lite_with_input "$LITE_DIR/in" start -ai cat
	[ "$status" -eq 0 ]
	[ "$output" = meow ]
	lite start -a once cat
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start and attach multiple containers"* ]]
}

@test "lite-commands: stats streams until the container is gone; --no-stream is one sample" {
	lite run -d --name box --network none busybox sleep 1000
	lite run -d --name short --network none busybox sleep 3
	st=0
	timeout 3 nsenter --net="$LITE_NETNS" "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" \
		stats box >"$LITE_DIR/stats.out" 2>&1 || st=$?
	[ "$st" -eq 124 ]
	[ "$(grep -c '^CONTAINER ID' "$LITE_DIR/stats.out")" -ge 2 ]
	[ "$(grep -c ' box ' "$LITE_DIR/stats.out")" -ge 2 ]
	timeout 3 nsenter --net="$LITE_NETNS" "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" \
		stats --format '{{.Name}}: {{.PIDs}}' box >"$LITE_DIR/format.out" 2>&1 || true
	[ "$(grep -c '^box: 1$' "$LITE_DIR/format.out")" -ge 2 ]
	# It ends by itself once the containers it shows are gone (on a terminal: redrawn).
	which script >/dev/null || skip "needs script(1)"
	cmd="nsenter --net=$LITE_NETNS $WHALEBOX_LITE --root $LITE_ROOT --state-root $LITE_STATE"
	st=0
	timeout 15 script -qec "$cmd stats short" /dev/null >"$LITE_DIR/tty.out" || st=$?
	[ "$st" -eq 0 ]
	grep -q $'\e\[2J' "$LITE_DIR/tty.out"
	grep -q short "$LITE_DIR/tty.out"
}

@test "lite-commands: history shows the image's layers" {
	lite history busybox
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "IMAGE"*"CREATED"*"CREATED BY"*"SIZE"*"COMMENT" ]]
	[[ "${lines[1]}" == *"Imported from"* ]]
	lite run --name box --network none busybox sh -c 'echo hi >/hi'
	lite commit box withhi
	lite history withhi
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[1]}" == *"sh -c echo hi >/hi"* ]]
	[[ "${lines[2]}" == "<missing>"* ]]
	lite history -q withhi
	[ "${#lines[@]}" -eq 2 ]
}

@test "lite-commands: save writes a docker-save archive that load reads back" {
	lite run --name box --network none busybox sh -c 'echo saved >/saved; rm /bin/true'
	lite commit box saveme:v1
	lite rm box
	lite save -o "$LITE_DIR/saved.tar" saveme:v1
	[ "$status" -eq 0 ]
	tar -tf "$LITE_DIR/saved.tar" | grep -q manifest.json
	tar -tf "$LITE_DIR/saved.tar" | grep -q repositories
	[ "$(tar -tf "$LITE_DIR/saved.tar" | grep -c 'layer.tar$')" -eq 2 ]
	tar -xOf "$LITE_DIR/saved.tar" --wildcards '*manifest.json' | grep -q '"RepoTags":\["saveme:v1"\]'
	lite rmi saveme:v1
	lite load -i "$LITE_DIR/saved.tar"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Loaded image: saveme:v1"* ]]
	lite run --rm --network none saveme:v1 sh -c 'cat /saved; test -e /bin/true || echo whiteout-kept'
	[ "$output" = "saved
whiteout-kept" ]
	__lite save busybox >"$LITE_DIR/stdout.tar"
	tar -tf "$LITE_DIR/stdout.tar" | grep -q manifest.json
	lite history saveme:v1
	[[ "$output" == *"echo saved"* ]]
}

@test "lite-commands: info, system df, container prune and image prune" {
	lite info
	[ "$status" -eq 0 ]
	[[ "$output" == *"Containers: 0"* ]]
	[[ "$output" == *"Images: 1"* ]]
	[[ "$output" == *"Cgroup Version: "* ]]
	lite run -d --name up --network none busybox sleep 1000
	lite run --name gone --network none busybox sh -c 'echo x >/x'
	lite system df
	[[ "${lines[0]}" == "TYPE"*"TOTAL"*"ACTIVE"*"SIZE"*"RECLAIMABLE" ]]
	[[ "${lines[1]}" == "Images"*" 1 "*" 1 "* ]]
	[[ "${lines[2]}" == "Containers"*" 2 "*" 1 "* ]]
	lite container prune -f
	[ "$status" -eq 0 ]
	[[ "$output" == *"Deleted Containers:"* ]]
	[[ "$output" == *"Total reclaimed space:"* ]]
	lite ps -a --format '{{.Names}}'
	[ "$output" = up ]
	lite run --name c2 --network none busybox true
	lite commit c2
	lite rm c2
	lite images -q
	[ "${#lines[@]}" -eq 2 ]
	lite image prune -f
	[[ "$output" == *"deleted: sha256:"* ]]
	lite images -q
	[ "${#lines[@]}" -eq 1 ]
	lite image prune -a -f
	lite images -q
	[ "${#lines[@]}" -eq 1 ]  # busybox is used by "up"
}

@test "lite-commands: a progress line for save, export and commit on a terminal only" {
	which script >/dev/null || skip "needs script(1)"
	lite run --name box --network none busybox sh -c 'head -c 300000 /dev/urandom >/blob'
	# Not a terminal: nothing on stderr.
	__lite save -o "$LITE_DIR/quiet.tar" busybox 2>"$LITE_DIR/quiet.err"
	[ ! -s "$LITE_DIR/quiet.err" ]
	# A terminal (script gives the command a pty): the bytes written, per layer.
	cmd="nsenter --net=$LITE_NETNS $WHALEBOX_LITE --root $LITE_ROOT --state-root $LITE_STATE"
	script -qec "$cmd save -o $LITE_DIR/tty.tar busybox" /dev/null >"$LITE_DIR/save.out"
	grep -q 'Saving layer 1/1: ' "$LITE_DIR/save.out"
	script -qec "$cmd commit box withblob" /dev/null >"$LITE_DIR/commit.out"
	grep -q 'Committing the write layer: ' "$LITE_DIR/commit.out"
	script -qec "$cmd export -o $LITE_DIR/e.tar box" /dev/null >"$LITE_DIR/export.out"
	grep -q 'Exporting: ' "$LITE_DIR/export.out"
	script -qec "$cmd import $LITE_DIR/busybox.tar again" /dev/null >"$LITE_DIR/import.out"
	grep -q 'Importing: ' "$LITE_DIR/import.out"
	script -qec "$cmd load -i $LITE_DIR/tty.tar" /dev/null >"$LITE_DIR/load.out"
	grep -q 'Reading archive: ' "$LITE_DIR/load.out"
}

@test "lite-commands: bash completion for whalebox-lite and whalebox" {
	source "$LITE_REPO/completion/whalebox-lite.bash"
	source "$LITE_REPO/completion/whalebox.bash"
	lite run -d --name compbox --network none busybox sleep 1000
	COMP_WORDS=(whalebox-lite sta)
	COMP_CWORD=1
	_whalebox_lite
	[ "${COMPREPLY[*]}" = "start stats" ]
	COMP_WORDS=(whalebox-lite volume pr)
	COMP_CWORD=2
	_whalebox_lite
	[ "${COMPREPLY[*]}" = "prune" ]
	# Flags from the command's --help; names from ps with the line's --root.
	COMP_WORDS=("$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" ps --fil)
	COMP_CWORD=6
	_whalebox_lite
	[ "${COMPREPLY[*]}" = "--filter" ]
	COMP_WORDS=("$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" stop comp)
	COMP_CWORD=6
	_whalebox_lite
	[ "${COMPREPLY[*]}" = "compbox" ]
	COMP_WORDS=("$WHALEBOX_LITE" --root "$LITE_ROOT" run busy)
	COMP_CWORD=4
	_whalebox_lite
	[ "${COMPREPLY[*]}" = "busybox:latest" ]
	COMP_WORDS=(whalebox che)
	COMP_CWORD=1
	_whalebox
	[ "${COMPREPLY[*]}" = "checkpoint" ]
	COMP_WORDS=(whalebox --log-format t)
	COMP_CWORD=2
	_whalebox
	[ "${COMPREPLY[*]}" = "text" ]
}

@test "lite-commands: help for every new command" {
	for cmd in create top stats pause unpause attach cp history save info "container prune" "image prune" "system df"; do
		"$WHALEBOX_LITE" $cmd --help | grep -q "Usage"
	done
}

@test "lite-commands: run --expose; commit keeps ExposedPorts and -P publishes them" {
	lite run --name src --network none --expose 8080 --expose 53/udp --expose 9000-9001 busybox true
	[ "$status" -eq 0 ]
	lite inspect -f '{{json .Config.ExposedPorts}}' src
	echo "$output" | jq -e '. == {"53/udp": {}, "8080/tcp": {}, "9000/tcp": {}, "9001/tcp": {}}'
	lite commit src exposed:1
	[ "$status" -eq 0 ]
	lite inspect -f '{{json .Config.ExposedPorts}}' exposed:1
	echo "$output" | jq -e '. == {"53/udp": {}, "8080/tcp": {}, "9000/tcp": {}, "9001/tcp": {}}'
	# The default bridge, in the test's own network namespace.
	lite run -d --name pub -P exposed:1 sleep 1000
	[ "$status" -eq 0 ]
	lite port pub
	[ "${#lines[@]}" -eq 4 ]
	[[ "$output" == *"8080/tcp -> 0.0.0.0:"* ]]
	[[ "$output" == *"53/udp -> 0.0.0.0:"* ]]
	lite run --rm --network none --expose 80/bogus busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"invalid proto: bogus"* ]]
	lite run --rm --network none --expose 90-80 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"invalid range format for --expose: 90-80"* ]]
}

# Waits up to 5 seconds until `test -e PATH` holds in container $1.
wait_in_container() {
	local i
	for i in $(seq 1 50); do
		__lite exec "$1" sh -c "test -e $2" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

@test "lite-commands: cp sees the container's volumes and bind mounts; modes, mtimes, owners (-a) and -L as docker's" {
	mkdir "$LITE_DIR/bind"
	lite run -d --name box --network none -v vol:/vol -v "$LITE_DIR/bind:/bind" -v rovol:/ro:ro busybox \
		sh -c 'echo in-volume >/vol/v; chown 123:456 /vol/v; chmod 604 /vol/v; touch -t 200102030405.06 /vol/v; ln -s /vol/v /vol/link; sleep 1000'
	[ "$status" -eq 0 ]
	wait_in_container box /vol/link
	lite exec box stat -c %Y /vol/v
	mtime=$output
	# Out of a named volume: its file, mode and mtime; the caller's owners unless -a.
	lite cp box:/vol/v "$LITE_DIR/v"
	[ "$status" -eq 0 ]
	[ "$(cat "$LITE_DIR/v")" = in-volume ]
	[ "$(stat -c '%u:%g %a %Y' "$LITE_DIR/v")" = "0:0 604 $mtime" ]
	lite cp -a box:/vol/v "$LITE_DIR/va"
	[ "$(stat -c %u:%g "$LITE_DIR/va")" = 123:456 ]
	# A symlink is copied as itself; -L copies what it points to, resolved in the container.
	lite cp box:/vol/link "$LITE_DIR/l"
	[ "$(readlink "$LITE_DIR/l")" = /vol/v ]
	lite cp -L box:/vol/link "$LITE_DIR/lf"
	[ ! -L "$LITE_DIR/lf" ]
	[ "$(cat "$LITE_DIR/lf")" = in-volume ]
	# In: the container's root owns the copy by default, -a keeps the host's ids; mode and
	# mtime kept; the data lands in the volume and the bind mount.
	echo host >"$LITE_DIR/h"
	chown 321:654 "$LITE_DIR/h"
	chmod 640 "$LITE_DIR/h"
	touch -d '2001-02-03 04:05:06' "$LITE_DIR/h"
	lite cp "$LITE_DIR/h" box:/vol/h
	[ "$status" -eq 0 ]
	lite cp -a "$LITE_DIR/h" box:/bind/ha
	[ "$status" -eq 0 ]
	lite exec box stat -c '%u:%g %a %Y' /vol/h /bind/ha
	[ "${lines[0]}" = "0:0 640 $(stat -c %Y "$LITE_DIR/h")" ]
	[ "${lines[1]}" = "321:654 640 $(stat -c %Y "$LITE_DIR/h")" ]
	[ "$(cat "$LITE_ROOT/volumes/vol/_data/h")" = host ]
	[ "$(cat "$LITE_DIR/bind/ha")" = host ]
	# A read-only volume stays read-only.
	lite cp "$LITE_DIR/h" box:/ro/h
	[ "$status" -eq 1 ]
	[ ! -e "$LITE_ROOT/volumes/rovol/_data/h" ]
	# Stopped, the volumes are still what cp sees; nothing stays mounted on the host.
	lite stop -t 0 box
	lite cp box:/vol/h "$LITE_DIR/h2"
	[ "$(cat "$LITE_DIR/h2")" = host ]
	lite cp "$LITE_DIR/h" box:/vol/stopped
	[ "$status" -eq 0 ]
	[ "$(cat "$LITE_ROOT/volumes/vol/_data/stopped")" = host ]
	! grep -q "$LITE_DIR/root/containers" /proc/self/mountinfo
}

@test "lite-commands: cp under --userns shifts owners into and out of the container's range" {
	chmod 711 "$LITE_DIR"  # the container's root must reach its rootfs (mktemp made it 0700)
	# Made where /etc/subuid has the range, started here: its overlay is mounted in our
	# mount namespace, not in lite_remapped's, which goes.
	lite_remapped create --name ubox --network none --userns remap -v uvol:/vol busybox \
		sh -c 'echo x >/vol/f; echo y >/f; chown 7:8 /f; sleep 1000'
	[ "$status" -eq 0 ]
	lite start ubox
	[ "$status" -eq 0 ]
	wait_in_container ubox /vol/f
	echo host >"$LITE_DIR/h"
	chown 321:654 "$LITE_DIR/h"
	lite cp "$LITE_DIR/h" ubox:/h
	[ "$status" -eq 0 ]
	lite cp "$LITE_DIR/h" ubox:/vol/h
	[ "$status" -eq 0 ]
	lite cp -a "$LITE_DIR/h" ubox:/ha
	[ "$status" -eq 0 ]
	lite exec ubox stat -c %u:%g /h /vol/h /ha
	[ "$(echo $output)" = "0:0 0:0 321:654" ]
	# On disk the ids stay unshifted, as everything the container writes.
	[ "$(stat -c %u:%g "$LITE_ROOT/volumes/uvol/_data/h")" = 0:0 ]
	lite cp -a ubox:/f "$LITE_DIR/f"
	[ "$(stat -c %u:%g "$LITE_DIR/f")" = 7:8 ]
	lite cp -a ubox:/vol/f "$LITE_DIR/vf"
	[ "$(cat "$LITE_DIR/vf")" = x ]
	[ "$(stat -c %u:%g "$LITE_DIR/vf")" = 0:0 ]
	# The tar streams carry the container's ids.
	__lite cp ubox:/vol - | tar -tv --numeric-owner -f - | grep -E ' 0/0 .* (\./)?f$'
	mkdir "$LITE_DIR/src"
	echo t >"$LITE_DIR/src/t"
	chown 5:6 "$LITE_DIR/src/t"
	tar -C "$LITE_DIR/src" --numeric-owner -c . | in_test_netns "$WHALEBOX_LITE" --root "$LITE_ROOT" --state-root "$LITE_STATE" cp - ubox:/vol
	lite exec ubox stat -c %u:%g /vol/t
	[ "$output" = 5:6 ]
	[ "$(stat -c %u:%g "$LITE_ROOT/volumes/uvol/_data/t")" = 5:6 ]
}
