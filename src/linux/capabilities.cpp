#include "linux/capabilities.hpp"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cctype>
#include <cerrno>
#include <memory>
#include <set>

#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::linux {
namespace {

constexpr uint64_t bit(int cap) { return uint64_t{1} << cap; }

// Index = capability number; empty string for numbers libcap cannot name.
const std::vector<std::string>& name_table() {
    static const std::vector<std::string> table = [] {
        std::vector<std::string> names;
        const int count = last_capability() + 1;
        for (int cap = 0; cap < count; ++cap) {
            std::unique_ptr<char, int (*)(void*)> raw(cap_to_name(static_cast<cap_value_t>(cap)),
                                                     cap_free);
            std::string name = raw ? raw.get() : "";
            // libcap spells capabilities it has no name for as their number.
            if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) {
                names.emplace_back();
                continue;
            }
            for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            names.push_back(std::move(name));
        }
        return names;
    }();
    return table;
}

uint64_t resolve_list(const std::optional<std::vector<std::string>>& list,
                      std::set<std::string>& unknown) {
    uint64_t mask = 0;
    if (!list) return mask;
    for (const auto& name : *list) {
        if (auto cap = capability_from_name(name))
            mask |= bit(*cap);
        else
            unknown.insert(name);
    }
    return mask;
}

// capget/capset take the three sets as two 32-bit halves (_LINUX_CAPABILITY_VERSION_3).
struct KernelCaps {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

    static uint64_t join(__u32 __user_cap_data_struct::*field, const __user_cap_data_struct* d) {
        return uint64_t{d[0].*field} | (uint64_t{d[1].*field} << 32);
    }
    void split(__u32 __user_cap_data_struct::*field, uint64_t mask) {
        data[0].*field = static_cast<__u32>(mask);
        data[1].*field = static_cast<__u32>(mask >> 32);
    }
    uint64_t permitted() const { return join(&__user_cap_data_struct::permitted, data); }
    uint64_t inheritable() const { return join(&__user_cap_data_struct::inheritable, data); }
};

// PR_CAPBSET_READ: 1 when cap is in the bounding set, 0 when not, -1 on error.
int bounding_has(int cap) { return sys().prctl(PR_CAPBSET_READ, static_cast<unsigned long>(cap)); }

uint64_t read_bounding() {
    uint64_t mask = 0;
    for (int cap = 0; cap <= last_capability(); ++cap)
        if (bounding_has(cap) > 0) mask |= bit(cap);
    return mask;
}

}  // namespace

int last_capability() {
    static const int last = [] {
        int bits = cap_max_bits();
        if (bits <= 0 || bits > 64) bits = CAP_LAST_CAP + 1;
        return bits - 1;
    }();
    return last;
}

std::optional<int> capability_from_name(std::string_view name) {
    if (!name.starts_with("CAP_")) return std::nullopt;
    const auto& table = name_table();
    for (size_t cap = 0; cap < table.size(); ++cap)
        if (!table[cap].empty() && table[cap] == name) return static_cast<int>(cap);
    return std::nullopt;
}

std::optional<std::string> capability_name(int cap) {
    const auto& table = name_table();
    if (cap < 0 || static_cast<size_t>(cap) >= table.size() || table[cap].empty())
        return std::nullopt;
    return table[cap];
}

std::vector<std::string> known_capability_names() {
    std::vector<std::string> names;
    for (const auto& name : name_table())
        if (!name.empty()) names.push_back(name);
    return names;
}

std::string capability_list(uint64_t mask) {
    std::string out = "[";
    for (int cap = 0; cap < 64; ++cap) {
        if (!(mask & bit(cap))) continue;
        if (out.size() > 1) out += ' ';
        out += capability_name(cap).value_or(std::to_string(cap));
    }
    return out + "]";
}

CapabilitySets resolve_capabilities(const oci::Capabilities& caps) {
    std::set<std::string> unknown;  // sorted, as runc prints them
    CapabilitySets sets;
    sets.bounding = resolve_list(caps.bounding, unknown);
    sets.effective = resolve_list(caps.effective, unknown);
    sets.permitted = resolve_list(caps.permitted, unknown);
    sets.inheritable = resolve_list(caps.inheritable, unknown);
    sets.ambient = resolve_list(caps.ambient, unknown);
    sets.has_bounding = caps.bounding.has_value();
    sets.has_effective = caps.effective.has_value();
    sets.has_permitted = caps.permitted.has_value();
    sets.has_inheritable = caps.inheritable.has_value();
    sets.has_ambient = caps.ambient.has_value();
    if (!unknown.empty()) {
        std::string list;
        for (const auto& name : unknown) list += (list.empty() ? "" : " ") + name;
        wb::log::warn("ignoring unknown or unavailable capabilities: [{}]", list);
    }
    return sets;
}

void drop_bounding_set(const CapabilitySets& sets) {
    for (int cap = 0; cap <= last_capability(); ++cap) {
        if (sets.bounding & bit(cap)) continue;
        if (bounding_has(cap) <= 0) continue;  // already gone
        if (sys().prctl(PR_CAPBSET_DROP, static_cast<unsigned long>(cap)) != 0)
            throw_errno("drop " + capability_name(cap).value_or(std::to_string(cap)) +
                        " from bounding set");
    }
}

void apply_capabilities(const CapabilitySets& sets) {
    KernelCaps current;
    if (sys().capget(&current.header, current.data) != 0) throw_errno("capget");
    const uint64_t old_permitted = current.permitted();
    const uint64_t old_inheritable = current.inheritable();
    const uint64_t bounding = read_bounding();

    // What capset(2) can grant: permitted only shrinks; effective within permitted;
    // inheritable within (old inheritable | permitted) and (old inheritable | bounding).
    const uint64_t permitted = sets.permitted & old_permitted;
    const uint64_t effective = sets.effective & permitted;
    const uint64_t inheritable =
        sets.inheritable & (old_inheritable | old_permitted) & (old_inheritable | bounding);
    const uint64_t ambient = sets.ambient & permitted & inheritable;
    // An ambient capability left out only because the config does not make it
    // inheritable is the config's choice (runc says nothing either), not unavailable.
    // A capability the runtime itself does not hold (outside its own permitted or bounding
    // set) cannot be granted: an error, as runc's capset fails ("unable to apply caps:
    // operation not permitted"), never a container quietly running with less than asked.
    // Unknown names were warned about in resolve_capabilities, as runc does.
    const uint64_t unavailable = (sets.permitted & ~permitted) | (sets.effective & ~effective) |
                                 (sets.inheritable & ~inheritable) | (sets.ambient & ~old_permitted);
    if (unavailable)
        throw_errno("unable to apply caps: " + capability_list(unavailable) +
                        " not in the runtime's own permitted or bounding set",
                    EPERM);

    KernelCaps wanted;
    wanted.split(&__user_cap_data_struct::permitted, permitted);
    wanted.split(&__user_cap_data_struct::effective, effective);
    wanted.split(&__user_cap_data_struct::inheritable, inheritable);
    if (sys().capset(&wanted.header, wanted.data) != 0) throw_errno("capset");

    // EINVAL: a kernel before 4.3 without ambient capabilities; nothing to clear then.
    if (sys().prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL) != 0 && errno != EINVAL)
        throw_errno("clear ambient capabilities");
    for (int cap = 0; cap <= last_capability(); ++cap) {
        if (!(ambient & bit(cap))) continue;
        if (sys().prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, static_cast<unsigned long>(cap)) != 0) {
            if (errno == EINVAL) continue;
            throw_errno("raise ambient capability " + capability_list(bit(cap)));
        }
    }
}

}  // namespace wb::linux
