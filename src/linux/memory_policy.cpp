#include "linux/memory_policy.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <string_view>
#include <utility>

#include "linux/syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

// From <linux/mempolicy.h> (spelled here: the header is not in every libc's set).
constexpr std::array<std::pair<std::string_view, int>, 7> kModes{{
    {"MPOL_DEFAULT", 0},
    {"MPOL_PREFERRED", 1},
    {"MPOL_BIND", 2},
    {"MPOL_INTERLEAVE", 3},
    {"MPOL_LOCAL", 4},
    {"MPOL_PREFERRED_MANY", 5},
    {"MPOL_WEIGHTED_INTERLEAVE", 6},
}};
constexpr std::array<std::pair<std::string_view, int>, 3> kFlags{{
    {"MPOL_F_NUMA_BALANCING", 1 << 13},
    {"MPOL_F_RELATIVE_NODES", 1 << 14},
    {"MPOL_F_STATIC_NODES", 1 << 15},
}};
// The kernel's own bound on node numbers (MAX_NUMNODES is at most 1 << 10).
constexpr unsigned kMaxNode = 1024;
constexpr unsigned kWordBits = sizeof(unsigned long) * 8;

[[noreturn]] void bad_nodes(const std::string& nodes, const std::string& why) {
    throw Error("linux.memoryPolicy.nodes: \"" + nodes + "\": " + why);
}

unsigned parse_node(std::string_view text, const std::string& nodes) {
    unsigned n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) bad_nodes(nodes, "not a node list");
    if (n >= kMaxNode) bad_nodes(nodes, "node " + std::string(text) + " is out of range");
    return n;
}

}  // namespace

std::vector<unsigned long> parse_node_list(const std::string& nodes) {
    std::vector<unsigned long> mask;
    std::string_view rest(nodes);
    while (!rest.empty()) {
        size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (comma != std::string_view::npos && rest.empty()) bad_nodes(nodes, "not a node list");
        size_t dash = item.find('-');
        unsigned first = parse_node(item.substr(0, dash), nodes);
        unsigned last = dash == std::string_view::npos ? first : parse_node(item.substr(dash + 1), nodes);
        if (last < first) bad_nodes(nodes, "range " + std::string(item) + " is reversed");
        for (unsigned n = first; n <= last; ++n) {
            if (mask.size() <= n / kWordBits) mask.resize(n / kWordBits + 1, 0);
            mask[n / kWordBits] |= 1UL << (n % kWordBits);
        }
    }
    return mask;
}

int memory_policy_mode(const oci::MemoryPolicy& policy) {
    int mode = -1;
    for (const auto& [name, value] : kModes)
        if (policy.mode == name) mode = value;
    if (mode < 0) throw Error("linux.memoryPolicy.mode: unknown mode \"" + policy.mode + "\"");
    for (const auto& flag : policy.flags) {
        int bit = 0;
        for (const auto& [name, value] : kFlags)
            if (flag == name) bit = value;
        if (!bit) throw Error("linux.memoryPolicy.flags: unknown flag \"" + flag + "\"");
        mode |= bit;
    }
    return mode;
}

void apply_memory_policy(const oci::MemoryPolicy& policy) {
    const int mode = memory_policy_mode(policy);
    std::vector<unsigned long> mask = parse_node_list(policy.nodes);
    const bool takes_no_nodes = policy.mode == "MPOL_DEFAULT" || policy.mode == "MPOL_LOCAL";
    if (takes_no_nodes && !mask.empty())
        throw Error("linux.memoryPolicy.nodes: " + policy.mode + " takes no nodes");
    if (!takes_no_nodes && policy.mode != "MPOL_PREFERRED" && mask.empty())
        throw Error("linux.memoryPolicy.nodes: " + policy.mode + " needs at least one node");
    // maxnode counts bits, plus one: the kernel takes one off (see set_mempolicy(2)).
    const unsigned long maxnode = mask.empty() ? 0 : mask.size() * kWordBits + 1;
    if (sys().set_mempolicy(mode, mask.empty() ? nullptr : mask.data(), maxnode) < 0)
        throw_errno("set_mempolicy " + policy.mode + (policy.nodes.empty() ? "" : " " + policy.nodes));
}

}  // namespace wb::linux
