#include <gtest/gtest.h>
#include <stdlib.h>

#include "lite/argv_split.hpp"
#include "lite/run_options.hpp"
#include "lite/volumes.hpp"
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
    // docker: anything but an absolute host path is a volume name; -v /path an anonymous one.
    VolumeSpec named = parse_volume("data:/x:ro");
    EXPECT_EQ(named.type, "volume");
    EXPECT_EQ(named.volume, "data");
    EXPECT_TRUE(named.readonly);
    VolumeSpec anonymous = parse_volume("/cache");
    EXPECT_EQ(anonymous.type, "volume");
    EXPECT_EQ(anonymous.volume, "");
    EXPECT_EQ(anonymous.container, "/cache");
}

TEST(LiteVolume, Mount) {
    VolumeSpec b = parse_mount("type=bind,source=/srv,target=/data,readonly");
    EXPECT_EQ(b.type, "bind");
    EXPECT_EQ(b.host, "/srv");
    EXPECT_EQ(b.container, "/data");
    EXPECT_TRUE(b.readonly);
    VolumeSpec v = parse_mount("src=cache,dst=/c");
    EXPECT_EQ(v.type, "volume");
    EXPECT_EQ(v.volume, "cache");
    VolumeSpec t = parse_mount("type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770");
    EXPECT_EQ(t.tmpfs_options, "nosuid,nodev,size=1048576,mode=1770");
    for (const char* bad : {"type=bind,target=/x", "type=bind,source=rel,target=/x", "type=volume,source=/x",
                            "type=tmpfs,source=x,target=/t", "type=nfs,target=/x", "target=rel", "bogus=1,target=/x"})
        EXPECT_THROW(parse_mount(bad), Error) << bad;
}

TEST(LiteVolume, Invalid) {
    for (const char* bad : {"/a:b", "/a:/b:rx", ":/b", "/a:/b:ro:x", "/a:/", "./rel:/b", "a:/b", "bad/name:/b", "/"})
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
