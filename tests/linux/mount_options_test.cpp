#include "linux/mount_options.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <string>
#include <vector>

#include "util/error.hpp"

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

namespace {

using wb::linux::refuse_unknown_bind_options;

TEST(MountOptions, RecursiveOptionsAreMountSetattrAttributes) {
    auto opts = parse_mount_options({"rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnoatime"});
    EXPECT_EQ(opts.rec_attr_set,
              MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOATIME);
    EXPECT_EQ(opts.rec_attr_clr, static_cast<uint64_t>(MOUNT_ATTR__ATIME));  // atime is one field
    EXPECT_TRUE(opts.data.empty());
    auto undo = parse_mount_options({"rro", "rrw", "rsuid", "ratime"});
    EXPECT_EQ(undo.rec_attr_set, 0u);
    EXPECT_EQ(undo.rec_attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR__ATIME);
    EXPECT_EQ(parse_mount_options({"rnorelatime"}).rec_attr_set, static_cast<uint64_t>(MOUNT_ATTR_STRICTATIME));
}

TEST(MountOptions, ABindRefusesAnOptionNobodyKnowsNamingIt) {
    EXPECT_NO_THROW(refuse_unknown_bind_options(parse_mount_options({"rbind", "rro", "rprivate", "nosuid"})));
    try {
        refuse_unknown_bind_options(parse_mount_options({"rbind", "rfoo"}));
        FAIL() << "rfoo was accepted";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "mount option \"rfoo\" is not known");
    }
}

}  // namespace

namespace {

using wb::linux::bind_remount_attrs;

TEST(MountOptions, ABindRemountsFlagsAsAttributesReplacingThePerMountOnes) {
    auto a = bind_remount_attrs(MS_RDONLY | MS_NOSUID | MS_NOEXEC);
    EXPECT_EQ(a.set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
    // No atime flag: a remount keeps the mount's atime, so it is not cleared.
    EXPECT_EQ(a.clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                         MOUNT_ATTR_NOSYMFOLLOW);
    auto none = bind_remount_attrs(0);
    EXPECT_EQ(none.set, 0u);  // a remount without ro makes the mount writable again
    EXPECT_EQ(none.clr & MOUNT_ATTR_RDONLY, static_cast<uint64_t>(MOUNT_ATTR_RDONLY));
}

TEST(MountOptions, ABindRemountsAtimeAsTheKernelOrdersIt) {
    const uint64_t atime_clr = MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME;
    auto relatime = bind_remount_attrs(MS_RELATIME);
    EXPECT_EQ(relatime.set & MOUNT_ATTR__ATIME, static_cast<uint64_t>(MOUNT_ATTR_RELATIME));
    EXPECT_EQ(relatime.clr & atime_clr, atime_clr);
    EXPECT_EQ(bind_remount_attrs(MS_NOATIME).set, static_cast<uint64_t>(MOUNT_ATTR_NOATIME));
    // strictatime wins over noatime (path_mount clears both relatime and noatime for it).
    EXPECT_EQ(bind_remount_attrs(MS_NOATIME | MS_STRICTATIME).set, static_cast<uint64_t>(MOUNT_ATTR_STRICTATIME));
    // nodiratime alone: relatime (the default) and nodiratime.
    auto nodiratime = bind_remount_attrs(MS_NODIRATIME);
    EXPECT_EQ(nodiratime.set, static_cast<uint64_t>(MOUNT_ATTR_RELATIME | MOUNT_ATTR_NODIRATIME));
    EXPECT_EQ(nodiratime.clr & atime_clr, atime_clr);
}

}  // namespace
