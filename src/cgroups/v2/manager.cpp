// The cgroup v2 driver: one directory in the unified hierarchy.
#include <fcntl.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "cgroups/internal.hpp"
#include "cgroups/v2/controllers.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

namespace wb::cgroups {
namespace {

class V2Manager final : public Manager {
public:
    V2Manager(std::string rel, const Options& o)
        : root_(clean_path(o.mountpoint)),
          rel_(std::move(rel)),
          dir_(fs::join(root_, rel_)),
          files_(o.write_journal),
          load_bpf_(o.load_device_programs) {
        open_dir();  // an existing cgroup (open_manager) gets its fd at once
    }

    void create() override {
        std::vector<std::string> made;
        try {
            make_cgroup_dirs(root_, rel_, made);
            enable_controllers();
            open_dir();
            if (!dir_fd_) throw_errno("open " + dir_);
        } catch (...) {
            dir_fd_.reset();
            remove_created_dirs(made);
            throw;
        }
        created_.insert(created_.end(), made.begin(), made.end());
    }

    void add_process(pid_t pid) override { files_.write(dir_, "cgroup.procs", std::to_string(pid)); }

    void apply(const oci::Resources& r) override {
        if (r.pids) v2::apply_pids(files_, dir_, *r.pids);
        if (r.memory) v2::apply_memory(files_, dir_, *r.memory);
        if (r.block_io) v2::apply_io(files_, dir_, *r.block_io);
        if (r.cpu) v2::apply_cpu(files_, dir_, *r.cpu);
        if (!r.devices.empty()) {
            if (!dir_fd_) open_dir();
            if (!dir_fd_ && load_bpf_) throw_errno("open " + dir_);
            v2::apply_devices(dir_fd_.get(), r.devices, load_bpf_);
        }
        if (r.cpu) v2::apply_cpuset(files_, dir_, *r.cpu);
        if (!r.hugepage_limits.empty()) v2::apply_hugetlb(files_, dir_, r.hugepage_limits);
        if (!r.rdma.empty()) v2::apply_rdma(files_, dir_, r.rdma);
        if (r.network && (r.network->class_id || !r.network->priorities.empty()))
            wb::log::warn("network (net_cls/net_prio) resources are not supported on cgroup v2; ignored");
        if (!r.unified.empty()) v2::apply_unified(files_, dir_, r.unified);
    }

    void freeze() override { v2::freeze(files_, dir_); }
    void thaw() override { v2::thaw(files_, dir_); }
    bool frozen() const override { return v2::is_frozen(dir_); }
    std::vector<pid_t> pids() const override { return read_procs_recursive(dir_); }

    Stats stats() const override {
        Stats s;
        v2::stat_memory(dir_, s);
        v2::stat_cpu(dir_, s);
        v2::stat_pids(dir_, s);
        v2::stat_io(dir_, s);
        v2::stat_hugetlb(dir_, s);
        return s;
    }

    uint64_t oom_kill_count() const override { return v2::oom_kills(dir_); }

    void kill_all(int signal) override {
        if (signal == SIGKILL && has_file(dir_, "cgroup.kill")) {
            files_.write(dir_, "cgroup.kill", "1");
            return;
        }
        // Without cgroup.kill, freeze first so nothing forks between reading the pids and
        // signalling them; a stopped task still dies from SIGKILL once thawed.
        std::function<void()> freeze;
        if (has_file(dir_, "cgroup.freeze")) freeze = [&] { v2::freeze(files_, dir_); };
        signal_all(
            signal, [&] { return pids(); }, freeze, [&] { v2::thaw(files_, dir_); },
            [&] { files_.try_write(dir_, "cgroup.freeze", "0"); });
    }

    void destroy() override {
        dir_fd_.reset();
        // With any sub-cgroups the container made in it (a cgroup-namespaced systemd, say).
        if (int err = remove_cgroup_tree(dir_)) throw_errno("remove cgroup " + dir_, err);
        // Then the parents this manager made, bottom-up; a sibling may still use them.
        remove_unused_dirs(created_, {dir_});
        created_.clear();
    }

    int clone_into_fd() const override { return dir_fd_ ? dir_fd_.get() : -1; }
    std::string path() const override { return rel_; }
    std::map<std::string, std::string> controller_paths() const override { return {{"", dir_}}; }
    std::vector<std::string> created_dirs() const override { return created_; }
    void set_created_dirs(std::vector<std::string> dirs) override { created_ = std::move(dirs); }
    Mode mode() const override { return Mode::unified; }

private:
    void open_dir() {
        dir_fd_.reset(::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    }

    // Each ancestor, from the root down to the leaf's parent, must delegate the controllers
    // to its children: "+cpu +memory ..." for those it has (cgroup.controllers) and does not
    // delegate yet. A controller the kernel refuses is logged and skipped, as runc does.
    void enable_controllers() {
        std::string cur = root_;
        auto parts = split(rel_, "/");
        for (size_t i = 0; i < parts.size(); ++i) {
            auto available = split(read_opt(cur, "cgroup.controllers").value_or(""), " \n");
            auto enabled = split(read_opt(cur, "cgroup.subtree_control").value_or(""), " \n");
            std::vector<std::string> missing;
            for (const auto& c : available)
                if (std::find(enabled.begin(), enabled.end(), c) == enabled.end()) missing.push_back(c);
            if (!missing.empty()) {
                std::string all;
                for (const auto& c : missing) all += (all.empty() ? "+" : " +") + c;
                if (files_.try_write(cur, "cgroup.subtree_control", all) != 0) {
                    for (const auto& c : missing)
                        if (int err = files_.try_write(cur, "cgroup.subtree_control", "+" + c))
                            wb::log::warn("enable controller {} in {}: {}", c, cur, std::strerror(err));
                }
            }
            cur = fs::join(cur, parts[i]);
        }
    }

    std::string root_, rel_, dir_;
    Files files_;
    bool load_bpf_;
    UniqueFd dir_fd_;
    std::vector<std::string> created_;
};

}  // namespace

std::unique_ptr<Manager> make_v2_manager(const std::string& inner, const Options& options) {
    std::string rel = inner;
    if (rel.empty() || rel[0] != '/') {
        // runc (fs2/defaultpath.go): relative paths go below the *parent* of our own cgroup,
        // since our own cgroup has processes and so cannot delegate controllers.
        auto own = parse_proc_cgroup(fs::read_file(options.proc_self_cgroup));
        auto it = own.find("");
        if (it == own.end()) throw Error("no cgroup v2 entry (0::) in " + options.proc_self_cgroup);
        rel = clean_path(fs::join(parent_path(it->second), inner));
    }
    rel = clean_path(rel);
    if (rel == "/") throw Error("refusing to manage the root cgroup");
    return std::make_unique<V2Manager>(rel, options);
}

}  // namespace wb::cgroups
