#include "linux/exec_trampoline.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "linux/sealed_exe.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::linux {
namespace {

#if defined(__x86_64__)
// x86-64, at the entry point (the kernel's initial stack: argc, argv..., NULL, envp...):
//   mov (%rsp),%rcx; mov 8(%rsp),%rdi          argc; path = argv[0]
//   lea 16(%rsp),%rsi; lea 16(%rsp,%rcx,8),%rdx   argv + 1; envp = argv + argc + 1
//   mov $59,%eax; syscall                        execve(path, argv + 1, envp)
//   cmp $-2,%eax; mov $126,%edi; mov $127,%ecx; cmove %ecx,%edi
//   mov $231,%eax; syscall                       exit_group(ENOENT ? 127 : 126)
constexpr uint8_t kCode[] = {0x48, 0x8b, 0x0c, 0x24, 0x48, 0x8b, 0x7c, 0x24, 0x08, 0x48, 0x8d, 0x74, 0x24,
                             0x10, 0x48, 0x8d, 0x54, 0xcc, 0x10, 0xb8, 0x3b, 0x00, 0x00, 0x00, 0x0f, 0x05,
                             0x83, 0xf8, 0xfe, 0xbf, 0x7e, 0x00, 0x00, 0x00, 0xb9, 0x7f, 0x00, 0x00, 0x00,
                             0x0f, 0x44, 0xf9, 0xb8, 0xe7, 0x00, 0x00, 0x00, 0x0f, 0x05};
constexpr uint16_t kMachine = EM_X86_64;
#define WHALEBOX_HAS_TRAMPOLINE 1
#endif

#ifdef WHALEBOX_HAS_TRAMPOLINE
// A static ELF: the header, a PT_LOAD of the whole file (read + execute) at kBase and a
// PT_GNU_STACK (not executable), then the code.
std::vector<uint8_t> build_image() {
    constexpr Elf64_Addr kBase = 0x400000;
    constexpr size_t kHeaders = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
    const size_t size = kHeaders + sizeof kCode;

    Elf64_Ehdr eh {};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
    eh.e_type = ET_EXEC;
    eh.e_machine = kMachine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = kBase + kHeaders;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 2;

    Elf64_Phdr load {};
    load.p_type = PT_LOAD;
    load.p_flags = PF_R | PF_X;
    load.p_offset = 0;
    load.p_vaddr = load.p_paddr = kBase;
    load.p_filesz = load.p_memsz = size;
    load.p_align = 0x1000;

    Elf64_Phdr stack {};
    stack.p_type = PT_GNU_STACK;
    stack.p_flags = PF_R | PF_W;
    stack.p_align = 16;

    std::vector<uint8_t> image(size);
    std::memcpy(image.data(), &eh, sizeof eh);
    std::memcpy(image.data() + sizeof eh, &load, sizeof load);
    std::memcpy(image.data() + sizeof eh + sizeof load, &stack, sizeof stack);
    std::memcpy(image.data() + kHeaders, kCode, sizeof kCode);
    return image;
}
#endif

bool allows(const std::string& action) { return action == "SCMP_ACT_ALLOW" || action == "SCMP_ACT_LOG"; }

}  // namespace

const std::vector<uint8_t>& exec_trampoline_image() {
#ifdef WHALEBOX_HAS_TRAMPOLINE
    static const std::vector<uint8_t> image = build_image();
#else
    static const std::vector<uint8_t> image;
#endif
    return image;
}

UniqueFd make_exec_trampoline() {
    const std::vector<uint8_t>& image = exec_trampoline_image();
    if (image.empty()) throw Error("no exec trampoline for this machine");
    UniqueFd tramp = create_exec_memfd("whalebox-exec", "the exec trampoline");
    const std::string_view bytes(reinterpret_cast<const char*>(image.data()), image.size());
    if (int err = fs::write_all(tramp.get(), bytes)) throw_errno("write the exec trampoline", err);
    seal_exec_memfd(tramp.get(), "the exec trampoline");
    return tramp;
}

bool grants_host_ptrace(const oci::Process& proc, const oci::Spec& spec) {
    if (spec.linux && spec.linux->find_namespace("user")) return false;
    return proc.capabilities && names_cap_sys_ptrace(*proc.capabilities);
}

bool seccomp_allows_execveat(const oci::Spec& spec) {
    if (!spec.linux || !spec.linux->seccomp) return true;
    const oci::Seccomp& s = *spec.linux->seccomp;
    bool allowed = allows(s.default_action);
    for (const auto& rule : s.syscalls) {
        bool names_it = false;
        for (const auto& n : rule.names) names_it |= n == "execveat";
        if (!names_it) continue;
        if (!allows(rule.action)) return false;  // any rule that may refuse it
        if (rule.args.empty()) allowed = true;   // allowed whatever the arguments
    }
    return allowed;
}

bool exec_trampoline_suffices(const oci::Spec& spec, const oci::Process& proc, bool ptrace_granted_before) {
    return !exec_trampoline_image().empty() && !needs_sealed_exe(spec) && !ptrace_granted_before &&
           !grants_host_ptrace(proc, spec) && proc.apparmor_profile.empty() && proc.selinux_label.empty() &&
           seccomp_allows_execveat(spec);
}

}  // namespace wb::linux
