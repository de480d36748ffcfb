#include "linux/seccomp_enosys.hpp"

#include <linux/audit.h>
#include <seccomp.h>

#include <algorithm>
#include <cerrno>

namespace wb::linux {
namespace {

constexpr uint32_t kX32Bit = 0x40000000;
constexpr uint32_t kActionMask = 0xffff0000U;
// Offsets in struct seccomp_data.
constexpr uint32_t kNrOffset = 0;
constexpr uint32_t kArchOffset = 4;

// An instruction and, for a jump to one of the two ends, which one (patched at the end).
enum class Target { none, enosys, filter };
struct Insn {
    sock_filter op;
    Target target = Target::none;
};

Insn stmt(uint16_t code, uint32_t k) { return {BPF_STMT(code, k), Target::none}; }
Insn jump_to(Target t) { return {BPF_STMT(BPF_JMP | BPF_JA, 0), t}; }
Insn jump_if(uint16_t cond, uint32_t k, uint8_t jt, uint8_t jf) { return {BPF_JUMP(BPF_JMP | cond | BPF_K, k, jt, jf), Target::none}; }

// nr > highest: ENOSYS; else the filter (3 instructions).
void bound_check(std::vector<Insn>& out, uint32_t highest) {
    out.push_back(jump_if(BPF_JGT, highest, 0, 1));
    out.push_back(jump_to(Target::enosys));
    out.push_back(jump_to(Target::filter));
}

// One mode of x86_64 (x32 or not): its bound check, or straight to the filter.
std::vector<Insn> mode_part(const std::optional<uint32_t>& highest) {
    std::vector<Insn> part;
    if (highest)
        bound_check(part, *highest);
    else
        part.push_back(jump_to(Target::filter));
    return part;
}

std::vector<Insn> section(const SyscallBound& b) {
    std::vector<Insn> out{stmt(BPF_LD | BPF_W | BPF_ABS, kNrOffset)};
    if (b.audit_arch == AUDIT_ARCH_X86_64) {
        std::vector<Insn> native = mode_part(b.highest), x32 = mode_part(b.highest_x32);
        out.push_back(jump_if(BPF_JSET, kX32Bit, static_cast<uint8_t>(native.size()), 0));
        out.insert(out.end(), native.begin(), native.end());
        out.insert(out.end(), x32.begin(), x32.end());
        return out;
    }
    if (b.audit_arch == AUDIT_ARCH_S390 || b.audit_arch == AUDIT_ARCH_S390X) {
        out.push_back(jump_if(BPF_JEQ, 0, 0, 1));
        out.push_back(jump_to(Target::enosys));
    }
    bound_check(out, *b.highest);
    return out;
}

}  // namespace

bool enosys_stub_applies(uint32_t default_action) {
    const uint32_t kind = default_action & kActionMask;
    if (default_action == SCMP_ACT_ALLOW || default_action == SCMP_ACT_LOG) return false;
    if (kind == (SCMP_ACT_TRACE(0) & kActionMask)) return false;
    return default_action != SCMP_ACT_ERRNO(ENOSYS);
}

std::vector<SyscallBound> syscall_bounds(const std::vector<uint32_t>& scmp_arches,
                                         const std::vector<std::string>& names) {
    std::vector<uint32_t> arches = scmp_arches;
    arches.push_back(seccomp_arch_native());
    std::vector<SyscallBound> bounds;
    for (uint32_t arch : arches) {
        if (arch == SCMP_ARCH_NATIVE) arch = seccomp_arch_native();
        const bool x32 = arch == SCMP_ARCH_X32;
        const uint32_t audit = x32 ? AUDIT_ARCH_X86_64 : arch;
        auto it = std::find_if(bounds.begin(), bounds.end(), [&](const auto& b) { return b.audit_arch == audit; });
        if (it == bounds.end()) it = bounds.insert(bounds.end(), SyscallBound{audit, {}, {}});
        std::optional<uint32_t>& highest = x32 ? it->highest_x32 : it->highest;
        for (const auto& name : names) {
            int nr = seccomp_syscall_resolve_name_arch(arch, name.c_str());
            if (nr < 0) continue;  // unknown here, or a libseccomp pseudo-number
            uint32_t n = static_cast<uint32_t>(nr) | (x32 ? kX32Bit : 0);
            if (!highest || n > *highest) highest = n;
        }
    }
    return bounds;
}

std::vector<sock_filter> enosys_stub(const std::vector<SyscallBound>& bounds) {
    std::vector<std::vector<Insn>> sections;
    std::vector<uint32_t> archs;
    for (const auto& b : bounds) {
        if (!b.highest && !b.highest_x32) continue;
        if (!b.highest && b.audit_arch != AUDIT_ARCH_X86_64) continue;
        sections.push_back(section(b));
        archs.push_back(b.audit_arch);
    }
    if (sections.empty()) return {};
    std::vector<Insn> prog{stmt(BPF_LD | BPF_W | BPF_ABS, kArchOffset)};
    for (size_t i = 0; i < sections.size(); ++i) {
        // Another architecture: over this section to the next check.
        prog.push_back(jump_if(BPF_JEQ, archs[i], 0, static_cast<uint8_t>(sections[i].size())));
        prog.insert(prog.end(), sections[i].begin(), sections[i].end());
    }
    prog.push_back(jump_to(Target::filter));  // an architecture with no section
    const size_t enosys_pc = prog.size();
    prog.push_back(stmt(BPF_RET | BPF_K, SCMP_ACT_ERRNO(ENOSYS)));
    const size_t filter_pc = prog.size();

    std::vector<sock_filter> out;
    for (size_t pc = 0; pc < prog.size(); ++pc) {
        sock_filter f = prog[pc].op;
        if (prog[pc].target != Target::none)
            f.k = static_cast<uint32_t>((prog[pc].target == Target::enosys ? enosys_pc : filter_pc) - pc - 1);
        out.push_back(f);
    }
    return out;
}

}  // namespace wb::linux
