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
	local i pids=()
	for i in $(seq 1 10); do
		__lite run -d --name "par$i" busybox sleep 1000 >"$LITE_DIR/par$i.out" 2>&1 &
		pids+=($!)
	done
	# Only these: a bare `wait` also waits for bats' own BATS_TEST_TIMEOUT watchdog.
	wait "${pids[@]}"
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

@test "lite-network: nothing is left (veth, rules, leases, netns) after rm, rm -f, --rm and a dead monitor" {
	lite run -d --name ga -p 18090:80 busybox sleep 1000
	id=$(lite_id ga)
	[ "$(leftovers "$id")" != "0 0 0 0 " ]
	lite rm -f ga
	[ "$(leftovers "$id")" = "0 0 0 0 " ]

	lite run --name gb -p 18091:80 busybox true
	lite rm gb
	lite run --rm -p 18092:80 busybox true
	[ "$(leftovers 18092)" = "0 0 0 0 " ]

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
