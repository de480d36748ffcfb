#include "lite/reference.hpp"

#include <gtest/gtest.h>

#include "lite/format.hpp"
#include "util/error.hpp"

namespace wb::lite {
namespace {

TEST(LiteReference, DockerGrammar) {
    for (const char* good : {"busybox", "busybox:latest", "a.b/c_d:1.0", "localhost:5000/team/app:v-2",
                             "x__y--z", "Registry.Example.com/a/b", "a@sha256:0123456789abcdef0123456789abcdef"})
        EXPECT_TRUE(valid_reference(good)) << good;
    for (const char* bad : {"Bad:Name:x", "UPPER", "a/B", "-a", "a_", "a:", "a::b", "a:-x", "", "a//b", "a@sha256:12"})
        EXPECT_FALSE(valid_reference(bad)) << bad;
    EXPECT_THROW(
        {
            try {
                check_reference("UPPER");
            } catch (const Error& e) {
                EXPECT_STREQ(e.what(), "invalid reference format: repository name (UPPER) must be lowercase");
                throw;
            }
        },
        Error);
}

TEST(LiteFormat, GoTemplates) {
    nlohmann::json o = {{"Names", "web"}, {"State", {{"Status", "running"}}}, {"N", 3}};
    EXPECT_EQ(render_template("{{.Names}} {{.State.Status}} {{.N}}", o), "web running 3");
    EXPECT_EQ(render_template("{{json .State}}", o), R"({"Status":"running"})");
    EXPECT_EQ(render_template("{{upper .Names}}\\t!", o), "WEB\t!");
    EXPECT_THROW(render_template("{{.Nope}}", o), Error);
    EXPECT_THROW(render_template("{{frob .Names}}", o), Error);
    std::string t = format_list("table {{.Names}}\t{{.State.Status}}", {o}, {{"Names", "NAMES"}}, "");
    EXPECT_EQ(t, "NAMES   STATE STATUS\nweb     running\n");
}

TEST(LiteFormat, IndexAndParentheses) {
    nlohmann::json o = nlohmann::json::parse(
        R"({"NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}], "53/udp": null}},
            "Args": ["a", "b"]})");
    EXPECT_EQ(render_template(R"({{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}})", o), "8080");
    EXPECT_EQ(render_template(R"({{(index .NetworkSettings.Ports "80/tcp" 0).HostIp}})", o), "0.0.0.0");
    EXPECT_EQ(render_template(R"({{json (index .NetworkSettings.Ports "80/tcp")}})", o),
              R"([{"HostIp":"0.0.0.0","HostPort":"8080"}])");
    EXPECT_EQ(render_template(R"({{index .NetworkSettings.Ports "53/udp"}} {{index .Args 1}})", o), "<no value> b");
    EXPECT_EQ(render_template(R"({{index .NetworkSettings.Ports "nope"}})", o), "<no value>");
    EXPECT_EQ(render_template("{{ .Args }}", o), R"(["a","b"])");
    EXPECT_THROW(render_template("{{index .Args 5}}", o), Error);
    EXPECT_THROW(render_template(R"({{(index .NetworkSettings.Ports "53/udp").HostPort}})", o), Error);
    EXPECT_THROW(render_template("{{(index .Args 0}}", o), Error);
    EXPECT_THROW(render_template("{{json .Args .Args}}", o), Error);
    EXPECT_THROW(render_template("{{.Args .Args}}", o), Error);
    EXPECT_THROW(render_template("{{}}", o), Error);
}

}  // namespace
}  // namespace wb::lite
