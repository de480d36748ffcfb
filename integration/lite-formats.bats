#!/usr/bin/env bats
# whalebox-lite: docker's --format (Go templates) for ps, images, inspect and network ls;
# ps --filter, -n, -l, -s; inspect in docker's shape (issue 17, item 3). --network none.

load lite-helpers

setup() { setup_lite; }
teardown() { teardown_lite; }

@test "lite-formats: ps --format with fields, table and json" {
	lite run -d --name one --network none --label team=blue busybox sleep 1000
	lite ps --format '{{.Names}} {{.State}} {{.Image}}'
	[ "$status" -eq 0 ]
	[ "$output" = "one running busybox" ]
	lite ps --format 'table {{.Names}}\t{{.Status}}'
	[[ "${lines[0]}" == "NAMES "*"STATUS" ]]
	[[ "${lines[1]}" == "one "*"Up "* ]]
	lite ps --format '{{json .}}'
	echo "$output" | jq -e '.Names == "one" and .State == "running" and .Labels == "team=blue"'
	lite ps --format '{{.Labels}}'
	[ "$output" = "team=blue" ]
	lite ps --format '{{.Nosuch}}'
	[ "$status" -eq 1 ]
	[[ "$output" == *"can't evaluate field Nosuch"* ]]
	# The default table is unchanged.
	lite ps
	[[ "${lines[0]}" == "CONTAINER ID"*"IMAGE"*"COMMAND"*"CREATED"*"STATUS"*"PORTS"*"NAMES" ]]
}

@test "lite-formats: ps --filter name, status, ancestor, label, id; -n, -l, -s" {
	lite run -d --name web --network none --label tier=front busybox sleep 1000
	lite run --name job --network none busybox sh -c 'exit 3'
	lite run --name job2 --network none busybox true
	lite create --name fresh --network none busybox true
	web=$(lite_id web)
	lite ps --filter name=web --format '{{.Names}}'
	[ "$output" = web ]
	lite ps --filter name=job --format '{{.Names}}'
	[ -z "$output" ]  # not running: filters apply to running containers without -a
	lite ps -a --filter name=job --format '{{.Names}}'
	[ "$output" = "job2
job" ]
	lite ps --filter status=exited --format '{{.Names}}'
	[ "$output" = "job2
job" ]
	lite ps --filter status=created --format '{{.Names}}'
	[ "$output" = fresh ]
	lite ps -a --filter exited=3 --format '{{.Names}}'
	[ "$output" = job ]
	lite ps -a --filter label=tier=front --format '{{.Names}}'
	[ "$output" = web ]
	lite ps -a --filter label=tier --format '{{.Names}}'
	[ "$output" = web ]
	lite ps -a --filter "id=${web:0:8}" --format '{{.Names}}'
	[ "$output" = web ]
	lite ps -a --filter ancestor=busybox --format '{{.Names}}'
	[ "${#lines[@]}" -eq 4 ]
	lite ps -a --filter ancestor=nosuch --format '{{.Names}}'
	[ -z "$output" ]
	lite ps --filter bogus=1
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid filter 'bogus'"* ]]
	lite ps -n 2 --format '{{.Names}}'
	[ "$output" = "fresh
job2" ]
	lite ps -l --format '{{.Names}}'
	[ "$output" = fresh ]
	lite exec web sh -c 'head -c 5000 /dev/zero >/blob'
	lite ps -s --filter name=web
	[[ "${lines[0]}" == *"NAMES"*"SIZE" ]]
	[[ "${lines[1]}" == *"5kB (virtual "*")" ]]
}

@test "lite-formats: inspect prints docker's shape" {
	lite run -d --name box --network none -m 32m -v "$LITE_DIR:/host:ro" busybox sleep 1000
	lite inspect box
	[ "$status" -eq 0 ]
	echo "$output" | jq -e 'type == "array" and length == 1'
	echo "$output" | jq -e '.[0] | .Name == "/box" and (.Id | length) == 64'
	echo "$output" | jq -e '.[0].State | .Status == "running" and .Running and (.Paused | not) and .Pid > 0 and .ExitCode == 0'
	echo "$output" | jq -e '.[0].State.StartedAt != "0001-01-01T00:00:00Z" and .[0].State.FinishedAt == "0001-01-01T00:00:00Z"'
	echo "$output" | jq -e '.[0].Config | .Cmd == ["sleep","1000"] and .Image == "busybox"'
	echo "$output" | jq -e '.[0].HostConfig | .Memory == 33554432 and .NetworkMode == "none"'
	echo "$output" | jq -e '.[0].Mounts[0] | .Destination == "/host" and .RW == false'
	echo "$output" | jq -e '.[0].NetworkSettings | has("Networks")'
	lite inspect --format '{{.State.Status}} {{.Name}} {{.State.Running}}' box
	[ "$output" = "running /box true" ]
	lite inspect -f '{{json .State.Paused}}' box
	[ "$output" = false ]
	lite stop -t 0 box
	lite inspect -f '{{.State.Status}} {{.State.ExitCode}}' box
	[ "$output" = "exited 137" ]
	lite inspect -f '{{.State.FinishedAt}}' box
	[ "$output" != "0001-01-01T00:00:00Z" ]
	lite inspect -f '{{.Id}} {{json .RepoTags}}' busybox
	[[ "$output" =~ ^sha256:[0-9a-f]{64}\ \[\"busybox:latest\"\]$ ]]
	lite inspect --type image box
	[ "$status" -eq 1 ]
}

@test "lite-formats: images and network ls --format" {
	lite images --format '{{.Repository}}:{{.Tag}}'
	[ "$output" = "busybox:latest" ]
	lite images --format 'table {{.Repository}}\t{{.Size}}'
	[[ "${lines[0]}" == "REPOSITORY"*"SIZE" ]]
	lite images --format json
	echo "$output" | jq -e '.Repository == "busybox" and .Tag == "latest"'
	lite network create --subnet 10.99.7.0/24 fmtnet
	lite network ls --format '{{.Name}} {{.Subnet}}'
	[[ "$output" == *"fmtnet 10.99.7.0/24"* ]]
	lite network ls --format 'table {{.Name}}\t{{.Driver}}'
	[[ "${lines[0]}" == "NAME"*"DRIVER" ]]
}

@test "lite-formats: inspect has HostConfig.RestartPolicy, Config.ExposedPorts and NetworkSettings.Ports as docker" {
	# A published port needs the default bridge: it lives in the test's own network namespace.
	lite run -d --name web --restart on-failure:3 --expose 53/udp -p 18080:80 busybox sleep 1000
	[ "$status" -eq 0 ]
	lite inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' web
	[ "$output" = "on-failure 3" ]
	lite inspect -f '{{json .HostConfig.RestartPolicy}}' web
	echo "$output" | jq -e '. == {"Name": "on-failure", "MaximumRetryCount": 3}'
	lite inspect -f '{{json .Config.ExposedPorts}}' web
	echo "$output" | jq -e '. == {"53/udp": {}, "80/tcp": {}}'
	# Published: the host sockets; exposed only: null.
	lite inspect -f '{{json .NetworkSettings.Ports}}' web
	echo "$output" | jq -e '. == {"53/udp": null, "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "18080"}]}'
	lite inspect -f '{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}} {{index .NetworkSettings.Ports "53/udp"}}' web
	[ "$output" = "18080 <no value>" ]
	lite inspect -f '{{json .HostConfig.PortBindings}}' web
	echo "$output" | jq -e '. == {"80/tcp": [{"HostIp": "", "HostPort": "18080"}]}'
	# docker's defaults: policy "no", nothing exposed, no ports while not running.
	lite create --name plain --network none busybox true
	[ "$status" -eq 0 ]
	lite inspect -f '{{json .HostConfig.RestartPolicy}} {{json .Config.ExposedPorts}} {{json .NetworkSettings.Ports}}' plain
	[ "${output#* }" = "null {}" ]
	echo "${output%% *}" | jq -e '. == {"Name": "no", "MaximumRetryCount": 0}'
}
