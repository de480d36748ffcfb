#include "state/state.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "util/error.hpp"
#include "util/fs.hpp"

using namespace wb::state;

namespace {

class TempRoot {
public:
    TempRoot() {
        char tmpl[] = "/tmp/whalebox-statetest-XXXXXX";
        if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        root_ = tmpl;
    }
    ~TempRoot() { wb::fs::remove_all(root_); }
    const std::string& path() const { return root_; }

private:
    std::string root_;
};

State creating_record(const std::string& id) {
    State s;
    s.oci_version = "1.0.2";
    s.id = id;
    s.status = Status::creating;
    s.bundle = "/bundle";
    s.created = "2026-01-01T00:00:00Z";
    s.cgroup_path = "/t/" + id;
    s.cgroup_paths = {{"memory", "/sys/fs/cgroup/memory/t/" + id}, {"", "/sys/fs/cgroup/unified/t/" + id}};
    s.cgroup_created = {"/sys/fs/cgroup/memory/t", "/sys/fs/cgroup/memory/t/" + id};
    s.config_path = "/bundle/config.json";
    s.creator_pid = ::getpid();
    s.creator_start_time = process_start_time(s.creator_pid);
    return s;
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const wb::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(StateRecord, RoundTripKeepsTheCreatingRecord) {
    State s = creating_record("c1");
    State r = from_record_json(to_record_json(s));
    EXPECT_EQ(r.status, Status::creating);
    EXPECT_EQ(r.pid, 0);
    EXPECT_EQ(r.creator_pid, s.creator_pid);
    EXPECT_EQ(r.creator_start_time, s.creator_start_time);
    EXPECT_EQ(r.cgroup_paths, s.cgroup_paths);
    EXPECT_EQ(r.cgroup_created, s.cgroup_created);
    EXPECT_EQ(r.config_path, s.config_path);
}

TEST(StateRecord, CgroupRecordHoldsOnlyTheCgroupFields) {
    State s = creating_record("c1");
    State r = from_record_json(to_cgroup_record_json(s));
    EXPECT_EQ(r.id, "c1");
    EXPECT_EQ(r.cgroup_path, s.cgroup_path);
    EXPECT_EQ(r.cgroup_paths, s.cgroup_paths);
    EXPECT_EQ(r.cgroup_created, s.cgroup_created);
    EXPECT_TRUE(r.bundle.empty());
    EXPECT_EQ(r.creator_pid, 0);
}

TEST(StateStatus, CreatingWhileTheCreatorRuns) {
    EXPECT_EQ(compute_status(creating_record("c1"), true, false), Status::creating);
}

TEST(StateStatus, AKilledCreateIsStopped) {
    State s = creating_record("c1");
    s.creator_start_time += 1;  // the pid now belongs to another process
    EXPECT_EQ(compute_status(s, true, false), Status::stopped);
    s.creator_pid = 0;
    EXPECT_EQ(compute_status(s, true, false), Status::stopped);
}

TEST(StateStatus, ARecordWithoutPidIsStopped) {
    State s = creating_record("c1");
    s.status = Status::created;
    s.pid = 0;
    EXPECT_EQ(compute_status(s, true, false), Status::stopped);
}

TEST(StateStore, CreateDirWritesTheFirstRecordAndTheCgroupRecord) {
    TempRoot root;
    Store store(root.path());
    { Lock lock = store.create_dir(creating_record("c1")); }
    EXPECT_TRUE(store.exists("c1"));
    EXPECT_EQ(store.ids(), std::vector<std::string>{"c1"});
    State loaded = store.load("c1");
    EXPECT_EQ(loaded.status, Status::creating);
    EXPECT_EQ(loaded.bundle, "/bundle");
    EXPECT_EQ(store.load_cgroup_record("c1").cgroup_created, creating_record("c1").cgroup_created);
    // Nothing is left beside ROOT/ID.
    EXPECT_EQ(wb::fs::exists(root.path() + "/c1@" + std::to_string(::getpid())), false);
}

TEST(StateStore, ASecondCreateOfTheIdIsRefused) {
    TempRoot root;
    Store store(root.path());
    store.create_dir(creating_record("c1"));
    EXPECT_EQ(message_of([&] { store.create_dir(creating_record("c1")); }), "container with id exists: c1");
    store.remove("c1");
    EXPECT_FALSE(store.exists("c1"));
    EXPECT_NO_THROW(store.create_dir(creating_record("c1")));
}

TEST(StateStore, StaleStagingDirectoriesAreNotListedAndAreRemoved) {
    TempRoot root;
    Store store(root.path());
    // pid_max is at most 4194304: this creator is gone.
    wb::fs::mkdir_all(root.path() + "/c1@9999999");
    wb::fs::write_file_atomic(root.path() + "/c1@9999999/state.json", "{}");
    EXPECT_TRUE(store.ids().empty());
    store.create_dir(creating_record("c1"));
    EXPECT_FALSE(wb::fs::exists(root.path() + "/c1@9999999"));
    EXPECT_EQ(store.ids(), std::vector<std::string>{"c1"});
}

TEST(StateStore, ADamagedOrMissingRecordIsUnreadableNotAbsent) {
    TempRoot root;
    Store store(root.path());
    EXPECT_EQ(message_of([&] { store.load("c1"); }), "container does not exist");
    store.create_dir(creating_record("c1"));
    wb::fs::write_file_atomic(store.dir("c1") + "/state.json", "{\"id\": \"c1\", trunc");
    std::string msg = message_of([&] { store.load("c1"); });
    EXPECT_EQ(msg.rfind("state of container c1 is unreadable: ", 0), 0u) << msg;
    ::unlink((store.dir("c1") + "/state.json").c_str());
    msg = message_of([&] { store.load("c1"); });
    EXPECT_EQ(msg.rfind("state of container c1 is unreadable: state.json", 0), 0u) << msg;
    EXPECT_TRUE(store.exists("c1"));
    EXPECT_EQ(store.ids(), std::vector<std::string>{"c1"});
    EXPECT_EQ(store.load_cgroup_record("c1").cgroup_path, "/t/c1");
}
