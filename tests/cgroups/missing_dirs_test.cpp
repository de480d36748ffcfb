// missing_dirs(): what create() would make, recorded before it makes anything, so that a
// create killed midway still names the parents it made.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>

#include "cgroups/files.hpp"
#include "cgroups/manager.hpp"
#include "cgroups/missing_dirs.hpp"
#include "fake_cgroupfs.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace wb::cgroups;
using wb::cgroups::testing::FakeCgroupfs;

TEST(CgroupMissingDirs, V2NamesWhatCreateMakes) {
    FakeCgroupfs fs;
    fs.dir("a");
    auto m = make_manager(Placement{"/a/b/c", "id"}, fs.options(Mode::unified));
    auto planned = missing_dirs(*m);
    EXPECT_EQ(planned, (std::vector<std::string>{fs.at("a/b"), fs.at("a/b/c")}));
    m->create();
    EXPECT_EQ(m->created_dirs(), planned);
    EXPECT_TRUE(missing_dirs(*m).empty());
    m->destroy();
    EXPECT_TRUE(wb::fs::exists(fs.at("a")));
    EXPECT_FALSE(wb::fs::exists(fs.at("a/b")));
}

TEST(CgroupMissingDirs, V1NamesEveryHierarchyAndTheUnifiedDirectory) {
    FakeCgroupfs fs;
    fs.dir("memory");
    fs.dir("pids");
    fs.dir("unified");
    fs.put("proc-self-cgroup", "2:memory:/m\n1:pids:/\n0::/u\n");
    auto m = make_manager(Placement{"t/c", "id"}, fs.options(Mode::hybrid));
    auto planned = missing_dirs(*m);
    // Keyed by controller: "" (the unified directory) first.
    EXPECT_EQ(planned, (std::vector<std::string>{fs.at("unified/u"), fs.at("unified/u/t"), fs.at("unified/u/t/c"),
                                                 fs.at("memory/m"), fs.at("memory/m/t"), fs.at("memory/m/t/c"),
                                                 fs.at("pids/t"), fs.at("pids/t/c")}));
    m->create();
    auto made = m->created_dirs();
    std::sort(made.begin(), made.end());
    std::sort(planned.begin(), planned.end());
    EXPECT_EQ(made, planned);
}

// A create killed after making the directories of one hierarchy only: the manager
// re-opened from the record removes them, parents included, and skips what is not there.
TEST(CgroupMissingDirs, ReopenedFromTheRecordRemovesAHalfMadeTree) {
    FakeCgroupfs fs;
    fs.dir("memory");
    fs.dir("pids");
    fs.put("proc-self-cgroup", "2:memory:/\n1:pids:/\n");
    auto planned_by = make_manager(Placement{"t/c", "id"}, fs.options(Mode::legacy));
    auto planned = missing_dirs(*planned_by);
    auto paths = planned_by->controller_paths();
    fs.dir("memory/t/c");  // what the killed create got to

    auto m = open_manager(paths, fs.options(Mode::legacy));
    m->set_created_dirs(planned);
    m->destroy();
    EXPECT_FALSE(wb::fs::exists(fs.at("memory/t")));
    EXPECT_FALSE(wb::fs::exists(fs.at("pids/t")));
    EXPECT_TRUE(wb::fs::exists(fs.at("memory")));
}

TEST(CgroupMakeDirs, TheLeafAloneWhenItsParentIsThereElseEachMissingOneTopDown) {
    FakeCgroupfs fs;
    fs.dir("own");
    std::vector<std::string> made;
    make_cgroup_dirs(fs.at(""), "own/c1", made);
    EXPECT_EQ(made, std::vector<std::string>{fs.at("own/c1")});
    made.clear();
    make_cgroup_dirs(fs.at(""), "own/c1", made);  // there already: nothing made
    EXPECT_TRUE(made.empty());
    make_cgroup_dirs(fs.at(""), "own/a/b/c2", made);
    EXPECT_EQ(made, (std::vector<std::string>{fs.at("own/a"), fs.at("own/a/b"), fs.at("own/a/b/c2")}));
    fs.put("own/file", "");
    made.clear();
    EXPECT_THROW(make_cgroup_dirs(fs.at(""), "own/file", made), wb::Error);
    EXPECT_TRUE(made.empty());
    // The parents made go when unused, and what the caller removed itself is not looked at.
    ::rmdir(fs.at("own/a/b/c2").c_str());
    remove_unused_dirs({fs.at("own/a"), fs.at("own/a/b"), fs.at("own/a/b/c2")}, {fs.at("own/a/b/c2")});
    EXPECT_FALSE(wb::fs::exists(fs.at("own/a")));
    EXPECT_TRUE(wb::fs::exists(fs.at("own/c1")));
}
