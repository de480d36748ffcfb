#include "linux/identity.hpp"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "child_process.hpp"

namespace wb::linux {
namespace {

using wb::testing::run_in_child;

uint64_t status_mask(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with(key + ":")) return std::stoull(line.substr(key.size() + 1), nullptr, 16);
    return ~uint64_t{0};
}

TEST(LinuxIdentity, SwitchUserInChild) {
    int code = run_in_child([] {
        oci::User user;
        user.uid = 1000;
        user.gid = 1000;
        user.additional_gids = {10, 20};
        user.umask = 027;
        const uint64_t permitted_before = status_mask("CapPrm");
        switch_user(user);
        uid_t r, e, s;
        if (getresuid(&r, &e, &s) != 0 || r != 1000 || e != 1000 || s != 1000) return 1;
        gid_t gr, ge, gs;
        if (getresgid(&gr, &ge, &gs) != 0 || gr != 1000 || ge != 1000 || gs != 1000) return 2;
        gid_t groups[8];
        int n = getgroups(8, groups);
        if (n != 2 || groups[0] != 10 || groups[1] != 20) return 3;
        if (umask(0) != 027) return 4;
        // Permitted capabilities survive the uid change (PR_SET_KEEPCAPS) ...
        if (status_mask("CapPrm") != permitted_before) return 5;
        // ... the effective set does not, and KEEPCAPS is cleared again.
        if (status_mask("CapEff") != 0) return 6;
        if (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 0) return 7;
        return 0;
    });
    EXPECT_EQ(code, 0);
}

TEST(LinuxIdentity, NoAdditionalGidsClearsGroupsAndKeepsUmask) {
    int code = run_in_child([] {
        const gid_t extra[] = {5, 6};
        if (setgroups(2, extra) != 0) return 10;
        umask(022);
        oci::User user;  // root, no umask
        switch_user(user);
        if (getgroups(0, nullptr) != 0) return 1;
        if (umask(0) != 022) return 2;
        if (getuid() != 0 || getgid() != 0) return 3;
        return 0;
    });
    EXPECT_EQ(code, 0);
}

TEST(LinuxIdentity, SetgroupsNotDeniedOnHost) { EXPECT_FALSE(setgroups_denied()); }

}  // namespace
}  // namespace wb::linux
