#include "linux/mount_options.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <string>
#include <vector>

namespace {

using wb::linux::parse_mount_options;

TEST(MountOptions, TmpcopyupIsAnExtensionNotFilesystemData) {
    auto opts = parse_mount_options({"rw", "rprivate", "nosuid", "nodev", "tmpcopyup", "size=1m"});
    EXPECT_TRUE(opts.copy_up);
    EXPECT_EQ(opts.data, std::vector<std::string>{"size=1m"});
    EXPECT_EQ(opts.flags, static_cast<unsigned long>(MS_NOSUID | MS_NODEV));
    EXPECT_EQ(opts.propagation, static_cast<unsigned long>(MS_PRIVATE | MS_REC));
    EXPECT_FALSE(parse_mount_options({"size=1m"}).copy_up);
}

}  // namespace
