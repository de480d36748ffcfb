#include "lite/run_extras.hpp"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "lite/bundle.hpp"
#include "linux/capabilities.hpp"
#include "util/error.hpp"

namespace wb::lite {
namespace {

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

uint64_t to_u64(const std::string& s, const std::string& what) {
    char* end = nullptr;
    if (s.empty() || s[0] == '-') throw Error("invalid " + what + ": " + s);
    unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (*end) throw Error("invalid " + what + ": " + s);
    return v;
}

}  // namespace

UlimitSpec parse_ulimit(const std::string& text) {
    static const char* names[] = {"core",  "cpu",   "data",   "fsize",  "locks",      "memlock", "msgqueue", "nice",
                                  "nofile", "nproc", "rss",   "rtprio", "rttime",     "sigpending", "stack", "as"};
    auto eq = text.find('=');
    if (eq == std::string::npos) throw Error("invalid ulimit argument: " + text);
    std::string name = text.substr(0, eq), values = text.substr(eq + 1);
    if (std::find(std::begin(names), std::end(names), name) == std::end(names))
        throw Error("invalid ulimit type: " + name);
    UlimitSpec u;
    u.type = "RLIMIT_" + upper(name);
    auto colon = values.find(':');
    u.soft = to_u64(values.substr(0, colon), "ulimit value");
    u.hard = colon == std::string::npos ? u.soft : to_u64(values.substr(colon + 1), "ulimit value");
    if (u.soft > u.hard)
        throw Error("ulimit soft limit must be less than or equal to hard limit: " + std::to_string(u.soft) + " > " +
                    std::to_string(u.hard));
    return u;
}

DeviceSpec parse_device(const std::string& text) {
    std::vector<std::string> parts;
    size_t pos = 0;
    for (;;) {
        size_t c = text.find(':', pos);
        parts.push_back(text.substr(pos, c == std::string::npos ? std::string::npos : c - pos));
        if (c == std::string::npos) break;
        pos = c + 1;
    }
    auto is_mode = [](const std::string& s) {
        return !s.empty() && s.find_first_not_of("rwm") == std::string::npos;
    };
    DeviceSpec d;
    if (parts.size() > 3 || parts[0].empty() || parts[0].front() != '/') throw Error("invalid device specification: " + text);
    d.host = parts[0];
    d.container = d.host;
    if (parts.size() == 2) {
        if (is_mode(parts[1])) d.access = parts[1];
        else d.container = parts[1];
    } else if (parts.size() == 3) {
        d.container = parts[1];
        if (!is_mode(parts[2])) throw Error("invalid device mode: " + parts[2]);
        d.access = parts[2];
    }
    if (d.container.empty() || d.container.front() != '/') throw Error("invalid device specification: " + text);
    return d;
}

std::string normalize_capability(const std::string& name) {
    std::string n = upper(name);
    if (n == "ALL") return n;
    if (n.rfind("CAP_", 0) != 0) n = "CAP_" + n;
    if (!linux::capability_from_name(n)) throw Error("unknown capability: \"" + n + "\"");
    return n;
}

void apply_security_opt(const std::string& opt, RunExtras& x) {
    std::string o = opt;
    std::replace(o.begin(), o.end(), '=', ':');
    if (o == "no-new-privileges" || o == "no-new-privileges:true") x.no_new_privileges = true;
    else if (o == "no-new-privileges:false") x.no_new_privileges = false;
    else if (o == "seccomp:unconfined" || o == "apparmor:unconfined" || o == "label:disable") return;  // none applied
    else throw Error("invalid --security-opt: \"" + opt + "\" (supported: no-new-privileges, seccomp=unconfined, apparmor=unconfined, label=disable)");
}

void apply_run_extras(oci::Spec& spec, const RunExtras& x) {
    oci::Process& p = *spec.process;
    oci::Linux& lx = *spec.linux;
    oci::Resources& r = *lx.resources;

    if (x.cpu_period || x.cpu_quota || !x.cpuset_mems.empty()) {
        oci::Cpu& cpu = r.cpu ? *r.cpu : r.cpu.emplace();
        if ((x.cpu_period || x.cpu_quota) && cpu.quota)
            throw Error("Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set");
        if (x.cpu_period) cpu.period = x.cpu_period;
        if (x.cpu_quota) cpu.quota = x.cpu_quota;
        if (!x.cpuset_mems.empty()) cpu.mems = x.cpuset_mems;
    }
    if (x.memory_swap || x.memory_reservation || x.oom_kill_disable) {
        oci::Memory& m = r.memory ? *r.memory : r.memory.emplace();
        if (x.memory_swap) {
            if (!m.limit) throw Error("You should always set the Memory limit when using Memoryswap limit, see usage");
            if (*x.memory_swap != -1 && *x.memory_swap < *m.limit)
                throw Error("Minimum memoryswap limit should be larger than memory limit, see usage");
            m.swap = x.memory_swap;
        }
        if (x.memory_reservation) m.reservation = x.memory_reservation;
        if (x.oom_kill_disable) m.disable_oom_killer = true;
    }
    if (x.shm_size)
        for (auto& mnt : spec.mounts)
            if (mnt.destination == "/dev/shm")
                for (auto& o : mnt.options)
                    if (o.rfind("size=", 0) == 0) o = "size=" + std::to_string(*x.shm_size);
    for (const auto& u : x.ulimits) {
        std::erase_if(p.rlimits, [&](const oci::Rlimit& l) { return l.type == u.type; });
        oci::Rlimit l;
        l.type = u.type;
        l.soft = u.soft;
        l.hard = u.hard;
        p.rlimits.push_back(l);
    }

    // Capabilities: docker's defaults (all with --privileged), then --cap-drop, --cap-add.
    // "All" is every capability this process may still pass on (its bounding set): the
    // runtime refuses one it does not hold itself.
    auto all_held = [] {
        std::vector<std::string> held;
        for (const auto& name : linux::known_capability_names()) {
            auto cap = linux::capability_from_name(name);
            if (cap && ::prctl(PR_CAPBSET_READ, *cap, 0, 0, 0) == 1) held.push_back(name);
        }
        return held;
    };
    std::vector<std::string> caps = x.privileged ? all_held() : default_capabilities();
    auto has = [](const std::vector<std::string>& v, const std::string& s) {
        return std::find(v.begin(), v.end(), s) != v.end();
    };
    if (has(x.cap_drop, "ALL")) caps.clear();
    for (const auto& d : x.cap_drop) std::erase(caps, d);
    if (has(x.cap_add, "ALL")) caps = all_held();
    for (const auto& a : x.cap_add)
        if (a != "ALL" && !has(caps, a)) caps.push_back(a);
    p.capabilities = oci::Capabilities{caps, caps, caps, std::nullopt, std::nullopt};
    p.no_new_privileges = x.no_new_privileges;

    if (x.privileged) {
        lx.masked_paths.clear();
        lx.readonly_paths.clear();
        oci::DeviceRule all;
        all.allow = true;
        all.type = "a";
        all.access = "rwm";
        r.devices = {all};
    }
    for (const auto& d : x.devices) {
        struct stat st {};
        if (::stat(d.host.c_str(), &st) < 0) throw_errno("error gathering device information while adding custom device \"" + d.host + "\"");
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) throw Error("\"" + d.host + "\" is not a device node");
        oci::Device dev;
        dev.type = S_ISCHR(st.st_mode) ? "c" : "b";
        dev.path = d.container;
        dev.major = major(st.st_rdev);
        dev.minor = minor(st.st_rdev);
        dev.file_mode = st.st_mode & 07777;
        dev.uid = 0;
        dev.gid = 0;
        lx.devices.push_back(dev);
        oci::DeviceRule rule;
        rule.allow = true;
        rule.type = dev.type;
        rule.major = dev.major;
        rule.minor = dev.minor;
        rule.access = d.access;
        r.devices.push_back(rule);
    }
    for (const auto& [k, v] : x.sysctls) lx.sysctl[k] = v;
    for (const auto& [k, v] : x.labels) spec.annotations["org.whalebox.lite.label." + k] = v;
}

}  // namespace wb::lite
