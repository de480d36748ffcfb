// linux/rootless: who counts as rootless, where its state goes, which mappings it may ask
// for, and how the maps get written (itself or newuidmap/newgidmap), with the double.
#include "linux/rootless.hpp"

#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "error_of.hpp"
#include "linux/namespaces.hpp"
#include "linux/syscalls.hpp"
#include "recording_syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

using wb::testing::RecordingSyscalls;

Caller user(uid_t uid, gid_t gid, bool nested = false) { return Caller{uid, gid, nested}; }

TEST(LinuxRootless, FlagIsRuncsBoolOrAuto) {
    EXPECT_EQ(parse_rootless_flag(""), RootlessFlag::auto_detect);
    EXPECT_EQ(parse_rootless_flag("auto"), RootlessFlag::auto_detect);
    EXPECT_EQ(parse_rootless_flag("true"), RootlessFlag::on);
    EXPECT_EQ(parse_rootless_flag("1"), RootlessFlag::on);
    EXPECT_EQ(parse_rootless_flag("false"), RootlessFlag::off);
    EXPECT_EQ(parse_rootless_flag("F"), RootlessFlag::off);
    EXPECT_THROW(parse_rootless_flag("yes"), Error);
}

TEST(LinuxRootless, DetectsANonRootEuidOrANestedUserNamespace) {
    EXPECT_FALSE(is_rootless(RootlessFlag::auto_detect, user(0, 0)));
    EXPECT_TRUE(is_rootless(RootlessFlag::auto_detect, user(1000, 1000)));
    EXPECT_TRUE(is_rootless(RootlessFlag::auto_detect, user(0, 0, true)));
    EXPECT_TRUE(is_rootless(RootlessFlag::on, user(0, 0)));
    EXPECT_FALSE(is_rootless(RootlessFlag::off, user(1000, 1000)));
}

TEST(LinuxRootless, TheInitialUidMapIsNotNested) {
    EXPECT_FALSE(uid_map_is_nested("         0          0 4294967295\n"));
    EXPECT_TRUE(uid_map_is_nested("         0       1000          1\n"));
    EXPECT_TRUE(uid_map_is_nested("0 0 65536\n"));
}

TEST(LinuxRootless, CurrentCallerReadsTheIdsThroughSys) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    rec.euid = 1234;
    rec.egid = 5678;
    Caller c = current_caller();
    EXPECT_EQ(c.euid, 1234u);
    EXPECT_EQ(c.egid, 5678u);
}

TEST(LinuxRootless, DefaultRootFollowsRuncsXdgRule) {
    EXPECT_EQ(default_state_root(user(1000, 1000), "/run/user/1000", "alice"), "/run/user/1000/whalebox");
    EXPECT_EQ(default_state_root(user(1000, 1000), nullptr, "alice"), "/run/whalebox");
    EXPECT_EQ(default_state_root(user(1000, 1000), "", "alice"), "/run/whalebox");
    // Real root ignores /run/user/0.
    EXPECT_EQ(default_state_root(user(0, 0), "/run/user/0", "root"), "/run/whalebox");
    // Root in a user namespace: the XDG dir unless $USER is root.
    EXPECT_EQ(default_state_root(user(0, 0, true), "/run/user/1000", "alice"), "/run/user/1000/whalebox");
    EXPECT_EQ(default_state_root(user(0, 0, true), "/run/user/1000", nullptr), "/run/user/1000/whalebox");
    EXPECT_EQ(default_state_root(user(0, 0, true), "/run/user/0", "root"), "/run/whalebox");
}

TEST(LinuxRootless, SubIdRangesByNameOrId) {
    const std::string text = "# comment\nalice:100000:65536\nbob:200000:65536\n1000:300000:10\nbad:x:1\n";
    auto r = subid_ranges(text, "alice", 1000);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].start, 100000u);
    EXPECT_EQ(r[0].count, 65536u);
    EXPECT_EQ(r[1].start, 300000u);
    EXPECT_TRUE(subid_ranges(text, "carol", 2000).empty());
}

TEST(LinuxRootless, MappingsMustStayWithinTheCallersIds) {
    std::vector<SubIdRange> ranges{{100000, 65536}};
    EXPECT_EQ(mapping_outside_ranges({{0, 1000, 1}}, 1000, ranges, "uidMappings", "/etc/subuid"), "");
    EXPECT_EQ(mapping_outside_ranges({{0, 1000, 1}, {1, 100000, 65536}}, 1000, ranges, "uidMappings", "/etc/subuid"),
              "");
    EXPECT_EQ(mapping_outside_ranges({{0, 0, 1}}, 1000, ranges, "uidMappings", "/etc/subuid"),
              "uidMappings: host ids 0-0 are not the caller's to map (its own id and its ranges in /etc/subuid: "
              "1000, 100000-165535)");
    // One past the end of the range.
    EXPECT_NE(mapping_outside_ranges({{1, 100000, 65537}}, 1000, ranges, "gidMappings", "/etc/subgid"), "");
    // Its own id, but more than one.
    EXPECT_NE(mapping_outside_ranges({{0, 1000, 2}}, 1000, {}, "uidMappings", "/etc/subuid"), "");
}

TEST(LinuxRootless, RootWritesEveryMapItself) {
    oci::Linux lx;
    lx.uid_mappings = {{0, 100000, 65536}};
    lx.gid_mappings = {{0, 100000, 65536}};
    IdMapPlan p = plan_id_map_writes(lx, user(0, 0));
    EXPECT_EQ(p.uid, MapWriter::direct);
    EXPECT_EQ(p.gid, MapWriter::direct);
    EXPECT_FALSE(p.deny_setgroups);
}

TEST(LinuxRootless, AUserWritesItsOwnSingleIdAndDeniesSetgroups) {
    oci::Linux lx;
    lx.uid_mappings = {{0, 1000, 1}};
    lx.gid_mappings = {{0, 1001, 1}};
    IdMapPlan p = plan_id_map_writes(lx, user(1000, 1001));
    EXPECT_EQ(p.uid, MapWriter::direct);
    EXPECT_EQ(p.gid, MapWriter::direct);
    EXPECT_TRUE(p.deny_setgroups);
}

TEST(LinuxRootless, AUserNeedsTheHelpersForRanges) {
    oci::Linux lx;
    lx.uid_mappings = {{0, 1000, 1}, {1, 100000, 65536}};
    lx.gid_mappings = {{0, 1000, 1}, {1, 100000, 65536}};
    IdMapPlan p = plan_id_map_writes(lx, user(1000, 1000));
    EXPECT_EQ(p.uid, MapWriter::helper);
    EXPECT_EQ(p.gid, MapWriter::helper);
    EXPECT_FALSE(p.deny_setgroups);  // newgidmap's business, and setgroups stays usable
}

TEST(LinuxRootless, HelperArgsListEveryMapping) {
    EXPECT_EQ(id_map_helper_args("/usr/bin/newuidmap", 42, {{0, 1000, 1}, {1, 100000, 65536}}),
              (std::vector<std::string>{"/usr/bin/newuidmap", "42", "0", "1000", "1", "1", "100000", "65536"}));
}

TEST(LinuxRootless, FindInPathSkipsDirectoriesAndNonExecutables) {
    char tmpl[] = "/tmp/wb-rootless-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    std::string dir = tmpl;
    ::mkdir((dir + "/a").c_str(), 0755);
    ::mkdir((dir + "/a/tool").c_str(), 0755);  // a directory of that name
    ::mkdir((dir + "/b").c_str(), 0755);
    std::ofstream(dir + "/b/tool") << "#!/bin/sh\n";
    ::chmod((dir + "/b/tool").c_str(), 0644);  // not executable
    ::mkdir((dir + "/c").c_str(), 0755);
    std::ofstream(dir + "/c/tool") << "#!/bin/sh\n";
    ::chmod((dir + "/c/tool").c_str(), 0755);
    std::string path = dir + "/a:" + dir + "/b:" + dir + "/c";
    EXPECT_EQ(find_in_path("tool", path.c_str()), dir + "/c/tool");
    EXPECT_EQ(find_in_path("missing", path.c_str()), "");
    for (const char* f : {"/c/tool", "/b/tool"}) ::unlink((dir + f).c_str());
    for (const char* d : {"/a/tool", "/a", "/b", "/c", ""}) ::rmdir((dir + d).c_str());
}

TEST(LinuxRootless, AUsersSingleIdMapsAreWrittenThroughProc) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    oci::Linux lx;
    lx.uid_mappings = {{0, 1000, 1}};
    lx.gid_mappings = {{0, 1000, 1}};
    rec.statfs_type = PROC_SUPER_MAGIC;  // through linux/procfs: a verified procfs
    write_id_maps_as(4242, lx, user(1000, 1000));
    auto opens = rec.named("openat2");
    ASSERT_EQ(opens.size(), 3u);
    EXPECT_NE(opens[0].find("4242/uid_map"), std::string::npos);
    EXPECT_NE(opens[1].find("4242/setgroups"), std::string::npos);
    EXPECT_NE(opens[2].find("4242/gid_map"), std::string::npos);
    EXPECT_TRUE(rec.named("clone").empty());
}

TEST(LinuxRootless, RangesGoThroughNewuidmapAndNewgidmap) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    oci::Linux lx;
    lx.uid_mappings = {{0, 1000, 1}, {1, 100000, 65536}};
    lx.gid_mappings = {{0, 1000, 1}};
    if (find_in_path("newuidmap", "/usr/bin:/bin").empty()) GTEST_SKIP() << "no newuidmap (uidmap package)";
    const char* old = std::getenv("PATH");
    std::string saved = old ? old : "";
    ::setenv("PATH", "/usr/bin:/bin", 1);
    rec.statfs_type = PROC_SUPER_MAGIC;
    write_id_maps_as(4242, lx, user(1000, 1000));
    ::setenv("PATH", saved.c_str(), 1);
    // The helper is forked (the double stays the parent: its argv is HelperArgs' test)
    // and waited for; no uid_map is opened by us.
    EXPECT_EQ(rec.named("clone").size(), 1u);
    EXPECT_EQ(rec.index_of("4242/uid_map"), -1);
    // The gid map is the caller's own gid: written directly, setgroups denied first.
    EXPECT_LT(rec.index_of("waitpid(4242"), rec.index_of("4242/setgroups"));
    EXPECT_LT(rec.index_of("4242/setgroups"), rec.index_of("4242/gid_map"));
}

TEST(LinuxRootless, AMissingHelperIsOneClearLine) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    oci::Linux lx;
    lx.uid_mappings = {{0, 1000, 1}, {1, 100000, 65536}};
    const char* old = std::getenv("PATH");
    std::string saved = old ? old : "";
    ::setenv("PATH", "/nonexistent-dir", 1);
    std::string msg;
    try {
        write_id_maps_as(4242, lx, user(1000, 1000));
    } catch (const Error& e) {
        msg = e.what();
    }
    ::setenv("PATH", saved.c_str(), 1);
    EXPECT_EQ(msg, "rootless container needs newuidmap to map a range of ids, but it is not in PATH (install the "
                   "uidmap package)");
    EXPECT_TRUE(rec.named("clone").empty());
}

TEST(LinuxRootless, AFailingHelperNamesItsMapping) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    rec.fail("waitpid", ECHILD);
    oci::Linux lx;
    lx.uid_mappings = {{0, 1000, 1}, {1, 100000, 65536}};
    if (find_in_path("newuidmap", "/usr/bin:/bin").empty()) GTEST_SKIP() << "no newuidmap";
    const char* old = std::getenv("PATH");
    std::string saved = old ? old : "";
    ::setenv("PATH", "/usr/bin:/bin", 1);
    EXPECT_THROW(write_id_maps_as(4242, lx, user(1000, 1000)), Error);
    ::setenv("PATH", saved.c_str(), 1);
}

}  // namespace
}  // namespace wb::linux
