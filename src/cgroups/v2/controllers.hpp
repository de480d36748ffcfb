// cgroup v2 controllers: one file each, each applying its part of linux.resources to the
// container's directory and reading its part of the stats.
#pragma once
#include <string>

#include "cgroups/files.hpp"
#include "cgroups/manager.hpp"
#include "oci/spec.hpp"

namespace wb::cgroups::v2 {

void apply_memory(const Files& f, const std::string& dir, const oci::Memory& m);
// memory.swap.max's value for OCI's swap (memory+swap) and limit: -1 is max, 0 unset or
// none. Throws wb::Error as runc for a swap below the limit or without one.
int64_t swap_only(int64_t swap, int64_t limit);
void stat_memory(const std::string& dir, Stats& s);
uint64_t oom_kills(const std::string& dir);

void apply_cpu(const Files& f, const std::string& dir, const oci::Cpu& c);
void stat_cpu(const std::string& dir, Stats& s);

void apply_cpuset(const Files& f, const std::string& dir, const oci::Cpu& c);

void apply_pids(const Files& f, const std::string& dir, const oci::Pids& p);
void stat_pids(const std::string& dir, Stats& s);

void apply_io(const Files& f, const std::string& dir, const oci::BlockIo& b);
void stat_io(const std::string& dir, Stats& s);

void apply_hugetlb(const Files& f, const std::string& dir,
                   const std::vector<oci::HugepageLimit>& limits);
void stat_hugetlb(const std::string& dir, Stats& s);

void apply_rdma(const Files& f, const std::string& dir,
                const std::map<std::string, oci::Rdma>& rdma);

void apply_unified(const Files& f, const std::string& dir,
                   const std::map<std::string, std::string>& unified);

// Builds and (when `load`) attaches the device program; no rules leaves devices alone.
void apply_devices(int dirfd, const std::vector<oci::DeviceRule>& rules, bool load);

void freeze(const Files& f, const std::string& dir);
void thaw(const Files& f, const std::string& dir);
bool is_frozen(const std::string& dir);

}  // namespace wb::cgroups::v2
