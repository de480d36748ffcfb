// The eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) that stands in for the v1 devices
// controller on cgroup v2. Pure: rules in, instructions out, so tests can read them.
#pragma once
#include <linux/bpf.h>

#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace wb::cgroups::v2 {

// Semantics (same outcome as runc's emulator for the rule lists runtimes emit):
//  * the last "all devices" rule (type a or empty, no major/minor, access rwm) sets the
//    default and makes every rule before it irrelevant; without one the default is deny;
//  * the remaining rules are checked last-first: the last matching rule wins;
//  * an allow rule matches when every requested access is in its access set, a deny rule
//    when any requested access is in its set.
// Throws wb::Error for a bad type or access string.
std::vector<bpf_insn> build_device_filter(const std::vector<oci::DeviceRule>& rules);

// One instruction per line ("0: ldxw r2, [r1+0]"), for tests and debug logs.
std::string disassemble(const std::vector<bpf_insn>& program);

// Loads the program, attaches it to the cgroup directory fd with BPF_F_ALLOW_MULTI, then
// detaches the programs that were attached before (so an update replaces the filter).
void attach_device_filter(int cgroup_dirfd, const std::vector<bpf_insn>& program);

}  // namespace wb::cgroups::v2
