// finish_interrupted_removals (lite/background_removal.hpp) keeps its hands off an
// ID.removing whose remover is still at work, even once the remover has deleted the lock
// file inside it, and finishes one whose remover died.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

#include "lite/background_removal.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {
namespace {

class InterruptedRemovals : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/wb-lite-removal-XXXXXX";
        ASSERT_TRUE(::mkdtemp(tmpl));
        dir_ = tmpl;
        c_.layout.root = dir_ + "/root";
        c_.layout.state_root = dir_ + "/state";
        c_.runtime.root = c_.layout.state_root;
        c_.layout.ensure();
        removing_ = c_.layout.container_dir(std::string(64, 'a')) + ".removing";
        fs::mkdir_all(removing_ + "/upper");
        fs::write_file_atomic(removing_ + "/container.json", "{}\n", 0600, fs::Sync::no_fsync);
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
    }
    LiteContext c_;
    std::string dir_, removing_;
};

TEST_F(InterruptedRemovals, ALiveRemoverWithoutItsLockFileIsLeftAlone) {
    // The remover holds the directory's lock; its lock file is gone with the first files.
    UniqueFd remover(::open(removing_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(remover);
    ASSERT_EQ(::flock(remover.get(), LOCK_EX), 0);
    finish_interrupted_removals(c_);
    EXPECT_TRUE(fs::exists(removing_ + "/upper"));
    EXPECT_TRUE(fs::exists(removing_ + "/container.json"));
    // It died: the next command finishes the job.
    remover.reset();
    finish_interrupted_removals(c_);
    EXPECT_FALSE(fs::exists(removing_));
}

TEST_F(InterruptedRemovals, AHeldLockFileIsLeftAlone) {
    UniqueFd lock(::open((removing_ + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_TRUE(lock);
    ASSERT_EQ(::flock(lock.get(), LOCK_EX), 0);
    finish_interrupted_removals(c_);
    EXPECT_TRUE(fs::exists(removing_ + "/container.json"));
    lock.reset();
    finish_interrupted_removals(c_);
    EXPECT_FALSE(fs::exists(removing_));
}

}  // namespace
}  // namespace wb::lite
