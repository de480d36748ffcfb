#include "linux/rlimits.hpp"

#include <sys/resource.h>

#include <array>
#include <set>
#include <utility>

#include "linux/syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

constexpr std::array<std::pair<std::string_view, int>, 16> kRlimits{{
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
}};

}  // namespace

std::optional<int> rlimit_from_name(std::string_view name) {
    for (const auto& [known, resource] : kRlimits)
        if (known == name) return resource;
    return std::nullopt;
}

std::vector<std::string> known_rlimit_names() {
    std::vector<std::string> names;
    for (const auto& entry : kRlimits) names.emplace_back(entry.first);
    return names;
}

void validate_rlimits(const std::vector<oci::Rlimit>& rlimits) {
    std::set<std::string> seen;
    for (const auto& rlimit : rlimits) {
        if (!rlimit_from_name(rlimit.type))
            throw Error("unknown rlimit type \"" + rlimit.type + "\"");
        if (!seen.insert(rlimit.type).second)
            throw Error("rlimit " + rlimit.type + " is set more than once");
        if (rlimit.soft > rlimit.hard)
            throw Error("rlimit " + rlimit.type + ": soft limit " + std::to_string(rlimit.soft) +
                        " is above hard limit " + std::to_string(rlimit.hard));
    }
}

void apply_rlimits(const std::vector<oci::Rlimit>& rlimits, pid_t pid) {
    validate_rlimits(rlimits);
    for (const auto& rlimit : rlimits) {
        const struct rlimit value{static_cast<rlim_t>(rlimit.soft), static_cast<rlim_t>(rlimit.hard)};
        if (sys().prlimit(pid, *rlimit_from_name(rlimit.type), &value, nullptr) != 0)
            throw_errno("set rlimit " + rlimit.type + " (soft " + std::to_string(rlimit.soft) +
                        ", hard " + std::to_string(rlimit.hard) + ")");
    }
}

void apply_rlimits(const std::vector<oci::Rlimit>& rlimits) { apply_rlimits(rlimits, 0); }

}  // namespace wb::linux
