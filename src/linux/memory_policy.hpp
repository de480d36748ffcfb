// linux.memoryPolicy: the NUMA memory policy of the container process, set with
// set_mempolicy(2) just before execve (beyond runc 1.1.5; newer runc and crun have it).
// Children and the exec'd program inherit it.
#pragma once
#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace wb::linux {

// The node mask for a list such as "0-3,7" as 64-bit words (bit N is node N). Throws
// wb::Error ("linux.memoryPolicy.nodes: ...") on a malformed list.
std::vector<unsigned long> parse_node_list(const std::string& nodes);

// The mode number with the flags OR-ed in (MPOL_F_STATIC_NODES ...). Throws on an unknown
// name.
int memory_policy_mode(const oci::MemoryPolicy& policy);

// set_mempolicy(mode | flags, nodes). MPOL_DEFAULT and MPOL_LOCAL take no nodes; the other
// modes need at least one (MPOL_PREFERRED also takes none: local allocation). Throws
// "set_mempolicy: ..." with the kernel's reason.
void apply_memory_policy(const oci::MemoryPolicy& policy);

}  // namespace wb::linux
