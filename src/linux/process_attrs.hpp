// Per-process attributes of the container process that are not user, capabilities,
// rlimits or seccomp: no_new_privs, oom_score_adj, scheduler, I/O priority, personality
// and the AppArmor / SELinux exec labels.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "oci/spec.hpp"

namespace wb::linux {

// prctl(PR_SET_NO_NEW_PRIVS, 1). Throws "prctl(SET_NO_NEW_PRIVS): ...".
void set_no_new_privileges();

// Writes /proc/self/oom_score_adj. Lowering it needs CAP_SYS_RESOURCE, so do it while the
// process still has its capabilities (runc does it first thing in nsexec).
void write_oom_score_adj(int value);

// Scheduler policy/flag numbers for the spec's names; nullopt when unknown.
std::optional<uint32_t> sched_policy_from_name(std::string_view name);
std::optional<uint64_t> sched_flag_from_name(std::string_view name);

// sched_setattr(2) on the calling thread. Throws "error setting scheduler: ..." (runc's
// text) or a validation error naming the bad field.
void apply_scheduler(const oci::Scheduler& scheduler);

// ioprio_set(IOPRIO_WHO_PROCESS, 0, class << 13 | priority) like runc (the kernel value
// runc uses is IOPRIO_WHO_PROCESS; children inherit it). Priority must be 0..7.
void apply_io_priority(const oci::IoPriority& io_priority);

// personality(2): "LINUX" -> PER_LINUX, "LINUX32" -> PER_LINUX32. runc sets it last,
// just before execve. The spec defines no flags yet: given ones are warned about and
// ignored, as runc does. An unknown domain throws wb::Error.
void apply_personality(const oci::Personality& personality);

// The LSM labels, as runc:
//  - apparmorProfile "" is a no-op; otherwise "exec <profile>" is written to
//    /proc/thread-self/attr/apparmor/exec (or attr/exec) and any failure is an error
//    ("apparmor failed to apply profile: ..."), also on hosts without AppArmor.
//  - selinuxLabel "" is a no-op; a label on a host without SELinux is an error ("selinux
//    label is specified in config, but selinux is disabled or not supported"); otherwise
//    the label is written to /proc/thread-self/attr/exec.
// Both take effect at the next execve.
void apply_security_labels(const oci::Process& process);

// Whether SELinux is enabled: selinuxfs at /sys/fs/selinux, or (when /sys is not in view)
// an SELinux-shaped context in /proc/thread-self/attr/current. Cached on first use; best
// called once before pivot_root, while the host's /sys is still visible.
bool selinux_enabled();

}  // namespace wb::linux
