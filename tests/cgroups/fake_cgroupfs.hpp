// A temp directory laid out like cgroupfs, for driving the cgroup drivers in unit tests.
// tmpfs does not make interface files, so a test creates the ones the kernel would have.
#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cgroups/manager.hpp"
#include "util/fs.hpp"

namespace wb::cgroups::testing {

class FakeCgroupfs {
public:
    FakeCgroupfs() {
        char tmpl[] = "/tmp/whalebox-cgtest-XXXXXX";
        char* p = ::mkdtemp(tmpl);
        if (!p) throw std::runtime_error("mkdtemp failed");
        root_ = p;
    }
    ~FakeCgroupfs() { fs::remove_all(root_); }
    FakeCgroupfs(const FakeCgroupfs&) = delete;
    FakeCgroupfs& operator=(const FakeCgroupfs&) = delete;

    const std::string& root() const { return root_; }
    std::string at(const std::string& rel) const { return fs::join(root_, rel); }

    // Creates directory `rel` (and parents) with the given files and contents.
    void dir(const std::string& rel,
             std::initializer_list<std::pair<std::string, std::string>> files = {}) const {
        fs::mkdir_all(at(rel));
        for (const auto& [name, content] : files) put(fs::join(rel, name), content);
    }
    void put(const std::string& rel, const std::string& content) const {
        std::ofstream out(at(rel), std::ios::trunc);  // no fsync: a test tree, not state
        out << content;
        if (!out) throw std::runtime_error("cannot write " + at(rel));
    }
    std::string get(const std::string& rel) const { return fs::read_file(at(rel)); }

    // Options pointing everything here; the journal records writes as (rel path, value).
    Options options(Mode mode) {
        Options o;
        o.mountpoint = root_;
        o.mode = mode;
        o.proc_self_cgroup = at("proc-self-cgroup");
        o.proc_self_mountinfo = at("proc-self-mountinfo");
        o.systemd_run_dir = at("run-systemd-system");
        o.load_device_programs = false;
        o.write_journal = &raw_journal_;
        return o;
    }
    // The writes so far, paths relative to the root ("a/b/memory.max").
    std::vector<std::pair<std::string, std::string>> journal() const {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& [p, v] : raw_journal_) out.emplace_back(p.substr(root_.size() + 1), v);
        return out;
    }
    void clear_journal() { raw_journal_.clear(); }

private:
    std::string root_;
    std::vector<std::pair<std::string, std::string>> raw_journal_;
};

using Writes = std::vector<std::pair<std::string, std::string>>;

}  // namespace wb::cgroups::testing
