#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

#include "oci/features.hpp"
#include "util/fs.hpp"

namespace {

using nlohmann::json;

json schema(const char* file) { return json::parse(wb::fs::read_file(std::string(WHALEBOX_SOURCE_DIR "/schemas/") + file)); }

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

TEST(OciFeatures, ShapeFollowsTheSchema) {
    std::string text = wb::oci::features_json();
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    json f = json::parse(text);
    EXPECT_EQ(f["ociVersionMin"], "1.0.0");
    EXPECT_EQ(f["ociVersionMax"], "1.3.0");
    EXPECT_EQ(f["hooks"], json::parse(R"(["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"])"));

    // Every key we print is one the schema defines, with the type it defines.
    json top = schema("features-schema.json")["properties"];
    for (const auto& [key, value] : f.items()) {
        EXPECT_TRUE(top.contains(key)) << key;
    }
    json linux_props = schema("features-linux.json")["linux"]["properties"];
    for (const auto& [key, value] : f["linux"].items()) {
        ASSERT_TRUE(linux_props.contains(key)) << key;
        EXPECT_EQ(value.is_array() ? "array" : "object", linux_props[key]["type"].get<std::string>()) << key;
        if (value.is_object() && key != "mountExtensions") {
            for (const auto& [sub, subvalue] : value.items()) {
                EXPECT_TRUE(linux_props[key]["properties"].contains(sub)) << key << "." << sub;
            }
        }
    }
    for (const auto& [key, value] : f["annotations"].items()) {
        EXPECT_TRUE(value.is_string()) << key;
    }
}

TEST(OciFeatures, ValuesAreSchemaEnums) {
    json defs = schema("defs-linux.json")["definitions"];
    auto values = [&](const char* def) { return defs.at(def).at("enum").get<std::vector<std::string>>(); };
    json f = json::parse(wb::oci::features_json());
    json l = f["linux"];
    for (const auto& ns : l["namespaces"]) EXPECT_TRUE(contains(values("NamespaceType"), ns)) << ns;
    EXPECT_EQ(l["namespaces"].size(), values("NamespaceType").size());
    for (const auto& a : l["seccomp"]["actions"]) EXPECT_TRUE(contains(values("SeccompAction"), a)) << a;
    for (const auto& o : l["seccomp"]["operators"]) EXPECT_TRUE(contains(values("SeccompOperators"), o)) << o;
    for (const auto& a : l["seccomp"]["archs"]) EXPECT_TRUE(contains(values("SeccompArch"), a)) << a;
    EXPECT_TRUE(contains(l["seccomp"]["archs"], "SCMP_ARCH_X86_64"));
    EXPECT_EQ(l["seccomp"]["knownFlags"].get<std::vector<std::string>>().size(), values("SeccompFlag").size());
    for (const auto& flag : l["seccomp"]["supportedFlags"]) EXPECT_TRUE(contains(l["seccomp"]["knownFlags"], flag)) << flag;
    EXPECT_EQ(l["cgroup"], json::parse(R"({"v1": true, "v2": true, "systemd": false, "systemdUser": false, "rdma": true})"));
    EXPECT_EQ(l["mountExtensions"]["idmap"]["enabled"], true);
    EXPECT_FALSE(f["annotations"]["io.github.seccomp.libseccomp.version"].get<std::string>().empty());
}

TEST(OciFeatures, CapabilitiesAndMountOptions) {
    auto caps = wb::oci::known_capabilities();
    ASSERT_GE(caps.size(), 38u);
    EXPECT_EQ(caps.front(), "CAP_CHOWN");
    EXPECT_TRUE(contains(caps, "CAP_SYS_ADMIN"));
    EXPECT_TRUE(contains(caps, "CAP_AUDIT_READ"));
    for (const auto& c : caps) EXPECT_EQ(c.rfind("CAP_", 0), 0u) << c;

    json f = json::parse(wb::oci::features_json());
    auto options = f["mountOptions"].get<std::vector<std::string>>();
    for (const char* o : {"bind", "rbind", "ro", "rro", "nosymfollow", "tmpcopyup", "rprivate", "strictatime"})
        EXPECT_TRUE(contains(options, o)) << o;
    EXPECT_TRUE(contains(options, "idmap"));
    EXPECT_TRUE(contains(options, "ridmap"));
    EXPECT_TRUE(std::is_sorted(options.begin(), options.end()));
}

}  // namespace
