#include "oci/serialize.hpp"

#include <nlohmann/json.hpp>

namespace wb::oci {
namespace {

using ojson = nlohmann::ordered_json;

// Go's omitempty, for the keys that carry it.
void put_nonempty(ojson& o, const char* key, const std::string& v) {
    if (!v.empty()) o[key] = v;
}
template <class T>
void put_nonempty(ojson& o, const char* key, const std::vector<T>& v);
template <class T>
void put_nonempty(ojson& o, const char* key, const std::map<std::string, T>& v);
template <class T>
void put_if(ojson& o, const char* key, const std::optional<T>& v);
template <class T>
void put_nonzero(ojson& o, const char* key, T v) {
    if (v != T{}) o[key] = v;
}

ojson to_json(const IdMapping& m) {
    return ojson{{"containerID", m.container_id}, {"hostID", m.host_id}, {"size", m.size}};
}

ojson to_json(const User& u) {
    ojson o{{"uid", u.uid}, {"gid", u.gid}};
    put_if(o, "umask", u.umask);
    put_nonempty(o, "additionalGids", u.additional_gids);
    put_nonempty(o, "username", u.username);
    return o;
}

ojson to_json(const Rlimit& r) { return ojson{{"type", r.type}, {"hard", r.hard}, {"soft", r.soft}}; }

ojson to_json(const Capabilities& c) {
    // An explicitly empty set (e.g. "bounding": []) means "none" and is kept.
    ojson o = ojson::object();
    put_if(o, "bounding", c.bounding);
    put_if(o, "effective", c.effective);
    put_if(o, "inheritable", c.inheritable);
    put_if(o, "permitted", c.permitted);
    put_if(o, "ambient", c.ambient);
    return o;
}

ojson to_json(const ConsoleSize& c) { return ojson{{"height", c.height}, {"width", c.width}}; }

ojson to_json(const Scheduler& s) {
    ojson o{{"policy", s.policy}};
    put_nonzero(o, "nice", s.nice);
    put_nonzero(o, "priority", s.priority);
    put_nonempty(o, "flags", s.flags);
    put_nonzero(o, "runtime", s.runtime);
    put_nonzero(o, "deadline", s.deadline);
    put_nonzero(o, "period", s.period);
    return o;
}

ojson to_json(const IoPriority& p) { return ojson{{"class", p.io_class}, {"priority", p.priority}}; }

ojson to_json(const ExecCpuAffinity& a) {
    ojson o = ojson::object();
    put_nonempty(o, "initial", a.initial);
    put_nonempty(o, "final", a.final_cpus);
    return o;
}

ojson to_json(const Process& p) {
    ojson o = ojson::object();
    if (p.terminal) o["terminal"] = true;
    put_if(o, "consoleSize", p.console_size);
    o["user"] = to_json(p.user);
    put_nonempty(o, "args", p.args);
    put_if(o, "commandLine", p.command_line);
    put_nonempty(o, "env", p.env);
    o["cwd"] = p.cwd;
    put_if(o, "capabilities", p.capabilities);
    put_nonempty(o, "rlimits", p.rlimits);
    if (p.no_new_privileges) o["noNewPrivileges"] = true;
    put_nonempty(o, "apparmorProfile", p.apparmor_profile);
    put_if(o, "oomScoreAdj", p.oom_score_adj);
    put_if(o, "scheduler", p.scheduler);
    put_nonempty(o, "selinuxLabel", p.selinux_label);
    put_if(o, "ioPriority", p.io_priority);
    put_if(o, "execCPUAffinity", p.exec_cpu_affinity);
    return o;
}

ojson to_json(const Root& r) {
    ojson o{{"path", r.path}};
    if (r.readonly) o["readonly"] = true;
    return o;
}

ojson to_json(const Mount& m) {
    ojson o{{"destination", m.destination}};
    put_nonempty(o, "type", m.type);
    put_nonempty(o, "source", m.source);
    put_nonempty(o, "options", m.options);
    put_nonempty(o, "uidMappings", m.uid_mappings);
    put_nonempty(o, "gidMappings", m.gid_mappings);
    return o;
}

ojson to_json(const Hook& h) {
    ojson o{{"path", h.path}};
    put_nonempty(o, "args", h.args);
    put_nonempty(o, "env", h.env);
    put_if(o, "timeout", h.timeout);
    return o;
}

ojson to_json(const Hooks& h) {
    ojson o = ojson::object();
    put_nonempty(o, "prestart", h.prestart);
    put_nonempty(o, "createRuntime", h.create_runtime);
    put_nonempty(o, "createContainer", h.create_container);
    put_nonempty(o, "startContainer", h.start_container);
    put_nonempty(o, "poststart", h.poststart);
    put_nonempty(o, "poststop", h.poststop);
    return o;
}

ojson to_json(const Namespace& n) {
    ojson o{{"type", n.type}};
    put_nonempty(o, "path", n.path);
    return o;
}

ojson to_json(const Device& d) {
    ojson o{{"path", d.path}, {"type", d.type}, {"major", d.major}, {"minor", d.minor}};
    put_if(o, "fileMode", d.file_mode);
    put_if(o, "uid", d.uid);
    put_if(o, "gid", d.gid);
    return o;
}

ojson to_json(const DeviceRule& d) {
    ojson o{{"allow", d.allow}};
    put_nonempty(o, "type", d.type);
    put_if(o, "major", d.major);
    put_if(o, "minor", d.minor);
    put_nonempty(o, "access", d.access);
    return o;
}

ojson to_json(const Memory& m) {
    ojson o = ojson::object();
    put_if(o, "limit", m.limit);
    put_if(o, "reservation", m.reservation);
    put_if(o, "swap", m.swap);
    put_if(o, "kernel", m.kernel);
    put_if(o, "kernelTCP", m.kernel_tcp);
    put_if(o, "swappiness", m.swappiness);
    put_if(o, "disableOOMKiller", m.disable_oom_killer);
    put_if(o, "useHierarchy", m.use_hierarchy);
    put_if(o, "checkBeforeUpdate", m.check_before_update);
    return o;
}

ojson to_json(const Cpu& c) {
    ojson o = ojson::object();
    put_if(o, "shares", c.shares);
    put_if(o, "quota", c.quota);
    put_if(o, "burst", c.burst);
    put_if(o, "period", c.period);
    put_if(o, "realtimeRuntime", c.realtime_runtime);
    put_if(o, "realtimePeriod", c.realtime_period);
    put_nonempty(o, "cpus", c.cpus);
    put_nonempty(o, "mems", c.mems);
    put_if(o, "idle", c.idle);
    return o;
}

ojson to_json(const Pids& p) {
    ojson o = ojson::object();
    put_if(o, "limit", p.limit);
    return o;
}

ojson to_json(const WeightDevice& w) {
    ojson o{{"major", w.major}, {"minor", w.minor}};
    put_if(o, "weight", w.weight);
    put_if(o, "leafWeight", w.leaf_weight);
    return o;
}

ojson to_json(const ThrottleDevice& t) { return ojson{{"major", t.major}, {"minor", t.minor}, {"rate", t.rate}}; }

ojson to_json(const BlockIo& b) {
    ojson o = ojson::object();
    put_if(o, "weight", b.weight);
    put_if(o, "leafWeight", b.leaf_weight);
    put_nonempty(o, "weightDevice", b.weight_device);
    put_nonempty(o, "throttleReadBpsDevice", b.throttle_read_bps_device);
    put_nonempty(o, "throttleWriteBpsDevice", b.throttle_write_bps_device);
    put_nonempty(o, "throttleReadIOPSDevice", b.throttle_read_iops_device);
    put_nonempty(o, "throttleWriteIOPSDevice", b.throttle_write_iops_device);
    return o;
}

ojson to_json(const HugepageLimit& h) { return ojson{{"pageSize", h.page_size}, {"limit", h.limit}}; }

ojson to_json(const NetworkPriority& p) { return ojson{{"name", p.name}, {"priority", p.priority}}; }

ojson to_json(const Network& n) {
    ojson o = ojson::object();
    put_if(o, "classID", n.class_id);
    put_nonempty(o, "priorities", n.priorities);
    return o;
}

ojson to_json(const Rdma& r) {
    ojson o = ojson::object();
    put_if(o, "hcaHandles", r.hca_handles);
    put_if(o, "hcaObjects", r.hca_objects);
    return o;
}

ojson to_json(const Resources& r) {
    ojson o = ojson::object();
    put_nonempty(o, "devices", r.devices);
    put_if(o, "memory", r.memory);
    put_if(o, "cpu", r.cpu);
    put_if(o, "pids", r.pids);
    put_if(o, "blockIO", r.block_io);
    put_nonempty(o, "hugepageLimits", r.hugepage_limits);
    put_if(o, "network", r.network);
    put_nonempty(o, "rdma", r.rdma);
    put_nonempty(o, "unified", r.unified);
    return o;
}

ojson to_json(const SeccompArg& a) {
    ojson o{{"index", a.index}, {"value", a.value}};
    put_if(o, "valueTwo", a.value_two);
    o["op"] = a.op;
    return o;
}

ojson to_json(const SeccompSyscall& s) {
    ojson o{{"names", s.names}, {"action", s.action}};
    put_if(o, "errnoRet", s.errno_ret);
    put_nonempty(o, "args", s.args);
    return o;
}

ojson to_json(const Seccomp& s) {
    ojson o{{"defaultAction", s.default_action}};
    put_if(o, "defaultErrnoRet", s.default_errno_ret);
    put_nonempty(o, "architectures", s.architectures);
    put_nonempty(o, "flags", s.flags);
    put_nonempty(o, "listenerPath", s.listener_path);
    put_nonempty(o, "listenerMetadata", s.listener_metadata);
    put_nonempty(o, "syscalls", s.syscalls);
    return o;
}

ojson to_json(const Personality& p) {
    ojson o{{"domain", p.domain}};
    put_nonempty(o, "flags", p.flags);
    return o;
}

ojson to_json(const TimeOffset& t) {
    ojson o = ojson::object();
    put_nonzero(o, "secs", t.secs);
    put_nonzero(o, "nanosecs", t.nanosecs);
    return o;
}

ojson to_json(const IntelRdt& r) {
    ojson o = ojson::object();
    put_nonempty(o, "closID", r.clos_id);
    put_nonempty(o, "l3CacheSchema", r.l3_cache_schema);
    put_nonempty(o, "memBwSchema", r.mem_bw_schema);
    put_nonempty(o, "schemata", r.schemata);
    if (r.enable_monitoring) o["enableMonitoring"] = true;
    return o;
}

ojson to_json(const NetDevice& d) {
    ojson o = ojson::object();
    put_nonempty(o, "name", d.name);
    return o;
}

ojson to_json(const MemoryPolicy& m) {
    ojson o{{"mode", m.mode}, {"nodes", m.nodes}};
    put_nonempty(o, "flags", m.flags);
    return o;
}

ojson to_json(const Linux& l) {
    ojson o = ojson::object();
    put_nonempty(o, "uidMappings", l.uid_mappings);
    put_nonempty(o, "gidMappings", l.gid_mappings);
    put_nonempty(o, "sysctl", l.sysctl);
    put_if(o, "resources", l.resources);
    put_nonempty(o, "cgroupsPath", l.cgroups_path);
    put_nonempty(o, "namespaces", l.namespaces);
    put_nonempty(o, "devices", l.devices);
    put_nonempty(o, "netDevices", l.net_devices);
    put_if(o, "seccomp", l.seccomp);
    put_nonempty(o, "rootfsPropagation", l.rootfs_propagation);
    put_nonempty(o, "maskedPaths", l.masked_paths);
    put_nonempty(o, "readonlyPaths", l.readonly_paths);
    put_nonempty(o, "mountLabel", l.mount_label);
    put_if(o, "intelRdt", l.intel_rdt);
    put_if(o, "memoryPolicy", l.memory_policy);
    put_if(o, "personality", l.personality);
    put_nonempty(o, "timeOffsets", l.time_offsets);
    return o;
}

ojson to_json(const Spec& s) {
    ojson o{{"ociVersion", s.oci_version}};
    put_if(o, "process", s.process);
    put_if(o, "root", s.root);
    put_nonempty(o, "hostname", s.hostname);
    put_nonempty(o, "domainname", s.domainname);
    put_nonempty(o, "mounts", s.mounts);
    put_if(o, "hooks", s.hooks);
    put_nonempty(o, "annotations", s.annotations);
    put_if(o, "linux", s.linux);
    return o;
}

ojson to_json(const std::string& v) { return v; }
template <class T>
    requires std::is_arithmetic_v<T>
ojson to_json(T v) {
    return v;
}
template <class T>
ojson to_json(const std::vector<T>& v) {
    ojson a = ojson::array();
    for (const auto& e : v) a.push_back(to_json(e));
    return a;
}
template <class T>
ojson to_json(const std::map<std::string, T>& m) {
    ojson o = ojson::object();
    for (const auto& [k, v] : m) o[k] = to_json(v);
    return o;
}

template <class T>
void put_nonempty(ojson& o, const char* key, const std::vector<T>& v) {
    if (!v.empty()) o[key] = to_json(v);
}
template <class T>
void put_nonempty(ojson& o, const char* key, const std::map<std::string, T>& v) {
    if (!v.empty()) o[key] = to_json(v);
}
template <class T>
void put_if(ojson& o, const char* key, const std::optional<T>& v) {
    if (v) o[key] = to_json(*v);
}

std::string dump(const ojson& o) {
    // Invalid UTF-8 (possible only in a Spec built in code) is replaced, not thrown on.
    return o.dump(1, '\t', false, ojson::error_handler_t::replace);
}

}  // namespace

std::string serialize_spec(const Spec& spec) { return dump(to_json(spec)); }
std::string serialize_process(const Process& process) { return dump(to_json(process)); }
std::string serialize_resources(const Resources& resources) { return dump(to_json(resources)); }

}  // namespace wb::oci
