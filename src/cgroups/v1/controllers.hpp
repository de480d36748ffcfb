// cgroup v1 controllers: one file each. Each takes the controller's directory for this
// container (the same directory when controllers are co-mounted, e.g. cpu,cpuacct).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cgroups/files.hpp"
#include "cgroups/manager.hpp"
#include "oci/spec.hpp"

namespace wb::cgroups::v1 {

// Where each v1 controller is mounted: "memory" -> {"/sys/fs/cgroup/memory", "/"}.
struct Mount {
    std::string dir;   // mount point
    std::string root;  // the mount's root inside the hierarchy (mountinfo field 4)
};
// From mountinfo (cgroup mounts below options.mountpoint) or, when there are none (tests),
// from the directories under options.mountpoint ("cpu,cpuacct" -> cpu and cpuacct,
// "systemd" -> name=systemd). Keys: controller names and "name=systemd".
std::map<std::string, Mount> find_mounts(const Options& options);

void apply_memory(const Files& f, const std::string& dir, const oci::Memory& m);
void stat_memory(const std::string& dir, Stats& s);
uint64_t oom_kills(const std::string& dir);

void apply_cpu(const Files& f, const std::string& dir, const oci::Cpu& c);
void stat_cpu_throttling(const std::string& dir, Stats& s);
void stat_cpuacct(const std::string& dir, Stats& s);

void apply_cpuset(const Files& f, const std::string& dir, const oci::Cpu& c);
// A new cpuset cgroup starts with empty cpus/mems and takes no tasks until they are set:
// copy them from the parent, top-down from `mount` to `leaf`.
void inherit_cpuset(const Files& f, const std::string& mount, const std::string& leaf);

void apply_pids(const Files& f, const std::string& dir, const oci::Pids& p);
void stat_pids(const std::string& dir, Stats& s);

void apply_blkio(const Files& f, const std::string& dir, const oci::BlockIo& b);
void stat_blkio(const std::string& dir, Stats& s);

void apply_hugetlb(const Files& f, const std::string& dir,
                   const std::vector<oci::HugepageLimit>& limits);
void stat_hugetlb(const std::string& dir, Stats& s);

void apply_net_cls(const Files& f, const std::string& dir, const oci::Network& n);
void apply_net_prio(const Files& f, const std::string& dir, const oci::Network& n);

void apply_rdma(const Files& f, const std::string& dir,
                const std::map<std::string, oci::Rdma>& rdma);

// "c 1:3 rwm" lines as the devices controller takes them.
std::string device_rule_line(const oci::DeviceRule& r);

// What a v1 devices cgroup allows: a default and exceptions to it, keyed by
// (type, major, minor) with -1 for "*", valued by access bits (r=1, w=2, m=4).
struct DeviceList {
    using Key = std::tuple<char, int64_t, int64_t>;
    bool default_allow = true;
    std::map<Key, unsigned> exceptions;

    // The list the kernel ends with after the rules are written, in order, to a fresh
    // cgroup. Throws wb::Error on an invalid rule.
    static DeviceList from_rules(const std::vector<oci::DeviceRule>& rules);
    // devices.list as the kernel prints it; nullopt when it hides the list (default allow)
    // or cannot be read.
    static std::optional<DeviceList> parse(const std::string& devices_list);
    // The (file, line) writes that turn `current` into `target`: only the difference when
    // both deny by default, otherwise "a" to the target default's file and every exception.
    static std::vector<std::pair<std::string, std::string>> transition(
        const std::optional<DeviceList>& current, const DeviceList& target);
    bool operator==(const DeviceList&) const = default;
};
void apply_devices(const Files& f, const std::string& dir, const std::vector<oci::DeviceRule>& rules);

void freeze(const Files& f, const std::string& dir);
void thaw(const Files& f, const std::string& dir);
bool is_frozen(const std::string& dir);

}  // namespace wb::cgroups::v1
