#include "linux/sealed_exe.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

extern char** environ;

namespace wb::linux {
namespace {

constexpr int kRequiredSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

void copy_all(int from, int to, off_t size) {
    off_t offset = 0;
    while (offset < size) {
        ssize_t n = ::sendfile(to, from, &offset, static_cast<size_t>(size - offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("copy the runtime binary");
        if (n == 0) throw Error("copy the runtime binary: it shrank while being copied");
    }
}

}  // namespace

bool needs_sealed_exe(const oci::Spec& spec) {
    if (!spec.linux) return true;
    const oci::Namespace* pid = spec.linux->find_namespace("pid");
    if (!pid || !pid->path.empty()) return true;
    if (spec.linux->find_namespace("user")) return false;
    return spec.process && spec.process->capabilities && names_cap_sys_ptrace(*spec.process->capabilities);
}

bool names_cap_sys_ptrace(const oci::Capabilities& c) {
    for (const auto* set : {&c.bounding, &c.effective, &c.permitted, &c.inheritable, &c.ambient}) {
        if (!*set) continue;
        for (const auto& name : **set)
            if (name == "CAP_SYS_PTRACE") return true;
    }
    return false;
}

UniqueFd create_exec_memfd(const char* name, const std::string& what) {
    // MFD_EXEC says so explicitly (Linux 6.3+ logs a warning otherwise); older kernels
    // reject the flag and make memfds executable anyway.
    int fd = sys().memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) fd = sys().memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) throw_errno("memfd_create for " + what);
    return UniqueFd(fd);
}

void seal_exec_memfd(int fd, const std::string& what) {
    // F_SEAL_EXEC (Linux 6.3+) also freezes the mode bits; older kernels do not know it.
    if (sys().fcntl(fd, F_ADD_SEALS, kRequiredSeals | F_SEAL_EXEC) < 0 && sys().fcntl(fd, F_ADD_SEALS, kRequiredSeals) < 0)
        throw_errno("seal " + what);
}

bool is_sealed_copy(int fd) {
    int seals = sys().fcntl(fd, F_GET_SEALS, 0);
    return seals >= 0 && (seals & kRequiredSeals) == kRequiredSeals;
}

UniqueFd make_sealed_copy(int exe) {
    struct stat st {};
    if (::fstat(exe, &st) < 0) throw_errno("stat the runtime binary");
    UniqueFd copy = create_exec_memfd("whalebox", "the runtime binary copy");
    copy_all(exe, copy.get(), st.st_size);
    seal_exec_memfd(copy.get(), "the runtime binary copy");
    return copy;
}

std::vector<std::string> split_nul_list(const std::string& text) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < text.size()) {
        size_t j = text.find('\0', i);
        if (j == std::string::npos) j = text.size();
        out.push_back(text.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

bool self_exe_is_sealed() {
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    return self && is_sealed_copy(self.get());
}

void ensure_sealed_self_exe() {
    const bool marked = std::getenv(kClonedEnv) != nullptr;
    if (marked) ::unsetenv(kClonedEnv);
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self) throw_errno("open /proc/self/exe");
    if (is_sealed_copy(self.get())) return;
    // Marked but not sealed: something between the exec and us went wrong; do not loop.
    if (marked) throw Error("the runtime's binary copy is not sealed (" + std::string(kClonedEnv) + " is set)");

    UniqueFd copy = make_sealed_copy(self.get());
    self.reset();
    std::vector<std::string> args = split_nul_list(fs::read_file("/proc/self/cmdline"));
    if (args.empty()) throw Error("read /proc/self/cmdline: empty");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string marker = std::string(kClonedEnv) + "=1";
    std::vector<char*> envp;
    for (char** e = environ; e && *e; ++e) envp.push_back(*e);
    envp.push_back(marker.data());
    envp.push_back(nullptr);
    sys().fexecve(copy.get(), argv.data(), envp.data());
    throw_errno("exec the sealed copy of the runtime binary");
}

}  // namespace wb::linux
