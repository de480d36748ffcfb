#!/usr/bin/env bats
# whalebox-lite volumes as docker's (issue 17): a host file, named and anonymous volumes,
# volume create/ls/inspect/rm/prune, rm -v, --mount. --network none always.

load lite-helpers

setup() { setup_lite; }
teardown() { teardown_lite; }

@test "lite-volumes: -v of a single host file; a relative host path is refused" {
	echo hello >"$LITE_DIR/greeting"
	lite run --rm --network none -v "$LITE_DIR/greeting:/etc/greeting:ro" busybox cat /etc/greeting
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	[ -f "$LITE_DIR/greeting" ]
	lite run --rm --network none -v ./rel:/x busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *'"./rel" includes invalid characters for a local volume name'*"use absolute path"* ]]
}

@test "lite-volumes: a named volume is created on first use and outlives its containers" {
	lite run --name w1 --network none -v data:/data busybox sh -c 'echo kept > /data/f'
	[ "$status" -eq 0 ]
	lite volume ls
	[ "${lines[0]}" = "DRIVER   VOLUME NAME" ]
	[[ "${lines[1]}" == "local "*" data" ]]
	lite volume rm data
	[ "$status" -eq 1 ]
	[[ "$output" == *"remove data: volume is in use - [$(lite_id w1)]"* ]]
	lite rm -v w1
	[ "$status" -eq 0 ]
	lite run --rm --network none -v data:/d busybox cat /d/f
	[ "$output" = kept ]
	lite volume inspect data
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.[0].Name, .[0].Driver, .[0].Mountpoint')" = "$(printf 'data\nlocal\n%s' "$LITE_ROOT/volumes/data/_data")" ]
	lite volume rm data
	[ "$status" -eq 0 ]
	lite volume inspect data
	[ "$status" -eq 1 ]
	[[ "$output" == *"Error: No such volume: data"* ]]
}

@test "lite-volumes: anonymous volumes go with rm -v and --rm, stay with plain rm" {
	lite run --name a1 --network none -v /cache busybox sh -c 'echo x > /cache/x'
	lite run --name a2 --network none -v /cache busybox true
	[ "$(__lite volume ls -q | wc -l)" -eq 2 ]
	lite rm -v a1
	[ "$(__lite volume ls -q | wc -l)" -eq 1 ]
	lite rm a2
	[ "$(__lite volume ls -q | wc -l)" -eq 1 ]
	lite run --rm --network none -v /tmpvol busybox true
	[ "$(__lite volume ls -q | wc -l)" -eq 1 ]
	# prune: anonymous unused ones by default, every unused one with -a; -f skips the question.
	lite volume create --label team=a keepme
	[ "$output" = keepme ]
	lite volume prune </dev/null
	[ "$(__lite volume ls -q | wc -l)" -eq 2 ]
	lite volume prune -f
	[[ "$output" == "Deleted Volumes:"* ]]
	[ "$(__lite volume ls -q)" = keepme ]
	lite volume prune -a -f
	[ -z "$(__lite volume ls -q)" ]
}

@test "lite-volumes: --mount type=bind|volume|tmpfs" {
	mkdir "$LITE_DIR/src"
	echo b >"$LITE_DIR/src/b"
	lite volume create vol
	lite run --rm --network none --mount type=bind,source="$LITE_DIR/src",target=/b,readonly \
		--mount type=volume,source=vol,target=/v --mount type=tmpfs,target=/t,tmpfs-size=1m \
		busybox sh -c 'cat /b/b; touch /b/no 2>/dev/null || echo ro; echo v > /v/v; df -k /t | tail -1'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = b ]
	[ "${lines[1]}" = ro ]
	[[ "${lines[2]}" == tmpfs*1024* ]]
	[ "$(cat "$LITE_ROOT/volumes/vol/_data/v")" = v ]
	lite run --rm --network none --mount type=bind,source=/no/such/dir,target=/x busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"bind source path does not exist: /no/such/dir"* ]]
	lite run --rm --network none --mount type=nfs,target=/x busybox true
	[ "$status" -eq 125 ]
}

@test "lite-volumes: under --userns a fresh named or anonymous volume is the container root's" {
	chmod 711 "$LITE_DIR"  # the container's root must reach its rootfs (mktemp made it 0700)
	lite_remapped run --rm --network none --userns remap -v data:/data -v /anon busybox \
		sh -c 'echo hi >/data/f && echo x >/anon/g && stat -c "%u %g" /data /data/f /anon/g'
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 0 0 0 0 0" ]
	# The volume is mounted idmapped: on disk it keeps unshifted ids, as the write layer, so
	# a container without --userns sees the same owners.
	[ "$(stat -c %u:%g "$LITE_ROOT/volumes/data/_data/f")" = 0:0 ]
	lite run --rm --network none -v data:/data busybox stat -c %u /data/f
	[ "$output" = 0 ]
	# Bind mounts of host paths are not shifted: host root's files are nobody's inside.
	mkdir "$LITE_DIR/host"
	lite_remapped run --rm --network none --userns remap -v "$LITE_DIR/host:/host" busybox stat -c %u /host
	[ "$output" = 65534 ]
}
