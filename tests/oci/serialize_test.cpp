#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "oci/serialize.hpp"
#include "oci/spec.hpp"
#include "util/fs.hpp"

namespace {

using nlohmann::json;

// A document that sets every key the typed model has, each to a non-default value.
const char* kEveryField = R"({
  "ociVersion": "1.2.0",
  "process": {
    "terminal": true, "consoleSize": {"height": 24, "width": 80},
    "user": {"uid": 1, "gid": 2, "umask": 18, "additionalGids": [3, 4], "username": "u"},
    "args": ["sh", "-c"], "commandLine": "cmd", "env": ["A=B"], "cwd": "/w",
    "capabilities": {"bounding": ["CAP_KILL"], "effective": [], "inheritable": ["CAP_A"], "permitted": ["CAP_B"], "ambient": ["CAP_C"]},
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 10, "soft": 5}],
    "noNewPrivileges": true, "apparmorProfile": "ap", "oomScoreAdj": -5,
    "scheduler": {"policy": "SCHED_DEADLINE", "nice": -2, "priority": 3, "flags": ["SCHED_FLAG_RECLAIM"], "runtime": 4, "deadline": 5, "period": 6},
    "selinuxLabel": "sl",
    "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 4},
    "execCPUAffinity": {"initial": "0", "final": "1-3"}
  },
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "h", "domainname": "d",
  "mounts": [{"destination": "/m", "type": "bind", "source": "/s", "options": ["rbind"],
              "uidMappings": [{"containerID": 0, "hostID": 100, "size": 10}],
              "gidMappings": [{"containerID": 1, "hostID": 200, "size": 20}]}],
  "hooks": {"prestart": [{"path": "/p"}], "createRuntime": [{"path": "/cr", "args": ["cr", "x"], "env": ["E=1"], "timeout": 3}],
            "createContainer": [{"path": "/cc"}], "startContainer": [{"path": "/sc"}],
            "poststart": [{"path": "/ps"}], "poststop": [{"path": "/pst"}]},
  "annotations": {"k": "v", "k2": ""},
  "linux": {
    "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 65536}],
    "gidMappings": [{"containerID": 0, "hostID": 2000, "size": 65536}],
    "sysctl": {"net.core.somaxconn": "256"},
    "resources": {
      "devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}],
      "memory": {"limit": 1, "reservation": 2, "swap": 3, "kernel": 4, "kernelTCP": 5, "swappiness": 6,
                 "disableOOMKiller": true, "useHierarchy": false, "checkBeforeUpdate": true},
      "cpu": {"shares": 1, "quota": 2, "burst": 3, "period": 4, "realtimeRuntime": 5, "realtimePeriod": 6,
              "cpus": "0-1", "mems": "0", "idle": 1},
      "pids": {"limit": 7},
      "blockIO": {"weight": 10, "leafWeight": 11,
                  "weightDevice": [{"major": 8, "minor": 0, "weight": 500, "leafWeight": 300}],
                  "throttleReadBpsDevice": [{"major": 8, "minor": 1, "rate": 1}],
                  "throttleWriteBpsDevice": [{"major": 8, "minor": 2, "rate": 2}],
                  "throttleReadIOPSDevice": [{"major": 8, "minor": 3, "rate": 3}],
                  "throttleWriteIOPSDevice": [{"major": 8, "minor": 4, "rate": 4}]},
      "hugepageLimits": [{"pageSize": "2MB", "limit": 9223372036854772000}],
      "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 500}]},
      "rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}},
      "unified": {"io.max": "8:0 rbps=1"}
    },
    "cgroupsPath": "/x/y",
    "namespaces": [{"type": "user"}, {"type": "network", "path": "/var/run/netns/x"}, {"type": "time"}],
    "devices": [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 1, "gid": 2}],
    "netDevices": {"eth1": {"name": "ceth1"}, "eth2": {}},
    "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64"],
                "flags": ["SECCOMP_FILTER_FLAG_LOG"], "listenerPath": "/run/l.sock", "listenerMetadata": "meta",
                "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "valueTwo": 9, "op": "SCMP_CMP_MASKED_EQ"}]},
                             {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]},
    "rootfsPropagation": "rslave",
    "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"], "mountLabel": "ml",
    "intelRdt": {"closID": "c", "l3CacheSchema": "L3:0=f", "memBwSchema": "MB:0=50", "schemata": ["L2:0=1"], "enableMonitoring": true},
    "memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0-1", "flags": ["MPOL_F_STATIC_NODES"]},
    "personality": {"domain": "LINUX32", "flags": ["f"]},
    "timeOffsets": {"monotonic": {"secs": -7, "nanosecs": 9}, "boottime": {"secs": 1}}
  }
})";

TEST(OciSerialize, EveryFieldRoundTrips) {
    json original = json::parse(kEveryField);
    wb::oci::Spec spec = wb::oci::parse_spec(std::string(kEveryField));
    wb::oci::validate(spec);
    std::string text = wb::oci::serialize_spec(spec);
    // Every key survives, with its value: the serialized document equals the original.
    EXPECT_EQ(json::parse(text), original) << text;
    // And reading it back gives the same text again.
    EXPECT_EQ(wb::oci::serialize_spec(wb::oci::parse_spec(text)), text);
}

TEST(OciSerialize, KeysFollowTheGoStructOrder) {
    std::string text = wb::oci::serialize_spec(wb::oci::parse_spec(std::string(kEveryField)));
    auto pos = [&](const char* key) { return text.find(std::string("\"") + key + "\":"); };
    EXPECT_LT(pos("ociVersion"), pos("process"));
    EXPECT_LT(pos("process"), pos("root"));
    EXPECT_LT(pos("mounts"), pos("hooks"));
    EXPECT_LT(pos("annotations"), pos("linux"));
    EXPECT_LT(pos("terminal"), pos("consoleSize"));
    EXPECT_LT(pos("cwd"), pos("capabilities"));
    EXPECT_EQ(text.find("\n\t\"process\": {"), text.find("\n\t\"process\""));  // tab indented
}

TEST(OciSerialize, EmptyValuesAreLeftOut) {
    wb::oci::Spec spec;
    spec.oci_version = "1.2.0";
    spec.process.emplace();
    spec.process->cwd = "/";
    spec.linux.emplace();
    spec.linux->namespaces.push_back({"pid", ""});
    EXPECT_EQ(json::parse(wb::oci::serialize_spec(spec)),
              json::parse(R"({"ociVersion": "1.2.0", "process": {"user": {"uid": 0, "gid": 0}, "cwd": "/"},
                              "linux": {"namespaces": [{"type": "pid"}]}})"));
}

TEST(OciSerialize, ProcessAndResources) {
    auto process = wb::oci::parse_process(R"({"cwd": "/", "args": ["ls"], "user": {"uid": 3, "gid": 4}})");
    EXPECT_EQ(json::parse(wb::oci::serialize_process(process)),
              json::parse(R"({"user": {"uid": 3, "gid": 4}, "args": ["ls"], "cwd": "/"})"));
    auto resources = wb::oci::parse_resources(R"({"pids": {"limit": 3}, "memory": {"limit": 10}})");
    EXPECT_EQ(json::parse(wb::oci::serialize_resources(resources)),
              json::parse(R"({"pids": {"limit": 3}, "memory": {"limit": 10}})"));
}

}  // namespace
