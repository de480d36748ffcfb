#include <gtest/gtest.h>
#include <stdlib.h>

#include "lite/argv_split.hpp"
#include "lite/run_options.hpp"
#include "util/error.hpp"

namespace wb::lite {
namespace {

TEST(LiteMemorySize, DockerUnits) {
    EXPECT_EQ(parse_memory_size("64m"), 64LL << 20);
    EXPECT_EQ(parse_memory_size("64M"), 64LL << 20);
    EXPECT_EQ(parse_memory_size("64mb"), 64LL << 20);
    EXPECT_EQ(parse_memory_size("1g"), 1LL << 30);
    EXPECT_EQ(parse_memory_size("1.5g"), 3LL << 29);
    EXPECT_EQ(parse_memory_size("512k"), 512LL << 10);
    EXPECT_EQ(parse_memory_size("512KiB"), 512LL << 10);
    EXPECT_EQ(parse_memory_size("1048576"), 1048576);
    EXPECT_EQ(parse_memory_size("100b"), 100);
}

TEST(LiteMemorySize, Invalid) {
    for (const char* bad : {"", "lots", "-1", "12q", "1.2.3m", "m", "1.m"})
        EXPECT_THROW(parse_memory_size(bad), Error) << bad;
}

TEST(LiteVolume, HostContainerMode) {
    VolumeSpec v = parse_volume("/srv/data:/data");
    EXPECT_EQ(v.host, "/srv/data");
    EXPECT_EQ(v.container, "/data");
    EXPECT_FALSE(v.readonly);
    EXPECT_TRUE(parse_volume("/a:/b:ro").readonly);
    EXPECT_FALSE(parse_volume("/a:/b:rw").readonly);
    VolumeSpec rel = parse_volume("./here:/x");
    EXPECT_EQ(rel.host.front(), '/');
    EXPECT_NE(rel.host.find("/./here"), std::string::npos);
}

TEST(LiteVolume, Invalid) {
    for (const char* bad : {"/a", "/a:b", "/a:/b:rx", ":/b", "/a:/b:ro:x", "/a:/", "named:/b"})
        EXPECT_THROW(parse_volume(bad), Error) << bad;
}

TEST(LiteEnv, FlagsAndFiles) {
    EXPECT_EQ(parse_env_flag("A=1"), "A=1");
    EXPECT_EQ(parse_env_flag("A="), "A=");
    ::unsetenv("WB_LITE_UNSET");
    EXPECT_EQ(parse_env_flag("WB_LITE_UNSET"), std::nullopt);
    ::setenv("WB_LITE_SET", "from-host", 1);
    EXPECT_EQ(parse_env_flag("WB_LITE_SET"), "WB_LITE_SET=from-host");
    EXPECT_THROW(parse_env_flag("=x"), Error);
    auto env = parse_env_file_text("# comment\n\nA=1\r\n  B=two words\nWB_LITE_SET\nWB_LITE_UNSET\n");
    EXPECT_EQ(env, (std::vector<std::string>{"A=1", "B=two words", "WB_LITE_SET=from-host"}));
}

TEST(LiteEnv, SetEnvReplacesByKey) {
    std::vector<std::string> env = {"PATH=/bin", "A=1"};
    set_env(env, "A=2");
    set_env(env, "B=3");
    EXPECT_EQ(env, (std::vector<std::string>{"PATH=/bin", "A=2", "B=3"}));
}

TEST(LiteCpus, QuotaOverPeriod) {
    CpuQuota q = cpus_to_quota(1.5);
    EXPECT_EQ(q.quota, 150000);
    EXPECT_EQ(q.period, 100000u);
    EXPECT_EQ(cpus_to_quota(0.25).quota, 25000);
    EXPECT_THROW(cpus_to_quota(0), Error);
    EXPECT_THROW(parse_cpus("x"), Error);
    EXPECT_DOUBLE_EQ(parse_cpus("2"), 2.0);
}

TEST(LiteArgv, DoubleDashBeforeTheImage) {
    FlagSyntax s{{"-m", "--name", "-v", "-e"}};
    using V = std::vector<std::string>;
    EXPECT_EQ(split_command_args(V{"run", "-ti", "--name", "x", "-m", "64m", "busybox", "ls", "-l"}, 1, s),
              (V{"run", "-ti", "--name", "x", "-m", "64m", "--", "busybox", "ls", "-l"}));
    EXPECT_EQ(split_command_args(V{"run", "-m64m", "--name=x", "-dv", "/a:/b", "img", "-c"}, 1, s),
              (V{"run", "-m64m", "--name=x", "-dv", "/a:/b", "--", "img", "-c"}));
    EXPECT_EQ(split_command_args(V{"run", "--", "img"}, 1, s), (V{"run", "--", "img"}));
    EXPECT_EQ(split_command_args(V{"run", "-d"}, 1, s), (V{"run", "-d"}));
}

}  // namespace
}  // namespace wb::lite
