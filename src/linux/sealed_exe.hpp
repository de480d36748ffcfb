// CVE-2019-5736: a process of ours that lives in a container's pid namespace (the init
// before its execve, an exec'd process before its execve, a hook's fork) shows the
// container our binary as /proc/PID/exe. A container with CAP_SYS_PTRACE can open it and,
// once we are gone, write to it: the host's runtime binary would be replaced.
//
// Defence, in two parts:
// - every process of ours in a container is non-dumpable until its execve, so only a
//   holder of CAP_SYS_PTRACE over the host's user namespace can open its exe;
// - when such a holder may exist (needs_sealed_exe; for exec, exec_trampoline.hpp's
//   exec_trampoline_suffices), the command re-execs itself from a sealed memfd copy of
//   the binary (as runc), so the exe the container can reach is that copy, which can be
//   neither written nor resized. Otherwise exec makes its process's execve through a
//   sealed trampoline instead (exec_trampoline.hpp).
// The copy and the second exec cost about 6 ms here, so create and run pay it only when
// the config calls for it; see docs/architecture.md ("The runtime binary").
#pragma once
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "util/unique_fd.hpp"

namespace wb::linux {

// The marker in the environment of the re-executed copy; removed again at once.
inline constexpr const char* kClonedEnv = "_WHALEBOX_CLONED";

// Whether a container made from this spec could hold CAP_SYS_PTRACE over the host's user
// namespace (in any capability set: as root, an execve makes bounding and inheritable
// permitted), or shares its pid namespace with processes we did not make (the host's, or
// one joined by path). A user namespace of its own keeps ptrace out: our processes' mm
// stays owned by the host's user namespace.
bool needs_sealed_exe(const oci::Spec& spec);

// Whether some capability set of `c` names CAP_SYS_PTRACE.
bool names_cap_sys_ptrace(const oci::Capabilities& c);

// A close-on-exec, sealable, executable memfd named `name`; `what` names it in errors.
UniqueFd create_exec_memfd(const char* name, const std::string& what);

// Adds our seals (write, grow, shrink, seal; and exec where the kernel has it) to memfd fd.
void seal_exec_memfd(int fd, const std::string& what);

// True when fd is a memfd carrying all of our seals (write, grow, shrink, seal).
bool is_sealed_copy(int fd);

// A sealed, close-on-exec memfd holding a copy of what `exe` (an fd) contains.
UniqueFd make_sealed_copy(int exe);

bool self_exe_is_sealed();

// Returns at once when /proc/self/exe is already a sealed copy; otherwise makes one and
// execs it with the same argv and environment (plus the marker). Throws if it cannot:
// no container is entered unprotected. Call before anything with side effects.
void ensure_sealed_self_exe();

// NUL-separated /proc/self/cmdline or /proc/self/environ text to a list (pure; tested).
std::vector<std::string> split_nul_list(const std::string& text);

}  // namespace wb::linux
