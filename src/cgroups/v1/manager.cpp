// The cgroup v1 driver: one directory per mounted hierarchy (co-mounted controllers share
// one), plus on a hybrid host a directory in the cgroup2 at unified/ (for systemd's sake,
// best effort).
#include <fcntl.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "cgroups/internal.hpp"
#include "cgroups/v1/controllers.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

namespace wb::cgroups {
namespace {

class V1Manager final : public Manager {
public:
    // paths: controller -> absolute directory; mounts: controller -> hierarchy mount.
    V1Manager(std::map<std::string, std::string> paths, std::map<std::string, v1::Mount> mounts,
              std::string unified_dir, const Options& o)
        : paths_(std::move(paths)),
          mounts_(std::move(mounts)),
          unified_dir_(std::move(unified_dir)),
          unified_root_(fs::join(clean_path(o.mountpoint), "unified")),
          files_(o.write_journal) {}

    void create() override {
        std::vector<std::string> made;
        try {
            for (const auto& [dir, mount] : distinct_dirs()) {
                make_cgroup_dirs(mount, dir.substr(mount.size()), made);
                if (dir == path_of("cpuset")) v1::inherit_cpuset(files_, mount, dir);
            }
        } catch (...) {
            remove_created_dirs(made);
            throw;
        }
        created_.insert(created_.end(), made.begin(), made.end());
        if (!unified_dir_.empty()) {
            try {
                make_cgroup_dirs(unified_root_, unified_dir_.substr(unified_root_.size()), unified_created_);
            } catch (const Error& e) {
                wb::log::debug("cgroup2 directory on a hybrid host: {}", e.what());
            }
        }
    }

    void add_process(pid_t pid) override { finish_join(pid, {}); }

    // Each hierarchy's `tasks`: a process joins them itself (SelfJoin).
    std::vector<std::string> self_join_files() const override {
        std::vector<std::string> out;
        for (const auto& [dir, mount] : distinct_dirs()) out.push_back(fs::join(dir, "tasks"));
        return out;
    }

    void finish_join(pid_t pid, Joined joined) override {
        std::string p = std::to_string(pid);
        if (!joined.self)
            for (const auto& [dir, mount] : distinct_dirs()) files_.write(dir, "cgroup.procs", p);
        // Best effort, as systemd's hierarchy on a hybrid host is.
        if (!joined.cloned_into && !unified_dir_.empty() && fs::exists(unified_dir_))
            files_.try_write(unified_dir_, "cgroup.procs", p);
    }

    void apply(const oci::Resources& r) override {
        // runc: ErrV1NoUnified. Checked before anything is written.
        if (!r.unified.empty()) throw Error("invalid configuration: cannot use unified on cgroup v1");
        if (r.memory) with("memory", [&](auto& d) { v1::apply_memory(files_, d, *r.memory); });
        if (r.cpu) {
            with("cpu", [&](auto& d) { v1::apply_cpu(files_, d, *r.cpu); });
            if (!r.cpu->cpus.empty() || !r.cpu->mems.empty())
                with("cpuset", [&](auto& d) { v1::apply_cpuset(files_, d, *r.cpu); });
        }
        if (r.pids && r.pids->limit) with("pids", [&](auto& d) { v1::apply_pids(files_, d, *r.pids); });
        if (r.block_io) with("blkio", [&](auto& d) { v1::apply_blkio(files_, d, *r.block_io); });
        if (!r.hugepage_limits.empty())
            with("hugetlb", [&](auto& d) { v1::apply_hugetlb(files_, d, r.hugepage_limits); });
        if (r.network && r.network->class_id)
            with("net_cls", [&](auto& d) { v1::apply_net_cls(files_, d, *r.network); });
        if (r.network && !r.network->priorities.empty())
            with("net_prio", [&](auto& d) { v1::apply_net_prio(files_, d, *r.network); });
        if (!r.rdma.empty()) with("rdma", [&](auto& d) { v1::apply_rdma(files_, d, r.rdma); });
        if (!r.devices.empty()) with("devices", [&](auto& d) { v1::apply_devices(files_, d, r.devices); });
    }

    void freeze() override { v1::freeze(files_, need("freezer")); }
    void thaw() override { v1::thaw(files_, need("freezer")); }
    bool frozen() const override {
        std::string d = path_of("freezer");
        return !d.empty() && v1::is_frozen(d);
    }

    std::vector<pid_t> pids() const override {
        for (const char* c : {"freezer", "pids", "devices", "memory", "cpu"})
            if (std::string d = path_of(c); !d.empty()) return read_procs_recursive(d);
        if (!paths_.empty()) return read_procs_recursive(paths_.begin()->second);
        return {};
    }

    Stats stats() const override {
        Stats s;
        if (auto d = path_of("memory"); !d.empty()) v1::stat_memory(d, s);
        if (auto d = path_of("cpuacct"); !d.empty()) v1::stat_cpuacct(d, s);
        if (auto d = path_of("cpu"); !d.empty()) v1::stat_cpu_throttling(d, s);
        if (auto d = path_of("pids"); !d.empty()) v1::stat_pids(d, s);
        if (auto d = path_of("blkio"); !d.empty()) v1::stat_blkio(d, s);
        if (auto d = path_of("hugetlb"); !d.empty()) v1::stat_hugetlb(d, s);
        return s;
    }

    uint64_t oom_kill_count() const override {
        std::string d = path_of("memory");
        return d.empty() ? 0 : v1::oom_kills(d);
    }

    void kill_all(int signal) override {
        // Freeze for SIGKILL so nothing forks past us; the kill lands on thaw.
        std::string fz = path_of("freezer");
        std::function<void()> freeze;
        if (!fz.empty()) freeze = [&] { v1::freeze(files_, fz); };
        signal_all(
            signal, [&] { return pids(); }, freeze, [&] { v1::thaw(files_, fz); },
            [&] { files_.try_write(fz, "freezer.state", "THAWED"); });
    }

    void destroy() override {
        unified_fd_.reset();
        int first = 0;
        std::string failed;
        std::set<std::string> removed;
        for (const auto& [dir, mount] : distinct_dirs()) {
            if (int err = remove_cgroup_tree(dir); err && !first) first = err, failed = dir;
            else if (!err) removed.insert(dir);
        }
        if (!unified_dir_.empty() && remove_cgroup_tree(unified_dir_) == 0) removed.insert(unified_dir_);
        remove_unused_dirs(created_, removed);
        remove_unused_dirs(unified_created_, removed);
        if (first) throw_errno("remove cgroup " + failed, first);
        created_.clear();
        unified_created_.clear();
    }

    // A hybrid host's unified/ directory, when there is one: clone3 puts the process there
    // (no pid written to its cgroup.procs, see self_join_files).
    int clone_into_fd() const override {
        if (!unified_fd_ && !unified_dir_.empty())
            unified_fd_.reset(::open(unified_dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        return unified_fd_ ? unified_fd_.get() : -1;
    }

    std::vector<std::string> created_dirs() const override {
        auto all = created_;
        all.insert(all.end(), unified_created_.begin(), unified_created_.end());
        return all;
    }
    // One list: each hierarchy's dirs are in top-down order, so reverse order still
    // removes children before parents.
    void set_created_dirs(std::vector<std::string> dirs) override {
        created_ = std::move(dirs);
        unified_created_.clear();
    }

    std::string path() const override {
        for (const char* c : {"memory", "pids", "cpu", "devices", "freezer"})
            if (auto it = paths_.find(c); it != paths_.end()) return relative(c, it->second);
        if (!paths_.empty()) return relative(paths_.begin()->first, paths_.begin()->second);
        return "/";
    }

    std::map<std::string, std::string> controller_paths() const override {
        auto out = paths_;
        if (!unified_dir_.empty()) out[""] = unified_dir_;
        return out;
    }
    Mode mode() const override { return unified_dir_.empty() ? Mode::legacy : Mode::hybrid; }

private:
    std::string path_of(const std::string& controller) const {
        auto it = paths_.find(controller);
        return it == paths_.end() ? std::string() : it->second;
    }
    std::string need(const std::string& controller) const {
        std::string d = path_of(controller);
        if (d.empty()) throw Error("cgroup v1 " + controller + " controller is not mounted");
        return d;
    }
    template <class F>
    void with(const std::string& controller, F&& apply_to) {
        std::string d = path_of(controller);
        // A limit that cannot be applied is an error, never a warning: runc's words.
        if (d.empty()) throw Error("cannot set " + controller + " limit: container could not join or create cgroup");
        apply_to(d);
    }
    std::string relative(const std::string& controller, const std::string& dir) const {
        auto it = mounts_.find(controller);
        if (it == mounts_.end()) return dir;
        std::string r = dir.substr(it->second.dir.size());
        return r.empty() ? "/" : r;
    }
    // Each directory once (cpu,cpuacct share one), with the mount it lives under.
    std::vector<std::pair<std::string, std::string>> distinct_dirs() const {
        std::vector<std::pair<std::string, std::string>> out;
        std::set<std::string> seen;
        for (const auto& [c, dir] : paths_) {
            if (!seen.insert(dir).second) continue;
            auto m = mounts_.find(c);
            out.emplace_back(dir, m == mounts_.end() ? parent_path(dir) : m->second.dir);
        }
        return out;
    }

    std::map<std::string, std::string> paths_;
    std::map<std::string, v1::Mount> mounts_;
    std::string unified_dir_, unified_root_;
    Files files_;
    std::vector<std::string> created_, unified_created_;
    mutable UniqueFd unified_fd_;  // clone_into_fd(), opened on first use
};

// The path of our own cgroup inside a hierarchy mounted with `root` (non-"/" inside a
// container without a cgroup namespace).
std::string own_path_in_mount(const std::string& own, const std::string& root) {
    if (root == "/" || root.empty()) return own;
    if (own.compare(0, root.size(), root) == 0) return own.substr(root.size()).empty() ? "/" : own.substr(root.size());
    return own;
}

}  // namespace

std::unique_ptr<Manager> make_v1_manager(const std::string& inner, const Options& options,
                                         bool hybrid) {
    auto mounts = v1::find_mounts(options);
    if (mounts.empty()) throw Error("no cgroup v1 hierarchies found under " + options.mountpoint);
    bool relative = inner.empty() || inner[0] != '/';
    std::map<std::string, std::string> own;
    if (relative) own = parse_proc_cgroup(fs::read_file(options.proc_self_cgroup));
    std::map<std::string, std::string> paths;
    for (const auto& [c, m] : mounts) {
        std::string rel = inner;
        if (relative) {
            // runc (fs/paths.go): relative paths go below our own cgroup in each hierarchy.
            auto it = own.find(c);
            std::string base = it == own.end() ? "/" : own_path_in_mount(it->second, m.root);
            rel = fs::join(base, inner);
        }
        rel = clean_path(rel);
        if (rel == "/") throw Error("refusing to manage the root cgroup");
        paths[c] = clean_path(m.dir + rel);
    }
    std::string unified;
    if (hybrid) {
        std::string rel = inner;
        if (relative) {
            auto it = own.find("");
            rel = fs::join(it == own.end() ? "/" : it->second, inner);
        }
        unified = clean_path(fs::join(fs::join(clean_path(options.mountpoint), "unified"), rel));
    }
    return std::make_unique<V1Manager>(std::move(paths), std::move(mounts), std::move(unified), options);
}

std::unique_ptr<Manager> open_v1_manager(const std::map<std::string, std::string>& recorded,
                                         const Options& options, bool hybrid) {
    auto mounts = v1::find_mounts(options);
    std::map<std::string, std::string> paths;
    std::string unified;
    for (const auto& [c, dir] : recorded) {
        if (c.empty()) {
            if (hybrid) unified = clean_path(dir);
            continue;
        }
        if (!mounts.count(c)) continue;  // a controller that is gone
        paths[c] = clean_path(dir);
    }
    return std::make_unique<V1Manager>(std::move(paths), std::move(mounts), std::move(unified), options);
}

}  // namespace wb::cgroups
