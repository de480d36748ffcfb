#include <gtest/gtest.h>

#include "cgroups/files.hpp"
#include "cgroups/internal.hpp"
#include "cgroups/manager.hpp"
#include "fake_cgroupfs.hpp"
#include "util/error.hpp"

using namespace wb::cgroups;
using wb::cgroups::testing::FakeCgroupfs;

TEST(CgroupPlacement, AbsolutePathIsBelowTheHierarchyRoot) {
    FakeCgroupfs fs;
    auto m = make_manager(Placement{"/foo/../bar//baz", "c1"}, fs.options(Mode::unified));
    EXPECT_EQ(m->path(), "/bar/baz");
    EXPECT_EQ(m->controller_paths().at(""), fs.at("bar/baz"));
}

TEST(CgroupPlacement, RelativePathIsBelowTheParentOfOurCgroupOnV2) {
    FakeCgroupfs fs;
    fs.put("proc-self-cgroup", "0::/user.slice/user-0.slice/session-1.scope\n");
    auto m = make_manager(Placement{"a/b", "c1"}, fs.options(Mode::unified));
    EXPECT_EQ(m->path(), "/user.slice/user-0.slice/a/b");
}

TEST(CgroupPlacement, DefaultIsTheIdRelativeAsRunc) {
    FakeCgroupfs fs;
    fs.put("proc-self-cgroup", "0::/user.slice/session-1.scope\n");
    EXPECT_EQ(resolve_cgroups_path(Placement{"", "c1"}), "c1");
    auto m = make_manager(Placement{"", "c1"}, fs.options(Mode::unified));
    EXPECT_EQ(m->path(), "/user.slice/c1");
}

TEST(CgroupPlacement, RelativePathCannotClimbOut) {
    EXPECT_EQ(resolve_cgroups_path(Placement{"../../x/./y", "c1"}), "x/y");
    EXPECT_EQ(resolve_cgroups_path(Placement{"/../x", "c1"}), "/x");
    EXPECT_THROW(resolve_cgroups_path(Placement{"/", "c1"}), wb::Error);
}

TEST(CgroupPlacement, RelativePathOnV1IsBelowOurCgroupInEachHierarchy) {
    FakeCgroupfs fs;
    fs.dir("memory");
    fs.dir("cpu,cpuacct");
    fs.dir("systemd");
    fs.put("proc-self-cgroup",
           "3:name=systemd:/\n2:memory:/process_api/abc\n1:cpu,cpuacct:/\n0::/\n");
    auto m = make_manager(Placement{"", "c1"}, fs.options(Mode::legacy));
    auto paths = m->controller_paths();
    EXPECT_EQ(paths.at("memory"), fs.at("memory/process_api/abc/c1"));
    EXPECT_EQ(paths.at("cpu"), fs.at("cpu,cpuacct/c1"));
    EXPECT_EQ(paths.at("cpuacct"), fs.at("cpu,cpuacct/c1"));
    EXPECT_EQ(paths.at("name=systemd"), fs.at("systemd/c1"));
    EXPECT_EQ(m->path(), "/process_api/abc/c1");  // memory's, when they differ
}

TEST(CgroupPlacement, SystemdFlagWithoutSystemdFailsAsRunc) {
    FakeCgroupfs fs;
    try {
        make_manager(Placement{"system.slice:docker:abc", "abc", true}, fs.options(Mode::unified));
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(),
                     "systemd cgroup flag passed, but systemd support for managing cgroups is "
                     "not available");
    }
}

TEST(CgroupPlacement, SystemdSliceTranslatesToTheCgroupfsPathSystemdUses) {
    FakeCgroupfs fs;
    fs.dir("run-systemd-system");
    auto o = fs.options(Mode::unified);
    auto path = [&](const std::string& p) { return resolve_cgroups_path(Placement{p, "id1", true}, o); };
    EXPECT_EQ(path("system.slice:docker:abc"), "/system.slice/docker-abc.scope");
    EXPECT_EQ(path("user-1000.slice:runc:x"), "/user.slice/user-1000.slice/runc-x.scope");
    EXPECT_EQ(path(":crio:x"), "/system.slice/crio-x.scope");
    EXPECT_EQ(path("-:p:x"), "/p-x.scope");
    EXPECT_EQ(path("machine.slice::x"), "/machine.slice/x.scope");
    EXPECT_EQ(path("system.slice:ignored:pod-1.slice"), "/system.slice/pod-1.slice");
    EXPECT_EQ(path(""), "/system.slice/whalebox-id1.scope");
    auto m = make_manager(Placement{"system.slice:docker:abc", "abc", true}, o);
    EXPECT_EQ(m->path(), "/system.slice/docker-abc.scope");
}

TEST(CgroupPlacement, SystemdPathMustBeSlicePrefixName) {
    FakeCgroupfs fs;
    fs.dir("run-systemd-system");
    auto o = fs.options(Mode::unified);
    try {
        resolve_cgroups_path(Placement{"/foo/bar", "id", true}, o);
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(),
                     "expected cgroupsPath to be of format \"slice:prefix:name\" for systemd "
                     "cgroups, got \"/foo/bar\" instead");
    }
    EXPECT_THROW(resolve_cgroups_path(Placement{"bad:p:n", "id", true}, o), wb::Error);
    EXPECT_THROW(resolve_cgroups_path(Placement{"a--b.slice:p:n", "id", true}, o), wb::Error);
    EXPECT_THROW(resolve_cgroups_path(Placement{"a/b.slice:p:n", "id", true}, o), wb::Error);
}

TEST(CgroupPlacement, ParsesProcSelfCgroup) {
    auto m = parse_proc_cgroup("12:cpu,cpuacct:/a\n1:name=systemd:/s\n0::/u\n");
    EXPECT_EQ(m.at("cpu"), "/a");
    EXPECT_EQ(m.at("cpuacct"), "/a");
    EXPECT_EQ(m.at("name=systemd"), "/s");
    EXPECT_EQ(m.at(""), "/u");
}

TEST(CgroupConversions, SharesToWeightAsRunc) {
    EXPECT_EQ(cpu_shares_to_weight(0), 0u);
    EXPECT_EQ(cpu_shares_to_weight(2), 1u);
    EXPECT_EQ(cpu_shares_to_weight(1024), 39u);
    EXPECT_EQ(cpu_shares_to_weight(262144), 10000u);
}

TEST(CgroupConversions, BlkioWeightToIoWeightAsRunc) {
    EXPECT_EQ(blkio_weight_to_io_weight(0), 0u);
    EXPECT_EQ(blkio_weight_to_io_weight(10), 1u);
    EXPECT_EQ(blkio_weight_to_io_weight(500), 4950u);
    EXPECT_EQ(blkio_weight_to_io_weight(1000), 10000u);
}

TEST(CgroupDetect, ModeOfDirectories) {
    FakeCgroupfs fs;
    EXPECT_EQ(detect_mode(fs.root()), Mode::legacy);  // a plain tmpfs directory
    if (wb::fs::exists("/sys/fs/cgroup/cgroup.controllers")) {
        EXPECT_EQ(detect_mode("/sys/fs/cgroup"), Mode::unified);
    } else if (wb::fs::exists("/sys/fs/cgroup/unified/cgroup.controllers")) {
        EXPECT_EQ(detect_mode("/sys/fs/cgroup"), Mode::hybrid);
    }
}

TEST(CgroupFiles, SplitKeepsTheTokensBetweenAnyOfTheSeparators) {
    using V = std::vector<std::string>;
    EXPECT_EQ(split("", " "), V{});
    EXPECT_EQ(split("   ", " "), V{});
    EXPECT_EQ(split("a", " "), V{"a"});
    EXPECT_EQ(split("  a b\t\tc ", " \t"), (V{"a", "b", "c"}));
    EXPECT_EQ(split("8:0 rbps=1\n8:16 wbps=2\n", "\n"), (V{"8:0 rbps=1", "8:16 wbps=2"}));
    EXPECT_EQ(split("/a//b/", "/"), (V{"a", "b"}));
    const std::string line = "36 25 0:31 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct";
    EXPECT_EQ(split_views(line, " ").size(), 10u);
    EXPECT_EQ(split_views(split_views(line, " ")[9], ","), (std::vector<std::string_view>{"rw", "cpu", "cpuacct"}));
}

TEST(CgroupFiles, CleanPath) {
    EXPECT_EQ(clean_path("/foo/../bar//baz/."), "/bar/baz");
    EXPECT_EQ(clean_path("a/../../b"), "../b");
    EXPECT_EQ(clean_path("/.."), "/");
    EXPECT_EQ(clean_path(""), ".");
    // Paths already clean come back as they are; the rest go the long way.
    EXPECT_EQ(clean_path("/"), "/");
    EXPECT_EQ(clean_path("/sys/fs/cgroup/cpu,cpuacct/c1"), "/sys/fs/cgroup/cpu,cpuacct/c1");
    EXPECT_EQ(clean_path("a/b"), "a/b");
    EXPECT_EQ(clean_path("/a/b/"), "/a/b");
    EXPECT_EQ(clean_path("//a"), "/a");
    EXPECT_EQ(clean_path("."), ".");
    EXPECT_EQ(clean_path("./a"), "a");
    EXPECT_EQ(clean_path("a/.."), ".");
    EXPECT_EQ(clean_path("/a/..b/.c"), "/a/..b/.c");
}
