// CVE-2019-5736 for `exec` without re-executing the runtime (see sealed_exe.hpp first).
//
// An exec'd process is whalebox itself until its execve. Two ways lead from it to the
// host's binary:
// - ptrace: a container process holding CAP_SYS_PTRACE over the host's user namespace
//   opens /proc/PID/exe. Our process is non-dumpable until its execve, so without that
//   capability the kernel refuses; with it, only a sealed copy helps (sealed_exe.hpp).
// - the execve itself: a program whose interpreter is /proc/self/exe (a `#!` script, or
//   an ELF's PT_INTERP) makes the kernel run the exec'ing process's own binary inside the
//   container, dumpable, where any process of the same user can open its exe.
// The trampoline closes the second way cheaply: the last execve is made by a tiny program
// (this file's 200-byte ELF, `execve(argv[0], argv + 1, envp)`) run from a sealed memfd,
// so /proc/self/exe at that moment is that memfd, which cannot be written. The first way
// stays closed by the dumpable flag, as long as no process of the container can hold
// CAP_SYS_PTRACE over the host (exec_trampoline_suffices); otherwise exec re-executes
// from a sealed copy of the whole binary as before.
#pragma once
#include <cstdint>
#include <vector>

#include "oci/spec.hpp"
#include "util/unique_fd.hpp"

namespace wb::linux {

// The trampoline ELF for this machine; empty where there is none (then exec re-executes).
const std::vector<uint8_t>& exec_trampoline_image();

// A sealed, close-on-exec memfd holding exec_trampoline_image(). The process execveat's it
// (AT_EMPTY_PATH) with argv {path, args...}; it execs path with args and the same
// environment, or exits 127 (ENOENT) / 126 (any other error).
UniqueFd make_exec_trampoline();

// Whether a process with `proc` in the container of `spec` could hold CAP_SYS_PTRACE over
// the host's user namespace: some capability set names it and the container has no user
// namespace of its own.
bool grants_host_ptrace(const oci::Process& proc, const oci::Spec& spec);

// Whether the container's seccomp profile surely lets execveat through (no profile, or
// one whose rules allow it without conditions): the trampoline needs it.
bool seccomp_allows_execveat(const oci::Spec& spec);

// Whether `exec` of `proc` into the container of `spec` may use the trampoline instead of
// a sealed copy of the whole binary: a trampoline exists for this machine, the container
// needs no sealed copy (needs_sealed_exe), neither this process nor any exec'd before it
// (`ptrace_granted_before`) could hold CAP_SYS_PTRACE over the host, no security label is
// to be applied at the execve (it would apply to the trampoline instead), and seccomp lets
// execveat through.
bool exec_trampoline_suffices(const oci::Spec& spec, const oci::Process& proc, bool ptrace_granted_before);

}  // namespace wb::linux
