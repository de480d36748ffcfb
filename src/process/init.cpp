#include "process/init.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "linux/capabilities.hpp"
#include "linux/console.hpp"
#include "linux/identity.hpp"
#include "linux/path_in_root.hpp"
#include "linux/process_attrs.hpp"
#include "linux/rlimits.hpp"
#include "linux/seccomp.hpp"
#include "runtime/hooks.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::process {
namespace {

constexpr long kKeyctlJoinSessionKeyring = 1;

std::string env_value(const std::vector<std::string>& env, const std::string& key) {
    for (const auto& e : env)
        if (e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=')
            return e.substr(key.size() + 1);
    return {};
}

bool is_executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Closes every fd from `from` up, except the ones in keep (sorted).
void close_fds_from(int from, std::vector<int> keep) {
    std::sort(keep.begin(), keep.end());
    unsigned lo = static_cast<unsigned>(from);
    for (int k : keep) {
        if (k < from) continue;
        if (static_cast<unsigned>(k) > lo) ::syscall(SYS_close_range, lo, static_cast<unsigned>(k) - 1, 0);
        lo = static_cast<unsigned>(k) + 1;
    }
    ::syscall(SYS_close_range, lo, ~0U, 0);
}

void set_hostnames(const oci::Spec& spec) {
    if (!spec.hostname.empty() && ::sethostname(spec.hostname.data(), spec.hostname.size()) < 0)
        throw_errno("sethostname " + spec.hostname);
    if (!spec.domainname.empty() && ::setdomainname(spec.domainname.data(), spec.domainname.size()) < 0)
        throw_errno("setdomainname " + spec.domainname);
}

void run_init(const InitConfig& cfg, SyncChannel& sync) {
    const oci::Spec& spec = *cfg.spec;
    const oci::Process& proc = *spec.process;
    // Die with the runtime while it still owns us.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    sync.expect(SyncType::go);

    if (cfg.namespaces->new_user) {
        if (::setresgid(0, 0, 0) < 0) throw_errno("setresgid 0 in user namespace");
        if (::setresuid(0, 0, 0) < 0) throw_errno("setresuid 0 in user namespace");
    }
    for (const auto& ns : cfg.namespaces->joins) {
        if (ns.flag == CLONE_NEWPID || ns.flag == 0x80 /* CLONE_NEWTIME */) continue;  // joined by the parent
        linux::join_namespace(ns);
    }
    if (!cfg.no_new_keyring) {
        // A fresh session keyring per container, named after it (as runc).
        if (::syscall(SYS_keyctl, kKeyctlJoinSessionKeyring, cfg.id.c_str()) < 0 && errno != ENOSYS &&
            errno != EACCES && errno != EPERM)
            throw_errno("join session keyring");
    }
    if (proc.oom_score_adj) linux::write_oom_score_adj(*proc.oom_score_adj);

    // Compile the filter while the host's files are still reachable.
    linux::SeccompFilter seccomp;
    if (spec.linux && spec.linux->seccomp) seccomp = linux::compile_seccomp(*spec.linux->seccomp);

    set_hostnames(spec);
    linux::prepare_rootfs(spec, cfg.rootfs, [&] {
        if (cfg.create_hooks) {
            sync.send(SyncType::run_hooks);
            SyncMessage m = sync.receive();
            if (m.type != SyncType::hooks_done) throw Error("create hooks failed");
            runtime::run_hooks(cfg.create_container_hooks, m.payload, "createContainer");
        }
    });
    // The working directory exists before the rootfs may turn read-only (as runc).
    if (!proc.cwd.empty()) {
        if (proc.cwd.front() != '/') throw Error("cwd " + proc.cwd + " is not an absolute path");
        fs::mkdir_all(proc.cwd, 0755);
    }
    int console_fd = -1;
    if (proc.terminal) console_fd = linux::setup_console(cfg.console_socket, proc.console_size);
    linux::finalize_rootfs(spec, cfg.namespaces->new_user);

    linux::apply_rlimits(proc.rlimits);
    if (proc.scheduler) linux::apply_scheduler(*proc.scheduler);
    if (proc.io_priority) linux::apply_io_priority(*proc.io_priority);
    if (spec.linux && spec.linux->personality) linux::apply_personality(*spec.linux->personality);
    linux::apply_security_labels(proc);

    if (proc.args.empty()) throw Error("args must not be empty");
    std::string exe = find_executable(proc.args[0], proc.env);

    // Only stdio, the preserved fds and our own channels stay open from here on, so no
    // runtime fd can be reached through /proc/self/fd (CVE-2024-21626).
    int first_closed = 3 + cfg.preserve_fds;
    close_fds_from(first_closed, {sync.fd(), cfg.fifo_fd, console_fd});
    for (int fd = 3; fd < first_closed; ++fd) {
        int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0) ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
    }

    // No capabilities object means no capabilities at all (as runc).
    linux::CapabilitySets caps = linux::resolve_capabilities(proc.capabilities.value_or(oci::Capabilities{}));
    if (proc.no_new_privileges) linux::set_no_new_privileges();
    // Without no_new_privileges, loading a filter needs CAP_SYS_ADMIN: do it while we have it.
    if (seccomp && !proc.no_new_privileges) linux::load_seccomp(seccomp);
    linux::drop_bounding_set(caps);
    linux::switch_user(proc.user);
    if (!proc.cwd.empty() && ::chdir(proc.cwd.c_str()) < 0) throw_errno("chdir to cwd (\"" + proc.cwd + "\") set in config.json");
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd) || cwd[0] != '/') throw Error("current working directory is outside of container mount namespace root");
    linux::apply_capabilities(caps);

    std::vector<char*> argv;
    for (const auto& a : proc.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : proc.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    // Set up: tell the runtime, then wait on the exec fifo for `start`.
    ::prctl(PR_SET_PDEATHSIG, 0);
    sync.send(SyncType::ready);
    sync.close();
    UniqueFd fifo(::open(linux::fd_path(cfg.fifo_fd).c_str(), O_WRONLY | O_CLOEXEC));
    if (!fifo) _exit(127);
    ::close(cfg.fifo_fd);
    if (::write(fifo.get(), "0", 1) != 1) _exit(127);
    fifo.reset();

    if (seccomp && proc.no_new_privileges) linux::load_seccomp(seccomp);
    ::execve(exe.c_str(), argv.data(), envp.data());
    int err = errno;
    std::string msg = "exec " + exe + ": " + std::strerror(err) + "\n";
    ssize_t r = ::write(STDERR_FILENO, msg.data(), msg.size());
    (void)r;
    _exit(127);
}

}  // namespace

std::string find_executable(const std::string& name, const std::vector<std::string>& env) {
    if (name.find('/') != std::string::npos) {
        if (!is_executable_file(name)) throw_errno("exec: \"" + name + "\"", errno ? errno : ENOENT);
        return name;
    }
    std::string path = env_value(env, "PATH");
    size_t i = 0;
    while (i <= path.size()) {
        size_t j = path.find(':', i);
        if (j == std::string::npos) j = path.size();
        std::string dir = path.substr(i, j - i);
        std::string candidate = fs::join(dir.empty() ? "." : dir, name);
        if (is_executable_file(candidate)) return candidate;
        i = j + 1;
    }
    throw Error("exec: \"" + name + "\": executable file not found in $PATH", ENOENT);
}

void container_init(const InitConfig& cfg, SyncChannel& sync) noexcept {
    try {
        run_init(cfg, sync);
    } catch (const std::exception& e) {
        try {
            sync.send(SyncType::error, std::string("unable to start container process: ") + e.what());
        } catch (...) {
        }
    }
    _exit(1);
}

}  // namespace wb::process
