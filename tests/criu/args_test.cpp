#include "criu/args.hpp"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include <algorithm>

#include "util/error.hpp"

namespace wb::criu {
namespace {

bool has_pair(const std::vector<std::string>& a, const std::string& flag, const std::string& value) {
    for (size_t i = 0; i + 1 < a.size(); ++i)
        if (a[i] == flag && a[i + 1] == value) return true;
    return false;
}

bool has(const std::vector<std::string>& a, const std::string& flag) {
    return std::find(a.begin(), a.end(), flag) != a.end();
}

DumpRequest basic_dump() {
    DumpRequest r;
    r.flags.image_path = "/img";
    r.pid = 42;
    r.rootfs = "/bundle/rootfs";
    r.freeze_cgroup = "/sys/fs/cgroup/test/c1";
    return r;
}

TEST(CriuArgs, DumpNamesTheTreeRootImagesAndFreezer) {
    auto a = dump_args(basic_dump());
    EXPECT_EQ(a.front(), "dump");
    EXPECT_EQ(a[1], "--no-default-config");
    EXPECT_TRUE(has_pair(a, "--tree", "42"));
    EXPECT_TRUE(has_pair(a, "--root", "/bundle/rootfs"));
    EXPECT_TRUE(has_pair(a, "--images-dir", "/img"));
    EXPECT_TRUE(has_pair(a, "--log-file", "dump.log"));
    EXPECT_TRUE(has_pair(a, "--freeze-cgroup", "/sys/fs/cgroup/test/c1"));
    EXPECT_TRUE(has(a, "--manage-cgroups"));
    EXPECT_FALSE(has(a, "--leave-running"));
    EXPECT_FALSE(has(a, "--work-dir"));
    EXPECT_FALSE(has(a, "--config"));
}

TEST(CriuArgs, DumpFlagsAsRunc) {
    auto r = basic_dump();
    r.flags.work_path = "/work";
    r.flags.tcp_established = r.flags.ext_unix_sk = r.flags.shell_job = r.flags.file_locks = true;
    r.flags.auto_dedup = r.flags.lazy_pages = true;
    r.flags.manage_cgroups_mode = "full";
    r.flags.empty_ns = {"network"};
    r.flags.config_file = "/etc/criu/runc.conf";
    r.leave_running = true;
    r.status_fd = 5;
    r.page_server = "10.0.0.1:2000";
    auto a = dump_args(r);
    for (const char* f : {"--tcp-established", "--ext-unix-sk", "--shell-job", "--file-locks", "--auto-dedup",
                          "--lazy-pages", "--leave-running", "--manage-cgroups=full", "--page-server"})
        EXPECT_TRUE(has(a, f)) << f;
    EXPECT_FALSE(has(a, "--manage-cgroups"));
    EXPECT_TRUE(has_pair(a, "--work-dir", "/work"));
    EXPECT_TRUE(has_pair(a, "--empty-ns", "net"));
    EXPECT_TRUE(has_pair(a, "--config", "/etc/criu/runc.conf"));
    EXPECT_TRUE(has_pair(a, "--status-fd", "5"));
    EXPECT_TRUE(has_pair(a, "--address", "10.0.0.1"));
    EXPECT_TRUE(has_pair(a, "--port", "2000"));
}

TEST(CriuArgs, PreDumpTracksMemoryAndNeverLeavesRunningFlag) {
    auto r = basic_dump();
    r.pre_dump = true;
    r.leave_running = true;
    auto a = dump_args(r);
    EXPECT_EQ(a.front(), "pre-dump");
    EXPECT_TRUE(has(a, "--track-mem"));
    EXPECT_FALSE(has(a, "--leave-running"));
    EXPECT_TRUE(has_pair(a, "--log-file", "pre-dump.log"));
}

TEST(CriuArgs, FinalDumpAfterPreDumpNamesTheParent) {
    auto r = basic_dump();
    r.parent_path = "../pre";
    auto a = dump_args(r);
    EXPECT_TRUE(has_pair(a, "--prev-images-dir", "../pre"));
    EXPECT_TRUE(has(a, "--track-mem"));
}

TEST(CriuArgs, ExternalMountsAndTtys) {
    auto r = basic_dump();
    r.external_mounts = {"/data", "/proc/kcore"};
    r.external_keys = {"tty[8800:1a]"};
    auto a = dump_args(r);
    EXPECT_TRUE(has_pair(a, "--external", "mnt[/data]:/data"));
    EXPECT_TRUE(has_pair(a, "--external", "mnt[/proc/kcore]:/proc/kcore"));
    EXPECT_TRUE(has_pair(a, "--external", "tty[8800:1a]"));
}

TEST(CriuArgs, RejectsUnknownModesAndNamespaces) {
    auto r = basic_dump();
    r.flags.manage_cgroups_mode = "hard";
    EXPECT_THROW(dump_args(r), Error);
    r = basic_dump();
    r.flags.empty_ns = {"pid"};
    EXPECT_THROW(dump_args(r), Error);
    r = basic_dump();
    r.page_server = "nowhere";
    EXPECT_THROW(dump_args(r), Error);
}

TEST(CriuArgs, RestoreDetachesAsSiblingIntoTheCgroup) {
    RestoreRequest r;
    r.flags.image_path = "/img";
    r.root = "/bundle/rootfs";
    r.pid_file = "/img/whalebox-restore.pid";
    r.cgroup_root = "/test/c1";
    r.external_mounts = {{"/data", "/host/data"}, {"/dev/console", "/dev/pts/3"}};
    r.inherit_fds = {{7, "tty[8800:1a]"}, {1, "pipe:[1234]"}};
    r.lsm_profile = "apparmor:unconfined";
    auto a = restore_args(r);
    EXPECT_EQ(a.front(), "restore");
    EXPECT_TRUE(has(a, "--restore-detached"));
    EXPECT_TRUE(has(a, "--restore-sibling"));
    EXPECT_TRUE(has_pair(a, "--root", "/bundle/rootfs"));
    EXPECT_TRUE(has_pair(a, "--pidfile", "/img/whalebox-restore.pid"));
    EXPECT_TRUE(has_pair(a, "--cgroup-root", "/test/c1"));
    EXPECT_TRUE(has_pair(a, "--log-file", "restore.log"));
    EXPECT_TRUE(has_pair(a, "--external", "mnt[/data]:/host/data"));
    EXPECT_TRUE(has_pair(a, "--external", "mnt[/dev/console]:/dev/pts/3"));
    EXPECT_TRUE(has_pair(a, "--inherit-fd", "fd[7]:tty[8800:1a]"));
    EXPECT_TRUE(has_pair(a, "--inherit-fd", "fd[1]:pipe:[1234]"));
    EXPECT_TRUE(has_pair(a, "--lsm-profile", "apparmor:unconfined"));
    EXPECT_FALSE(has(a, "--lsm-mount-context"));
}

TEST(CriuArgs, ConfigFileAsRunc) {
    EXPECT_EQ(config_file({}, false), "");
    EXPECT_EQ(config_file({}, true), "/etc/criu/runc.conf");
    EXPECT_EQ(config_file({{"org.criu.config", "/my.conf"}}, true), "/my.conf");
    EXPECT_EQ(config_file({{"org.criu.config", ""}}, true), "");
}

TEST(CriuArgs, ParsesVersions) {
    EXPECT_EQ(parse_version("Version: 3.17.1\n"), 31701);
    EXPECT_EQ(parse_version("Version: 3.15\nGitID: v3.15\n"), 31500);
    EXPECT_EQ(parse_version("criu: unknown"), std::nullopt);
    EXPECT_LT(*parse_version("Version: 3.14"), min_version);
    EXPECT_EQ(parse_version("Version:3.19"), 31900);
    EXPECT_EQ(parse_version("Version: 3.18.\n"), 31800);
    EXPECT_EQ(parse_version("Version: 4\nVersion: 3.17.2"), 31702);
    EXPECT_EQ(parse_version("Version: .3"), std::nullopt);
}

TEST(CriuArgs, TtyKeyInHex) {
    EXPECT_EQ(tty_key(makedev(136, 0), 0x1a), "tty[8800:1a]");
}

TEST(CriuArgs, RestoreNamesTheActionScriptWhenGiven) {
    RestoreRequest r;
    r.flags.image_path = "/img";
    r.root = "/rootfs";
    EXPECT_FALSE(has(restore_args(r), "--action-script"));
    r.action_script = "/work/whalebox-action-script.sh";
    EXPECT_TRUE(has_pair(restore_args(r), "--action-script", "/work/whalebox-action-script.sh"));
}

TEST(CriuCgroupRoots, CgroupV2IsTheDefaultRoot) {
    auto a = cgroup_root_args("0::/whalebox-test/c1\n", {""});
    EXPECT_EQ(a, (std::vector<std::string>{"--cgroup-root", "/whalebox-test/c1"}));
}

TEST(CriuCgroupRoots, OnePerV1ControllerOfTheManagedHierarchies) {
    // A hybrid host as this project's CI host: separate and co-mounted controllers, a
    // named hierarchy, cgroup2 at unified/ and one hierarchy the manager does not drive.
    const std::string text =
        "12:cpu,cpuacct:/c1\n"
        "11:memory:/c1\n"
        "10:freezer:/c1\n"
        "9:net_cls:/host/slice\n"
        "1:name=systemd:/c1\n"
        "0::/c1\n";
    auto a = cgroup_root_args(text, {"cpu", "cpuacct", "memory", "freezer", "name=systemd", ""});
    EXPECT_TRUE(has_pair(a, "--cgroup-root", "cpu:/c1"));
    EXPECT_TRUE(has_pair(a, "--cgroup-root", "cpuacct:/c1"));
    EXPECT_TRUE(has_pair(a, "--cgroup-root", "memory:/c1"));
    EXPECT_TRUE(has_pair(a, "--cgroup-root", "freezer:/c1"));
    EXPECT_TRUE(has_pair(a, "--cgroup-root", "name=systemd:/c1"));
    EXPECT_TRUE(has_pair(a, "--cgroup-root", "/c1"));
    EXPECT_FALSE(has_pair(a, "--cgroup-root", "net_cls:/host/slice"));
    EXPECT_EQ(a.size(), 12u);
}

TEST(CriuCgroupRoots, ACoMountedKeyCoversEachOfItsControllers) {
    auto a = cgroup_root_args("4:cpu,cpuacct:/a/b\n3:pids:/other\n", {"cpu,cpuacct"});
    EXPECT_EQ(a, (std::vector<std::string>{"--cgroup-root", "cpu:/a/b", "--cgroup-root", "cpuacct:/a/b"}));
}

TEST(CriuCgroupRoots, ALegacyHostHasNoDefaultRoot) {
    auto a = cgroup_root_args("2:memory:/c1\n0::/\n", {"memory"});
    EXPECT_EQ(a, (std::vector<std::string>{"--cgroup-root", "memory:/c1"}));
}

TEST(CriuArgs, ExternalFileKeyIsHex) {
    EXPECT_EQ(external_file_key(0x1a, 0x2f), "file[1a:2f]");
}

}  // namespace
}  // namespace wb::criu
