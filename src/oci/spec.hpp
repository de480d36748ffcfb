// The typed OCI runtime spec (config.json), parsed once by oci::parse_spec().
// Field names follow the JSON keys in snake_case. std::optional marks keys whose
// absence means something different from a zero value. Which key each member is read from
// and written to is said once, in oci/spec_fields.hpp.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace wb::oci {

// The keys of a JSON object that this version does not know (config.md "Extensibility"):
// each kept as compact JSON text under its key, and written back after the known keys.
// Every struct below has one, named `extra`.
using ExtraKeys = std::map<std::string, std::string>;

struct IdMapping {
    uint32_t container_id = 0;
    uint32_t host_id = 0;
    uint32_t size = 0;
    ExtraKeys extra = {};
};

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::optional<uint32_t> umask;
    std::vector<uint32_t> additional_gids;
    std::string username;  // Windows only; kept
    ExtraKeys extra = {};
};

struct Rlimit {
    std::string type;  // "RLIMIT_NOFILE"
    uint64_t hard = 0;
    uint64_t soft = 0;
    ExtraKeys extra = {};
};

struct Capabilities {
    std::optional<std::vector<std::string>> bounding, effective, permitted, inheritable, ambient;
    ExtraKeys extra = {};
};

struct ConsoleSize {
    uint32_t height = 0;
    uint32_t width = 0;
    ExtraKeys extra = {};
};

struct Scheduler {
    std::string policy;  // "SCHED_OTHER" ...
    int32_t nice = 0;
    int32_t priority = 0;
    std::vector<std::string> flags;
    uint64_t runtime = 0, deadline = 0, period = 0;
    ExtraKeys extra = {};
};

struct IoPriority {
    std::string io_class;  // "IOPRIO_CLASS_RT" | "IOPRIO_CLASS_BE" | "IOPRIO_CLASS_IDLE"
    int32_t priority = 0;
    ExtraKeys extra = {};
};

struct ExecCpuAffinity {
    std::string initial;
    std::string final_cpus;  // JSON key "final"
    ExtraKeys extra = {};
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> console_size;
    User user;
    std::vector<std::string> args;
    std::optional<std::string> command_line;  // Windows only
    std::vector<std::string> env;
    std::string cwd;
    std::optional<Capabilities> capabilities;
    std::vector<Rlimit> rlimits;
    bool no_new_privileges = false;
    std::string apparmor_profile;
    std::optional<int32_t> oom_score_adj;
    std::string selinux_label;
    std::optional<Scheduler> scheduler;
    std::optional<IoPriority> io_priority;
    std::optional<ExecCpuAffinity> exec_cpu_affinity;
    ExtraKeys extra = {};
};

struct Root {
    std::string path;
    bool readonly = false;
    ExtraKeys extra = {};
};

struct Mount {
    std::string destination;
    std::string source;
    std::string type;
    std::vector<std::string> options;
    std::vector<IdMapping> uid_mappings, gid_mappings;
    ExtraKeys extra = {};
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<int32_t> timeout;  // seconds, > 0
    ExtraKeys extra = {};
};

struct Hooks {
    std::vector<Hook> prestart;  // deprecated, still run
    std::vector<Hook> create_runtime;
    std::vector<Hook> create_container;
    std::vector<Hook> start_container;
    std::vector<Hook> poststart;
    std::vector<Hook> poststop;
    ExtraKeys extra = {};
};

// linux.namespaces[].type: "pid" "network" "mount" "ipc" "uts" "user" "cgroup" "time".
struct Namespace {
    std::string type;
    std::string path;  // empty: create a new one
    ExtraKeys extra = {};
};

struct Device {
    std::string type;  // "c" "b" "u" "p"
    std::string path;
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint32_t> file_mode;
    std::optional<uint32_t> uid;
    std::optional<uint32_t> gid;
    ExtraKeys extra = {};
};

// linux.resources.devices[] (the device cgroup rules).
struct DeviceRule {
    bool allow = false;
    std::string type;  // "a" "c" "b" or empty (= all)
    std::optional<int64_t> major;
    std::optional<int64_t> minor;
    std::string access;  // subset of "rwm", empty = all
    ExtraKeys extra = {};
};

struct Memory {
    std::optional<int64_t> limit;
    std::optional<int64_t> reservation;
    std::optional<int64_t> swap;
    std::optional<int64_t> kernel;
    std::optional<int64_t> kernel_tcp;
    std::optional<uint64_t> swappiness;
    std::optional<bool> disable_oom_killer;
    std::optional<bool> use_hierarchy;
    std::optional<bool> check_before_update;
    ExtraKeys extra = {};
};

struct Cpu {
    std::optional<uint64_t> shares;
    std::optional<int64_t> quota;
    std::optional<uint64_t> burst;
    std::optional<uint64_t> period;
    std::optional<int64_t> realtime_runtime;
    std::optional<uint64_t> realtime_period;
    std::string cpus;
    std::string mems;
    std::optional<int64_t> idle;
    ExtraKeys extra = {};
};

struct Pids {
    std::optional<int64_t> limit;
    ExtraKeys extra = {};
};

struct WeightDevice {
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leaf_weight;
    ExtraKeys extra = {};
};

struct ThrottleDevice {
    int64_t major = 0;
    int64_t minor = 0;
    uint64_t rate = 0;
    ExtraKeys extra = {};
};

struct BlockIo {
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leaf_weight;
    std::vector<WeightDevice> weight_device;
    std::vector<ThrottleDevice> throttle_read_bps_device;
    std::vector<ThrottleDevice> throttle_write_bps_device;
    std::vector<ThrottleDevice> throttle_read_iops_device;
    std::vector<ThrottleDevice> throttle_write_iops_device;
    ExtraKeys extra = {};
};

struct HugepageLimit {
    std::string page_size;  // "2MB"
    uint64_t limit = 0;
    ExtraKeys extra = {};
};

struct NetworkPriority {
    std::string name;
    uint32_t priority = 0;
    ExtraKeys extra = {};
};

struct Network {
    std::optional<uint32_t> class_id;
    std::vector<NetworkPriority> priorities;
    ExtraKeys extra = {};
};

struct Rdma {
    std::optional<uint32_t> hca_handles;
    std::optional<uint32_t> hca_objects;
    ExtraKeys extra = {};
};

struct Resources {
    std::vector<DeviceRule> devices;
    std::optional<Memory> memory;
    std::optional<Cpu> cpu;
    std::optional<Pids> pids;
    std::optional<BlockIo> block_io;
    std::vector<HugepageLimit> hugepage_limits;
    std::optional<Network> network;
    std::map<std::string, Rdma> rdma;
    std::map<std::string, std::string> unified;
    ExtraKeys extra = {};
};

struct SeccompArg {
    uint32_t index = 0;
    uint64_t value = 0;
    std::optional<uint64_t> value_two;
    std::string op;  // "SCMP_CMP_EQ" ...
    ExtraKeys extra = {};
};

struct SeccompSyscall {
    std::vector<std::string> names;
    std::string action;  // "SCMP_ACT_ERRNO" ...
    std::optional<uint32_t> errno_ret;
    std::vector<SeccompArg> args;
    ExtraKeys extra = {};
};

struct Seccomp {
    std::string default_action;
    std::optional<uint32_t> default_errno_ret;
    std::vector<std::string> architectures;
    std::vector<std::string> flags;
    std::string listener_path;
    std::string listener_metadata;
    std::vector<SeccompSyscall> syscalls;
    ExtraKeys extra = {};
};

struct Personality {
    std::string domain;  // "LINUX" | "LINUX32"
    std::vector<std::string> flags;
    ExtraKeys extra = {};
};

struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;
    ExtraKeys extra = {};
};

struct IntelRdt {
    std::string clos_id;
    std::string l3_cache_schema;
    std::string mem_bw_schema;
    std::vector<std::string> schemata;  // lines written after the two above
    bool enable_monitoring = false;
    ExtraKeys extra = {};
};

// linux.netDevices.<host name>: the interface moved into the container's network namespace.
struct NetDevice {
    std::string name;  // name inside the container; empty = keep the host name
    ExtraKeys extra = {};
};

// linux.memoryPolicy (set_mempolicy(2) for the container process).
struct MemoryPolicy {
    std::string mode;  // "MPOL_BIND" ...
    std::string nodes;  // "0-3,7"
    std::vector<std::string> flags;
    ExtraKeys extra = {};
};

struct Linux {
    std::vector<Namespace> namespaces;
    std::vector<IdMapping> uid_mappings;
    std::vector<IdMapping> gid_mappings;
    std::map<std::string, TimeOffset> time_offsets;  // "monotonic", "boottime"
    std::vector<Device> devices;
    std::string cgroups_path;
    std::optional<Resources> resources;
    std::string rootfs_propagation;
    std::optional<Seccomp> seccomp;
    std::map<std::string, std::string> sysctl;
    std::vector<std::string> masked_paths;
    std::vector<std::string> readonly_paths;
    std::string mount_label;
    std::optional<Personality> personality;
    std::optional<IntelRdt> intel_rdt;
    std::map<std::string, NetDevice> net_devices;
    std::optional<MemoryPolicy> memory_policy;
    ExtraKeys extra = {};

    // The namespace entry of a type, or nullptr.
    const Namespace* find_namespace(const std::string& type) const;
};

struct Spec {
    std::string oci_version;
    std::optional<Process> process;
    std::optional<Root> root;
    std::string hostname;
    std::string domainname;
    std::vector<Mount> mounts;
    std::optional<Hooks> hooks;
    std::map<std::string, std::string> annotations;
    std::optional<Linux> linux;
    ExtraKeys extra = {};
};

// Parses a config.json document. Throws wb::Error whose message names the JSON path
// and the problem: "linux.resources.memory.limit: expected integer, got string".
Spec parse_spec(const std::string& json_text);
Spec parse_spec(const nlohmann::json& doc);
// A string literal would convert to both std::string and nlohmann::json.
inline Spec parse_spec(const char* json_text) { return parse_spec(std::string(json_text)); }
// Reads and parses BUNDLE/config.json ("open config.json: No such file ..." on failure).
Spec load_spec(const std::string& bundle_dir);

// Parses a process.json (as `exec --process` takes) into a Process.
Process parse_process(const std::string& json_text);
// Parses linux.resources as `update -r` takes it.
Resources parse_resources(const std::string& json_text);

// Checks what the schema cannot: ociVersion range, absolute paths, known namespace
// types, no duplicates, mappings present with a user namespace, ... Throws wb::Error.
void validate(const Spec& spec);

}  // namespace wb::oci
