// The state records (state.json, cgroup.json), written through json::ObjectWriter, are the
// bytes the document-built records of earlier versions were, and read back.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "state/state.hpp"

using nlohmann::json;

namespace {

// The record as state.cpp built it before the writer (a document, then dump()).
std::string record_through_a_document(const wb::state::State& s) {
    json j = {
        {"ociVersion", s.oci_version},   {"id", s.id},
        {"status", wb::state::to_string(s.status)},
        {"pid", s.pid},                  {"bundle", s.bundle},
        {"annotations", s.annotations},  {"rootfs", s.rootfs},
        {"created", s.created},          {"owner", s.owner},
        {"initStartTime", s.init_start_time}, {"cgroupPath", s.cgroup_path},
        {"cgroupPaths", s.cgroup_paths}, {"cgroupCreated", s.cgroup_created},
        {"systemdCgroup", s.systemd_cgroup}, {"configPath", s.config_path},
    };
    if (s.creator_pid > 0) {
        j["creatorPid"] = s.creator_pid;
        j["creatorStartTime"] = s.creator_start_time;
    }
    return j.dump();
}

wb::state::State sample() {
    wb::state::State s;
    s.oci_version = "1.0.2";
    s.id = "ctr-1";
    s.status = wb::state::Status::created;
    s.pid = 4242;
    s.bundle = "/tmp/b \"quoted\" \\ back\tslash";
    s.annotations = {{"org.example/key", "value\nwith newline"}, {"Zeta", ""}, {"ctl", std::string("a\x01\x1f\x7f", 4)}};
    s.rootfs = "/tmp/b/rootfs";
    s.created = "2026-12-07T01:02:03.456789012Z";
    s.owner = "";
    s.init_start_time = 18446744073709551615ULL;
    s.cgroup_path = "/whalebox-test/ctr-1";
    s.cgroup_paths = {{"", "/sys/fs/cgroup/unified/ctr-1"}, {"cpu", "/sys/fs/cgroup/cpu,cpuacct/ctr-1"}, {"name=systemd", "/x"}};
    s.cgroup_created = {"/sys/fs/cgroup/pids/a", "/sys/fs/cgroup/pids/a/ctr-1"};
    s.systemd_cgroup = true;
    s.config_path = "/tmp/b/config.json";
    return s;
}

}  // namespace

TEST(StateRecordJson, TheStateRecordIsTheDocumentsDump) {
    wb::state::State s = sample();
    EXPECT_EQ(wb::state::to_record_json(s), record_through_a_document(s));
    s.creator_pid = 77;
    s.creator_start_time = 123456;
    s.status = wb::state::Status::creating;
    EXPECT_EQ(wb::state::to_record_json(s), record_through_a_document(s));
    wb::state::State empty;
    EXPECT_EQ(wb::state::to_record_json(empty), record_through_a_document(empty));
    // And it reads back.
    wb::state::State back = wb::state::from_record_json(wb::state::to_record_json(s));
    EXPECT_EQ(back.bundle, s.bundle);
    EXPECT_EQ(back.annotations, s.annotations);
    EXPECT_EQ(back.cgroup_paths, s.cgroup_paths);
    EXPECT_EQ(back.init_start_time, s.init_start_time);
    EXPECT_EQ(back.creator_pid, 77);
}

TEST(StateRecordJson, TheCgroupRecordIsTheDocumentsDump) {
    wb::state::State s = sample();
    json j = {{"id", s.id},
              {"cgroupPath", s.cgroup_path},
              {"cgroupPaths", s.cgroup_paths},
              {"cgroupCreated", s.cgroup_created},
              {"systemdCgroup", s.systemd_cgroup}};
    EXPECT_EQ(wb::state::to_cgroup_record_json(s), j.dump());
}
