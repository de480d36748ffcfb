// One interface over the cgroup drivers (v2 in v2/, v1 in v1/).
// The runtime only talks to Manager; nothing outside src/cgroups writes cgroupfs.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "util/unique_fd.hpp"

namespace wb::cgroups {
namespace systemd {
class Bus;
}

enum class Mode { unified, hybrid, legacy };

// Reads the host's cgroup layout under `mountpoint` once: unified when it is a cgroup2
// mount, hybrid when v1 controllers sit beside a cgroup2 at unified/, legacy otherwise.
Mode detect_mode(const std::string& mountpoint = "/sys/fs/cgroup");

struct MemoryStats {
    uint64_t usage = 0, max_usage = 0, limit = 0, failcnt = 0;
    uint64_t swap_usage = 0, swap_limit = 0;
    std::map<std::string, uint64_t> raw;  // memory.stat
};
struct CpuStats {
    uint64_t total = 0, user = 0, kernel = 0;  // nanoseconds
    std::vector<uint64_t> percpu;
    uint64_t periods = 0, throttled_periods = 0, throttled_time = 0;
};
struct PidsStats {
    uint64_t current = 0, limit = 0;  // limit 0 = max
};
struct BlkioEntry {
    uint64_t major = 0, minor = 0;
    std::string op;  // "Read" "Write" ...
    uint64_t value = 0;
};
struct Stats {
    MemoryStats memory;
    CpuStats cpu;
    PidsStats pids;
    std::vector<BlkioEntry> io_service_bytes, io_serviced;
    std::map<std::string, uint64_t> hugetlb_usage;  // page size -> usage
};

// Where a container's cgroup is, as resolved from config.json's cgroupsPath.
struct Placement {
    std::string cgroups_path;  // as in config.json ("" = default)
    std::string id;            // container id, used for the default path
    bool systemd = false;      // --systemd-cgroup: "slice:prefix:name"
};

// How far a new process got into its cgroup without a pid written for it: it wrote "0"
// into every Manager::self_join_files() entry (`self`, SelfJoin), clone3 put it into
// Manager::clone_into_fd() (`cloned_into`).
struct Joined {
    bool self = false;
    bool cloned_into = false;
};

class Manager {
public:
    virtual ~Manager() = default;

    // Creates the cgroup directories (idempotent).
    virtual void create() = 0;
    // Moves a process into the cgroup (every controller on v1).
    virtual void add_process(pid_t pid) = 0;
    // Writes linux.resources. A value the kernel rejects throws wb::Error naming the file.
    virtual void apply(const oci::Resources& resources) = 0;
    virtual void freeze() = 0;
    virtual void thaw() = 0;
    virtual bool frozen() const = 0;
    // All pids in the cgroup (and below it).
    virtual std::vector<pid_t> pids() const = 0;
    virtual Stats stats() const = 0;
    // Number of OOM kills seen so far (memory.events oom_kill on v2, memory.oom_control on v1).
    virtual uint64_t oom_kill_count() const = 0;
    // Sends a signal to every process in the cgroup (cgroup.kill on v2 for SIGKILL).
    virtual void kill_all(int signal) = 0;
    // Removes the cgroup directories. Fails only when processes remain.
    virtual void destroy() = 0;
    // On v2, an O_PATH|O_DIRECTORY fd for clone3(CLONE_INTO_CGROUP); -1 on v1.
    virtual int clone_into_fd() const = 0;
    // The path recorded in state.json (relative to the hierarchy root, with leading '/').
    // On v1 with a relative cgroupsPath the controllers may sit at different paths; then
    // this is the memory controller's path and controller_paths() has them all.
    virtual std::string path() const = 0;

    // Additions (not pure, so test doubles of Manager need not change):
    // Every directory this manager drives, keyed by controller as runc's state.json
    // "cgroup_paths" ("" is the cgroup2 directory: the only entry on v2, the hybrid
    // unified/ directory on v1). Re-open with open_manager(controller_paths, ...).
    virtual std::map<std::string, std::string> controller_paths() const { return {}; }
    virtual Mode mode() const { return Mode::unified; }
    // The directories create() made, top-down, leaf included. Kept in state.json and
    // handed back to a re-opened manager, so its destroy() also removes the parents it
    // made (cgroupsPath "a/b" leaves no "a" behind) when nothing else uses them.
    virtual std::vector<std::string> created_dirs() const { return {}; }
    virtual void set_created_dirs(std::vector<std::string> /*dirs*/) {}
    // Whether the directories exist once create() has run, before any process joins (the
    // init may then mount them before it is moved); false for the systemd driver, whose
    // scope appears when the init joins it.
    virtual bool dirs_exist_before_join() const { return true; }
    // The files a new process writes "0" into to move itself in: cgroup v1's `tasks`, one
    // a hierarchy (SelfJoin opens them before the clone). The kernel moves a thread that
    // moves itself without its global threadgroup lock, which a pid written to
    // cgroup.procs takes for writing: the first such write after a quiet spell waits for
    // an RCU grace period (8-16 ms on this project's host, docs/performance.md round 9),
    // and every one holds back each fork and exit on the machine meanwhile. Empty: the
    // driver has none (v2 and systemd clone into the cgroup instead).
    virtual std::vector<std::string> self_join_files() const { return {}; }
    // Moves `pid` into whatever it has not joined yet (see Joined).
    virtual void finish_join(pid_t pid, Joined joined) {
        if (!joined.cloned_into) add_process(pid);
    }
};

// A manager's self_join_files(), opened by the runtime (with its credentials) for the new
// process to write "0" into as its first step. The clone gives that process copies of the
// fds; the runtime closes its own after the clone.
class SelfJoin {
public:
    SelfJoin() = default;
    // Nothing to open without a manager (a rootless container without a cgroup).
    explicit SelfJoin(const Manager* manager);
    bool empty() const { return files_.empty(); }
    // In the new process: "0" into each file, each fd closed after. Throws wb::Error
    // `join cgroup DIR: strerror`. The process must have a single thread.
    void join();
    void close() { files_.clear(); }

private:
    std::vector<std::pair<std::string, UniqueFd>> files_;  // path, O_WRONLY fd
};

// How a manager reaches the host. The defaults are the real host; unit tests point
// everything at a temp directory and pin the mode.
struct Options {
    std::string mountpoint = "/sys/fs/cgroup";
    std::optional<Mode> mode;  // unset: detect_mode(mountpoint)
    std::string proc_self_cgroup = "/proc/self/cgroup";
    std::string proc_self_mountinfo = "/proc/self/mountinfo";
    // systemd is running when this directory exists (sd_booted(3)).
    std::string systemd_run_dir = "/run/systemd/system";
    // The systemd driver's connection to systemd; unset: the host's (connected on first
    // use). Unit tests put a fake here.
    std::shared_ptr<systemd::Bus> systemd_bus;
    // /proc/devices, read by the systemd driver to name device majors in DeviceAllow.
    std::string proc_devices = "/proc/devices";
    // v2: load and attach the eBPF device program. Off in temp-dir tests (no bpf(2)).
    bool load_device_programs = true;
    // When set, every cgroupfs write is appended here as (path, value), in order.
    std::vector<std::pair<std::string, std::string>>* write_journal = nullptr;
};

// Makes the manager for this host. `mountpoint` is /sys/fs/cgroup except in tests, which
// pass a temp directory laid out like cgroupfs.
std::unique_ptr<Manager> make_manager(const Placement& placement,
                                      const std::string& mountpoint = "/sys/fs/cgroup");
// Re-opens the manager of an existing container from the path kept in state.json.
std::unique_ptr<Manager> open_manager(const std::string& recorded_path,
                                      const std::string& mountpoint = "/sys/fs/cgroup");

// The same, with every knob of Options (tests; a pinned mode).
std::unique_ptr<Manager> make_manager(const Placement& placement, const Options& options);
std::unique_ptr<Manager> open_manager(const std::string& recorded_path, const Options& options);
// Re-opens from controller_paths() as recorded (v1 hosts where controllers differ).
std::unique_ptr<Manager> open_manager(const std::map<std::string, std::string>& controller_paths,
                                      const Options& options = {});

// Re-opens the systemd driver's manager of a container created with --systemd-cgroup
// (state.json's systemdCgroup) from its recorded path ("/system.slice/whalebox-x.scope"):
// update changes the unit's properties too and destroy stops the unit.
std::unique_ptr<Manager> open_systemd_manager(const std::string& recorded_path, const Options& options = {});

// The cgroup path (relative to the hierarchy root) that `placement` resolves to, before
// any relative path is joined below the runtime's own cgroup: "/a/b" stays, "a/b" and
// the default "<id>" stay relative, systemd "slice:prefix:name" becomes
// "/<expanded slice>/<prefix>-<name>.scope". Throws wb::Error as runc does.
std::string resolve_cgroups_path(const Placement& placement, const Options& options = {});

// Conversions from the v1-shaped OCI values to cgroup v2 files, as runc does them.
uint64_t cpu_shares_to_weight(uint64_t shares);     // 0 -> 0 (unset)
uint64_t blkio_weight_to_io_weight(uint64_t weight);  // 0 -> 0 (unset)

}  // namespace wb::cgroups
