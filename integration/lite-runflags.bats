#!/usr/bin/env bats
# whalebox-lite run flags docker users type (issue 17 item 6). --network none always.

load lite-helpers

setup() { setup_lite; }
teardown() { teardown_lite; }

# The container's config.json field at jq path $2 for container $1.
lite_spec() {
	jq -c "$2" "$LITE_ROOT/containers/$(lite_id "$1")/config.json"
}

@test "lite-runflags: --entrypoint replaces the image's, and its Cmd" {
	lite run --rm --network none --entrypoint echo busybox hello there
	[ "$status" -eq 0 ]
	[ "$output" = "hello there" ]
	lite run --rm --network none --entrypoint /bin/hostname busybox
	[ "$status" -eq 0 ]
	[ -n "$output" ]
}

@test "lite-runflags: cpu, memory, shm, ulimit, sysctl, label in the spec and the container" {
	lite run --name res --network none --cpu-period 50000 --cpu-quota 25000 --cpuset-mems 0 \
		-m 64m --memory-swap 128m --memory-reservation 32m --oom-kill-disable --shm-size 8m \
		--ulimit nofile=512:1024 --sysctl net.ipv4.ip_forward=1 --label team=blue \
		busybox sh -c 'ulimit -n; ulimit -Hn; cat /proc/sys/net/ipv4/ip_forward; df -k /dev/shm | tail -1'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 512 ]
	[ "${lines[1]}" = 1024 ]
	[ "${lines[2]}" = 1 ]
	[[ "${lines[3]}" == shm*8192* ]]
	[ "$(lite_spec res '.linux.resources.cpu | [.period, .quota, .mems]')" = '[50000,25000,"0"]' ]
	[ "$(lite_spec res '.linux.resources.memory | [.limit, .swap, .reservation, .disableOOMKiller]')" = '[67108864,134217728,33554432,true]' ]
	[ "$(lite_spec res '.annotations["org.whalebox.lite.label.team"]')" = '"blue"' ]
	lite run --rm --network none --cpus 1 --cpu-quota 1000 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"Conflicting options"* ]]
	lite run --rm --network none --memory-swap 1g busybox true
	[ "$status" -eq 125 ]
	lite run --rm --network none --ulimit bogus=1 busybox true
	[ "$status" -eq 125 ]
}

@test "lite-runflags: --cap-add, --cap-drop, --privileged, --security-opt no-new-privileges" {
	capeff() { echo "$output" | awk '/^CapEff/ { print $2 }'; }
	lite run --rm --network none busybox grep CapEff /proc/self/status
	default=$(capeff)
	lite run --rm --network none --cap-drop chown --cap-add NET_ADMIN busybox grep CapEff /proc/self/status
	[ "$status" -eq 0 ]
	# CAP_CHOWN is bit 0, CAP_NET_ADMIN bit 12.
	[ $(( 0x$(capeff) & 1 )) -eq 0 ]
	[ $(( 0x$(capeff) & 4096 )) -eq 4096 ]
	[ $(( 0x$default & 1 )) -eq 1 ]
	lite run --rm --network none --cap-drop ALL busybox grep CapEff /proc/self/status
	[ "$(capeff)" = 0000000000000000 ]
	lite run --name priv --network none --privileged busybox grep CapEff /proc/self/status
	[ "$status" -eq 0 ]
	[ $(( 0x$(capeff) & (1 << 21) )) -ne 0 ]  # CAP_SYS_ADMIN
	[ "$(lite_spec priv '[(.linux.maskedPaths | length), (.linux.readonlyPaths | length), .linux.resources.devices[0].allow]')" = '[0,0,true]' ]
	lite run --rm --network none --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
	[[ "$output" == *"NoNewPrivs:"*1 ]]
	lite run --rm --network none --security-opt bogus busybox true
	[ "$status" -eq 125 ]
	lite run --rm --network none --cap-add NOT_A_CAP busybox true
	[ "$status" -eq 125 ]
}

@test "lite-runflags: --device gives the container a host device node" {
	lite run --rm --network none --device /dev/null:/dev/mynull busybox sh -c 'ls -l /dev/mynull; echo x > /dev/mynull && echo wrote'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == c* ]]
	[ "${lines[1]}" = wrote ]
	lite run --rm --network none --device /etc/passwd busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"is not a device node"* ]]
}

@test "lite-runflags: --restart on-failure:N restarts N times, always until stop; stop is for good" {
	lite run -d --name fail --network none --restart on-failure:2 busybox sh -c 'echo run; exit 3'
	[ "$status" -eq 0 ]
	wait_status fail 15 'Exited \(3\)'
	[ "$(__lite logs fail | grep -c run)" -eq 3 ]
	[ "$(jq -c '.lifecycle | [.restartPolicy.Name, .restartPolicy.MaximumRetryCount, .restartCount]' \
		"$LITE_ROOT/containers/$(lite_id fail)/container.json")" = '["on-failure",2,2]' ]
	# on-failure leaves a clean exit alone.
	lite run -d --name ok --network none --restart on-failure busybox true
	wait_status ok 10 'Exited \(0\)'
	[ "$(jq .lifecycle.restartCount "$LITE_ROOT/containers/$(lite_id ok)/container.json")" -eq 0 ]
	# always: a container that exits comes back; stop ends it for good.
	lite run -d --name always --network none --restart always busybox sh -c 'sleep 0.3'
	[ "$status" -eq 0 ]
	for i in $(seq 1 50); do
		[ "$(jq .lifecycle.restartCount "$LITE_ROOT/containers/$(lite_id always)/container.json")" -ge 2 ] && break
		sleep 0.2
	done
	[ "$(jq .lifecycle.restartCount "$LITE_ROOT/containers/$(lite_id always)/container.json")" -ge 2 ]
	lite stop -t 1 always
	[ "$status" -eq 0 ]
	wait_status always 5 'Exited'
	count=$(jq .lifecycle.restartCount "$LITE_ROOT/containers/$(lite_id always)/container.json")
	sleep 1
	wait_status always 1 'Exited'
	[ "$(jq .lifecycle.restartCount "$LITE_ROOT/containers/$(lite_id always)/container.json")" -eq "$count" ]
	# kill with KILL is a stop by hand too; start makes the policy apply again.
	lite run -d --name us --network none --restart unless-stopped busybox sleep 100
	lite kill us
	wait_status us 5 'Exited \(137\)'
	lite start us
	wait_status us 5 '^.*Up '
	lite rm -f us
	[ "$status" -eq 0 ]
	lite run --rm --network none --restart always busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"Conflicting options: --restart and --rm"* ]]
	lite run --network none --restart sometimes busybox true
	[ "$status" -eq 125 ]
}

@test "lite-runflags: --init runs docker-init as PID 1, which reaps zombies and forwards signals" {
	[ -x "$(dirname "$WHALEBOX_LITE")/whalebox-lite-init" ] || skip "build whalebox-lite-init"
	lite run --rm --network none --init busybox sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; echo $$'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/sbin/docker-init -- sh -c cat /proc/1/cmdline | tr \"\\0\" \" \"; echo; echo \$\$ " ]
	[ "${lines[1]}" != 1 ]
	# A zombie left by an orphan is reaped by the init.
	lite run --rm --network none --init busybox sh -c '(sleep 0.2 &); sleep 1; ps -o pid,ppid,stat,comm | grep -c " Z " || true'
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = 0 ]
	# The exit status passes through; stop's SIGTERM reaches sh (which PID 1 would ignore).
	lite run --rm --network none --init busybox sh -c 'exit 7'
	[ "$status" -eq 7 ]
	lite run -d --name trap --network none --init busybox sh -c 'trap "echo got TERM; exit 0" TERM; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	lite stop -t 5 trap
	[ "$status" -eq 0 ]
	wait_status trap 5 'Exited \(0\)'
	[ "$(__lite logs trap)" = "got TERM" ]
	lite run --rm --network none --init busybox nosuchcommand
	[ "$status" -eq 127 ]
}

@test "lite-runflags: --stop-signal and --stop-timeout are used by stop; the image's StopSignal too" {
	lite run -d --name sig --network none --stop-signal USR1 busybox sh -c 'trap "echo got USR1; exit 0" USR1; trap "" TERM; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	lite stop sig
	[ "$status" -eq 0 ]
	wait_status sig 5 'Exited \(0\)'
	[ "$(__lite logs sig)" = "got USR1" ]
	# A container that ignores the signal is killed after --stop-timeout (not 10 s).
	lite run -d --name slow --network none --stop-timeout 1 busybox sh -c 'trap "" TERM; while :; do sleep 0.1; done'
	start=$(date +%s)
	lite stop slow
	[ "$status" -eq 0 ]
	[ $(( $(date +%s) - start )) -lt 5 ]
	wait_status slow 5 'Exited \(137\)'
	# -t overrides it.
	lite start slow
	start=$(date +%s)
	lite stop -t 0 slow
	[ $(( $(date +%s) - start )) -lt 3 ]
	# StopSignal from the image config.
	lite_mkimage docker "$LITE_DIR/img.tar" stopsig:1
	"$LITE_PYTHON" - "$LITE_DIR/img.tar" <<'PY'
import hashlib, io, json, sys, tarfile
src = sys.argv[1]
members = {}
with tarfile.open(src) as t:
    for m in t.getmembers():
        members[m.name] = t.extractfile(m).read()
manifest = json.loads(members["manifest.json"])
cfg = json.loads(members[manifest[0]["Config"]])
cfg["config"]["StopSignal"] = "SIGUSR2"
cfg["config"]["Cmd"] = ["sh", "-c", "trap 'echo got USR2; exit 0' USR2; trap '' TERM; while :; do sleep 0.1; done"]
data = json.dumps(cfg).encode()
del members[manifest[0]["Config"]]
name = hashlib.sha256(data).hexdigest() + ".json"
members[name] = data
manifest[0]["Config"] = name
members["manifest.json"] = json.dumps(manifest).encode()
with tarfile.open(src, "w") as t:
    for n, d in members.items():
        i = tarfile.TarInfo(n); i.size = len(d); i.mode = 0o644
        t.addfile(i, io.BytesIO(d))
PY
	lite load -i "$LITE_DIR/img.tar"
	[ "$status" -eq 0 ]
	lite run -d --name imgsig --network none stopsig:1
	[ "$status" -eq 0 ]
	lite stop -t 5 imgsig
	wait_status imgsig 5 'Exited \(0\)'
	[ "$(__lite logs imgsig)" = "got USR2" ]
	lite run --rm --network none --stop-signal BOGUS busybox true
	[ "$status" -eq 125 ]
}

@test "lite-runflags: -itd works without a terminal on the caller's side" {
	lite run -itd --name itd --network none busybox sh
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	wait_status itd 5 'Up '
	lite exec itd readlink /proc/1/fd/0
	[[ "$output" == /dev/pts/* ]]
	# -it in the foreground still needs one, as docker's.
	lite run -it --rm --network none busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"the input device is not a TTY"* ]]
}

@test "lite-runflags: --userns remap maps root to /etc/subuid's range; the image stays readable" {
	chmod 711 "$LITE_DIR"  # the container's root must reach its rootfs (mktemp made it 0700)
	lite_remapped run --rm --network none --userns remap busybox sh -c 'cat /proc/self/uid_map; id -u; stat -c %u /bin/busybox; echo hi >/new; stat -c %u /new; cat /etc/passwd >/dev/null && echo readable'
	[ "$status" -eq 0 ]
	[ "$(echo ${lines[0]})" = "0 300000 65536" ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = 0 ]
	[ "${lines[4]}" = readable ]
	# The write layer keeps unshifted ids on disk; commit works as without --userns.
	lite_remapped run --name un --network none --userns remap busybox sh -c 'echo data >/file'
	[ "$status" -eq 0 ]
	[ "$(stat -c %u "$LITE_ROOT/containers/$(lite_id un)/upper/file")" = 0 ]
	[ "$(jq -c .lifecycle.usernsRange "$LITE_ROOT/containers/$(lite_id un)/container.json")" = '{"gid":300000,"size":65536,"uid":300000}' ]
	lite run --rm --network none --userns=host busybox cat /proc/self/uid_map
	[ "$(echo $output)" = "0 0 4294967295" ]
	lite run --rm --network none --userns remap:nosuchentry busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *'no subordinate range for "nosuchentry" in /etc/subuid'* ]]
	lite run --rm --network none --userns bogus busybox true
	[ "$status" -eq 125 ]
}
