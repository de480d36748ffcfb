// The run flags issue 17 added (resources, limits, privileges, devices, sysctls, labels,
// --entrypoint) as values, their parsers, and how they change the container's oci::Spec.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace wb::lite {

struct UlimitSpec {
    std::string type;  // "RLIMIT_NOFILE"
    uint64_t soft = 0, hard = 0;
};

struct DeviceSpec {
    std::string host, container;  // absolute
    std::string access = "rwm";
};

struct RunExtras {
    std::optional<std::vector<std::string>> entrypoint;  // --entrypoint ("" clears it)
    std::optional<uint64_t> cpu_period;
    std::optional<int64_t> cpu_quota;
    std::string cpuset_mems;
    std::optional<int64_t> memory_swap, memory_reservation;
    bool oom_kill_disable = false;
    std::optional<int64_t> shm_size;
    std::vector<UlimitSpec> ulimits;
    std::vector<std::string> cap_add, cap_drop;  // "CAP_..." or "ALL"
    bool privileged = false;
    bool no_new_privileges = false;
    std::vector<DeviceSpec> devices;
    std::map<std::string, std::string> sysctls, labels;
};

// --ulimit nofile=1024[:2048] (docker's names: core, cpu, data, fsize, locks, memlock,
// msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack, as).
UlimitSpec parse_ulimit(const std::string& text);
// --device /dev/x[:/dev/y][:rwm]
DeviceSpec parse_device(const std::string& text);
// --cap-add net_admin -> "CAP_NET_ADMIN"; "all" -> "ALL".
std::string normalize_capability(const std::string& name);
// --security-opt: no-new-privileges[:true|false], seccomp=unconfined, apparmor=unconfined,
// label=disable are taken; anything else is refused.
void apply_security_opt(const std::string& opt, RunExtras& x);

// Changes the spec built from the image and the base flags. Throws wb::Error for a
// device that is not one, or conflicting flags.
void apply_run_extras(oci::Spec& spec, const RunExtras& x);

}  // namespace wb::lite
