#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "oci/spec.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace {

using wb::oci::parse_spec;

// The message parse_spec throws for `text`, or "" when it parses.
std::string parse_error(const std::string& text) {
    try {
        parse_spec(text);
    } catch (const wb::Error& e) {
        return e.what();
    }
    return "";
}

// A minimal document with `linux` (or any other top-level members) spliced in.
std::string doc(const std::string& members) {
    return R"({"ociVersion": "1.2.0", "root": {"path": "rootfs"})" + (members.empty() ? "" : ", " + members) + "}";
}

TEST(OciParse, MinimalDocument) {
    auto spec = parse_spec(doc(""));
    EXPECT_EQ(spec.oci_version, "1.2.0");
    ASSERT_TRUE(spec.root);
    EXPECT_EQ(spec.root->path, "rootfs");
    EXPECT_FALSE(spec.root->readonly);
    EXPECT_FALSE(spec.process);
    EXPECT_FALSE(spec.linux);
    EXPECT_FALSE(spec.hooks);
}

TEST(OciParse, WrongTypeNamesThePath) {
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"memory": {"limit": "1G"}}})")),
              "linux.resources.memory.limit: expected integer, got string");
    EXPECT_EQ(parse_error(doc(R"("mounts": [{"destination": "/a"}, {"destination": "/b"}, {"destination": 3}])")),
              "mounts[2].destination: expected string, got integer");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "args": ["sh", 1]})")),
              "process.args[1]: expected string, got integer");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "terminal": "yes"})")),
              "process.terminal: expected boolean, got string");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "user": {"uid": 1.5}})")),
              "process.user.uid: expected integer, got number");
    EXPECT_EQ(parse_error(doc(R"("linux": {"namespaces": {"type": "pid"}})")),
              "linux.namespaces: expected array, got object");
    EXPECT_EQ(parse_error(doc(R"("hooks": {"poststop": [{"path": "/bin/true", "env": [true]}]})")),
              "hooks.poststop[0].env[0]: expected string, got boolean");
    EXPECT_EQ(parse_error(doc(R"("annotations": {"a": 1})")), "annotations.a: expected string, got integer");
    EXPECT_EQ(parse_error(doc(R"("linux": {"sysctl": {"net.ipv4.ip_forward": 1}})")),
              R"(linux.sysctl["net.ipv4.ip_forward"]: expected string, got integer)");
    EXPECT_EQ(parse_error(doc(R"("linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": "x", "op": "SCMP_CMP_EQ"}]}]}})")),
              "linux.seccomp.syscalls[0].args[0].value: expected integer, got string");
    EXPECT_EQ(parse_error(R"({"ociVersion": "1.2.0", "root": "rootfs"})"), "root: expected object, got string");
    EXPECT_EQ(parse_error("[1, 2]"), "config.json: expected object, got array");
}

TEST(OciParse, IntegersAreRangeCheckedForTheirField) {
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "user": {"uid": 4294967296}})")),
              "process.user.uid: value 4294967296 out of range for uint32");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "user": {"gid": -1}})")),
              "process.user.gid: value -1 out of range for uint32");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"blockIO": {"weight": 65536}}})")),
              "linux.resources.blockIO.weight: value 65536 out of range for uint16");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "oomScoreAdj": 2147483648})")),
              "process.oomScoreAdj: value 2147483648 out of range for int32");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"memory": {"limit": 9223372036854775808}}})")),
              "linux.resources.memory.limit: value 9223372036854775808 out of range for int64");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"memory": {"swappiness": -1}}})")),
              "linux.resources.memory.swappiness: value -1 out of range for uint64");
    // Beyond uint64 nlohmann keeps a double: not an integer any more.
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "rlimits": [{"type": "RLIMIT_CPU", "soft": 1, "hard": 18446744073709551616}]})")),
              "process.rlimits[0].hard: expected integer, got number");

    auto spec = parse_spec(doc(R"("process": {"cwd": "/", "rlimits": [{"type": "RLIMIT_CPU", "soft": 18446744073709551615, "hard": 18446744073709551615}], "oomScoreAdj": -1000},
        "linux": {"resources": {"memory": {"limit": -1, "swap": 9223372036854775807}, "cpu": {"quota": -9223372036854775808}}})"));
    EXPECT_EQ(spec.process->rlimits[0].hard, UINT64_MAX);
    EXPECT_EQ(*spec.process->oom_score_adj, -1000);
    EXPECT_EQ(*spec.linux->resources->memory->limit, -1);
    EXPECT_EQ(*spec.linux->resources->memory->swap, INT64_MAX);
    EXPECT_EQ(*spec.linux->resources->cpu->quota, INT64_MIN);
}

TEST(OciParse, RequiredKeys) {
    EXPECT_EQ(parse_error(R"({"root": {"path": "rootfs"}})"), "ociVersion: required");
    EXPECT_EQ(parse_error(R"({"ociVersion": "1.0.0", "root": {}})"), "root.path: required");
    EXPECT_EQ(parse_error(doc(R"("process": {"args": ["sh"]})")), "process.cwd: required");
    EXPECT_EQ(parse_error(doc(R"("mounts": [{"source": "x"}])")), "mounts[0].destination: required");
    EXPECT_EQ(parse_error(doc(R"("hooks": {"prestart": [{"args": []}]})")), "hooks.prestart[0].path: required");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "rlimits": [{"type": "RLIMIT_CPU", "soft": 1}]})")),
              "process.rlimits[0].hard: required");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "consoleSize": {"height": 1}})")),
              "process.consoleSize.width: required");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "ioPriority": {"priority": 1}})")),
              "process.ioPriority.class: required");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "scheduler": {"nice": 1}})")),
              "process.scheduler.policy: required");
    EXPECT_EQ(parse_error(doc(R"("linux": {"uidMappings": [{"containerID": 0, "hostID": 0}]})")),
              "linux.uidMappings[0].size: required");
    EXPECT_EQ(parse_error(doc(R"("linux": {"namespaces": [{"path": "/proc/1/ns/pid"}]})")),
              "linux.namespaces[0].type: required");
    EXPECT_EQ(parse_error(doc(R"("linux": {"devices": [{"path": "/dev/x"}]})")), "linux.devices[0].type: required");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"devices": [{"access": "rwm"}]}})")),
              "linux.resources.devices[0].allow: required");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"pids": {}}})")), "linux.resources.pids.limit: required");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"hugepageLimits": [{"pageSize": "2MB"}]}})")),
              "linux.resources.hugepageLimits[0].limit: required");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"blockIO": {"throttleReadBpsDevice": [{"major": 8, "rate": 1}]}}})")),
              "linux.resources.blockIO.throttleReadBpsDevice[0].minor: required");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"network": {"priorities": [{"name": "eth0"}]}}})")),
              "linux.resources.network.priorities[0].priority: required");
    EXPECT_EQ(parse_error(doc(R"("linux": {"seccomp": {"syscalls": []}})")), "linux.seccomp.defaultAction: required");
    EXPECT_EQ(parse_error(doc(R"("linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"]}]}})")),
              "linux.seccomp.syscalls[0].action: required");
    EXPECT_EQ(parse_error(doc(R"("linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1}]}]}})")),
              "linux.seccomp.syscalls[0].args[0].op: required");
}

TEST(OciParse, NullIsAbsentAndUnknownKeysAreIgnored) {
    auto spec = parse_spec(doc(R"("hostname": null, "mounts": null, "futureKey": {"x": [1, 2]},
        "process": {"cwd": "/", "args": null, "somethingNew": true, "user": {"uid": 5, "extra": "x"}},
        "linux": {"namespaces": [{"type": "pid", "flags": 7}], "newSection": {}})"));
    EXPECT_EQ(spec.hostname, "");
    EXPECT_TRUE(spec.mounts.empty());
    EXPECT_TRUE(spec.process->args.empty());
    EXPECT_EQ(spec.process->user.uid, 5u);
    ASSERT_EQ(spec.linux->namespaces.size(), 1u);
    // A required key given as null is missing.
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": null})")), "process.cwd: required");
}

TEST(OciParse, InvalidJson) {
    std::string msg = parse_error("{]");
    EXPECT_EQ(msg.rfind("config.json: invalid JSON: parse error at line 1, column 2", 0), 0u) << msg;
    EXPECT_EQ(msg.find("[json.exception"), std::string::npos) << msg;
    EXPECT_EQ(parse_error("").rfind("config.json: invalid JSON: ", 0), 0u);
    EXPECT_EQ(parse_error(doc("") + "x").rfind("config.json: invalid JSON: ", 0), 0u);
}

// Found by tests/fuzz (fuzz_exec_process): a number beyond a double made nlohmann throw
// out_of_range, which escaped as a foreign exception instead of wb::Error.
TEST(OciParse, NumberBeyondADoubleIsAnError) {
    EXPECT_THROW(wb::oci::parse_process(R"({"args": ["true"], "cwd": "/", "user": {"uid": 3e833}})"), wb::Error);
    EXPECT_THROW(wb::oci::parse_resources(R"({"memory": {"limit": 1e400}})"), wb::Error);
    // Inside config.json, the error names the field like every other type error.
    EXPECT_EQ(parse_error(doc(R"("hostname": -1e999)")), "hostname: value -1e999 out of range");
}

TEST(OciParse, OtherPlatformSectionsAreCheckedNotKept) {
    EXPECT_EQ(parse_error(doc(R"("freebsd": {"jail": {"vnet": "disable"}})")),
              R"(freebsd.jail.vnet: "disable" is not one of new, inherit)");
    EXPECT_EQ(parse_error(doc(R"("freebsd": {"jail": {"ip4": "shared"}})")),
              R"(freebsd.jail.ip4: "shared" is not one of disable, new, inherit)");
    EXPECT_EQ(parse_error(doc(R"("freebsd": {"jail": {"enforceStatfs": 256}})")),
              "freebsd.jail.enforceStatfs: value 256 out of range for uint8");
    EXPECT_EQ(parse_error(doc(R"("freebsd": {"jail": {"allow": {"mount": "tmpfs"}}})")),
              "freebsd.jail.allow.mount: expected array, got string");
    EXPECT_EQ(parse_error(doc(R"("freebsd": {"devices": [{"path": "pf", "mode": 512}]})")),
              "freebsd.devices[0].mode: value 512 is not a file mode (0 to 0777)");
    EXPECT_EQ(parse_error(doc(R"("zos": {"namespaces": [{"type": "network"}]})")),
              R"(zos.namespaces[0].type: "network" is not one of mount, pid, uts, ipc)");
    EXPECT_EQ(parse_error(doc(R"("windows": [])")), "windows: expected object, got array");
    EXPECT_NO_THROW(parse_spec(doc(R"("windows": {"layerFolders": ["c:\\x"]}, "solaris": {}, "vm": {})")));
}

TEST(OciParse, EveryFieldGroup) {
    auto spec = parse_spec(doc(R"(
      "hostname": "h", "domainname": "d", "annotations": {"k": "v"},
      "process": {
        "terminal": true, "consoleSize": {"height": 24, "width": 80},
        "user": {"uid": 1, "gid": 2, "umask": 18, "additionalGids": [3, 4], "username": "u"},
        "args": ["sh", "-c"], "commandLine": "cmd", "env": ["A=B"], "cwd": "/w",
        "capabilities": {"bounding": ["CAP_KILL"], "effective": [], "inheritable": ["CAP_A"], "permitted": ["CAP_B"], "ambient": ["CAP_C"]},
        "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 10, "soft": 5}],
        "noNewPrivileges": true, "apparmorProfile": "ap", "oomScoreAdj": -5, "selinuxLabel": "sl",
        "scheduler": {"policy": "SCHED_DEADLINE", "nice": -2, "priority": 3, "flags": ["SCHED_FLAG_RECLAIM"], "runtime": 4, "deadline": 5, "period": 6},
        "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 4},
        "execCPUAffinity": {"initial": "0", "final": "1-3"}
      },
      "mounts": [{"destination": "/m", "source": "/s", "type": "bind", "options": ["rbind"],
                  "uidMappings": [{"containerID": 0, "hostID": 100, "size": 10}],
                  "gidMappings": [{"containerID": 1, "hostID": 200, "size": 20}]}],
      "hooks": {"prestart": [{"path": "/p"}], "createRuntime": [{"path": "/cr", "args": ["cr", "x"], "env": ["E=1"], "timeout": 3}],
                "createContainer": [{"path": "/cc"}], "startContainer": [{"path": "/sc"}],
                "poststart": [{"path": "/ps"}], "poststop": [{"path": "/pst"}]},
      "linux": {
        "namespaces": [{"type": "user"}, {"type": "network", "path": "/var/run/netns/x"}],
        "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 65536}],
        "gidMappings": [{"containerID": 0, "hostID": 2000, "size": 65536}],
        "timeOffsets": {"monotonic": {"secs": -7, "nanosecs": 9}},
        "devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229, "fileMode": 438, "uid": 1, "gid": 2}],
        "cgroupsPath": "/x/y", "rootfsPropagation": "rslave", "sysctl": {"net.core.somaxconn": "256"},
        "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"], "mountLabel": "ml",
        "personality": {"domain": "LINUX32", "flags": ["f"]},
        "intelRdt": {"closID": "c", "l3CacheSchema": "L3:0=f", "memBwSchema": "MB:0=50", "schemata": ["L2:0=1"], "enableMonitoring": true},
        "netDevices": {"eth1": {"name": "ceth1"}, "eth2": {}},
        "memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0-1", "flags": ["MPOL_F_STATIC_NODES"]},
        "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64"],
                    "flags": ["SECCOMP_FILTER_FLAG_LOG"], "listenerPath": "/run/l.sock", "listenerMetadata": "meta",
                    "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "valueTwo": 9, "op": "SCMP_CMP_MASKED_EQ"}]},
                                 {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
      })"));
    const auto& p = *spec.process;
    EXPECT_EQ(spec.hostname, "h");
    EXPECT_EQ(spec.domainname, "d");
    EXPECT_EQ(spec.annotations.at("k"), "v");
    EXPECT_TRUE(p.terminal);
    EXPECT_EQ(p.console_size->height, 24u);
    EXPECT_EQ(p.console_size->width, 80u);
    EXPECT_EQ(p.user.uid, 1u);
    EXPECT_EQ(p.user.gid, 2u);
    EXPECT_EQ(*p.user.umask, 18u);
    EXPECT_EQ(p.user.additional_gids, (std::vector<uint32_t>{3, 4}));
    EXPECT_EQ(p.user.username, "u");
    EXPECT_EQ(p.args, (std::vector<std::string>{"sh", "-c"}));
    EXPECT_EQ(*p.command_line, "cmd");
    EXPECT_EQ(p.env, (std::vector<std::string>{"A=B"}));
    EXPECT_EQ(p.cwd, "/w");
    EXPECT_EQ(*p.capabilities->bounding, (std::vector<std::string>{"CAP_KILL"}));
    ASSERT_TRUE(p.capabilities->effective);
    EXPECT_TRUE(p.capabilities->effective->empty());  // present but empty: "no capabilities"
    EXPECT_EQ(p.capabilities->ambient->at(0), "CAP_C");
    EXPECT_EQ(p.rlimits[0].type, "RLIMIT_NOFILE");
    EXPECT_EQ(p.rlimits[0].hard, 10u);
    EXPECT_EQ(p.rlimits[0].soft, 5u);
    EXPECT_TRUE(p.no_new_privileges);
    EXPECT_EQ(p.apparmor_profile, "ap");
    EXPECT_EQ(*p.oom_score_adj, -5);
    EXPECT_EQ(p.selinux_label, "sl");
    EXPECT_EQ(p.scheduler->policy, "SCHED_DEADLINE");
    EXPECT_EQ(p.scheduler->nice, -2);
    EXPECT_EQ(p.scheduler->period, 6u);
    EXPECT_EQ(p.io_priority->io_class, "IOPRIO_CLASS_BE");
    EXPECT_EQ(p.io_priority->priority, 4);
    EXPECT_EQ(p.exec_cpu_affinity->initial, "0");
    EXPECT_EQ(p.exec_cpu_affinity->final_cpus, "1-3");

    ASSERT_EQ(spec.mounts.size(), 1u);
    EXPECT_EQ(spec.mounts[0].source, "/s");
    EXPECT_EQ(spec.mounts[0].type, "bind");
    EXPECT_EQ(spec.mounts[0].uid_mappings[0].host_id, 100u);
    EXPECT_EQ(spec.mounts[0].gid_mappings[0].size, 20u);

    EXPECT_EQ(spec.hooks->create_runtime[0].args, (std::vector<std::string>{"cr", "x"}));
    EXPECT_EQ(*spec.hooks->create_runtime[0].timeout, 3);
    EXPECT_EQ(spec.hooks->poststop[0].path, "/pst");
    EXPECT_EQ(spec.hooks->start_container[0].path, "/sc");

    const auto& l = *spec.linux;
    EXPECT_EQ(l.find_namespace("network")->path, "/var/run/netns/x");
    EXPECT_EQ(l.uid_mappings[0].host_id, 1000u);
    EXPECT_EQ(l.time_offsets.at("monotonic").secs, -7);
    EXPECT_EQ(l.time_offsets.at("monotonic").nanosecs, 9u);
    EXPECT_EQ(l.devices[0].minor, 229);
    EXPECT_EQ(*l.devices[0].file_mode, 438u);
    EXPECT_EQ(l.cgroups_path, "/x/y");
    EXPECT_EQ(l.rootfs_propagation, "rslave");
    EXPECT_EQ(l.sysctl.at("net.core.somaxconn"), "256");
    EXPECT_EQ(l.mount_label, "ml");
    EXPECT_EQ(l.personality->domain, "LINUX32");
    EXPECT_EQ(l.intel_rdt->mem_bw_schema, "MB:0=50");
    EXPECT_TRUE(l.intel_rdt->enable_monitoring);
    EXPECT_EQ(l.net_devices.at("eth1").name, "ceth1");
    EXPECT_EQ(l.net_devices.at("eth2").name, "");
    EXPECT_EQ(l.memory_policy->nodes, "0-1");
    EXPECT_EQ(*l.seccomp->default_errno_ret, 1u);
    EXPECT_EQ(l.seccomp->listener_metadata, "meta");
    EXPECT_EQ(*l.seccomp->syscalls[0].args[0].value_two, 9u);
    EXPECT_EQ(*l.seccomp->syscalls[1].errno_ret, 13u);
}

TEST(OciParse, ParseProcess) {
    auto p = wb::oci::parse_process(R"({"cwd": "/", "args": ["ls"], "env": ["A=1"], "user": {"uid": 7}})");
    EXPECT_EQ(p.args, (std::vector<std::string>{"ls"}));
    EXPECT_EQ(p.user.uid, 7u);
    try {
        wb::oci::parse_process(R"({"cwd": "/", "user": {"uid": "root"}})");
        FAIL();
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "user.uid: expected integer, got string");
    }
    try {
        wb::oci::parse_process(R"({"args": ["ls"]})");
        FAIL();
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "cwd: required");
    }
    EXPECT_THROW(wb::oci::parse_process("nope"), wb::Error);
}

TEST(OciParse, ParseResources) {
    auto r = wb::oci::parse_resources(R"({"memory": {"limit": 1048576, "swap": -1}, "cpu": {"shares": 512, "cpus": "0-1"},
        "pids": {"limit": 10}, "blockIO": {"weight": 100, "weightDevice": [{"major": 8, "minor": 0, "leafWeight": 20}]},
        "hugepageLimits": [{"pageSize": "2MB", "limit": 5}], "network": {"classID": 7},
        "rdma": {"mlx": {"hcaHandles": 1}}, "unified": {"io.max": "8:0 rbps=1"}})");
    EXPECT_EQ(*r.memory->limit, 1048576);
    EXPECT_EQ(*r.memory->swap, -1);
    EXPECT_EQ(*r.cpu->shares, 512u);
    EXPECT_EQ(r.cpu->cpus, "0-1");
    EXPECT_EQ(*r.pids->limit, 10);
    EXPECT_EQ(*r.block_io->weight_device[0].leaf_weight, 20);
    EXPECT_FALSE(r.block_io->weight_device[0].weight);
    EXPECT_EQ(r.hugepage_limits[0].limit, 5u);
    EXPECT_EQ(*r.network->class_id, 7u);
    EXPECT_EQ(*r.rdma.at("mlx").hca_handles, 1u);
    EXPECT_EQ(r.unified.at("io.max"), "8:0 rbps=1");
    try {
        wb::oci::parse_resources(R"({"memory": {"limit": "1G"}})");
        FAIL();
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "memory.limit: expected integer, got string");
    }
}

TEST(OciParse, LoadSpecFromBundle) {
    auto dir = std::filesystem::temp_directory_path() / ("wb-oci-load-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    try {
        wb::oci::load_spec(dir.string());
        ADD_FAILURE() << "no config.json, but loaded";
    } catch (const wb::Error& e) {
        EXPECT_EQ(std::string(e.what()), "open " + (dir / "config.json").string() + ": No such file or directory");
        EXPECT_EQ(e.code(), ENOENT);
    }
    {
        std::FILE* f = std::fopen((dir / "config.json").c_str(), "w");
        std::fputs(doc("").c_str(), f);
        std::fclose(f);
    }
    EXPECT_EQ(wb::oci::load_spec(dir.string()).root->path, "rootfs");
    std::filesystem::remove_all(dir);
}

}  // namespace
