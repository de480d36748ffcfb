// The -ENOSYS stub of a seccomp filter (runc's idea, libcontainer/seccomp/patchbpf): a
// syscall newer than every syscall the profile names is one the profile cannot have meant
// to deny, so it gets ENOSYS ("not implemented") instead of the default action's EPERM.
// libc then falls back to the older call (clone3 -> clone, faccessat2 -> faccessat, ...),
// as it does on an older kernel.
//
// The stub is a BPF prefix put before libseccomp's program:
//   ld arch; for each architecture: jeq AUDIT_ARCH -> its section
//   section: ld nr; nr > highest named -> ret ERRNO(ENOSYS); else -> the filter
// x86_64 has two sections in one (x32 syscalls carry bit 30). s390(x) also answers ENOSYS
// for syscall 0, the multiplexer unknown numbers end up on.
#pragma once
#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wb::linux {

// Only a filter that denies by default gets the stub: not for SCMP_ACT_ALLOW, _LOG or
// _TRACE (a tracer handles what it does not know), nor when the default is already
// SCMP_ACT_ERRNO(ENOSYS).
bool enosys_stub_applies(uint32_t default_action);

// The highest syscall number the profile names, per kernel architecture (AUDIT_ARCH_*).
struct SyscallBound {
    uint32_t audit_arch = 0;
    std::optional<uint32_t> highest;      // native numbering (x86_64: bit 30 clear)
    std::optional<uint32_t> highest_x32;  // x86_64 only: x32 numbers (bit 30 set)
};

// For the SCMP_ARCH_* tokens of the filter (the native one is always in a filter) and the
// syscall names of every rule; names unknown on an architecture are left out.
std::vector<SyscallBound> syscall_bounds(const std::vector<uint32_t>& scmp_arches,
                                         const std::vector<std::string>& names);

// The stub for these bounds, to go before the filter (its last instruction falls through
// to the filter's first). Empty when no architecture has a bound.
std::vector<sock_filter> enosys_stub(const std::vector<SyscallBound>& bounds);

}  // namespace wb::linux
