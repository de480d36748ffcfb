#!/usr/bin/env bats
# whalebox-lite networking: CNI bridge networks, published ports, names between
# containers, and nothing left behind. Every test runs whalebox-lite inside a network
# namespace it made itself (lite-helpers.bash: $LITE_NETNS), never the machine's own; the
# "host" below is that namespace.

load lite-helpers

setup() {
	setup_lite
	command -v iptables >/dev/null || skip "needs iptables (the bridge and portmap plugins run it)"
	[ -x /usr/lib/cni/bridge ] || [ -x /opt/cni/bin/bridge ] || skip "needs containernetworking-plugins"
	BB=$LITE_BUSYBOX_ROOTFS/bin/busybox
}
teardown() { teardown_lite; }

# The IPv4 address of container $1's eth0.
ctr_ip() {
	__lite exec "$1" ip -4 -o addr show eth0 | awk '{ print $4 }' | cut -d/ -f1
}

# Starts containers $1 1..10 at once (run -d); fails, showing its output, when one run does.
ten_parallel_runs() {
	local i pids=() failed=0
	for i in $(seq 1 10); do
		__lite run -d --name "$1$i" busybox sleep 1000 >"$LITE_DIR/$1$i.out" 2>&1 &
		pids+=($!)
	done
	# Each by its pid: a bare `wait` also waits for bats' own BATS_TEST_TIMEOUT watchdog,
	# and `wait PID...` returns the last one's status only.
	for i in $(seq 1 10); do
		wait "${pids[$((i - 1))]}" && continue
		failed=1
		echo "run $1$i failed:" >&2
		cat "$LITE_DIR/$1$i.out" >&2
	done
	[ "$failed" -eq 0 ]
}

# A TCP server in a container: answers every connection on port $2 with $3.
serve() {
	local name=$1 port=$2 text=$3
	shift 3
	lite run -d --name "$name" "$@" busybox sh -c "while true; do echo $text | nc -l -p $port; done"
	[ "$status" -eq 0 ]
}

# Connects from the test's namespace: host_get ADDR PORT; retries while the server starts.
host_get() {
	local i
	for i in $(seq 1 30); do
		output=$(in_test_netns "$BB" nc -w 2 "$1" "$2" </dev/null 2>/dev/null) && [ -n "$output" ] && return 0
		sleep 0.2
	done
	return 1
}

@test "lite-network: the default network 'bridge' gives an address, a route, hosts and resolv.conf" {
	lite run --rm busybox sh -c 'ip -4 -o addr show eth0; ip route; cat /etc/hosts; echo ==; cat /etc/resolv.conf; echo ==; hostname'
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet 172.17."* ]]
	[[ "$output" == *"default via 172.17.0.1"* ]]
	[[ "$output" == *"127.0.0.1	localhost"* ]]
	[[ "$output" == *nameserver* ]]
	[[ "$output" != *"nameserver 127."* ]]
	lite network ls
	[[ "$output" == *"bridge"*"172.17.0.0/16"*"172.17.0.1"* ]]
	in_test_netns ip link show wblite0
}

@test "lite-network: the host reaches a container over the bridge" {
	serve web 80 hello-bridge
	ip=$(ctr_ip web)
	[[ "$ip" == 172.17.* ]]
	host_get "$ip" 80
	[ "$output" = hello-bridge ]
	# ... and the container reaches the host's side of the bridge.
	lite exec web ping -c 1 -W 2 172.17.0.1
	[ "$status" -eq 0 ]
}

@test "lite-network: --network none has lo only, host the namespace's interfaces" {
	lite run --rm --network none busybox ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
	lite run --rm --network none busybox cat /etc/hosts
	[[ "$output" == *localhost* ]]
	lite run --rm --network host busybox ls /sys/class/net
	[ "$status" -eq 0 ]
}

@test "lite-network: a published port answers on 127.0.0.1; port and ps show it" {
	serve web 80 hello-port -p 127.0.0.1:18080:80
	host_get 127.0.0.1 18080
	[ "$output" = hello-port ]
	lite port web
	[ "$output" = "80/tcp -> 127.0.0.1:18080" ]
	lite port web 80
	[ "$output" = "127.0.0.1:18080" ]
	lite ps
	[[ "$output" == *PORTS* ]]
	[[ "$output" == *"127.0.0.1:18080->80/tcp"* ]]
	# -p CONTAINERPORT takes a free host port, on every address.
	serve web2 81 hello-free -p 81
	lite port web2 81
	hostport=${output##*:}
	[ "$hostport" -gt 0 ]
	host_get 127.0.0.1 "$hostport"
	[ "$output" = hello-free ]
}

@test "lite-network: a port already taken is refused with docker's message" {
	lite run -d --name first -p 18081:80 busybox sleep 1000
	[ "$status" -eq 0 ]
	lite run --rm --name second -p 18081:80 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"Bind for 0.0.0.0:18081 failed: port is already allocated"* ]]
	# Taken by a program of the host (here: of the test's namespace).
	nsenter --net="$LITE_NETNS" "$BB" nc -l -p 18082 </dev/null >/dev/null 2>&1 3>&- &
	listener=$!
	sleep 0.5
	lite run --rm -p 18082:80 busybox true
	kill "$listener" 2>/dev/null || true
	[ "$status" -eq 125 ]
	[[ "$output" == *"Error starting userland proxy: listen tcp4 0.0.0.0:18082: bind: address already in use"* ]]
	# udp is another port.
	lite run --rm -p 18081:80/udp busybox true
	[ "$status" -eq 0 ]
}

@test "lite-network: containers on one user-defined network reach each other by name" {
	lite network create appnet
	[ "$status" -eq 0 ]
	serve db 5432 hello-db --network appnet
	lite run --rm --name client --network appnet busybox sh -c 'nc -w 2 db 5432 </dev/null; cat /etc/hosts'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" = hello-db ]]
	[[ "$output" == *"	db"* ]]
	# db learns of a container started after it (its hosts file is rewritten in place).
	lite run -d --name late --network appnet busybox sleep 1000
	lite exec db cat /etc/hosts
	[[ "$output" == *"	late"* ]]
	lite rm -f late
	lite exec db cat /etc/hosts
	[[ "$output" != *"	late"* ]]
	# The default network has no names, as docker's.
	lite run -d --name plain busybox sleep 1000
	lite exec plain cat /etc/hosts
	[[ "$output" != *"	db"* ]]
}

@test "lite-network: network connect adds an interface, disconnect takes it away" {
	export WHALEBOX_LITE_NETWORK_SPARES=0  # the leases below are the containers' only
	lite network create --subnet 10.66.0.0/24 side
	serve sidedb 5432 hello-side --network side
	lite run -d --name roamer busybox sleep 1000
	lite network connect --ip 10.66.0.50 side roamer
	[ "$status" -eq 0 ]
	lite exec roamer ip -4 -o addr show eth1
	[[ "$output" == *"10.66.0.50/24"* ]]
	lite exec roamer sh -c 'nc -w 2 sidedb 5432 </dev/null'
	[ "$output" = hello-side ]
	lite network inspect side
	[[ "$output" == *roamer* ]]
	lite network connect side roamer
	[[ "$output" == *"already exists in network side"* ]]
	lite network disconnect side roamer
	[ "$status" -eq 0 ]
	lite exec roamer ls /sys/class/net
	[[ "$output" != *eth1* ]]
	[ "$(find "$LITE_STATE/cni/networks/side" -name '10.*' | wc -l)" -eq 1 ]
}

@test "lite-network: network create/ls/inspect/rm; bad and overlapping subnets refused" {
	lite network create --subnet 10.55.0.0/24 --gateway 10.55.0.254 net1
	[ "$status" -eq 0 ]
	lite network inspect net1
	[[ "$output" == *'"Subnet": "10.55.0.0/24"'* ]]
	[[ "$output" == *'"Gateway": "10.55.0.254"'* ]]
	lite network create --subnet 10.55.0.128/25 net2
	[ "$status" -eq 1 ]
	[[ "$output" == *"overlaps"*net1* ]]
	lite network create --subnet 10.56.0.1/16 net3
	[ "$status" -eq 1 ]
	[[ "$output" == *"it should be 10.56.0.0/16"* ]]
	lite network create --subnet banana net4
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid subnet banana"* ]]
	lite network create --subnet 10.57.0.0/24 --gateway 10.58.0.1 net5
	[ "$status" -eq 1 ]
	lite network create net1
	[[ "$output" == *"already exists"* ]]
	lite run --rm --network net1 --ip 10.55.0.77 busybox ip -4 -o addr show eth0
	[ "$status" -eq 0 ]
	[[ "$output" == *"10.55.0.77/24"* ]]
	lite run --rm --ip 172.17.0.77 busybox true
	[[ "$output" == *"user specified IP address is supported on user defined networks only"* ]]
	lite run -d --name holder --network net1 busybox sleep 1000
	lite network rm net1
	[[ "$output" == *"has active endpoints"* ]]
	lite rm -f holder
	lite network rm net1
	[ "$status" -eq 0 ]
	lite network ls
	[[ "$output" != *net1* ]]
	lite network rm bridge
	[[ "$output" == *"pre-defined"* ]]
	lite run --rm --network nosuchnet busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"network nosuchnet not found"* ]]
}

@test "lite-network: ten parallel runs get ten distinct addresses" {
	local i
	ten_parallel_runs par
	for i in $(seq 1 10); do
		ctr_ip "par$i"
	done >"$LITE_DIR/ips"
	cat "$LITE_DIR/ips" >&2
	[ "$(grep -c '^172\.17\.' "$LITE_DIR/ips")" -eq 10 ]
	[ "$(sort -u "$LITE_DIR/ips" | wc -l)" -eq 10 ]
}

# What a container leaves in the test's namespace and the state root.
leftovers() {
	{
		in_test_netns ip -o link | grep -c veth || true
		in_test_netns iptables-save | grep -c "$1" || true
		find "$LITE_STATE/cni/networks" -name '172.*' | wc -l
		find "$LITE_STATE/netns" -type f | wc -l
	} | tr '\n' ' '
}

# Waits up to 10 s until leftovers $1 prints $2.
wait_leftovers() {
	local i
	for i in $(seq 1 50); do
		[ "$(leftovers "$1")" = "$2" ] && return 0
		sleep 0.2
	done
	echo "leftovers $1: $(leftovers "$1")" >&2
	return 1
}

@test "lite-network: nothing is left (veth, rules, leases, netns) after rm, rm -f, --rm and a dead monitor" {
	export WHALEBOX_LITE_NETWORK_SPARES=0  # no spare attachment (they have their own tests)
	lite run -d --name ga -p 18090:80 busybox sleep 1000
	id=$(lite_id ga)
	[ "$(leftovers "$id")" != "0 0 0 0 " ]
	lite rm -f ga
	[ "$(leftovers "$id")" = "0 0 0 0 " ]

	lite run --name gb -p 18091:80 busybox true
	lite rm gb
	lite run --rm -p 18092:80 busybox true
	# run --rm returns once the container has exited; the teardown finishes behind it.
	wait_leftovers 18092 "0 0 0 0 "

	# A monitor killed with its container: the next command gives the network back.
	lite run -d --name gc -p 18093:80 busybox sleep 1000
	id=$(lite_id gc)
	monitor=$(lite_field gc monitorPid)
	pid=$(cat "$LITE_ROOT/containers/$id/init.pid")
	kill -9 "$monitor" "$pid"
	sleep 0.5
	[ "$(leftovers "$id")" != "0 0 0 0 " ]
	lite ps -a
	[ "$(leftovers "$id")" = "0 0 0 0 " ]
	# Its port is free again.
	lite run --rm -p 18093:80 busybox true
	[ "$status" -eq 0 ]
}

@test "lite-network: stale networks are released: a dead monitor after a reboot, an interrupted --rm teardown" {
	export WHALEBOX_LITE_NETWORK_SPARES=0  # no spare attachment (they have their own tests)
	# A reboot: the monitor and the container are gone and so is the namespace's bind mount
	# (here unmounted by hand); the next command gives back the address and the record.
	lite run -d --name ra -p 18095:80 busybox sleep 1000
	id=$(lite_id ra)
	kill -9 "$(lite_field ra monitorPid)" "$(cat "$LITE_ROOT/containers/$id/init.pid")"
	umount -l "$LITE_STATE/netns/$id"
	sleep 0.5
	lite ps -a
	# The address and the namespace's file come back (DEL runs with CNI_NETNS empty; the
	# veth died with the namespace, and a reboot takes the iptables rules too).
	[ "$(leftovers "$id" | cut -d' ' -f3-4)" = "0 0" ]
	[ ! -e "$LITE_ROOT/containers/$id/network-state.json" ]
	lite run --rm -p 18095:80 busybox true
	[ "$status" -eq 0 ]

	# A run --rm whose background teardown died half-way (its directory renamed to
	# ID.removing, nobody holding its lock): the next command finishes the job.
	lite run -d --name rb -p 18096:80 busybox sleep 1000
	id=$(lite_id rb)
	kill -9 "$(lite_field rb monitorPid)" "$(cat "$LITE_ROOT/containers/$id/init.pid")"
	sleep 0.5
	mv "$LITE_ROOT/containers/$id" "$LITE_ROOT/containers/$id.removing"
	[ "$(leftovers "$id")" != "0 0 0 0 " ]
	lite ps -a
	[[ "$output" != *rb* ]]
	[ "$(leftovers "$id")" = "0 0 0 0 " ]
	[ ! -e "$LITE_ROOT/containers/$id.removing" ]
}

@test "lite-network: network rm takes the bridge and its rules away" {
	lite network create --subnet 10.66.0.0/24 tidy
	[ "$status" -eq 0 ]
	bridge=$(__lite network inspect tidy | "$LITE_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["Options"]["bridge"])')
	lite run --rm --network tidy -p 18097:80 busybox true
	[ "$status" -eq 0 ]
	in_test_netns ip link show "$bridge"
	lite network rm tidy
	[ "$status" -eq 0 ]
	run in_test_netns ip link show "$bridge"
	[ "$status" -ne 0 ]
	wait_leftovers 10.66.0 "0 0 0 0 "
	[ "$(in_test_netns iptables-save | grep -c -e "$bridge" -e 10.66.0 || true)" -eq 0 ]
	[ ! -e "$LITE_STATE/cni/networks/tidy" ]
	# The same name and subnet can be made again and work.
	lite network create --subnet 10.66.0.0/24 tidy
	lite run --rm --network tidy busybox ip -4 -o addr show eth0
	[ "$status" -eq 0 ]
	[[ "$output" == *10.66.0.* ]]
}

# The nft listing of network chain $1 in the test's namespace (status 1 when it is missing).
masq_chain() {
	in_test_netns nft list chain ip whalebox-lite "masq-$1" 2>&1
}

@test "lite-network: one masquerade rule per network, there while the network is, gone after network rm" {
	command -v nft >/dev/null || skip "needs nft (apt-get install nftables) to read the rules"
	lite network create --subnet 10.67.0.0/24 masq
	[ "$status" -eq 0 ]
	bridge=$(__lite network inspect masq | "$LITE_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["Options"]["bridge"])')
	run masq_chain "$bridge"
	[ "$status" -eq 0 ]
	[[ "$output" == *"hook postrouting"* ]]
	[[ "$output" == *"ip saddr 10.67.0.0/24 oifname != \"$bridge\" masquerade"* ]]
	# A start adds no per-container NAT chain (the bridge plugin's ipMasq is off).
	lite run -d --name m1 --network masq busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(in_test_netns iptables-save -t nat | grep -c -e CNI- -e 10.67.0 || true)" -eq 0 ]
	lite rm -f m1
	# A start puts the rule back when it is gone (a reboot, a flushed ruleset).
	in_test_netns nft delete table ip whalebox-lite
	lite run --rm --network masq busybox true
	[ "$status" -eq 0 ]
	run masq_chain "$bridge"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ip saddr 10.67.0.0/24"*masquerade* ]]
	# The default network's, made on its first use.
	lite run --rm busybox true
	run masq_chain wblite0
	[[ "$output" == *"ip saddr 172.17.0.0/16 oifname != \"wblite0\" masquerade"* ]]
	lite network rm masq
	[ "$status" -eq 0 ]
	run masq_chain "$bridge"
	[ "$status" -ne 0 ]
	[ "$(in_test_netns nft list table ip whalebox-lite | grep -c 10.67.0 || true)" -eq 0 ]
	run masq_chain wblite0
	[ "$status" -eq 0 ]
}

@test "lite-network: a container reaches beyond the bridge only through the network's masquerade rule" {
	command -v nft >/dev/null || skip "needs nft (apt-get install nftables) to remove the rule"
	# An "outside" namespace of the test's own, on a veth from the test's namespace, with no
	# route back to 172.17.0.0/16: its answers reach a container only when masqueraded.
	touch "$LITE_DIR/outer"
	unshare --net="$LITE_DIR/outer" ip link set lo up
	nsenter --net="$LITE_DIR/outer" sleep 30 &
	local holder=$!
	sleep 0.2
	in_test_netns ip link add wbout type veth peer name wbpeer
	in_test_netns ip link set wbpeer netns "$holder"
	kill "$holder"
	in_test_netns ip addr add 10.200.0.1/24 dev wbout
	in_test_netns ip link set wbout up
	nsenter --net="$LITE_DIR/outer" ip addr add 10.200.0.2/24 dev wbpeer
	nsenter --net="$LITE_DIR/outer" ip link set wbpeer up
	lite run -d --name out busybox sleep 1000
	[ "$status" -eq 0 ]
	lite exec out ping -c 1 -W 2 10.200.0.2
	[ "$status" -eq 0 ]
	# Without the rule (a flushed ruleset) the answers go nowhere.
	in_test_netns nft delete table ip whalebox-lite
	lite exec out ping -c 1 -W 2 10.200.0.2
	[ "$status" -ne 0 ]
}

@test "lite-network: -P publishes every exposed port of the image to a free host port" {
	"$LITE_PYTHON" - "$LITE_DIR/busybox.tar" "$LITE_DIR/exposed.tar" <<'PY'
import hashlib, io, json, sys, tarfile
base = open(sys.argv[1], "rb").read()
diff = "sha256:" + hashlib.sha256(base).hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux", "created": "2024-01-02T03:04:05Z",
                     "config": {"Cmd": ["sh"], "ExposedPorts": {"80/tcp": {}, "53/udp": {}, "7/sctp": {}}},
                     "rootfs": {"type": "layers", "diff_ids": [diff]}}).encode()
cfg_name = hashlib.sha256(config).hexdigest() + ".json"
manifest = json.dumps([{"Config": cfg_name, "RepoTags": ["exposed:1"], "Layers": ["base/layer.tar"]}]).encode()
with tarfile.open(sys.argv[2], "w") as t:
    for name, data in [(cfg_name, config), ("base/layer.tar", base), ("manifest.json", manifest)]:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
PY
	lite load -i "$LITE_DIR/exposed.tar"
	[ "$status" -eq 0 ]
	lite run -d --name pall -P exposed:1 sh -c 'while true; do echo hello-all | nc -l -p 80; done'
	[ "$status" -eq 0 ]
	lite port pall
	[ "${#lines[@]}" -eq 2 ]
	[[ "$output" == *"53/udp -> 0.0.0.0:"* ]]
	lite port pall 80
	hostport=${output##*:}
	[ "$hostport" -gt 0 ]
	host_get 127.0.0.1 "$hostport"
	[ "$output" = hello-all ]
	# -p for an exposed port wins over -P's free port; without -P nothing is published.
	lite run -d --name pmix -P -p 18098:80 exposed:1 sleep 1000
	[ "$status" -eq 0 ]
	lite port pmix 80
	[ "$output" = "0.0.0.0:18098" ]
	lite run -d --name pnone exposed:1 sleep 1000
	lite port pnone
	[ "$output" = "" ]
}

# Spare attachments (network_spares.hpp): the ready spares of network $1, one directory each.
ready_spares() {
	find "$LITE_STATE/spares/$1" -mindepth 1 -maxdepth 1 -regextype posix-extended -regex '.*/[0-9a-f]{64}' 2>/dev/null
}

# Their addresses, one a line.
spare_ips() {
	local d
	for d in $(ready_spares "$1"); do
		"$LITE_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["attachments"][0]["ip"])' "$d/network-state.json"
	done
}

# Waits up to 10 s until network $1 has $2 ready spares and no refiller or teardown is at work.
wait_spares() {
	local i
	for i in $(seq 1 50); do
		if [ "$(ready_spares "$1" | wc -l)" -eq "$2" ] && ! compgen -G "$LITE_ROOT/containers/*.removing" >/dev/null &&
			flock -n "$LITE_STATE/spares/$1.lock" true 2>/dev/null; then
			return 0
		fi
		sleep 0.2
	done
	echo "spares of $1: $(ready_spares "$1" | wc -l), wanted $2" >&2
	return 1
}

# The mounts (network namespaces) below the spares directory.
spare_mounts() {
	awk -v d="$LITE_STATE/spares/" 'index($5, d) == 1' /proc/self/mountinfo | wc -l
}

@test "lite-network: a run leaves a spare attachment; the next run takes it and another is made" {
	export WHALEBOX_LITE_NETWORK_SPARES=1
	lite run --rm busybox true
	[ "$status" -eq 0 ]
	wait_spares bridge 1
	# One spare: its namespace, its veth, its lease; nothing else.
	[ "$(spare_mounts)" -eq 1 ]
	[ "$(in_test_netns ip -o link | grep -c veth)" -eq 1 ]
	[ "$(find "$LITE_STATE/cni/networks/bridge" -name '172.*' | wc -l)" -eq 1 ]
	spare=$(spare_ips bridge)
	[ -e "$LITE_STATE/cni/networks/bridge/$spare" ]
	lite run --rm busybox ip -4 -o addr show eth0
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet $spare/16"* ]]
	wait_spares bridge 1
	next=$(spare_ips bridge)
	[ -n "$next" ] && [ "$next" != "$spare" ]
	# A detached run takes one too, and is seen with that address everywhere.
	lite run -d --name sp1 busybox sleep 1000
	[ "$status" -eq 0 ]
	[ "$(ctr_ip sp1)" = "$next" ]
	lite exec sp1 cat /etc/hosts
	[[ "$output" == *"$next"* ]]
	lite network inspect bridge
	[[ "$output" == *"$next"* ]]
	wait_spares bridge 1
	[ "$(spare_ips bridge)" != "$next" ]
	# Its end gives back the spare's lease (DEL with the spare's CNI container id).
	lite rm -f sp1
	[ ! -e "$LITE_STATE/cni/networks/bridge/$next" ]
}

@test "lite-network: network rm gives back its spare attachments" {
	export WHALEBOX_LITE_NETWORK_SPARES=1
	lite network create --subnet 10.68.0.0/24 sparenet
	[ "$status" -eq 0 ]
	lite run --rm --network sparenet busybox true
	[ "$status" -eq 0 ]
	wait_spares sparenet 1
	[ "$(find "$LITE_STATE/cni/networks/sparenet" -name '10.68.*' | wc -l)" -eq 1 ]
	[ "$(in_test_netns ip -o link | grep -c veth)" -eq 1 ]
	lite network rm sparenet
	[ "$status" -eq 0 ]
	[ "$(in_test_netns ip -o link | grep -c veth || true)" -eq 0 ]
	[ "$(spare_mounts)" -eq 0 ]
	[ ! -e "$LITE_STATE/cni/networks/sparenet" ]
	[ ! -e "$LITE_STATE/spares/sparenet" ]
}

@test "lite-network: stale spare attachments (a reboot, a refiller that died) are given back by the next command" {
	export WHALEBOX_LITE_NETWORK_SPARES=1
	lite run --rm busybox true
	wait_spares bridge 1
	spare=$(ready_spares bridge)
	# A reboot: the namespace's bind mount is gone (the veth goes with the namespace).
	umount -l "$spare/netns"
	lite ps -a
	[ "$status" -eq 0 ]
	[ ! -e "$spare" ]
	[ "$(find "$LITE_STATE/cni/networks/bridge" -name '172.*' | wc -l)" -eq 0 ]
	[ "$(spare_mounts)" -eq 0 ]
	# A refiller that died after ADD, before its spare was ready (nobody holds the lock).
	lite run --rm busybox true
	wait_spares bridge 1
	spare=$(ready_spares bridge)
	mv "$spare" "$spare.new"
	[ "$(ready_spares bridge | wc -l)" -eq 0 ]
	lite ps -a
	[ ! -e "$spare.new" ]
	[ "$(find "$LITE_STATE/cni/networks/bridge" -name '172.*' | wc -l)" -eq 0 ]
	[ "$(spare_mounts)" -eq 0 ]
	wait_leftovers 172.17 "0 0 0 0 "
}

@test "lite-network: ten parallel runs get ten distinct addresses with spare attachments ready" {
	export WHALEBOX_LITE_NETWORK_SPARES=3
	lite run --rm busybox true
	wait_spares bridge 3
	local i
	ten_parallel_runs spar
	for i in $(seq 1 10); do
		ctr_ip "spar$i"
	done >"$LITE_DIR/ips"
	wait_spares bridge 3
	spare_ips bridge >>"$LITE_DIR/ips"
	cat "$LITE_DIR/ips" >&2
	[ "$(grep -c '^172\.17\.' "$LITE_DIR/ips")" -eq 13 ]
	[ "$(sort -u "$LITE_DIR/ips" | wc -l)" -eq 13 ]
}

@test "lite-network: --ip may ask for the address a spare attachment holds" {
	export WHALEBOX_LITE_NETWORK_SPARES=1
	lite network create --subnet 10.69.0.0/24 ipnet
	lite run --rm --network ipnet busybox true
	wait_spares ipnet 1
	held=$(spare_ips ipnet)
	lite run --rm --network ipnet --ip "$held" busybox ip -4 -o addr show eth0
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet $held/24"* ]]
	wait_spares ipnet 1
	[ "$(spare_ips ipnet)" != "$held" ]
}

@test "lite-network: no spare attachment by default nor with WHALEBOX_LITE_NETWORK_SPARES=0" {
	unset WHALEBOX_LITE_NETWORK_SPARES
	lite run --rm busybox true
	[ "$status" -eq 0 ]
	export WHALEBOX_LITE_NETWORK_SPARES=0
	lite run --rm busybox true
	[ "$status" -eq 0 ]
	lite run -d --name nosp busybox sleep 1000
	[ "$status" -eq 0 ]
	id=$(lite_id nosp)
	sleep 1
	[ "$(ready_spares bridge | wc -l)" -eq 0 ]
	[ "$(spare_mounts)" -eq 0 ]
	lite rm -f nosp
	wait_leftovers "$id" "0 0 0 0 "
}
