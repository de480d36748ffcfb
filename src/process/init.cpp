#include "process/init.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "linux/console.hpp"
#include "linux/loopback.hpp"
#include "linux/path_in_root.hpp"
#include "linux/process_attrs.hpp"
#include "linux/procfs.hpp"
#include "process/child_log.hpp"
#include "process/process_setup.hpp"
#include "process/seccomp_agent.hpp"
#include "linux/seccomp.hpp"
#include "linux/syscalls.hpp"
#include "process/hooks.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::process {
namespace {

constexpr long kKeyctlJoinSessionKeyring = 1;

// The value the process gets: the last entry for `key` wins (see process_environment).
std::string env_value(const std::vector<std::string>& env, const std::string& key) {
    for (auto e = env.rbegin(); e != env.rend(); ++e)
        if (e->size() > key.size() && e->compare(0, key.size(), key) == 0 && (*e)[key.size()] == '=')
            return e->substr(key.size() + 1);
    return {};
}

bool is_executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

void set_hostnames(const oci::Spec& spec) {
    if (!spec.hostname.empty() && linux::sys().sethostname(spec.hostname.data(), spec.hostname.size()) < 0)
        throw_errno("sethostname " + spec.hostname);
    if (!spec.domainname.empty() && linux::sys().setdomainname(spec.domainname.data(), spec.domainname.size()) < 0)
        throw_errno("setdomainname " + spec.domainname);
}

// The state given to hooks run in the container: the pid is ours as the container sees it
// (runc's getpid() there), with `status`.
state::OciState state_in_container(const state::OciState& state, state::Status status) {
    state::OciState in_container = state;
    in_container.status = status;
    in_container.pid = ::getpid();
    return in_container;
}

// Waits on the exec fifo for `start` and gives it the byte it reads. The returned write
// end stays open until execve (O_CLOEXEC): `start` reads on to EOF, so a failure before
// the exec (a startContainer hook, the execve itself) reaches it as text.
UniqueFd wait_for_start(const linux::FdReopener& fifo_path, int fifo_fd) {
    UniqueFd fifo;
    try {
        fifo = fifo_path.reopen(O_WRONLY);
    } catch (const Error&) {
        _exit(127);
    }
    ::close(fifo_fd);
    if (::write(fifo.get(), "0", 1) != 1) _exit(127);
    return fifo;
}

[[noreturn]] void report_to_start(int fifo, const std::string& msg) {
    ssize_t r = ::write(fifo, msg.data(), msg.size());
    (void)r;
    _exit(1);
}

void run_init(const InitConfig& cfg, SyncChannel& sync) {
    const oci::Spec& spec = *cfg.spec;
    const oci::Process& proc = *spec.process;
    // Into our v1 cgroups before anything else (the runtime does the rest before `go`).
    if (cfg.cgroup_join) cfg.cgroup_join->join();
    // Our log fd goes with the other runtime fds: records go to the runtime instead.
    log_through_sync(sync);
    // Die with the runtime while it still owns us.
    linux::sys().prctl(PR_SET_PDEATHSIG, SIGKILL);
    // Until execve resets it: the container may not open our /proc/PID/exe (or mem, fds)
    // without CAP_SYS_PTRACE (CVE-2019-5736; the sealed binary copy covers the rest).
    if (!cfg.dumpable_until_go) linux::sys().prctl(PR_SET_DUMPABLE, 0);
    if (!cfg.setup_before_go) {
        sync.expect(SyncType::go);
        if (cfg.dumpable_until_go) linux::sys().prctl(PR_SET_DUMPABLE, 0);
    }
    // Now in our cgroups: a new cgroup namespace has them as its root.
    if (cfg.unshare_cgroupns && linux::sys().unshare(CLONE_NEWCGROUP) < 0) throw_errno("unshare cgroup namespace");

    if (cfg.namespaces->new_user) {
        if (linux::sys().setresgid(0, 0, 0) < 0) throw_errno("setresgid 0 in user namespace");
        if (linux::sys().setresuid(0, 0, 0) < 0) throw_errno("setresuid 0 in user namespace");
    }
    for (const auto& ns : cfg.namespaces->joins) {
        if (linux::applies_to_children(ns.flag)) continue;  // joined by the parent
        linux::join_namespace(ns);
    }
    if (!cfg.no_new_keyring) {
        // A fresh session keyring per container, named after it (as runc).
        const auto name = reinterpret_cast<unsigned long>(cfg.id.c_str());
        if (linux::sys().keyctl(kKeyctlJoinSessionKeyring, name) < 0 && errno != ENOSYS && errno != EACCES &&
            errno != EPERM)
            throw_errno("join session keyring");
    }
    if (proc.oom_score_adj) linux::write_oom_score_adj(*proc.oom_score_adj);
    if (cfg.namespaces->clone_flags & CLONE_NEWNET) linux::bring_up_loopback();

    // Compile the filter while the host's files are still reachable.
    linux::SeccompFilter seccomp;
    if (spec.linux && spec.linux->seccomp) seccomp = linux::compile_seccomp(*spec.linux->seccomp);

    set_hostnames(spec);
    linux::prepare_rootfs(spec, cfg.rootfs, [&] {
        if (cfg.create_hooks) {
            sync.send(SyncType::run_hooks);
            SyncMessage m = sync.receive();
            if (m.type != SyncType::hooks_done) throw Error("create hooks failed");
            // In the rootfs (before pivot_root) with the process's environment, as runc.
            run_hooks(cfg.create_container_hooks, state_in_container(cfg.state, state::Status::creating),
                      "createContainer", {process_environment(proc.env), cfg.rootfs.rootfs});
        }
    });
    // The working directory exists before the rootfs may turn read-only (as runc).
    if (!proc.cwd.empty()) {
        if (proc.cwd.front() != '/') throw Error("cwd " + proc.cwd + " is not an absolute path");
        fs::mkdir_all(proc.cwd, 0755);
    }
    int console_fd = -1;
    // The init leads a session of its own, as runc's (nsexec's setsid): criu refuses a task
    // whose session leader is outside its pid namespace. With a terminal, setup_console's
    // setsid makes it one.
    if (proc.terminal) console_fd = linux::setup_console(cfg.console_socket, proc.console_size);
    else if (linux::sys().setsid() < 0) throw_errno("setsid");
    linux::finalize_rootfs(spec, cfg.rootfs.in_user_namespace, cfg.rootfs.mount_namespace);
    // In our cgroups (and under our rlimits) from here on.
    if (cfg.setup_before_go) sync.expect(SyncType::go);

    apply_process_attributes(proc, spec.linux ? &*spec.linux : nullptr);
    if (proc.args.empty()) throw Error("args must not be empty");
    std::string exe = find_executable(proc.args[0], proc.env);
    close_runtime_fds(cfg.preserve_fds, {sync.fd(), cfg.fifo_fd, console_fd});
    NotifyFdHandler on_notify = notify_fd_to_parent(spec, sync);
    // The way to the exec fifo is made before the seccomp filter (which enter_identity may
    // load) can refuse openat2 and friends; after it, only openat and fstat, as runc's.
    const linux::FdReopener fifo_path(cfg.fifo_fd);
    enter_identity(proc, seccomp, on_notify);
    // With no_new_privileges the filter comes last, but still before `ready` (as runc): its
    // notify fd and its errors need the sync channel.
    if (seccomp.pending()) load_seccomp_filter(seccomp, on_notify);

    // Set up: tell the runtime, then wait on the exec fifo for `start`.
    linux::sys().prctl(PR_SET_PDEATHSIG, 0);
    sync.send(SyncType::ready);
    sync.close();
    UniqueFd fifo = wait_for_start(fifo_path, cfg.fifo_fd);
    try {
        // In the container, after start and before the user process (the spec's moment).
        if (spec.hooks && !spec.hooks->start_container.empty())
            run_hooks(spec.hooks->start_container, state_in_container(cfg.state, state::Status::created),
                      "startContainer", {exec_environment(proc), ""});
        exec_user_process(exe, proc, seccomp, {});
    } catch (const std::exception& e) {
        report_to_start(fifo.get(), e.what());
    }
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
