// open_in_root on a real directory (no privileges needed): what it opens and creates,
// that symlinks stay inside the root, and (through the recording double, passing the calls
// to the kernel) how many openat2 walks it takes: one for a target that is there, and a
// parent's open and the mkdirat for a mount point the rootfs lacks (the init opens one
// for each mount, masked and read-only path).
#include "linux/path_in_root.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "linux/syscalls.hpp"
#include "recording_syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::linux {
namespace {

using wb::testing::RecordingSyscalls;

class OpenInRoot : public ::testing::Test {
protected:
    OpenInRoot() {
        char tmpl[] = "/tmp/whalebox-test-root.XXXXXX";
        dir = ::mkdtemp(tmpl);
        root.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        for (const char* name : {"openat2", "openat", "mkdirat", "fstatat", "readlinkat"}) rec.pass_through(name);
    }
    ~OpenInRoot() override { fs::remove_all(dir); }

    // The inode the fd is open on, and the one at dir/rel.
    static ino_t ino_of(int fd) {
        struct stat st {};
        EXPECT_EQ(::fstat(fd, &st), 0);
        return st.st_ino;
    }
    ino_t ino_at(const std::string& rel) const {
        struct stat st {};
        EXPECT_EQ(::lstat((dir + "/" + rel).c_str(), &st), 0) << rel;
        return st.st_ino;
    }
    bool is_dir(const std::string& rel) const {
        struct stat st {};
        return ::lstat((dir + "/" + rel).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }

    std::string dir;
    UniqueFd root;
    RecordingSyscalls rec;
};

TEST_F(OpenInRoot, AnExistingTargetTakesOneOpenat2) {
    ASSERT_EQ(::mkdir((dir + "/sys").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((dir + "/sys/fs").c_str(), 0755), 0);
    ScopedSyscalls scoped{rec};
    UniqueFd fd = open_in_root(root.get(), "/sys/fs", Create::directory);
    EXPECT_EQ(ino_of(fd.get()), ino_at("sys/fs"));
    EXPECT_EQ(rec.named("openat2").size(), 1u);
    EXPECT_TRUE(rec.named("mkdirat").empty());
}

TEST_F(OpenInRoot, AMissingLastComponentIsMadeInItsParent) {
    ASSERT_EQ(::mkdir((dir + "/dev").c_str(), 0755), 0);
    ScopedSyscalls scoped{rec};
    UniqueFd fd = open_in_root(root.get(), "dev/pts", Create::directory);
    EXPECT_TRUE(is_dir("dev/pts"));
    EXPECT_EQ(ino_of(fd.get()), ino_at("dev/pts"));
    // The whole path (missing), its parent, the new directory's open.
    EXPECT_EQ(rec.named("openat2").size(), 3u);
    EXPECT_EQ(rec.named("mkdirat").size(), 1u);
}

TEST_F(OpenInRoot, MissingDirectoriesOnTheWayAreMadeToo) {
    UniqueFd fd = open_in_root(root.get(), "/a/b/c", Create::directory);
    EXPECT_TRUE(is_dir("a/b/c"));
    EXPECT_EQ(ino_of(fd.get()), ino_at("a/b/c"));
}

TEST_F(OpenInRoot, CreateFileMakesAnEmptyFileAtTheEnd) {
    UniqueFd fd = open_in_root(root.get(), "etc/hostname", Create::file);
    struct stat st {};
    ASSERT_EQ(::lstat((dir + "/etc/hostname").c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_TRUE(is_dir("etc"));
    EXPECT_EQ(ino_of(fd.get()), st.st_ino);
}

TEST_F(OpenInRoot, NothingToCreateIsAnErrorNamingThePath) {
    try {
        open_in_root(root.get(), "/no/such", Create::nothing);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ENOENT);
        EXPECT_NE(std::string(e.what()).find("open /no/such in rootfs"), std::string::npos) << e.what();
    }
}

// runc (securejoin): a dangling symlink's target is made inside the rootfs, an absolute
// one from the rootfs's root, never on the host.
TEST_F(OpenInRoot, ADanglingAbsoluteSymlinkIsFollowedInsideTheRoot) {
    ASSERT_EQ(::symlink("/whalebox-test-outside/x", (dir + "/link").c_str()), 0);
    UniqueFd fd = open_in_root(root.get(), "link", Create::directory);
    EXPECT_TRUE(is_dir("whalebox-test-outside/x"));
    EXPECT_EQ(ino_of(fd.get()), ino_at("whalebox-test-outside/x"));
    EXPECT_NE(::access("/whalebox-test-outside", F_OK), 0);
}

TEST_F(OpenInRoot, DotDotInASymlinkStopsAtTheRoot) {
    ASSERT_EQ(::mkdir((dir + "/d").c_str(), 0755), 0);
    ASSERT_EQ(::symlink("../../../../tmp-of-the-root", (dir + "/d/up").c_str()), 0);
    UniqueFd fd = open_in_root(root.get(), "d/up/made", Create::directory);
    EXPECT_TRUE(is_dir("tmp-of-the-root/made"));
    EXPECT_EQ(ino_of(fd.get()), ino_at("tmp-of-the-root/made"));
}

TEST_F(OpenInRoot, TheRootItself) {
    UniqueFd fd = open_in_root(root.get(), "/", Create::nothing);
    EXPECT_EQ(ino_of(fd.get()), ino_of(root.get()));
}

}  // namespace
}  // namespace wb::linux
