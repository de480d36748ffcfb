#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "oci/spec.hpp"
#include "oci/validate.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace {

using nlohmann::json;

json base() { return json::parse(R"({"ociVersion": "1.2.0", "root": {"path": "rootfs"}})"); }

// The message validate() throws for the document, "" when it passes. Parse errors fail the test.
std::string validate_error(const json& doc) {
    wb::oci::Spec spec = wb::oci::parse_spec(doc);
    try {
        wb::oci::validate(spec);
    } catch (const wb::Error& e) {
        return e.what();
    }
    return "";
}

json with(const std::string& members) {
    json doc = base();
    doc.update(json::parse("{" + members + "}"));
    return doc;
}

TEST(OciValidate, OciVersion) {
    for (const char* ok : {"1.0.0", "1.0.2-dev", "1.0.0-rc5", "1.2.0", "1.3.0", "1.1.0+dev.2", "0.5.0-dev", "1.4.0"}) {
        json doc = base();
        doc["ociVersion"] = ok;
        EXPECT_EQ(validate_error(doc), "") << ok;
    }
    for (const char* bad : {"1.0", "1", "", "v1.0.0", "1.0.0-", "01.0.0", "1.0.0-rc..1", "1.0.x", "1.0.0-01"}) {
        json doc = base();
        doc["ociVersion"] = bad;
        EXPECT_EQ(validate_error(doc), "ociVersion: \"" + std::string(bad) + "\" is not a SemVer version") << bad;
    }
    json doc = base();
    doc["ociVersion"] = "2.0.0";
    EXPECT_EQ(validate_error(doc), "ociVersion: version 2.0.0 is not supported (whalebox implements runtime-spec 1.x, up to 1.3.0)");
}

TEST(OciValidate, Root) {
    json doc = base();
    doc.erase("root");
    EXPECT_EQ(validate_error(doc), "root: required");
    doc["root"] = {{"path", ""}};
    EXPECT_EQ(validate_error(doc), "root.path: must not be empty");
}

TEST(OciValidate, Process) {
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "w"})")), "process.cwd: must be an absolute path, got \"w\"");
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "env": ["A=1", "B"]})")), "process.env[1]: \"B\" is not NAME=VALUE");
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "env": ["=x"]})")), "process.env[0]: \"=x\" is not NAME=VALUE");
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "env": ["A="]})")), "");
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "rlimits": [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]})")).rfind(
                  "process.rlimits[0].type: \"RLIMIT_FOO\" is not one of RLIMIT_AS, ", 0),
              0u);
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}, {"type": "RLIMIT_NOFILE", "soft": 2, "hard": 2}]})")),
              "process.rlimits[1].type: duplicate RLIMIT_NOFILE");
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "rlimits": [{"type": "RLIMIT_CORE", "soft": 2, "hard": 1}]})")),
              "process.rlimits[0].soft: soft limit 2 exceeds hard limit 1");
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "oomScoreAdj": 1001})")), "process.oomScoreAdj: value 1001 is not in -1000..1000");
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "ioPriority": {"class": "IOPRIO_CLASS_NONE"}})")),
              "process.ioPriority.class: \"IOPRIO_CLASS_NONE\" is not one of IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE");
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 8}})")),
              "process.ioPriority.priority: value 8 is not in 0..7");
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "scheduler": {"policy": "SCHED_RR", "flags": ["SCHED_FLAG_X"]}})")).rfind(
                  "process.scheduler.flags[0]: \"SCHED_FLAG_X\" is not one of ", 0),
              0u);
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "execCPUAffinity": {"final": "0-3;"}})")),
              "process.execCPUAffinity.final: \"0-3;\" is not a CPU list");
    // Capability names are not checked here: unknown ones are warned about at run time.
    EXPECT_EQ(validate_error(with(R"("process": {"cwd": "/", "capabilities": {"bounding": ["CAP_FUTURE"]}})")), "");
}

TEST(OciValidate, MountsAndHooks) {
    EXPECT_EQ(validate_error(with(R"("mounts": [{"destination": "relative/is/ok"}])")), "");
    EXPECT_EQ(validate_error(with(R"("mounts": [{"destination": "/a"}, {"destination": ""}])")), "mounts[1].destination: must not be empty");
    // Found by integration/hostile.bats: these failed as "write /proc/PID/uid_map: EINVAL".
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "user"}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
        "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}, {"containerID": 5, "hostID": 2000, "size": 10}]})")),
              "linux.uidMappings[1]: overlaps entry 0");
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "user"}], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
        "gidMappings": [{"containerID": 0, "hostID": 4294967295, "size": 2}]})")),
              "linux.gidMappings[0].size: range ends past 4294967295");
    EXPECT_EQ(validate_error(with(R"("mounts": [{"destination": "/a", "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}])")),
              "mounts[0].gidMappings: uidMappings and gidMappings must be given together");
    EXPECT_EQ(validate_error(with(R"("hooks": {"poststart": [{"path": "/ok"}, {"path": "rel"}]})")),
              "hooks.poststart[1].path: must be an absolute path, got \"rel\"");
    EXPECT_EQ(validate_error(with(R"("hooks": {"createRuntime": [{"path": "/x", "timeout": 0}]})")),
              "hooks.createRuntime[0].timeout: must be greater than zero");
    EXPECT_EQ(validate_error(with(R"("annotations": {"": "x"})")), "annotations: keys must not be empty");
}

TEST(OciValidate, Namespaces) {
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "pid"}, {"type": "net"}]})")),
              "linux.namespaces[1].type: \"net\" is not one of mount, pid, network, uts, ipc, user, cgroup, time");
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "pid"}]})")),
              "linux.namespaces[2].type: duplicate namespace \"pid\"");
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "network", "path": "run/netns/x"}]})")),
              "linux.namespaces[0].path: must be an absolute path, got \"run/netns/x\"");
}

TEST(OciValidate, UserAndTimeNamespaces) {
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "user"}]})")),
              "linux.uidMappings: required with a new user namespace");
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "user"}], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]})")),
              "linux.gidMappings: required with a new user namespace");
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "user", "path": "/proc/1/ns/user"}]})")), "");
    EXPECT_EQ(validate_error(with(R"("linux": {"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]})")),
              "linux.uidMappings: set, but linux.namespaces has no user namespace");
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "user"}], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 0}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]})")),
              "linux.uidMappings[0].size: must be positive");
    EXPECT_EQ(validate_error(with(R"("linux": {"timeOffsets": {"monotonic": {"secs": 1}}})")),
              "linux.timeOffsets: set, but linux.namespaces has no time namespace");
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "time", "path": "/proc/1/ns/time"}], "timeOffsets": {"monotonic": {"secs": 1}}})")),
              "linux.timeOffsets: cannot be applied to a joined time namespace");
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "time"}], "timeOffsets": {"realtime": {"secs": 1}}})")),
              "linux.timeOffsets.realtime: is not one of monotonic, boottime");
    EXPECT_EQ(validate_error(with(R"("linux": {"namespaces": [{"type": "time"}], "timeOffsets": {"boottime": {"nanosecs": 1000000000}}})")),
              "linux.timeOffsets.boottime.nanosecs: value 1000000000 is not below 1e9");
}

TEST(OciValidate, DevicesAndResources) {
    EXPECT_EQ(validate_error(with(R"("linux": {"devices": [{"type": "x", "path": "/dev/x"}]})")),
              "linux.devices[0].type: \"x\" is not one of c, b, u, p");
    EXPECT_EQ(validate_error(with(R"("linux": {"devices": [{"type": "c", "path": "dev/x"}]})")),
              "linux.devices[0].path: must be an absolute path, got \"dev/x\"");
    // Found by integration/hostile.bats: a negative major failed only in the init.
    EXPECT_EQ(validate_error(with(R"("linux": {"devices": [{"type": "c", "path": "/dev/x", "major": -1}]})")),
              "linux.devices[0].major: value -1 is not in 0..4294967295");
    EXPECT_EQ(validate_error(with(R"("linux": {"devices": [{"type": "b", "path": "/dev/x", "minor": 4294967296}]})")),
              "linux.devices[0].minor: value 4294967296 is not in 0..4294967295");
    // Type bits that match the type are accepted, as runc does: podman sends them.
    EXPECT_EQ(validate_error(with(R"("linux": {"devices": [{"type": "c", "path": "/dev/n", "fileMode": 8630}]})")), "");
    EXPECT_EQ(validate_error(with(R"("linux": {"devices": [{"type": "p", "path": "/dev/f", "fileMode": 4534}]})")), "");
    EXPECT_EQ(validate_error(with(R"("linux": {"devices": [{"type": "c", "path": "/dev/f", "fileMode": 4534}]})")),
              "linux.devices[0].fileMode: value 4534 is not a file mode");
    EXPECT_EQ(validate_error(with(R"("linux": {"devices": [{"type": "b", "path": "/dev/f", "fileMode": 1048576}]})")),
              "linux.devices[0].fileMode: value 1048576 is not a file mode");
    EXPECT_EQ(validate_error(with(R"("linux": {"resources": {"devices": [{"allow": true, "type": "p"}]}})")),
              "linux.resources.devices[0].type: \"p\" is not one of a, c, b");
    EXPECT_EQ(validate_error(with(R"("linux": {"resources": {"devices": [{"allow": true, "access": "rwx"}]}})")),
              "linux.resources.devices[0].access: \"rwx\" is not a combination of r, w, m");
    EXPECT_EQ(validate_error(with(R"("linux": {"resources": {"memory": {"swappiness": 101}}})")),
              "linux.resources.memory.swappiness: value 101 is not in 0..100");
    EXPECT_EQ(validate_error(with(R"("linux": {"resources": {"blockIO": {"weightDevice": [{"major": 8, "minor": 0}]}}})")),
              "linux.resources.blockIO.weightDevice[0]: needs weight or leafWeight");
    EXPECT_EQ(validate_error(with(R"("linux": {"resources": {"rdma": {"mlx5_1": {}}}})")),
              "linux.resources.rdma.mlx5_1: needs hcaHandles or hcaObjects");
    EXPECT_EQ(validate_error(with(R"("linux": {"resources": {"unified": {"../x": "1"}}})")),
              "linux.resources.unified[\"../x\"]: must be a cgroup file name");
    for (const char* bad : {"64kB", "2M", "0MB", "MB", "2TB", "1.5GB"}) {
        json doc = with(R"("linux": {"resources": {"hugepageLimits": [{"pageSize": "2MB", "limit": 1}, {"pageSize": "", "limit": 1}]}})");
        doc["linux"]["resources"]["hugepageLimits"][1]["pageSize"] = bad;
        EXPECT_EQ(validate_error(doc), "linux.resources.hugepageLimits[1].pageSize: \"" + std::string(bad) +
                                           "\" is not a page size such as 2MB or 1GB");
    }
}

TEST(OciValidate, Seccomp) {
    auto seccomp = [](const std::string& body) { return with(R"("linux": {"seccomp": )" + body + "}"); };
    EXPECT_EQ(validate_error(seccomp(R"({"defaultAction": "SCMP_ACT_DENY"})")).rfind(
                  "linux.seccomp.defaultAction: \"SCMP_ACT_DENY\" is not one of SCMP_ACT_KILL, ", 0),
              0u);
    EXPECT_EQ(validate_error(seccomp(R"({"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/l"})")),
              "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    EXPECT_EQ(validate_error(seccomp(R"({"defaultAction": "SCMP_ACT_KILL", "defaultErrnoRet": 1})")),
              "linux.seccomp.defaultErrnoRet: is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
    EXPECT_EQ(validate_error(seccomp(R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "x86"]})")).rfind(
                  "linux.seccomp.architectures[1]: \"x86\" is not one of ", 0),
              0u);
    EXPECT_EQ(validate_error(seccomp(R"({"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NEW_LISTENER"]})")).rfind(
                  "linux.seccomp.flags[0]: ", 0),
              0u);
    EXPECT_EQ(validate_error(seccomp(R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "m"})")),
              "linux.seccomp.listenerMetadata: must not be set without listenerPath");
    EXPECT_EQ(validate_error(seccomp(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]})")),
              "linux.seccomp.syscalls[0].names: must contain at least one entry");
    EXPECT_EQ(validate_error(seccomp(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}]})")),
              "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
    EXPECT_EQ(validate_error(seccomp(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]})")),
              "linux.seccomp.syscalls[0].errnoRet: is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
    EXPECT_EQ(validate_error(seccomp(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 0, "op": "SCMP_CMP_EQ"}]}]})")),
              "linux.seccomp.syscalls[0].args[0].index: value 6 is not in 0..5");
    EXPECT_EQ(validate_error(seccomp(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 0, "op": "=="}]}]})")).rfind(
                  "linux.seccomp.syscalls[0].args[0].op: \"==\" is not one of ", 0),
              0u);
}

TEST(OciValidate, OtherLinuxRules) {
    EXPECT_EQ(validate_error(with(R"("linux": {"sysctl": {"net.ipv4.ip_forward": "1", "net/core/somaxconn": "1"}})")), "");
    EXPECT_EQ(validate_error(with(R"("linux": {"sysctl": {"net/../../etc": "1"}})")),
              "linux.sysctl[\"net/../../etc\"]: is not a sysctl name");
    EXPECT_EQ(validate_error(with(R"("linux": {"sysctl": {"": "1"}})")), "linux.sysctl[\"\"]: is not a sysctl name");
    EXPECT_EQ(validate_error(with(R"("linux": {"rootfsPropagation": "rprivate"})")), "");
    EXPECT_EQ(validate_error(with(R"("linux": {"rootfsPropagation": "none"})")).rfind("linux.rootfsPropagation: \"none\" is not one of ", 0), 0u);
    EXPECT_EQ(validate_error(with(R"("linux": {"maskedPaths": ["/proc/kcore", "proc/keys"]})")),
              "linux.maskedPaths[1]: must be an absolute path, got \"proc/keys\"");
    EXPECT_EQ(validate_error(with(R"("linux": {"readonlyPaths": ["sys"]})")), "linux.readonlyPaths[0]: must be an absolute path, got \"sys\"");
    EXPECT_EQ(validate_error(with(R"("linux": {"personality": {"domain": "LINUX64"}})")),
              "linux.personality.domain: \"LINUX64\" is not one of LINUX, LINUX32");
    EXPECT_EQ(validate_error(with(R"("linux": {"intelRdt": {"memBwSchema": "L3:0=1"}})")),
              "linux.intelRdt.memBwSchema: must start with \"MB:\" and be one line");
    EXPECT_EQ(validate_error(with(R"("linux": {"memoryPolicy": {"mode": "MPOL_X", "nodes": "0"}})")).rfind(
                  "linux.memoryPolicy.mode: \"MPOL_X\" is not one of ", 0),
              0u);
    EXPECT_EQ(validate_error(with(R"("linux": {"netDevices": {"eth0/x": {}}})")), "linux.netDevices[\"eth0/x\"]: is not a network interface name");
    EXPECT_EQ(validate_error(with(R"("linux": {"netDevices": {"eth0": {"name": "averyveryverylongname"}}})")),
              "linux.netDevices.eth0.name: \"averyveryverylongname\" is not a network interface name");
}

// Every enum value of defs-linux.json is accepted, so the tables in validate.cpp follow
// the schema; a value outside it is refused.
TEST(OciValidate, EnumsFollowTheSchema) {
    json defs = json::parse(wb::fs::read_file(WHALEBOX_SOURCE_DIR "/schemas/defs-linux.json"))["definitions"];
    auto values = [&](const char* def) { return defs.at(def).at("enum").get<std::vector<std::string>>(); };

    for (const auto& type : values("NamespaceType")) {
        json doc = with(R"("linux": {"namespaces": [{"type": ""}], "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]})");
        doc["linux"]["namespaces"][0]["type"] = type;
        if (type != "user") doc["linux"]["namespaces"].push_back({{"type", "user"}});
        EXPECT_EQ(validate_error(doc), "") << type;
    }
    for (const auto& action : values("SeccompAction")) {
        json doc = with(R"("linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/l", "syscalls": [{"names": ["read"], "action": ""}]}})");
        doc["linux"]["seccomp"]["syscalls"][0]["action"] = action;
        EXPECT_EQ(validate_error(doc), "") << action;
    }
    auto each = [&](const char* def, const std::string& members, const std::vector<std::string>& where) {
        for (const auto& value : values(def)) {
            json doc = with(members);
            doc[json::json_pointer("/" + where[0])] = value;
            EXPECT_EQ(validate_error(doc), "") << def << " " << value;
        }
    };
    each("SeccompArch", R"("linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": [""]}})", {"linux/seccomp/architectures/0"});
    each("SeccompFlag", R"("linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "flags": [""]}})", {"linux/seccomp/flags/0"});
    each("SeccompOperators", R"("linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": ""}]}]}})",
         {"linux/seccomp/syscalls/0/args/0/op"});
    each("SchedulerPolicy", R"("process": {"cwd": "/", "scheduler": {"policy": ""}})", {"process/scheduler/policy"});
    each("SchedulerFlag", R"("process": {"cwd": "/", "scheduler": {"policy": "SCHED_OTHER", "flags": [""]}})", {"process/scheduler/flags/0"});
    each("RootfsPropagation", R"("linux": {"rootfsPropagation": ""})", {"linux/rootfsPropagation"});
    each("PersonalityDomain", R"("linux": {"personality": {"domain": ""}})", {"linux/personality/domain"});
    each("MemoryPolicyMode", R"("linux": {"memoryPolicy": {"mode": "", "nodes": "0"}})", {"linux/memoryPolicy/mode"});
    each("MemoryPolicyFlag", R"("linux": {"memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0", "flags": [""]}})", {"linux/memoryPolicy/flags/0"});
}

TEST(OciValidate, ProcessAndResourcesOnTheirOwn) {
    auto process = wb::oci::parse_process(R"({"cwd": "/", "env": ["NOEQUALS"]})");
    try {
        wb::oci::validate_process(process);
        FAIL();
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "env[0]: \"NOEQUALS\" is not NAME=VALUE");
    }
    auto resources = wb::oci::parse_resources(R"({"memory": {"swappiness": 200}})");
    try {
        wb::oci::validate_resources(resources);
        FAIL();
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "memory.swappiness: value 200 is not in 0..100");
    }
}

TEST(OciValidate, ForCreate) {
    auto check = [](const json& doc) -> std::string {
        try {
            wb::oci::validate_for_create(wb::oci::parse_spec(doc));
        } catch (const wb::Error& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_EQ(check(base()), "process: required to create a container");
    EXPECT_EQ(check(with(R"("process": {"cwd": "/"})")), "process.args: must not be empty");
    EXPECT_EQ(check(with(R"("process": {"cwd": "/", "args": ["sh"]}, "hostname": "h")")),
              "hostname: cannot be set without a uts namespace in linux.namespaces");
    EXPECT_EQ(check(with(R"("process": {"cwd": "/", "args": ["sh"]}, "hostname": "h", "linux": {"namespaces": [{"type": "uts"}]})")), "");
}

}  // namespace
