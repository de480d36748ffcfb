// devices: deny everything, then replay the rules in order into devices.allow/deny, so
// the last matching rule wins as in the kernel's list semantics.
#include "cgroups/v1/controllers.hpp"
#include "util/error.hpp"

namespace wb::cgroups::v1 {

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

void apply_devices(const Files& f, const std::string& dir, const std::vector<oci::DeviceRule>& rules) {
    if (rules.empty()) return;  // the runtime always sends its default list; none = untouched
    std::vector<std::pair<bool, std::string>> lines;
    for (const auto& r : rules) lines.emplace_back(r.allow, device_rule_line(r));  // validate first
    f.write(dir, "devices.deny", "a");
    for (const auto& [allow, line] : lines) f.write(dir, allow ? "devices.allow" : "devices.deny", line);
}

}  // namespace wb::cgroups::v1
