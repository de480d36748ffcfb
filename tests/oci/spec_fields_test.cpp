// The field tables of oci/spec_fields.hpp drive both parse and serialize: a document goes
// through parse -> serialize -> parse unchanged, the keys whalebox does not know included.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "oci/serialize.hpp"
#include "oci/spec.hpp"

namespace {

using nlohmann::json;

// Unknown keys at the top level, in nested objects, in array elements and in map values.
const char* kWithUnknownKeys = R"({
  "ociVersion": "1.2.0",
  "futureTop": {"a": [1, 2, {"b": null}], "c": "d"},
  "windows": {"layerFolders": ["c:\\x"]},
  "process": {"cwd": "/", "args": ["sh"], "futureProcess": "x",
              "user": {"uid": 1, "gid": 2, "futureUser": 1.5},
              "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1, "soft": 1, "futureRlimit": true}]},
  "root": {"path": "rootfs", "futureRoot": -3},
  "mounts": [{"destination": "/m", "futureMount": {"x": "y"}}],
  "hooks": {"poststop": [{"path": "/p", "futureHook": 7}], "futureHookKind": [{"path": "/q"}]},
  "linux": {
    "futureLinux": [],
    "namespaces": [{"type": "pid", "futureNamespace": "n"}],
    "resources": {"memory": {"limit": 5, "futureMemory": 1}, "futureController": {"max": "1"},
                  "rdma": {"mlx": {"hcaHandles": 1, "futureRdma": 2}}},
    "timeOffsets": {"monotonic": {"secs": 1, "futureTime": 0}},
    "seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "futureSyscall": 1,
                              "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ", "futureArg": 2}]}]}
  }
})";

TEST(OciSpecFields, UnknownKeysAreKeptWhereTheyWere) {
    auto spec = wb::oci::parse_spec(std::string(kWithUnknownKeys));
    EXPECT_EQ(spec.extra.at("futureTop"), R"({"a":[1,2,{"b":null}],"c":"d"})");
    EXPECT_EQ(spec.extra.at("windows"), R"({"layerFolders":["c:\\x"]})");
    EXPECT_EQ(spec.process->extra.at("futureProcess"), R"("x")");
    EXPECT_EQ(spec.process->user.extra.at("futureUser"), "1.5");
    EXPECT_EQ(spec.process->rlimits[0].extra.at("futureRlimit"), "true");
    EXPECT_EQ(spec.root->extra.at("futureRoot"), "-3");
    EXPECT_EQ(spec.mounts[0].extra.at("futureMount"), R"({"x":"y"})");
    EXPECT_EQ(spec.hooks->extra.at("futureHookKind"), R"([{"path":"/q"}])");
    EXPECT_EQ(spec.linux->extra.at("futureLinux"), "[]");
    EXPECT_EQ(spec.linux->namespaces[0].extra.at("futureNamespace"), R"("n")");
    EXPECT_EQ(spec.linux->resources->rdma.at("mlx").extra.at("futureRdma"), "2");
    EXPECT_EQ(spec.linux->time_offsets.at("monotonic").extra.at("futureTime"), "0");
    EXPECT_EQ(spec.linux->seccomp->syscalls[0].args[0].extra.at("futureArg"), "2");
    // Known keys never land in extra.
    EXPECT_EQ(spec.extra.size(), 2u);
    EXPECT_EQ(spec.process->extra.size(), 1u);
    EXPECT_EQ(spec.linux->resources->extra.size(), 1u);
}

TEST(OciSpecFields, ParseSerializeParseIsIdentical) {
    std::string once = wb::oci::serialize_spec(wb::oci::parse_spec(std::string(kWithUnknownKeys)));
    // Every key survives, unknown ones included, with its value.
    EXPECT_EQ(json::parse(once), json::parse(kWithUnknownKeys)) << once;
    // And reading it back gives the same text again.
    EXPECT_EQ(wb::oci::serialize_spec(wb::oci::parse_spec(once)), once);
}

TEST(OciSpecFields, UnknownKeysComeAfterTheKnownOnes) {
    std::string text = wb::oci::serialize_spec(wb::oci::parse_spec(std::string(kWithUnknownKeys)));
    auto pos = [&](const char* key) { return text.find(std::string("\"") + key + "\":"); };
    EXPECT_LT(pos("linux"), pos("futureTop"));
    EXPECT_LT(pos("cwd"), pos("futureProcess"));
    EXPECT_LT(pos("destination"), pos("futureMount"));
}

TEST(OciSpecFields, NullUnknownKeysAreAbsent) {
    auto spec = wb::oci::parse_spec(R"({"ociVersion": "1.2.0", "futureKey": null, "root": {"path": "r", "x": null}})");
    EXPECT_TRUE(spec.extra.empty());
    EXPECT_TRUE(spec.root->extra.empty());
}

TEST(OciSpecFields, ProcessAndResourcesKeepUnknownKeysToo) {
    const char* process_text = R"({"cwd": "/", "args": ["ls"], "user": {"uid": 3, "gid": 4}, "futureKey": [1]})";
    auto process = wb::oci::parse_process(process_text);
    EXPECT_EQ(process.extra.at("futureKey"), "[1]");
    EXPECT_EQ(json::parse(wb::oci::serialize_process(process)), json::parse(process_text));

    const char* resources_text = R"({"pids": {"limit": 3, "futurePids": "x"}, "futureController": {}})";
    auto resources = wb::oci::parse_resources(resources_text);
    EXPECT_EQ(resources.pids->extra.at("futurePids"), R"("x")");
    EXPECT_EQ(json::parse(wb::oci::serialize_resources(resources)), json::parse(resources_text));
}

TEST(OciSpecFields, ExtraSetInCodeIsWritten) {
    wb::oci::Spec spec;
    spec.oci_version = "1.2.0";
    spec.extra["vendorKey"] = R"({"on":true})";
    spec.extra["broken"] = "{not json";  // left out rather than thrown on
    EXPECT_EQ(json::parse(wb::oci::serialize_spec(spec)), json::parse(R"({"ociVersion": "1.2.0", "vendorKey": {"on": true}})"));
}

}  // namespace
