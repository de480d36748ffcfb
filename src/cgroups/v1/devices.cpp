// devices: the v1 controller keeps a default (allow or deny all) and a list of
// exceptions. A fresh cgroup allows everything, so create writes "deny a" and replays the
// rules in order (the kernel's list semantics: the last matching rule wins). An update of
// a running container must not deny everything even briefly, so when the cgroup's
// current list can be read (devices.list, default deny) only the difference between it
// and the target list is written, as runc's device emulator does.
#include <map>
#include <tuple>

#include "cgroups/files.hpp"
#include "cgroups/v1/controllers.hpp"
#include "util/error.hpp"

namespace wb::cgroups::v1 {

namespace {

constexpr int64_t kAny = -1;

std::string access_string(unsigned bits) {
    std::string s;
    if (bits & 1) s += 'r';
    if (bits & 2) s += 'w';
    if (bits & 4) s += 'm';
    return s;
}

unsigned access_bits(const std::string& access) {
    unsigned bits = 0;
    for (char c : access) bits |= c == 'r' ? 1 : c == 'w' ? 2 : c == 'm' ? 4 : 0;
    return bits;
}

std::string number(int64_t v) { return v == kAny ? "*" : std::to_string(v); }

}  // namespace

std::string device_rule_line(const oci::DeviceRule& r) {
    std::string type = r.type.empty() ? "a" : r.type;
    if (type != "a" && type != "c" && type != "b")
        throw Error("invalid cgroup device type \"" + r.type + "\"");
    std::string access = r.access.empty() ? "rwm" : r.access;
    if (access.find_first_not_of("rwm") != std::string::npos)
        throw Error("invalid device access \"" + r.access + "\"");
    auto num = [](const std::optional<int64_t>& v) {
        return v && *v >= 0 ? std::to_string(*v) : std::string("*");
    };
    return type + " " + num(r.major) + ":" + num(r.minor) + " " + access;
}

DeviceList DeviceList::from_rules(const std::vector<oci::DeviceRule>& rules) {
    DeviceList list;  // a fresh cgroup: allow all
    for (const auto& r : rules) {
        device_rule_line(r);  // validates
        char type = r.type.empty() ? 'a' : r.type[0];
        unsigned bits = access_bits(r.access.empty() ? "rwm" : r.access);
        if (type == 'a') {
            list.default_allow = r.allow;
            list.exceptions.clear();
            continue;
        }
        Key key{type, r.major && *r.major >= 0 ? *r.major : kAny,
                r.minor && *r.minor >= 0 ? *r.minor : kAny};
        if (r.allow == list.default_allow) {
            // Same as the default: the kernel takes these bits out of the exception.
            auto it = list.exceptions.find(key);
            if (it != list.exceptions.end() && (it->second &= ~bits) == 0) list.exceptions.erase(it);
        } else {
            list.exceptions[key] |= bits;
        }
    }
    return list;
}

std::optional<DeviceList> DeviceList::parse(const std::string& devices_list) {
    DeviceList list;
    list.default_allow = false;
    for (const auto& line : split(devices_list, "\n")) {
        auto f = split(line, " :");
        if (f.size() != 4 || f[0].size() != 1) return std::nullopt;
        // With a default of allow the kernel shows only "a *:* rwm" and hides the
        // (denied) exceptions: the list is unknown.
        if (f[0] == "a") return std::nullopt;
        auto num = [](const std::string& s) -> std::optional<int64_t> {
            if (s == "*") return kAny;
            if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
                return std::nullopt;
            return std::stoll(s);
        };
        auto major = num(f[1]), minor = num(f[2]);
        if (!major || !minor || f[3].find_first_not_of("rwm") != std::string::npos) return std::nullopt;
        list.exceptions[Key{f[0][0], *major, *minor}] |= access_bits(f[3]);
    }
    return list;
}

std::vector<std::pair<std::string, std::string>> DeviceList::transition(
    const std::optional<DeviceList>& current, const DeviceList& target) {
    std::vector<std::pair<std::string, std::string>> writes;
    // To grant an exception's bits: the file opposite the default; to take them back: the
    // default's own file.
    const std::string grant = target.default_allow ? "devices.deny" : "devices.allow";
    const std::string revoke = target.default_allow ? "devices.allow" : "devices.deny";
    auto line = [](const Key& k, unsigned bits) {
        return std::string(1, std::get<0>(k)) + " " + number(std::get<1>(k)) + ":" +
               number(std::get<2>(k)) + " " + access_string(bits);
    };
    if (!current || current->default_allow != target.default_allow) {
        writes.emplace_back(target.default_allow ? "devices.allow" : "devices.deny", "a");
        for (const auto& [key, bits] : target.exceptions) writes.emplace_back(grant, line(key, bits));
        return writes;
    }
    for (const auto& [key, bits] : target.exceptions) {
        auto it = current->exceptions.find(key);
        unsigned have = it == current->exceptions.end() ? 0 : it->second;
        if (unsigned add = bits & ~have) writes.emplace_back(grant, line(key, add));
    }
    for (const auto& [key, have] : current->exceptions) {
        auto it = target.exceptions.find(key);
        unsigned want = it == target.exceptions.end() ? 0 : it->second;
        if (unsigned drop = have & ~want) writes.emplace_back(revoke, line(key, drop));
    }
    return writes;
}

void apply_devices(const Files& f, const std::string& dir, const std::vector<oci::DeviceRule>& rules) {
    if (rules.empty()) return;  // the runtime always sends its default list; none = untouched
    auto target = DeviceList::from_rules(rules);  // validates before any write
    std::optional<DeviceList> current;
    if (auto text = read_opt(dir, "devices.list")) current = DeviceList::parse(*text);
    if (!current) {
        // Unknown (or a fresh cgroup that allows all): deny all, then replay in order.
        Journal writes{{"devices.deny", "a"}};
        for (const auto& r : rules) writes.emplace_back(r.allow ? "devices.allow" : "devices.deny", device_rule_line(r));
        f.write_each(dir, writes);
        return;
    }
    f.write_each(dir, DeviceList::transition(current, target));
}

}  // namespace wb::cgroups::v1
