#include "util/fs.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>

#include "util/error.hpp"

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/wb-fs-test.XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { wb::fs::remove_all(path); }
};

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st.st_mode;
}

wb::UniqueFd open_dir(const std::string& path) {
    return wb::UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

TEST(FsCopyTree, CopiesFilesDirectoriesSymlinksAndFifosWithTheirModes) {
    TempDir from, to;
    wb::fs::mkdir_all(from.path + "/sub/deeper", 0750);
    ::chmod((from.path + "/sub").c_str(), 0710);
    wb::fs::write_file_atomic(from.path + "/sub/deeper/file", "hello", 0640);
    wb::fs::write_file_atomic(from.path + "/tool", "#!/bin/sh\n", 0755);
    ::chmod((from.path + "/tool").c_str(), 04755);
    ASSERT_EQ(::symlink("../elsewhere", (from.path + "/link").c_str()), 0);
    ASSERT_EQ(::mkfifo((from.path + "/fifo").c_str(), 0600), 0);

    wb::UniqueFd src = open_dir(from.path), dst = open_dir(to.path);
    wb::fs::copy_tree(src.get(), dst.get());

    EXPECT_EQ(wb::fs::read_file(to.path + "/sub/deeper/file"), "hello");
    EXPECT_EQ(mode_of(to.path + "/sub/deeper/file") & 07777, 0640u);
    EXPECT_EQ(mode_of(to.path + "/sub") & 07777, 0710u);
    EXPECT_EQ(mode_of(to.path + "/tool") & 07777, 04755u);
    EXPECT_TRUE(S_ISLNK(mode_of(to.path + "/link")));
    char target[PATH_MAX] = {};
    ASSERT_GT(::readlink((to.path + "/link").c_str(), target, sizeof target - 1), 0);
    EXPECT_EQ(std::string(target), "../elsewhere");
    EXPECT_TRUE(S_ISFIFO(mode_of(to.path + "/fifo")));
    // The source is left as it was.
    EXPECT_EQ(wb::fs::read_file(from.path + "/sub/deeper/file"), "hello");
}

TEST(FsCopyTree, AnExistingEntryIsAnErrorNamingIt) {
    TempDir from, to;
    wb::fs::write_file_atomic(from.path + "/taken", "new", 0644);
    wb::fs::write_file_atomic(to.path + "/taken", "old", 0644);
    wb::UniqueFd src = open_dir(from.path), dst = open_dir(to.path);
    try {
        wb::fs::copy_tree(src.get(), dst.get());
        FAIL() << "copy_tree overwrote an existing file";
    } catch (const wb::Error& e) {
        EXPECT_EQ(std::string(e.what()), "copy /taken: File exists");
    }
    EXPECT_EQ(wb::fs::read_file(to.path + "/taken"), "old");
}

}  // namespace

TEST(FsWriteFileAtomic, ReplacesTheContentWithAndWithoutFsync) {
    TempDir dir;
    std::string path = dir.path + "/state.json";
    for (auto sync : {wb::fs::Sync::durable, wb::fs::Sync::no_fsync}) {
        wb::fs::write_file_atomic(path, "first", 0600, sync);
        wb::fs::write_file_atomic(path, "second", 0600, sync);
        EXPECT_EQ(wb::fs::read_file(path), "second");
        EXPECT_EQ(mode_of(path) & 07777, 0600u);
        EXPECT_FALSE(wb::fs::exists(path + ".tmp"));  // renamed, nothing left over
    }
    // A failed write (no such directory) throws and leaves nothing.
    EXPECT_THROW(wb::fs::write_file_atomic(dir.path + "/missing/x", "data", 0600, wb::fs::Sync::no_fsync),
                 wb::Error);
}
