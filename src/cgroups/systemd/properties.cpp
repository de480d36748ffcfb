// linux.resources -> systemd unit properties (runc's genV2ResourcesProperties and
// unifiedResToSystemdProps, read and written anew).
#include "cgroups/systemd/properties.hpp"

#include <charconv>

#include "cgroups/files.hpp"
#include "cgroups/v2/controllers.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::cgroups::systemd {
namespace {

constexpr uint64_t default_cpu_period = 100000;  // the kernel's, in microseconds

uint64_t parse_u64(const std::string& s, const std::string& what) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty())
        throw Error(what + ": \"" + s + "\" is not a number");
    return v;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\n"), e = s.find_last_not_of(" \t\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// CPUQuotaPerSecUSec is microseconds of CPU per second; systemd keeps it as a whole
// percentage, so a fraction rounds up to the next 10 ms (the cgroup's own cpu.max is
// written exactly by the v2 writer). Quota 0 with a period, or below 0: no quota.
void add_cpu_quota(std::vector<Property>& out, int64_t quota, uint64_t period) {
    if (period != 0) out.push_back({"CPUQuotaPeriodUSec", period});
    if (quota == 0 && period == 0) return;
    uint64_t per_sec = infinity;
    if (quota > 0) {
        uint64_t p = period != 0 ? period : default_cpu_period;
        per_sec = static_cast<uint64_t>(quota) * 1000000 / p;
        if (per_sec % 10000 != 0) per_sec = (per_sec / 10000 + 1) * 10000;
    }
    out.push_back({"CPUQuotaPerSecUSec", per_sec});
}

void add_unified(std::vector<Property>& out, const std::map<std::string, std::string>& unified) {
    for (const auto& [key, raw] : unified) {
        std::string v = trim(raw);
        auto limit = [&] { return v == "max" ? infinity : parse_u64(v, "unified " + key); };
        if (key == "memory.high") out.push_back({"MemoryHigh", limit()});
        else if (key == "memory.low") out.push_back({"MemoryLow", limit()});
        else if (key == "memory.min") out.push_back({"MemoryMin", limit()});
        else if (key == "memory.max") out.push_back({"MemoryMax", limit()});
        else if (key == "memory.swap.max") out.push_back({"MemorySwapMax", limit()});
        else if (key == "pids.max") out.push_back({"TasksMax", limit()});
        else if (key == "cpu.weight") out.push_back({"CPUWeight", parse_u64(v, "unified cpu.weight")});
        else if (key == "cpuset.cpus") out.push_back({"AllowedCPUs", list_to_bits(v)});
        else if (key == "cpuset.mems") out.push_back({"AllowedMemoryNodes", list_to_bits(v)});
        else if (key == "cpu.max") {
            auto fields = split(v, " ");
            if (fields.empty() || fields.size() > 2) throw Error("unified cpu.max: bad value \"" + v + "\"");
            int64_t quota = 0;
            if (fields[0] != "max") quota = static_cast<int64_t>(parse_u64(fields[0], "unified cpu.max quota"));
            uint64_t period = fields.size() == 2 ? parse_u64(fields[1], "unified cpu.max period") : default_cpu_period;
            add_cpu_quota(out, quota, period);
        }
        // Anything else has no property; the v2 writer puts it in the cgroup's file.
    }
}

// /proc/devices: "Character devices:" then "  1 mem" lines, then "Block devices:".
std::string major_name(const std::string& proc_devices, char type, int64_t major) {
    bool in_section = false;
    for (const auto& line : split(proc_devices, "\n")) {
        if (line.find("Character devices:") != std::string::npos) {
            in_section = type == 'c';
            continue;
        }
        if (line.find("Block devices:") != std::string::npos) {
            in_section = type == 'b';
            continue;
        }
        if (!in_section) continue;
        auto fields = split(line, " \t");
        if (fields.size() == 2 && fields[0] == std::to_string(major)) return fields[1];
    }
    return "";
}

}  // namespace

std::vector<uint8_t> list_to_bits(const std::string& list) {
    std::vector<uint8_t> bits;
    auto set = [&](uint64_t n) {
        if (n >= 8 * 8192) throw Error("cpu or node number " + std::to_string(n) + " is too large");
        if (bits.size() <= n / 8) bits.resize(n / 8 + 1, 0);
        bits[n / 8] = static_cast<uint8_t>(bits[n / 8] | (1u << (n % 8)));
    };
    for (const auto& piece : split(list, ",")) {
        std::string part = trim(piece);
        if (part.empty()) continue;
        auto dash = part.find('-');
        if (dash == std::string::npos) {
            set(parse_u64(part, "cpu list \"" + list + "\""));
            continue;
        }
        uint64_t lo = parse_u64(part.substr(0, dash), "cpu list \"" + list + "\"");
        uint64_t hi = parse_u64(part.substr(dash + 1), "cpu list \"" + list + "\"");
        if (hi < lo) throw Error("cpu list \"" + list + "\": bad range " + part);
        for (uint64_t n = lo; n <= hi; ++n) set(n);
    }
    return bits;
}

std::vector<Property> device_properties(const std::vector<oci::DeviceRule>& rules, const std::string& proc_devices) {
    if (rules.empty()) return {};
    bool allow_all = false;
    DeviceAllowList allowed;
    for (const auto& rule : rules) {
        char type = rule.type.empty() ? 'a' : rule.type[0];
        std::string access = rule.access.empty() ? "rwm" : rule.access;
        bool wildcard = (!rule.major || *rule.major < 0) && (!rule.minor || *rule.minor < 0);
        if (type == 'a' && wildcard) {  // everything: start the list over
            allow_all = rule.allow;
            allowed.clear();
            continue;
        }
        if (!rule.allow || allow_all) continue;  // see device_properties' comment
        std::vector<char> types = type == 'a' ? std::vector<char>{'c', 'b'} : std::vector<char>{type};
        for (char t : types) {
            std::string kind = t == 'c' ? "char" : "block";
            std::string spec = kind + "-*";
            bool major = rule.major && *rule.major >= 0, minor = rule.minor && *rule.minor >= 0;
            if (type != 'a' && major && minor) {
                spec = "/dev/" + kind + "/" + std::to_string(*rule.major) + ":" + std::to_string(*rule.minor);
            } else if (type != 'a' && major) {
                std::string name = major_name(proc_devices, t, *rule.major);
                if (!name.empty()) spec = kind + "-" + name;
            }
            allowed.emplace_back(spec, access);
        }
    }
    if (allow_all) return {{"DevicePolicy", std::string("auto")}, {"DeviceAllow", DeviceAllowList{}}};
    return {{"DevicePolicy", std::string("strict")}, {"DeviceAllow", allowed}};
}

std::vector<Property> resource_properties(const oci::Resources& r, const std::string& proc_devices) {
    std::vector<Property> out = device_properties(r.devices, proc_devices);
    if (r.memory) {
        int64_t limit = r.memory->limit.value_or(0), swap = r.memory->swap.value_or(0);
        int64_t reservation = r.memory->reservation.value_or(0);
        auto value = [](int64_t v) { return v < 0 ? infinity : static_cast<uint64_t>(v); };
        if (limit != 0) out.push_back({"MemoryMax", value(limit)});
        if (reservation != 0) out.push_back({"MemoryLow", value(reservation)});
        if (limit != 0 || swap != 0) {
            int64_t s = v2::swap_only(swap, limit);
            if (s != 0 || swap > 0) out.push_back({"MemorySwapMax", value(s)});
        }
    }
    if (r.cpu) {
        if (r.cpu->shares && *r.cpu->shares != 0)
            out.push_back({"CPUWeight", cpu_shares_to_weight(*r.cpu->shares)});
        add_cpu_quota(out, r.cpu->quota.value_or(0), r.cpu->period.value_or(0));
        if (!r.cpu->cpus.empty()) out.push_back({"AllowedCPUs", list_to_bits(r.cpu->cpus)});
        if (!r.cpu->mems.empty()) out.push_back({"AllowedMemoryNodes", list_to_bits(r.cpu->mems)});
    }
    if (r.pids && r.pids->limit && *r.pids->limit != 0)
        out.push_back({"TasksMax", *r.pids->limit < 0 ? infinity : static_cast<uint64_t>(*r.pids->limit)});
    if (r.block_io && r.block_io->weight && *r.block_io->weight != 0)
        out.push_back({"IOWeight", blkio_weight_to_io_weight(*r.block_io->weight)});
    add_unified(out, r.unified);
    return out;
}

std::vector<Property> scope_properties(const std::string& name, const std::string& slice, pid_t pid) {
    return {
        {"Description", "whalebox container " + name},
        {"Slice", slice},
        {"Delegate", true},
        {"PIDs", std::vector<uint32_t>{static_cast<uint32_t>(pid)}},
        {"MemoryAccounting", true},
        {"CPUAccounting", true},
        {"IOAccounting", true},
        {"TasksAccounting", true},
        {"DefaultDependencies", false},
    };
}

}  // namespace wb::cgroups::systemd
