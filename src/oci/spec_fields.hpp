// The one description of config.json's objects: for each struct of oci/spec.hpp, its JSON
// keys in the order of the Go structs of runtime-spec (specs-go), the member each key lands
// in, and how the key is treated. parse.cpp reads and serialize.cpp writes every struct
// from this table alone; keys not in it are kept in the struct's `extra`.
// Internal to oci/.
#pragma once
#include <string_view>
#include <tuple>
#include <type_traits>

#include "oci/spec.hpp"

namespace wb::oci {

enum class Presence {
    optional,        // read when present; written unless empty, zero or unset (Go's omitempty)
    required,        // an error when absent; always written
    always_written,  // read when present; always written (no omitempty in specs-go)
};

template <class Struct, class Member>
struct Field {
    std::string_view key;
    Member Struct::*member;
    Presence presence;
};

template <class S, class M>
constexpr Field<S, M> opt(std::string_view key, M S::*member) {
    return {key, member, Presence::optional};
}
template <class S, class M>
constexpr Field<S, M> req(std::string_view key, M S::*member) {
    return {key, member, Presence::required};
}
template <class S, class M>
constexpr Field<S, M> always(std::string_view key, M S::*member) {
    return {key, member, Presence::always_written};
}

template <class T>
using Of = std::type_identity<T>;

// ---- process -------------------------------------------------------------------------------

constexpr auto json_fields(Of<IdMapping>) {
    using T = IdMapping;
    return std::tuple{req("containerID", &T::container_id), req("hostID", &T::host_id), req("size", &T::size)};
}

constexpr auto json_fields(Of<User>) {
    using T = User;
    return std::tuple{always("uid", &T::uid), always("gid", &T::gid), opt("umask", &T::umask),
                      opt("additionalGids", &T::additional_gids), opt("username", &T::username)};
}

constexpr auto json_fields(Of<Rlimit>) {
    using T = Rlimit;
    return std::tuple{req("type", &T::type), req("hard", &T::hard), req("soft", &T::soft)};
}

// An explicitly empty set (e.g. "bounding": []) means "none": the optionals keep it.
constexpr auto json_fields(Of<Capabilities>) {
    using T = Capabilities;
    return std::tuple{opt("bounding", &T::bounding), opt("effective", &T::effective),
                      opt("inheritable", &T::inheritable), opt("permitted", &T::permitted),
                      opt("ambient", &T::ambient)};
}

constexpr auto json_fields(Of<ConsoleSize>) {
    using T = ConsoleSize;
    return std::tuple{req("height", &T::height), req("width", &T::width)};
}

constexpr auto json_fields(Of<Scheduler>) {
    using T = Scheduler;
    return std::tuple{req("policy", &T::policy),   opt("nice", &T::nice),         opt("priority", &T::priority),
                      opt("flags", &T::flags),     opt("runtime", &T::runtime),   opt("deadline", &T::deadline),
                      opt("period", &T::period)};
}

constexpr auto json_fields(Of<IoPriority>) {
    using T = IoPriority;
    return std::tuple{req("class", &T::io_class), always("priority", &T::priority)};
}

constexpr auto json_fields(Of<ExecCpuAffinity>) {
    using T = ExecCpuAffinity;
    return std::tuple{opt("initial", &T::initial), opt("final", &T::final_cpus)};
}

constexpr auto json_fields(Of<Process>) {
    using T = Process;
    return std::tuple{opt("terminal", &T::terminal),
                      opt("consoleSize", &T::console_size),
                      always("user", &T::user),
                      opt("args", &T::args),
                      opt("commandLine", &T::command_line),
                      opt("env", &T::env),
                      req("cwd", &T::cwd),
                      opt("capabilities", &T::capabilities),
                      opt("rlimits", &T::rlimits),
                      opt("noNewPrivileges", &T::no_new_privileges),
                      opt("apparmorProfile", &T::apparmor_profile),
                      opt("oomScoreAdj", &T::oom_score_adj),
                      opt("scheduler", &T::scheduler),
                      opt("selinuxLabel", &T::selinux_label),
                      opt("ioPriority", &T::io_priority),
                      opt("execCPUAffinity", &T::exec_cpu_affinity)};
}

// ---- root, mounts, hooks -------------------------------------------------------------------

constexpr auto json_fields(Of<Root>) {
    using T = Root;
    return std::tuple{req("path", &T::path), opt("readonly", &T::readonly)};
}

constexpr auto json_fields(Of<Mount>) {
    using T = Mount;
    return std::tuple{req("destination", &T::destination), opt("type", &T::type),
                      opt("source", &T::source),           opt("options", &T::options),
                      opt("uidMappings", &T::uid_mappings), opt("gidMappings", &T::gid_mappings)};
}

constexpr auto json_fields(Of<Hook>) {
    using T = Hook;
    return std::tuple{req("path", &T::path), opt("args", &T::args), opt("env", &T::env), opt("timeout", &T::timeout)};
}

constexpr auto json_fields(Of<Hooks>) {
    using T = Hooks;
    return std::tuple{opt("prestart", &T::prestart),
                      opt("createRuntime", &T::create_runtime),
                      opt("createContainer", &T::create_container),
                      opt("startContainer", &T::start_container),
                      opt("poststart", &T::poststart),
                      opt("poststop", &T::poststop)};
}

// ---- linux ---------------------------------------------------------------------------------

constexpr auto json_fields(Of<Namespace>) {
    using T = Namespace;
    return std::tuple{req("type", &T::type), opt("path", &T::path)};
}

constexpr auto json_fields(Of<Device>) {
    using T = Device;
    return std::tuple{req("path", &T::path),       req("type", &T::type),         always("major", &T::major),
                      always("minor", &T::minor),  opt("fileMode", &T::file_mode), opt("uid", &T::uid),
                      opt("gid", &T::gid)};
}

constexpr auto json_fields(Of<DeviceRule>) {
    using T = DeviceRule;
    return std::tuple{req("allow", &T::allow), opt("type", &T::type), opt("major", &T::major),
                      opt("minor", &T::minor), opt("access", &T::access)};
}

constexpr auto json_fields(Of<Memory>) {
    using T = Memory;
    return std::tuple{opt("limit", &T::limit),
                      opt("reservation", &T::reservation),
                      opt("swap", &T::swap),
                      opt("kernel", &T::kernel),
                      opt("kernelTCP", &T::kernel_tcp),
                      opt("swappiness", &T::swappiness),
                      opt("disableOOMKiller", &T::disable_oom_killer),
                      opt("useHierarchy", &T::use_hierarchy),
                      opt("checkBeforeUpdate", &T::check_before_update)};
}

constexpr auto json_fields(Of<Cpu>) {
    using T = Cpu;
    return std::tuple{opt("shares", &T::shares),
                      opt("quota", &T::quota),
                      opt("burst", &T::burst),
                      opt("period", &T::period),
                      opt("realtimeRuntime", &T::realtime_runtime),
                      opt("realtimePeriod", &T::realtime_period),
                      opt("cpus", &T::cpus),
                      opt("mems", &T::mems),
                      opt("idle", &T::idle)};
}

constexpr auto json_fields(Of<Pids>) { return std::tuple{req("limit", &Pids::limit)}; }

constexpr auto json_fields(Of<WeightDevice>) {
    using T = WeightDevice;
    return std::tuple{req("major", &T::major), req("minor", &T::minor), opt("weight", &T::weight),
                      opt("leafWeight", &T::leaf_weight)};
}

constexpr auto json_fields(Of<ThrottleDevice>) {
    using T = ThrottleDevice;
    return std::tuple{req("major", &T::major), req("minor", &T::minor), always("rate", &T::rate)};
}

constexpr auto json_fields(Of<BlockIo>) {
    using T = BlockIo;
    return std::tuple{opt("weight", &T::weight),
                      opt("leafWeight", &T::leaf_weight),
                      opt("weightDevice", &T::weight_device),
                      opt("throttleReadBpsDevice", &T::throttle_read_bps_device),
                      opt("throttleWriteBpsDevice", &T::throttle_write_bps_device),
                      opt("throttleReadIOPSDevice", &T::throttle_read_iops_device),
                      opt("throttleWriteIOPSDevice", &T::throttle_write_iops_device)};
}

constexpr auto json_fields(Of<HugepageLimit>) {
    using T = HugepageLimit;
    return std::tuple{req("pageSize", &T::page_size), req("limit", &T::limit)};
}

constexpr auto json_fields(Of<NetworkPriority>) {
    using T = NetworkPriority;
    return std::tuple{req("name", &T::name), req("priority", &T::priority)};
}

constexpr auto json_fields(Of<Network>) {
    using T = Network;
    return std::tuple{opt("classID", &T::class_id), opt("priorities", &T::priorities)};
}

constexpr auto json_fields(Of<Rdma>) {
    using T = Rdma;
    return std::tuple{opt("hcaHandles", &T::hca_handles), opt("hcaObjects", &T::hca_objects)};
}

constexpr auto json_fields(Of<Resources>) {
    using T = Resources;
    return std::tuple{opt("devices", &T::devices),  opt("memory", &T::memory),
                      opt("cpu", &T::cpu),          opt("pids", &T::pids),
                      opt("blockIO", &T::block_io), opt("hugepageLimits", &T::hugepage_limits),
                      opt("network", &T::network),  opt("rdma", &T::rdma),
                      opt("unified", &T::unified)};
}

constexpr auto json_fields(Of<SeccompArg>) {
    using T = SeccompArg;
    return std::tuple{req("index", &T::index), req("value", &T::value), opt("valueTwo", &T::value_two),
                      req("op", &T::op)};
}

constexpr auto json_fields(Of<SeccompSyscall>) {
    using T = SeccompSyscall;
    return std::tuple{req("names", &T::names), req("action", &T::action), opt("errnoRet", &T::errno_ret),
                      opt("args", &T::args)};
}

constexpr auto json_fields(Of<Seccomp>) {
    using T = Seccomp;
    return std::tuple{req("defaultAction", &T::default_action),
                      opt("defaultErrnoRet", &T::default_errno_ret),
                      opt("architectures", &T::architectures),
                      opt("flags", &T::flags),
                      opt("listenerPath", &T::listener_path),
                      opt("listenerMetadata", &T::listener_metadata),
                      opt("syscalls", &T::syscalls)};
}

constexpr auto json_fields(Of<Personality>) {
    using T = Personality;
    return std::tuple{always("domain", &T::domain), opt("flags", &T::flags)};
}

constexpr auto json_fields(Of<TimeOffset>) {
    using T = TimeOffset;
    return std::tuple{opt("secs", &T::secs), opt("nanosecs", &T::nanosecs)};
}

constexpr auto json_fields(Of<IntelRdt>) {
    using T = IntelRdt;
    return std::tuple{opt("closID", &T::clos_id),        opt("l3CacheSchema", &T::l3_cache_schema),
                      opt("memBwSchema", &T::mem_bw_schema), opt("schemata", &T::schemata),
                      opt("enableMonitoring", &T::enable_monitoring)};
}

constexpr auto json_fields(Of<NetDevice>) { return std::tuple{opt("name", &NetDevice::name)}; }

constexpr auto json_fields(Of<MemoryPolicy>) {
    using T = MemoryPolicy;
    return std::tuple{always("mode", &T::mode), always("nodes", &T::nodes), opt("flags", &T::flags)};
}

constexpr auto json_fields(Of<Linux>) {
    using T = Linux;
    return std::tuple{opt("uidMappings", &T::uid_mappings),
                      opt("gidMappings", &T::gid_mappings),
                      opt("sysctl", &T::sysctl),
                      opt("resources", &T::resources),
                      opt("cgroupsPath", &T::cgroups_path),
                      opt("namespaces", &T::namespaces),
                      opt("devices", &T::devices),
                      opt("netDevices", &T::net_devices),
                      opt("seccomp", &T::seccomp),
                      opt("rootfsPropagation", &T::rootfs_propagation),
                      opt("maskedPaths", &T::masked_paths),
                      opt("readonlyPaths", &T::readonly_paths),
                      opt("mountLabel", &T::mount_label),
                      opt("intelRdt", &T::intel_rdt),
                      opt("memoryPolicy", &T::memory_policy),
                      opt("personality", &T::personality),
                      opt("timeOffsets", &T::time_offsets)};
}

// The sections of other platforms (windows, solaris, vm, zos, freebsd) are not modelled:
// parse.cpp checks them against their schema and keeps them in Spec::extra.
constexpr auto json_fields(Of<Spec>) {
    using T = Spec;
    return std::tuple{req("ociVersion", &T::oci_version), opt("process", &T::process),
                      opt("root", &T::root),                opt("hostname", &T::hostname),
                      opt("domainname", &T::domainname),    opt("mounts", &T::mounts),
                      opt("hooks", &T::hooks),              opt("annotations", &T::annotations),
                      opt("linux", &T::linux)};
}

// A struct with a field table (all of spec.hpp's).
template <class T>
concept DescribedStruct = requires { json_fields(Of<T>{}); };

// Calls visit(field) for each field of T, in table order.
template <DescribedStruct T, class Visit>
constexpr void for_each_field(Visit&& visit) {
    std::apply([&](const auto&... field) { (visit(field), ...); }, json_fields(Of<T>{}));
}

// Whether `key` is one of T's keys.
template <DescribedStruct T>
constexpr bool is_known_key(std::string_view key) {
    return std::apply([&](const auto&... field) { return ((field.key == key) || ...); }, json_fields(Of<T>{}));
}

}  // namespace wb::oci
