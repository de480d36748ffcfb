// config.json -> oci::Spec in one pass over the nlohmann document.
//
// What is checked here is what the runtime-spec JSON schema says about each key: its
// type, the range of integers for the field they land in, and the required keys. Rules
// the schema cannot express, and enum values, are checked by validate(). JSON null is
// taken as "absent", as Go's encoding/json (and so runc) does. Unknown keys are ignored
// (config.md "Extensibility"). Sections for other platforms (windows, solaris, vm, zos,
// freebsd) are not kept; they are checked against their schema here so that a document
// whalebox accepts is a valid document.
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

#include "oci/json_path.hpp"
#include "oci/spec.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::oci {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const JsonPath& path, const std::string& problem) {
    throw Error(path.str() + ": " + problem);
}

const char* type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "integer";
        case json::value_t::number_float: return "number";
        case json::value_t::string: return "string";
        case json::value_t::array: return "array";
        case json::value_t::object: return "object";
        default: return "invalid value";
    }
}

[[noreturn]] void fail_type(const JsonPath& path, const char* expected, const json& got) {
    fail(path, std::string("expected ") + expected + ", got " + type_name(got));
}

// ---- scalars and containers -------------------------------------------------------------

void read(const json& v, const JsonPath& path, std::string& out) {
    if (!v.is_string()) fail_type(path, "string", v);
    out = v.get_ref<const std::string&>();
}

void read(const json& v, const JsonPath& path, bool& out) {
    if (!v.is_boolean()) fail_type(path, "boolean", v);
    out = v.get<bool>();
}

template <class T>
constexpr const char* int_type_name() {
    if constexpr (std::is_same_v<T, uint8_t>) return "uint8";
    else if constexpr (std::is_same_v<T, int32_t>) return "int32";
    else if constexpr (std::is_same_v<T, int64_t>) return "int64";
    else if constexpr (std::is_same_v<T, uint16_t>) return "uint16";
    else if constexpr (std::is_same_v<T, uint32_t>) return "uint32";
    else if constexpr (std::is_same_v<T, uint64_t>) return "uint64";
    else return "integer";
}

template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
void read(const json& v, const JsonPath& path, T& out) {
    // nlohmann keeps non-negative integers as number_unsigned, negative ones as
    // number_integer, and anything beyond uint64 (or written with a fraction or an
    // exponent) as number_float, which Go refuses for integer fields too.
    auto out_of_range = [&](const std::string& value) {
        fail(path, "value " + value + " out of range for " + int_type_name<T>());
    };
    if (v.is_number_unsigned()) {
        uint64_t u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<T>::max())) out_of_range(std::to_string(u));
        out = static_cast<T>(u);
    } else if (v.is_number_integer()) {
        int64_t i = v.get<int64_t>();
        if constexpr (std::is_unsigned_v<T>) {
            if (i < 0) out_of_range(std::to_string(i));
        } else {
            if (i < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
                i > static_cast<int64_t>(std::numeric_limits<T>::max()))
                out_of_range(std::to_string(i));
        }
        out = static_cast<T>(i);
    } else {
        fail_type(path, "integer", v);
    }
}

// Every struct reader is declared before the container templates below so that they
// can find it (these live in an unnamed namespace, out of reach of ADL).
void read(const json& v, const JsonPath& path, IdMapping& out);
void read(const json& v, const JsonPath& path, User& out);
void read(const json& v, const JsonPath& path, Rlimit& out);
void read(const json& v, const JsonPath& path, Capabilities& out);
void read(const json& v, const JsonPath& path, ConsoleSize& out);
void read(const json& v, const JsonPath& path, Scheduler& out);
void read(const json& v, const JsonPath& path, IoPriority& out);
void read(const json& v, const JsonPath& path, ExecCpuAffinity& out);
void read(const json& v, const JsonPath& path, Process& out);
void read(const json& v, const JsonPath& path, Root& out);
void read(const json& v, const JsonPath& path, Mount& out);
void read(const json& v, const JsonPath& path, Hook& out);
void read(const json& v, const JsonPath& path, Hooks& out);
void read(const json& v, const JsonPath& path, Namespace& out);
void read(const json& v, const JsonPath& path, Device& out);
void read(const json& v, const JsonPath& path, DeviceRule& out);
void read(const json& v, const JsonPath& path, Memory& out);
void read(const json& v, const JsonPath& path, Cpu& out);
void read(const json& v, const JsonPath& path, Pids& out);
void read(const json& v, const JsonPath& path, WeightDevice& out);
void read(const json& v, const JsonPath& path, ThrottleDevice& out);
void read(const json& v, const JsonPath& path, BlockIo& out);
void read(const json& v, const JsonPath& path, HugepageLimit& out);
void read(const json& v, const JsonPath& path, NetworkPriority& out);
void read(const json& v, const JsonPath& path, Network& out);
void read(const json& v, const JsonPath& path, Rdma& out);
void read(const json& v, const JsonPath& path, Resources& out);
void read(const json& v, const JsonPath& path, SeccompArg& out);
void read(const json& v, const JsonPath& path, SeccompSyscall& out);
void read(const json& v, const JsonPath& path, Seccomp& out);
void read(const json& v, const JsonPath& path, Personality& out);
void read(const json& v, const JsonPath& path, TimeOffset& out);
void read(const json& v, const JsonPath& path, IntelRdt& out);
void read(const json& v, const JsonPath& path, NetDevice& out);
void read(const json& v, const JsonPath& path, MemoryPolicy& out);
void read(const json& v, const JsonPath& path, Linux& out);
void read(const json& v, const JsonPath& path, Spec& out);
template <class T>
void read(const json& v, const JsonPath& path, std::optional<T>& out);
template <class T>
void read(const json& v, const JsonPath& path, std::vector<T>& out);
template <class T>
void read(const json& v, const JsonPath& path, std::map<std::string, T>& out);

template <class T>
void read(const json& v, const JsonPath& path, std::optional<T>& out) {
    out.emplace();
    read(v, path, *out);
}

template <class T>
void read(const json& v, const JsonPath& path, std::vector<T>& out) {
    if (!v.is_array()) fail_type(path, "array", v);
    out.clear();
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) read(v[i], JsonPath(path, i), out.emplace_back());
}

template <class T>
void read(const json& v, const JsonPath& path, std::map<std::string, T>& out) {
    if (!v.is_object()) fail_type(path, "object", v);
    out.clear();
    for (const auto& [key, value] : v.items()) read(value, JsonPath(path, key), out[key]);
}

// An object being read: members are looked up by key; absent and null are the same.
class Object {
public:
    Object(const json& v, const JsonPath& path) : v_(v), path_(path) {
        if (!v.is_object()) fail_type(path, "object", v);
    }

    template <class T>
    bool opt(std::string_view key, T& out) const {
        const json* member = find(key);
        if (!member) return false;
        read(*member, JsonPath(path_, key), out);
        return true;
    }

    template <class T>
    void req(std::string_view key, T& out) const {
        if (!opt(key, out)) fail(JsonPath(path_, key), "required");
    }

    const json* find(std::string_view key) const {
        auto it = v_.find(key);
        if (it == v_.end() || it->is_null()) return nullptr;
        return &*it;
    }

    const JsonPath& path() const { return path_; }

private:
    const json& v_;
    const JsonPath& path_;
};

// ---- process ----------------------------------------------------------------------------

void read(const json& v, const JsonPath& path, IdMapping& out) {
    Object o(v, path);
    o.req("containerID", out.container_id);
    o.req("hostID", out.host_id);
    o.req("size", out.size);
}

void read(const json& v, const JsonPath& path, User& out) {
    Object o(v, path);
    o.opt("uid", out.uid);
    o.opt("gid", out.gid);
    o.opt("umask", out.umask);
    o.opt("additionalGids", out.additional_gids);
    o.opt("username", out.username);
}

void read(const json& v, const JsonPath& path, Rlimit& out) {
    Object o(v, path);
    o.req("type", out.type);
    o.req("hard", out.hard);
    o.req("soft", out.soft);
}

void read(const json& v, const JsonPath& path, Capabilities& out) {
    Object o(v, path);
    o.opt("bounding", out.bounding);
    o.opt("effective", out.effective);
    o.opt("inheritable", out.inheritable);
    o.opt("permitted", out.permitted);
    o.opt("ambient", out.ambient);
}

void read(const json& v, const JsonPath& path, ConsoleSize& out) {
    Object o(v, path);
    o.req("height", out.height);
    o.req("width", out.width);
}

void read(const json& v, const JsonPath& path, Scheduler& out) {
    Object o(v, path);
    o.req("policy", out.policy);
    o.opt("nice", out.nice);
    o.opt("priority", out.priority);
    o.opt("flags", out.flags);
    o.opt("runtime", out.runtime);
    o.opt("deadline", out.deadline);
    o.opt("period", out.period);
}

void read(const json& v, const JsonPath& path, IoPriority& out) {
    Object o(v, path);
    o.req("class", out.io_class);
    o.opt("priority", out.priority);
}

void read(const json& v, const JsonPath& path, ExecCpuAffinity& out) {
    Object o(v, path);
    o.opt("initial", out.initial);
    o.opt("final", out.final_cpus);
}

void read(const json& v, const JsonPath& path, Process& out) {
    Object o(v, path);
    o.opt("terminal", out.terminal);
    o.opt("consoleSize", out.console_size);
    o.opt("user", out.user);
    o.opt("args", out.args);
    o.opt("commandLine", out.command_line);
    o.opt("env", out.env);
    o.req("cwd", out.cwd);
    o.opt("capabilities", out.capabilities);
    o.opt("rlimits", out.rlimits);
    o.opt("noNewPrivileges", out.no_new_privileges);
    o.opt("apparmorProfile", out.apparmor_profile);
    o.opt("oomScoreAdj", out.oom_score_adj);
    o.opt("selinuxLabel", out.selinux_label);
    o.opt("scheduler", out.scheduler);
    o.opt("ioPriority", out.io_priority);
    o.opt("execCPUAffinity", out.exec_cpu_affinity);
}

// ---- root, mounts, hooks ----------------------------------------------------------------

void read(const json& v, const JsonPath& path, Root& out) {
    Object o(v, path);
    o.req("path", out.path);
    o.opt("readonly", out.readonly);
}

void read(const json& v, const JsonPath& path, Mount& out) {
    Object o(v, path);
    o.req("destination", out.destination);
    o.opt("source", out.source);
    o.opt("type", out.type);
    o.opt("options", out.options);
    o.opt("uidMappings", out.uid_mappings);
    o.opt("gidMappings", out.gid_mappings);
}

void read(const json& v, const JsonPath& path, Hook& out) {
    Object o(v, path);
    o.req("path", out.path);
    o.opt("args", out.args);
    o.opt("env", out.env);
    o.opt("timeout", out.timeout);
}

void read(const json& v, const JsonPath& path, Hooks& out) {
    Object o(v, path);
    o.opt("prestart", out.prestart);
    o.opt("createRuntime", out.create_runtime);
    o.opt("createContainer", out.create_container);
    o.opt("startContainer", out.start_container);
    o.opt("poststart", out.poststart);
    o.opt("poststop", out.poststop);
}

// ---- linux ------------------------------------------------------------------------------

void read(const json& v, const JsonPath& path, Namespace& out) {
    Object o(v, path);
    o.req("type", out.type);
    o.opt("path", out.path);
}

void read(const json& v, const JsonPath& path, Device& out) {
    Object o(v, path);
    o.req("type", out.type);
    o.req("path", out.path);
    o.opt("major", out.major);
    o.opt("minor", out.minor);
    o.opt("fileMode", out.file_mode);
    o.opt("uid", out.uid);
    o.opt("gid", out.gid);
}

void read(const json& v, const JsonPath& path, DeviceRule& out) {
    Object o(v, path);
    o.req("allow", out.allow);
    o.opt("type", out.type);
    o.opt("major", out.major);
    o.opt("minor", out.minor);
    o.opt("access", out.access);
}

void read(const json& v, const JsonPath& path, Memory& out) {
    Object o(v, path);
    o.opt("limit", out.limit);
    o.opt("reservation", out.reservation);
    o.opt("swap", out.swap);
    o.opt("kernel", out.kernel);
    o.opt("kernelTCP", out.kernel_tcp);
    o.opt("swappiness", out.swappiness);
    o.opt("disableOOMKiller", out.disable_oom_killer);
    o.opt("useHierarchy", out.use_hierarchy);
    o.opt("checkBeforeUpdate", out.check_before_update);
}

void read(const json& v, const JsonPath& path, Cpu& out) {
    Object o(v, path);
    o.opt("shares", out.shares);
    o.opt("quota", out.quota);
    o.opt("burst", out.burst);
    o.opt("period", out.period);
    o.opt("realtimeRuntime", out.realtime_runtime);
    o.opt("realtimePeriod", out.realtime_period);
    o.opt("cpus", out.cpus);
    o.opt("mems", out.mems);
    o.opt("idle", out.idle);
}

void read(const json& v, const JsonPath& path, Pids& out) {
    Object o(v, path);
    o.req("limit", out.limit);
}

void read(const json& v, const JsonPath& path, WeightDevice& out) {
    Object o(v, path);
    o.req("major", out.major);
    o.req("minor", out.minor);
    o.opt("weight", out.weight);
    o.opt("leafWeight", out.leaf_weight);
}

void read(const json& v, const JsonPath& path, ThrottleDevice& out) {
    Object o(v, path);
    o.req("major", out.major);
    o.req("minor", out.minor);
    o.opt("rate", out.rate);
}

void read(const json& v, const JsonPath& path, BlockIo& out) {
    Object o(v, path);
    o.opt("weight", out.weight);
    o.opt("leafWeight", out.leaf_weight);
    o.opt("weightDevice", out.weight_device);
    o.opt("throttleReadBpsDevice", out.throttle_read_bps_device);
    o.opt("throttleWriteBpsDevice", out.throttle_write_bps_device);
    o.opt("throttleReadIOPSDevice", out.throttle_read_iops_device);
    o.opt("throttleWriteIOPSDevice", out.throttle_write_iops_device);
}

void read(const json& v, const JsonPath& path, HugepageLimit& out) {
    Object o(v, path);
    o.req("pageSize", out.page_size);
    o.req("limit", out.limit);
}

void read(const json& v, const JsonPath& path, NetworkPriority& out) {
    Object o(v, path);
    o.req("name", out.name);
    o.req("priority", out.priority);
}

void read(const json& v, const JsonPath& path, Network& out) {
    Object o(v, path);
    o.opt("classID", out.class_id);
    o.opt("priorities", out.priorities);
}

void read(const json& v, const JsonPath& path, Rdma& out) {
    Object o(v, path);
    o.opt("hcaHandles", out.hca_handles);
    o.opt("hcaObjects", out.hca_objects);
}

void read(const json& v, const JsonPath& path, Resources& out) {
    Object o(v, path);
    o.opt("devices", out.devices);
    o.opt("memory", out.memory);
    o.opt("cpu", out.cpu);
    o.opt("pids", out.pids);
    o.opt("blockIO", out.block_io);
    o.opt("hugepageLimits", out.hugepage_limits);
    o.opt("network", out.network);
    o.opt("rdma", out.rdma);
    o.opt("unified", out.unified);
}

void read(const json& v, const JsonPath& path, SeccompArg& out) {
    Object o(v, path);
    o.req("index", out.index);
    o.req("value", out.value);
    o.opt("valueTwo", out.value_two);
    o.req("op", out.op);
}

void read(const json& v, const JsonPath& path, SeccompSyscall& out) {
    Object o(v, path);
    o.req("names", out.names);
    o.req("action", out.action);
    o.opt("errnoRet", out.errno_ret);
    o.opt("args", out.args);
}

void read(const json& v, const JsonPath& path, Seccomp& out) {
    Object o(v, path);
    o.req("defaultAction", out.default_action);
    o.opt("defaultErrnoRet", out.default_errno_ret);
    o.opt("architectures", out.architectures);
    o.opt("flags", out.flags);
    o.opt("listenerPath", out.listener_path);
    o.opt("listenerMetadata", out.listener_metadata);
    o.opt("syscalls", out.syscalls);
}

void read(const json& v, const JsonPath& path, Personality& out) {
    Object o(v, path);
    o.opt("domain", out.domain);
    o.opt("flags", out.flags);
}

void read(const json& v, const JsonPath& path, TimeOffset& out) {
    Object o(v, path);
    o.opt("secs", out.secs);
    o.opt("nanosecs", out.nanosecs);
}

void read(const json& v, const JsonPath& path, IntelRdt& out) {
    Object o(v, path);
    o.opt("closID", out.clos_id);
    o.opt("l3CacheSchema", out.l3_cache_schema);
    o.opt("memBwSchema", out.mem_bw_schema);
    o.opt("schemata", out.schemata);
    o.opt("enableMonitoring", out.enable_monitoring);
}

void read(const json& v, const JsonPath& path, NetDevice& out) {
    Object o(v, path);
    o.opt("name", out.name);
}

void read(const json& v, const JsonPath& path, MemoryPolicy& out) {
    Object o(v, path);
    o.opt("mode", out.mode);
    o.opt("nodes", out.nodes);
    o.opt("flags", out.flags);
}

void read(const json& v, const JsonPath& path, Linux& out) {
    Object o(v, path);
    o.opt("uidMappings", out.uid_mappings);
    o.opt("gidMappings", out.gid_mappings);
    o.opt("sysctl", out.sysctl);
    o.opt("resources", out.resources);
    o.opt("cgroupsPath", out.cgroups_path);
    o.opt("namespaces", out.namespaces);
    o.opt("devices", out.devices);
    o.opt("netDevices", out.net_devices);
    o.opt("seccomp", out.seccomp);
    o.opt("rootfsPropagation", out.rootfs_propagation);
    o.opt("maskedPaths", out.masked_paths);
    o.opt("readonlyPaths", out.readonly_paths);
    o.opt("mountLabel", out.mount_label);
    o.opt("intelRdt", out.intel_rdt);
    o.opt("memoryPolicy", out.memory_policy);
    o.opt("personality", out.personality);
    o.opt("timeOffsets", out.time_offsets);
}

// ---- sections of other platforms: checked, not kept --------------------------------------

void check_enum(const JsonPath& path, const std::string& value,
                std::initializer_list<std::string_view> allowed) {
    for (auto a : allowed)
        if (value == a) return;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(path, "\"" + value + "\" is not one of " + list);
}

// config-freebsd.json
void check_freebsd(const json& v, const JsonPath& path) {
    Object o(v, path);
    if (const json* devices = o.find("devices")) {
        JsonPath devices_path(path, "devices");
        if (!devices->is_array()) fail_type(devices_path, "array", *devices);
        for (std::size_t i = 0; i < devices->size(); ++i) {
            JsonPath device_path(devices_path, i);
            Object device((*devices)[i], device_path);
            std::string dev_path;
            uint32_t mode = 0;
            device.opt("path", dev_path);
            if (device.opt("mode", mode) && mode > 0777)
                fail(JsonPath(device_path, "mode"), "value " + std::to_string(mode) + " is not a file mode (0 to 0777)");
        }
    }
    const json* jail_value = o.find("jail");
    if (!jail_value) return;
    JsonPath jail_path(path, "jail");
    Object jail(*jail_value, jail_path);
    std::string text;
    std::vector<std::string> list;
    uint8_t number = 0;
    jail.opt("parent", text);
    jail.opt("interface", text);
    for (const char* key : {"ip4Addr", "ip6Addr", "vnetInterfaces"}) jail.opt(key, list);
    jail.opt("enforceStatfs", number);
    for (const char* key : {"host", "vnet"})
        if (jail.opt(key, text)) check_enum(JsonPath(jail_path, key), text, {"new", "inherit"});
    for (const char* key : {"ip4", "ip6", "sysvmsg", "sysvsem", "sysvshm"})
        if (jail.opt(key, text)) check_enum(JsonPath(jail_path, key), text, {"disable", "new", "inherit"});
    if (const json* allow_value = jail.find("allow")) {
        JsonPath allow_path(jail_path, "allow");
        Object allow(*allow_value, allow_path);
        bool flag = false;
        for (const char* key : {"setHostname", "rawSockets", "chflags", "quotas", "socketAf", "mlock",
                                "reservedPorts", "suser"})
            allow.opt(key, flag);
        allow.opt("mount", list);
    }
}

// config-zos.json
void check_zos(const json& v, const JsonPath& path) {
    Object o(v, path);
    std::vector<Namespace> namespaces;
    o.opt("namespaces", namespaces);
    JsonPath namespaces_path(path, "namespaces");
    for (std::size_t i = 0; i < namespaces.size(); ++i) {
        JsonPath ns_path(namespaces_path, i);
        check_enum(JsonPath(ns_path, "type"), namespaces[i].type, {"mount", "pid", "uts", "ipc"});
    }
}

void read(const json& v, const JsonPath& path, Spec& out) {
    Object o(v, path);
    o.req("ociVersion", out.oci_version);
    o.opt("process", out.process);
    o.opt("root", out.root);
    o.opt("hostname", out.hostname);
    o.opt("domainname", out.domainname);
    o.opt("mounts", out.mounts);
    o.opt("hooks", out.hooks);
    o.opt("annotations", out.annotations);
    o.opt("linux", out.linux);
    if (const json* section = o.find("freebsd")) check_freebsd(*section, JsonPath(path, "freebsd"));
    if (const json* section = o.find("zos")) check_zos(*section, JsonPath(path, "zos"));
    for (const char* key : {"windows", "solaris", "vm"})
        if (const json* section = o.find(key); section && !section->is_object())
            fail_type(JsonPath(path, key), "object", *section);
}

json parse_text(const std::string& text, const char* label) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        // parse_error, or out_of_range for a number beyond a double (1e400). Drop nlohmann's
        // "[json.exception.parse_error.101] " prefix.
        std::string detail = e.what();
        if (auto end = detail.find("] "); detail.rfind("[json.exception.", 0) == 0 && end != std::string::npos)
            detail.erase(0, end + 2);
        throw Error(std::string(label) + ": invalid JSON: " + detail);
    }
}

}  // namespace

Spec parse_spec(const nlohmann::json& doc) {
    Spec spec;
    read(doc, JsonPath("config.json"), spec);
    return spec;
}

Spec parse_spec(const std::string& json_text) {
    return parse_spec(parse_text(json_text, "config.json"));
}

Spec load_spec(const std::string& bundle_dir) {
    std::string path = fs::join(bundle_dir, "config.json");
    std::string text;
    if (!fs::try_read_file(path, text)) throw_errno("open " + path);
    return parse_spec(text);
}

Process parse_process(const std::string& json_text) {
    Process process;
    read(parse_text(json_text, "process.json"), JsonPath("process.json"), process);
    return process;
}

Resources parse_resources(const std::string& json_text) {
    Resources resources;
    read(parse_text(json_text, "resources"), JsonPath("resources"), resources);
    return resources;
}

}  // namespace wb::oci
