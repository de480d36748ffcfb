// The rules of config.md and config-linux.md that the JSON schema cannot express (or
// expresses as enums and patterns, kept here so the parser stays a type check).
// Capability names are deliberately not checked: unknown ones are warned about and
// skipped when capabilities are applied, so a newer config runs on an older kernel.
#include "oci/validate.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <string_view>
#include <utility>

#include "oci/json_path.hpp"
#include "util/error.hpp"

namespace wb::oci {
namespace {

[[noreturn]] void fail(const JsonPath& path, const std::string& problem) {
    throw Error(path.str() + ": " + problem);
}

template <std::size_t N>
void check_one_of(const JsonPath& path, const std::string& value,
                  const std::array<std::string_view, N>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(path, quoted_value(value) + " is not one of " + list);
}

// ---- the enums of defs-linux.json (tests/oci check them against schemas/) ------------------

constexpr std::array<std::string_view, 8> kNamespaceTypes = {
    "mount", "pid", "network", "uts", "ipc", "user", "cgroup", "time"};
constexpr std::array<std::string_view, 9> kSeccompActions = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY"};
constexpr std::array<std::string_view, 23> kSeccompArchs = {
    "SCMP_ARCH_X86",        "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",      "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",    "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",   "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",     "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",   "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",      "SCMP_ARCH_PPC64",    "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",       "SCMP_ARCH_S390X",     "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",
    "SCMP_ARCH_PARISC",     "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64"};
constexpr std::array<std::string_view, 4> kSeccompFlags = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
constexpr std::array<std::string_view, 7> kSeccompOperators = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
    "SCMP_CMP_MASKED_EQ"};
constexpr std::array<std::string_view, 7> kSchedulerPolicies = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"};
constexpr std::array<std::string_view, 7> kSchedulerFlags = {
    "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",        "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY",   "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX"};
constexpr std::array<std::string_view, 3> kIoPriorityClasses = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                                                "IOPRIO_CLASS_IDLE"};
constexpr std::array<std::string_view, 7> kMemoryPolicyModes = {
    "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
    "MPOL_PREFERRED_MANY", "MPOL_LOCAL"};
constexpr std::array<std::string_view, 3> kMemoryPolicyFlags = {
    "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"};
constexpr std::array<std::string_view, 2> kPersonalityDomains = {"LINUX", "LINUX32"};
// The schema lists the first four; runc also takes the recursive spellings, and so do we.
constexpr std::array<std::string_view, 8> kRootfsPropagations = {
    "private", "shared", "slave", "unbindable", "rprivate", "rshared", "rslave", "runbindable"};
// Every resource getrlimit(2) knows on Linux.
constexpr std::array<std::string_view, 16> kRlimitTypes = {
    "RLIMIT_AS",      "RLIMIT_CORE",   "RLIMIT_CPU",    "RLIMIT_DATA",   "RLIMIT_FSIZE", "RLIMIT_LOCKS",
    "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_RSS",
    "RLIMIT_RTPRIO",  "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK"};

// ---- small predicates ----------------------------------------------------------------------

bool is_absolute(const std::string& path) { return !path.empty() && path[0] == '/'; }

void check_absolute(const JsonPath& path, const std::string& value) {
    if (!is_absolute(value)) fail(path, "must be an absolute path, got " + quoted_value(value));
}

bool matches_charset(const std::string& s, std::string_view chars) {
    return s.find_first_not_of(chars) == std::string::npos;
}

bool has_component(std::string_view path, std::string_view component) {
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (path.substr(start, end - start) == component) return true;
        start = end + 1;
    }
    return false;
}

// "2MB", "64KB", "1GB": ^[1-9][0-9]*[KMG]B$
bool is_page_size(const std::string& s) {
    if (s.size() < 3 || s[0] < '1' || s[0] > '9' || s.back() != 'B') return false;
    char unit = s[s.size() - 2];
    if (unit != 'K' && unit != 'M' && unit != 'G') return false;
    return matches_charset(s.substr(0, s.size() - 2), "0123456789");
}

// SemVer 2.0.0 numeric identifier: digits, no leading zero.
bool is_numeric_identifier(std::string_view s) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) return false;
    return s.size() == 1 || s[0] != '0';
}

// Dot-separated identifiers of [0-9A-Za-z-], none empty; numeric ones without leading zero
// when `numeric_rule` (pre-release), any digits otherwise (build metadata).
bool is_identifier_list(std::string_view s, bool numeric_rule) {
    if (s.empty()) return false;
    std::size_t start = 0;
    for (;;) {
        std::size_t end = s.find('.', start);
        std::string_view id = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (id.empty()) return false;
        for (char c : id)
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'))
                return false;
        if (numeric_rule && id.find_first_not_of("0123456789") == std::string_view::npos &&
            !is_numeric_identifier(id))
            return false;
        if (end == std::string_view::npos) return true;
        start = end + 1;
    }
}

// ---- process ---------------------------------------------------------------------------------

void check_process(const Process& p, const JsonPath& path) {
    check_absolute(JsonPath(path, "cwd"), p.cwd);

    JsonPath env_path(path, "env");
    for (std::size_t i = 0; i < p.env.size(); ++i) {
        const std::string& e = p.env[i];
        auto eq = e.find('=');
        if (eq == std::string::npos || eq == 0 || e.find('\0') != std::string::npos)
            fail(JsonPath(env_path, i), quoted_value(e) + " is not NAME=VALUE");
    }

    JsonPath rlimits_path(path, "rlimits");
    std::set<std::string_view> seen_rlimits;
    for (std::size_t i = 0; i < p.rlimits.size(); ++i) {
        const Rlimit& r = p.rlimits[i];
        JsonPath rlimit_path(rlimits_path, i);
        check_one_of(JsonPath(rlimit_path, "type"), r.type, kRlimitTypes);
        if (!seen_rlimits.insert(r.type).second) fail(JsonPath(rlimit_path, "type"), "duplicate " + r.type);
        if (r.soft > r.hard)
            fail(JsonPath(rlimit_path, "soft"), "soft limit " + std::to_string(r.soft) +
                                                    " exceeds hard limit " + std::to_string(r.hard));
    }

    if (p.oom_score_adj && (*p.oom_score_adj < -1000 || *p.oom_score_adj > 1000))
        fail(JsonPath(path, "oomScoreAdj"), "value " + std::to_string(*p.oom_score_adj) + " is not in -1000..1000");

    if (p.scheduler) {
        JsonPath sched_path(path, "scheduler");
        check_one_of(JsonPath(sched_path, "policy"), p.scheduler->policy, kSchedulerPolicies);
        JsonPath flags_path(sched_path, "flags");
        for (std::size_t i = 0; i < p.scheduler->flags.size(); ++i)
            check_one_of(JsonPath(flags_path, i), p.scheduler->flags[i], kSchedulerFlags);
    }

    if (p.io_priority) {
        JsonPath io_path(path, "ioPriority");
        check_one_of(JsonPath(io_path, "class"), p.io_priority->io_class, kIoPriorityClasses);
        if (p.io_priority->priority < 0 || p.io_priority->priority > 7)
            fail(JsonPath(io_path, "priority"),
                 "value " + std::to_string(p.io_priority->priority) + " is not in 0..7");
    }

    if (p.exec_cpu_affinity) {
        JsonPath aff_path(path, "execCPUAffinity");
        constexpr std::string_view cpu_list_chars = "0123456789, -";
        if (!matches_charset(p.exec_cpu_affinity->initial, cpu_list_chars))
            fail(JsonPath(aff_path, "initial"), quoted_value(p.exec_cpu_affinity->initial) + " is not a CPU list");
        if (!matches_charset(p.exec_cpu_affinity->final_cpus, cpu_list_chars))
            fail(JsonPath(aff_path, "final"), quoted_value(p.exec_cpu_affinity->final_cpus) + " is not a CPU list");
    }
}

// ---- mounts and hooks ------------------------------------------------------------------------

// What the kernel refuses in uid_map/gid_map, said here with the path rather than as
// "write /proc/PID/uid_map: Invalid argument": empty ranges, ranges past 2^32, overlaps.
void check_id_mappings(const std::vector<IdMapping>& mappings, const JsonPath& path) {
    constexpr uint64_t kIds = uint64_t{1} << 32;
    for (std::size_t i = 0; i < mappings.size(); ++i) {
        const IdMapping& m = mappings[i];
        JsonPath entry(path, i);
        if (m.size == 0) fail(JsonPath(entry, "size"), "must be positive");
        if (uint64_t{m.container_id} + m.size > kIds || uint64_t{m.host_id} + m.size > kIds)
            fail(JsonPath(entry, "size"), "range ends past 4294967295");
        for (std::size_t j = 0; j < i; ++j) {
            const IdMapping& o = mappings[j];
            auto overlap = [&](uint64_t a, uint64_t b) { return a < b + o.size && b < a + m.size; };
            if (overlap(m.container_id, o.container_id) || overlap(m.host_id, o.host_id))
                fail(entry, "overlaps entry " + std::to_string(j));
        }
    }
}

void check_mounts(const std::vector<Mount>& mounts, const JsonPath& path) {
    for (std::size_t i = 0; i < mounts.size(); ++i) {
        const Mount& m = mounts[i];
        JsonPath mount_path(path, i);
        // A relative destination is allowed "for compatibility with old tools" (config.md)
        // and taken relative to "/"; an empty one names nothing.
        if (m.destination.empty()) fail(JsonPath(mount_path, "destination"), "must not be empty");
        if (m.uid_mappings.empty() != m.gid_mappings.empty())
            fail(JsonPath(mount_path, m.uid_mappings.empty() ? "uidMappings" : "gidMappings"),
                 "uidMappings and gidMappings must be given together");
        check_id_mappings(m.uid_mappings, JsonPath(mount_path, "uidMappings"));
        check_id_mappings(m.gid_mappings, JsonPath(mount_path, "gidMappings"));
    }
}

void check_hook_list(const std::vector<Hook>& hooks, const JsonPath& path) {
    for (std::size_t i = 0; i < hooks.size(); ++i) {
        JsonPath hook_path(path, i);
        check_absolute(JsonPath(hook_path, "path"), hooks[i].path);
        if (hooks[i].timeout && *hooks[i].timeout <= 0)
            fail(JsonPath(hook_path, "timeout"), "must be greater than zero");
    }
}

void check_hooks(const Hooks& hooks, const JsonPath& path) {
    check_hook_list(hooks.prestart, JsonPath(path, "prestart"));
    check_hook_list(hooks.create_runtime, JsonPath(path, "createRuntime"));
    check_hook_list(hooks.create_container, JsonPath(path, "createContainer"));
    check_hook_list(hooks.start_container, JsonPath(path, "startContainer"));
    check_hook_list(hooks.poststart, JsonPath(path, "poststart"));
    check_hook_list(hooks.poststop, JsonPath(path, "poststop"));
}

// ---- linux.resources ------------------------------------------------------------------------

void check_resources(const Resources& r, const JsonPath& path) {
    JsonPath devices_path(path, "devices");
    for (std::size_t i = 0; i < r.devices.size(); ++i) {
        const DeviceRule& d = r.devices[i];
        JsonPath rule_path(devices_path, i);
        if (!d.type.empty() && d.type != "a" && d.type != "c" && d.type != "b")
            fail(JsonPath(rule_path, "type"), quoted_value(d.type) + " is not one of a, c, b");
        if (!matches_charset(d.access, "rwm"))
            fail(JsonPath(rule_path, "access"), quoted_value(d.access) + " is not a combination of r, w, m");
    }

    if (r.memory && r.memory->swappiness && *r.memory->swappiness > 100)
        fail(JsonPath(JsonPath(path, "memory"), "swappiness"),
             "value " + std::to_string(*r.memory->swappiness) + " is not in 0..100");

    if (r.block_io) {
        JsonPath blkio_path(path, "blockIO");
        JsonPath wd_path(blkio_path, "weightDevice");
        for (std::size_t i = 0; i < r.block_io->weight_device.size(); ++i) {
            const WeightDevice& w = r.block_io->weight_device[i];
            if (!w.weight && !w.leaf_weight) fail(JsonPath(wd_path, i), "needs weight or leafWeight");
        }
    }

    JsonPath hp_path(path, "hugepageLimits");
    for (std::size_t i = 0; i < r.hugepage_limits.size(); ++i)
        if (!is_page_size(r.hugepage_limits[i].page_size))
            fail(JsonPath(JsonPath(hp_path, i), "pageSize"),
                 quoted_value(r.hugepage_limits[i].page_size) + " is not a page size such as 2MB or 1GB");

    JsonPath rdma_path(path, "rdma");
    for (const auto& [device, limits] : r.rdma)
        if (!limits.hca_handles && !limits.hca_objects)
            fail(JsonPath(rdma_path, device), "needs hcaHandles or hcaObjects");

    JsonPath unified_path(path, "unified");
    for (const auto& [key, value] : r.unified)
        if (key.empty() || key.find('/') != std::string::npos || key == "." || key == "..")
            fail(JsonPath(unified_path, key), "must be a cgroup file name");
}

// ---- linux ------------------------------------------------------------------------------------

void check_seccomp(const Seccomp& s, const JsonPath& path) {
    auto takes_errno = [](const std::string& action) {
        return action == "SCMP_ACT_ERRNO" || action == "SCMP_ACT_TRACE";
    };
    check_one_of(JsonPath(path, "defaultAction"), s.default_action, kSeccompActions);
    if (s.default_action == "SCMP_ACT_NOTIFY")
        fail(JsonPath(path, "defaultAction"), "SCMP_ACT_NOTIFY cannot be the default action");
    if (s.default_errno_ret && !takes_errno(s.default_action))
        fail(JsonPath(path, "defaultErrnoRet"), "is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
    JsonPath archs_path(path, "architectures");
    for (std::size_t i = 0; i < s.architectures.size(); ++i)
        check_one_of(JsonPath(archs_path, i), s.architectures[i], kSeccompArchs);
    JsonPath flags_path(path, "flags");
    for (std::size_t i = 0; i < s.flags.size(); ++i) check_one_of(JsonPath(flags_path, i), s.flags[i], kSeccompFlags);
    if (!s.listener_metadata.empty() && s.listener_path.empty())
        fail(JsonPath(path, "listenerMetadata"), "must not be set without listenerPath");

    JsonPath syscalls_path(path, "syscalls");
    for (std::size_t i = 0; i < s.syscalls.size(); ++i) {
        const SeccompSyscall& sc = s.syscalls[i];
        JsonPath sc_path(syscalls_path, i);
        if (sc.names.empty()) fail(JsonPath(sc_path, "names"), "must contain at least one entry");
        check_one_of(JsonPath(sc_path, "action"), sc.action, kSeccompActions);
        if (sc.action == "SCMP_ACT_NOTIFY" && s.listener_path.empty())
            fail(JsonPath(sc_path, "action"), "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
        if (sc.errno_ret && !takes_errno(sc.action))
            fail(JsonPath(sc_path, "errnoRet"), "is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
        JsonPath args_path(sc_path, "args");
        for (std::size_t j = 0; j < sc.args.size(); ++j) {
            JsonPath arg_path(args_path, j);
            if (sc.args[j].index > 5)
                fail(JsonPath(arg_path, "index"), "value " + std::to_string(sc.args[j].index) + " is not in 0..5");
            check_one_of(JsonPath(arg_path, "op"), sc.args[j].op, kSeccompOperators);
        }
    }
}

// sysctl(8) names, dotted or slashed; they become paths under /proc/sys.
void check_sysctl_name(const JsonPath& path, const std::string& name) {
    bool bad = name.empty() || name[0] == '/' || name[0] == '.' ||
               name.find_first_of(std::string_view(" \t\n\0", 4)) != std::string::npos ||
               has_component(name, "..");
    if (bad) fail(path, "is not a sysctl name");
}

// Interface names: 1 to 15 bytes, no '/', ':' or white space, not "." or "..".
bool is_interface_name(const std::string& name) {
    return !name.empty() && name.size() <= 15 && name != "." && name != ".." &&
           name.find_first_of(std::string_view("/: \t\n\0", 6)) == std::string::npos;
}

void check_linux(const Linux& l, const JsonPath& path) {
    JsonPath ns_path(path, "namespaces");
    for (std::size_t i = 0; i < l.namespaces.size(); ++i) {
        const Namespace& ns = l.namespaces[i];
        JsonPath entry(ns_path, i);
        check_one_of(JsonPath(entry, "type"), ns.type, kNamespaceTypes);
        for (std::size_t j = 0; j < i; ++j)
            if (l.namespaces[j].type == ns.type) fail(JsonPath(entry, "type"), "duplicate namespace " + quoted_value(ns.type));
        if (!ns.path.empty()) check_absolute(JsonPath(entry, "path"), ns.path);
    }

    const Namespace* userns = l.find_namespace("user");
    if (userns) {
        if (userns->path.empty()) {
            if (l.uid_mappings.empty()) fail(JsonPath(path, "uidMappings"), "required with a new user namespace");
            if (l.gid_mappings.empty()) fail(JsonPath(path, "gidMappings"), "required with a new user namespace");
        }
    } else if (!l.uid_mappings.empty() || !l.gid_mappings.empty()) {
        fail(JsonPath(path, l.uid_mappings.empty() ? "gidMappings" : "uidMappings"),
             "set, but linux.namespaces has no user namespace");
    }
    check_id_mappings(l.uid_mappings, JsonPath(path, "uidMappings"));
    check_id_mappings(l.gid_mappings, JsonPath(path, "gidMappings"));

    if (!l.time_offsets.empty()) {
        JsonPath offsets_path(path, "timeOffsets");
        const Namespace* timens = l.find_namespace("time");
        if (!timens) fail(offsets_path, "set, but linux.namespaces has no time namespace");
        if (!timens->path.empty()) fail(offsets_path, "cannot be applied to a joined time namespace");
        for (const auto& [clock, offset] : l.time_offsets) {
            JsonPath clock_path(offsets_path, clock);
            if (clock != "monotonic" && clock != "boottime") fail(clock_path, "is not one of monotonic, boottime");
            if (offset.nanosecs >= 1000000000u)
                fail(JsonPath(clock_path, "nanosecs"), "value " + std::to_string(offset.nanosecs) + " is not below 1e9");
        }
    }

    JsonPath devices_path(path, "devices");
    for (std::size_t i = 0; i < l.devices.size(); ++i) {
        const Device& d = l.devices[i];
        JsonPath device_path(devices_path, i);
        if (d.type.size() != 1 || std::string_view("cbup").find(d.type[0]) == std::string_view::npos)
            fail(JsonPath(device_path, "type"), quoted_value(d.type) + " is not one of c, b, u, p");
        check_absolute(JsonPath(device_path, "path"), d.path);
        // makedev(3) takes 32-bit numbers; a negative one only failed later, in the init.
        for (auto [key, number] : {std::pair{"major", d.major}, std::pair{"minor", d.minor}})
            if (number < 0 || number > int64_t{UINT32_MAX})
                fail(JsonPath(device_path, key), "value " + std::to_string(number) + " is not in 0..4294967295");
        // The schema says 0..0777; setuid, setgid and sticky bits pass through mknod(2) too.
        // podman writes the file type bits as well (8630 is S_IFCHR | 0666): runc drops
        // them, so they are accepted when they match the device's type.
        if (d.file_mode) {
            uint32_t type_bits = *d.file_mode & ~uint32_t{07777};
            uint32_t expected = d.type == "b" ? S_IFBLK : d.type == "p" ? S_IFIFO : S_IFCHR;
            if (type_bits != 0 && type_bits != expected)
                fail(JsonPath(device_path, "fileMode"), "value " + std::to_string(*d.file_mode) + " is not a file mode");
        }
    }

    JsonPath netdev_path(path, "netDevices");
    for (const auto& [host_name, dev] : l.net_devices) {
        if (!is_interface_name(host_name)) fail(JsonPath(netdev_path, host_name), "is not a network interface name");
        if (!dev.name.empty() && !is_interface_name(dev.name))
            fail(JsonPath(JsonPath(netdev_path, host_name), "name"), quoted_value(dev.name) + " is not a network interface name");
    }

    if (l.resources) check_resources(*l.resources, JsonPath(path, "resources"));
    if (!l.rootfs_propagation.empty())
        check_one_of(JsonPath(path, "rootfsPropagation"), l.rootfs_propagation, kRootfsPropagations);
    if (l.seccomp) check_seccomp(*l.seccomp, JsonPath(path, "seccomp"));

    JsonPath sysctl_path(path, "sysctl");
    for (const auto& [name, value] : l.sysctl) check_sysctl_name(JsonPath(sysctl_path, name), name);

    JsonPath masked_path(path, "maskedPaths");
    for (std::size_t i = 0; i < l.masked_paths.size(); ++i) check_absolute(JsonPath(masked_path, i), l.masked_paths[i]);
    JsonPath readonly_path(path, "readonlyPaths");
    for (std::size_t i = 0; i < l.readonly_paths.size(); ++i)
        check_absolute(JsonPath(readonly_path, i), l.readonly_paths[i]);

    if (l.personality) {
        JsonPath pers_path(path, "personality");
        check_one_of(JsonPath(pers_path, "domain"), l.personality->domain, kPersonalityDomains);
    }

    if (l.intel_rdt) {
        JsonPath rdt_path(path, "intelRdt");
        const IntelRdt& rdt = *l.intel_rdt;
        if (!rdt.mem_bw_schema.empty() &&
            (rdt.mem_bw_schema.rfind("MB:", 0) != 0 || rdt.mem_bw_schema.find('\n') != std::string::npos))
            fail(JsonPath(rdt_path, "memBwSchema"), "must start with \"MB:\" and be one line");
        if (rdt.l3_cache_schema.find('\n') != std::string::npos)
            fail(JsonPath(rdt_path, "l3CacheSchema"), "must be one line");
        JsonPath schemata_path(rdt_path, "schemata");
        for (std::size_t i = 0; i < rdt.schemata.size(); ++i)
            if (rdt.schemata[i].find('\n') != std::string::npos) fail(JsonPath(schemata_path, i), "must be one line");
    }

    if (l.memory_policy) {
        JsonPath mp_path(path, "memoryPolicy");
        check_one_of(JsonPath(mp_path, "mode"), l.memory_policy->mode, kMemoryPolicyModes);
        JsonPath flags_path(mp_path, "flags");
        for (std::size_t i = 0; i < l.memory_policy->flags.size(); ++i)
            check_one_of(JsonPath(flags_path, i), l.memory_policy->flags[i], kMemoryPolicyFlags);
    }
}

}  // namespace

void validate_oci_version(const std::string& version) {
    JsonPath root("config.json");
    JsonPath path(root, "ociVersion");
    // MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]
    std::string_view v = version;
    std::string_view build, pre;
    if (auto plus = v.find('+'); plus != std::string_view::npos) {
        build = v.substr(plus + 1);
        v = v.substr(0, plus);
        if (!is_identifier_list(build, false)) fail(path, quoted_value(version) + " is not a SemVer version");
    }
    if (auto dash = v.find('-'); dash != std::string_view::npos) {
        pre = v.substr(dash + 1);
        v = v.substr(0, dash);
        if (!is_identifier_list(pre, true)) fail(path, quoted_value(version) + " is not a SemVer version");
    }
    std::array<std::string_view, 3> parts;
    for (std::size_t i = 0; i < 3; ++i) {
        std::size_t dot = v.find('.');
        if ((i < 2) != (dot != std::string_view::npos)) fail(path, quoted_value(version) + " is not a SemVer version");
        parts[i] = v.substr(0, dot);
        if (!is_numeric_identifier(parts[i])) fail(path, quoted_value(version) + " is not a SemVer version");
        v = dot == std::string_view::npos ? std::string_view{} : v.substr(dot + 1);
    }
    if (parts[0] != "0" && parts[0] != "1")
        fail(path, std::string("version ").append(printable(version)) + " is not supported (whalebox implements runtime-spec 1.x, up to 1.3.0)");
}

void validate(const Spec& spec) {
    JsonPath root("config.json");
    validate_oci_version(spec.oci_version);

    if (!spec.root) fail(JsonPath(root, "root"), "required");
    if (spec.root->path.empty()) fail(JsonPath(JsonPath(root, "root"), "path"), "must not be empty");

    if (spec.process) check_process(*spec.process, JsonPath(root, "process"));
    check_mounts(spec.mounts, JsonPath(root, "mounts"));
    if (spec.hooks) check_hooks(*spec.hooks, JsonPath(root, "hooks"));

    JsonPath annotations_path(root, "annotations");
    if (spec.annotations.count("")) fail(annotations_path, "keys must not be empty");

    if (spec.linux) check_linux(*spec.linux, JsonPath(root, "linux"));
}

void validate_process(const Process& process) { check_process(process, JsonPath("process.json")); }

void validate_resources(const Resources& resources) { check_resources(resources, JsonPath("resources")); }

}  // namespace wb::oci
