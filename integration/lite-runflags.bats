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
