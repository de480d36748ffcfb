// Layer unpacking (whiteouts, kept metadata, refused escapes), packing back for commit,
// and the remove that never crosses a mount point. Tarballs are made with libarchive.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "lite/common.hpp"
#include "lite/layer_pack.hpp"
#include "lite/layer_unpack.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {
namespace {

struct TarEntry {
    std::string path;
    char type = 'f';  // f file, d dir, l symlink, h hardlink, c char device
    std::string data;  // file content, or link target
    unsigned mode = 0644;
    unsigned uid = 0;
    unsigned rdev_major = 0, rdev_minor = 0;
};

void write_tar(const std::string& file, const std::vector<TarEntry>& entries) {
    struct archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    ASSERT_EQ(archive_write_open_filename(a, file.c_str()), ARCHIVE_OK);
    for (const auto& e : entries) {
        struct archive_entry* en = archive_entry_new();
        archive_entry_set_pathname(en, e.path.c_str());
        archive_entry_set_uid(en, e.uid);
        archive_entry_set_gid(en, e.uid);
        switch (e.type) {
        case 'd': archive_entry_set_filetype(en, AE_IFDIR); break;
        case 'l':
            archive_entry_set_filetype(en, AE_IFLNK);
            archive_entry_set_symlink(en, e.data.c_str());
            break;
        case 'h':
            archive_entry_set_filetype(en, AE_IFREG);
            archive_entry_set_hardlink(en, e.data.c_str());
            break;
        case 'c':
            archive_entry_set_filetype(en, AE_IFCHR);
            archive_entry_set_rdevmajor(en, e.rdev_major);
            archive_entry_set_rdevminor(en, e.rdev_minor);
            break;
        default:
            archive_entry_set_filetype(en, AE_IFREG);
            archive_entry_set_size(en, static_cast<la_int64_t>(e.data.size()));
        }
        archive_entry_set_perm(en, e.type == 'd' ? 0755 : e.mode);
        ASSERT_EQ(archive_write_header(a, en), ARCHIVE_OK) << e.path;
        if (e.type == 'f' && !e.data.empty()) archive_write_data(a, e.data.data(), e.data.size());
        archive_entry_free(en);
    }
    archive_write_close(a);
    archive_write_free(a);
}

std::vector<std::string> tar_names(const std::string& file) {
    std::vector<std::string> out;
    struct archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    EXPECT_EQ(archive_read_open_filename(a, file.c_str(), 10240), ARCHIVE_OK);
    struct archive_entry* e;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) out.push_back(archive_entry_pathname(e));
    archive_read_free(a);
    return out;
}

class LiteLayer : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root (owners, devices, trusted xattrs)";
        char tmpl[] = "/tmp/wb-lite-layer-XXXXXX";
        ASSERT_TRUE(::mkdtemp(tmpl));
        dir_ = tmpl;
        layer_ = dir_ + "/layer";
        fs::mkdir_all(layer_);
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
    }
    UnpackResult unpack(const std::vector<TarEntry>& entries) {
        std::string tar = dir_ + "/in.tar";
        write_tar(tar, entries);
        return unpack_layer_file(tar, layer_, UnpackOptions{});
    }
    std::string dir_, layer_;
};

TEST_F(LiteLayer, WhiteoutsBecomeOverlayForm) {
    unpack({{"d", 'd'},
            {"d/keep", 'f', "k"},
            {"d/.wh.gone", 'f'},
            {"o", 'd'},
            {"o/.wh..wh..opq", 'f'},
            {"o/new", 'f', "n"},
            {"deep/er/.wh.x", 'f'}});
    struct stat st {};
    ASSERT_EQ(::lstat((layer_ + "/d/gone").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(0, 0));
    EXPECT_FALSE(fs::exists(layer_ + "/d/.wh.gone"));
    char v[4] = {};
    ASSERT_EQ(::lgetxattr((layer_ + "/o").c_str(), "trusted.overlay.opaque", v, sizeof v), 1);
    EXPECT_EQ(v[0], 'y');
    EXPECT_FALSE(fs::exists(layer_ + "/o/.wh..wh..opq"));
    EXPECT_TRUE(fs::exists(layer_ + "/o/new"));
    ASSERT_EQ(::lstat((layer_ + "/deep/er/x").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(LiteLayer, KeepsOwnersModesLinksAndDevices) {
    UnpackResult r = unpack({{"bin", 'd'},
                             {"bin/tool", 'f', "#!/bin/sh\n", 04755, 1234},
                             {"bin/alias", 'l', "tool"},
                             {"bin/abs", 'l', "/etc/passwd"},
                             {"bin/hard", 'h', "bin/tool"},
                             {"null", 'c', "", 0666, 0, 1, 3}});
    EXPECT_EQ(r.digest.size(), 7u + 64u);
    struct stat st {}, st2 {};
    ASSERT_EQ(::lstat((layer_ + "/bin/tool").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 1234u);
    EXPECT_EQ(st.st_mode & 07777, 04755u);
    ASSERT_EQ(::lstat((layer_ + "/bin/hard").c_str(), &st2), 0);
    EXPECT_EQ(st.st_ino, st2.st_ino);
    char target[64] = {};
    ASSERT_GT(::readlink((layer_ + "/bin/alias").c_str(), target, sizeof target - 1), 0);
    EXPECT_STREQ(target, "tool");
    ASSERT_GT(::readlink((layer_ + "/bin/abs").c_str(), target, sizeof target - 1), 0);
    EXPECT_STREQ(target, "/etc/passwd");
    ASSERT_EQ(::lstat((layer_ + "/null").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(1, 3));
}

TEST_F(LiteLayer, RefusesEntriesEscapingTheLayer) {
    std::string outside = dir_ + "/outside";
    fs::mkdir_all(outside);
    EXPECT_THROW(unpack({{"../evil", 'f', "x"}}), Error);
    EXPECT_FALSE(fs::exists(dir_ + "/evil"));
    EXPECT_THROW(unpack({{"a/../../evil2", 'f', "x"}}), Error);
    EXPECT_FALSE(fs::exists(dir_ + "/evil2"));
    EXPECT_THROW(unpack({{dir_ + "/outside/abs", 'f', "x"}}), Error);
    EXPECT_FALSE(fs::exists(outside + "/abs"));
    // Writing through a symlink the archive made.
    EXPECT_THROW(unpack({{"link", 'l', outside}, {"link/through", 'f', "x"}}), Error);
    EXPECT_FALSE(fs::exists(outside + "/through"));
    EXPECT_THROW(unpack({{"rel", 'l', "../outside"}, {"rel/through2", 'f', "x"}}), Error);
    EXPECT_FALSE(fs::exists(outside + "/through2"));
    // A whiteout through a symlink.
    EXPECT_THROW(unpack({{"wl", 'l', outside}, {"wl/.wh.victim", 'f'}}), Error);
    EXPECT_FALSE(fs::exists(outside + "/victim"));
    // Hardlinks to files outside.
    ::close(::open((outside + "/secret").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
    EXPECT_THROW(unpack({{"h", 'h', "../outside/secret"}}), Error);
    EXPECT_FALSE(fs::exists(layer_ + "/h"));
}

// Found by tests/fuzz (fuzz_layer_tar): a gzip stream whose open fails without an error
// string from libarchive (NULL) crashed in the message; it must be a plain Error.
TEST_F(LiteLayer, ArchiveErrorWithoutMessageIsAnError) {
    static const char kGzip[] =
        "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xed\xd5\xb1\x0e\xc2\x20\x14\x85\xe1\x3b\xfb\x14\x35\x3e\x00\xd4\x42\x49\x78\x9b\x56\x4d"
        "\x74\xb1\xa6\x60\xec\xe3\x4b\xea\x46\xea\x48\x8d\xe9\xff\x31\x5c\x98\x18\x4e\x0e\xf4\xb7\xbb\x92\xc2\x74\xe2\xac\x9d\x67\x92\xcf"
        "\x85\x7d\x6b\x6b\x2b\x95\x95\x15\x3c\x43\xec\xc6\x74\xa5\x6c\x53\x9f\xf2\x0f\xd7\x5f\xe7\x6f\xb2\xfc\x9d\x37\x4e\x2a\x4d\xfe\xc5"
        "\x1d\xf6\xd3\x4e\xb0\x59\x97\x78\x52\x8f\x2e\x84\xd7\xb9\x6c\xff\x5b\x63\xbe\x43\xf7\xbf\x39\xe6\xfd\x77\x0d\xfd\x5f\xc5\x38\x0c"
        "\xd1\x4f\x5e\xa7\xe5\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xd5\x7c\x50"
        "\x9f\x2f\x81\x57\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\xbf\xf1\x06\xaa\xa6\x29\x60\x00\x28";
    std::string input(kGzip, sizeof kGzip - 1);
    std::string tar = dir_ + "/in.tar.gz";
    fs::write_file_atomic(tar, input);
    EXPECT_THROW(unpack_layer_file(tar, layer_, UnpackOptions{}), Error);
}

TEST(LiteEntryPath, Cleaned) {
    EXPECT_EQ(checked_entry_path("./a//b/"), "a/b");
    EXPECT_EQ(checked_entry_path("."), "");
    EXPECT_EQ(checked_entry_path("./"), "");
    EXPECT_EQ(checked_entry_path("a/./b"), "a/b");
    EXPECT_EQ(checked_entry_path("..a/b.."), "..a/b..");
    EXPECT_THROW(checked_entry_path("/etc/passwd"), Error);
    EXPECT_THROW(checked_entry_path("a/../../b"), Error);
    EXPECT_THROW(checked_entry_path(".."), Error);
}

TEST_F(LiteLayer, CommitPacksWhiteoutsBackToTarForm) {
    std::string upper = dir_ + "/upper";
    fs::mkdir_all(upper + "/a");
    fs::mkdir_all(upper + "/opq");
    fs::write_file_atomic(upper + "/a/file", "content");
    fs::write_file_atomic(upper + "/opq/x", "x");
    ASSERT_EQ(::mknod((upper + "/gone").c_str(), S_IFCHR, makedev(0, 0)), 0);
    ASSERT_EQ(::setxattr((upper + "/opq").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
    ASSERT_EQ(::setxattr((upper + "/a").c_str(), "trusted.overlay.origin", "zz", 2, 0), 0);
    std::string tar = dir_ + "/commit.tar";
    int fd = ::open(tar.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    PackOptions po;
    po.whiteouts_to_tar = true;
    std::string digest = pack_tree(upper, fd, po);
    ::close(fd);
    EXPECT_EQ(digest.rfind("sha256:", 0), 0u);
    auto names = tar_names(tar);
    std::set<std::string> set(names.begin(), names.end());
    EXPECT_TRUE(set.count(".wh.gone"));
    EXPECT_TRUE(set.count("opq/.wh..wh..opq"));
    EXPECT_TRUE(set.count("a/file"));
    EXPECT_FALSE(set.count("gone"));
    // Unpacked again, it is the same overlay form; overlay's own xattrs are not carried.
    UnpackResult r = unpack_layer_file(tar, layer_, UnpackOptions{});
    EXPECT_EQ(r.digest, digest);
    struct stat st {};
    ASSERT_EQ(::lstat((layer_ + "/gone").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    char v[4] = {};
    EXPECT_EQ(::lgetxattr((layer_ + "/opq").c_str(), "trusted.overlay.opaque", v, sizeof v), 1);
    EXPECT_LT(::lgetxattr((layer_ + "/a").c_str(), "trusted.overlay.origin", v, sizeof v), 0);
    EXPECT_EQ(fs::read_file(layer_ + "/a/file"), "content");
}

TEST_F(LiteLayer, RemoveNeverCrossesAMountPoint) {
    std::string victim = dir_ + "/container";
    std::string host = dir_ + "/host";
    fs::mkdir_all(victim + "/upper/data");
    fs::mkdir_all(host);
    fs::write_file_atomic(host + "/precious", "keep");
    fs::write_file_atomic(victim + "/upper/file", "x");
    // In a mount namespace of our own, so nothing is left on the host if we fail.
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (::unshare(CLONE_NEWNS) < 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) _exit(2);
        if (::mount(host.c_str(), (victim + "/upper/data").c_str(), nullptr, MS_BIND, nullptr) < 0) _exit(3);
        try {
            remove_tree_same_fs(victim);
            _exit(4);  // it deleted through the mount
        } catch (const Error& e) {
            if (std::string(e.what()).find("mount point") == std::string::npos) _exit(5);
        }
        if (!fs::exists(host + "/precious")) _exit(6);
        if (::umount((victim + "/upper/data").c_str()) < 0) _exit(7);
        remove_tree_same_fs(victim);
        _exit(fs::exists(victim) ? 8 : 0);
    }
    int st = 0;
    ASSERT_EQ(::waitpid(pid, &st, 0), pid);
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 0);
    EXPECT_EQ(fs::read_file(host + "/precious"), "keep");
}

}  // namespace
}  // namespace wb::lite
