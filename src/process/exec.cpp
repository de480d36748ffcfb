#include "process/exec.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "linux/console.hpp"
#include "linux/namespaces.hpp"
#include "linux/process_attrs.hpp"
#include "linux/rlimits.hpp"
#include "process/init.hpp"
#include "process/child_log.hpp"
#include "process/process_setup.hpp"
#include "process/seccomp_agent.hpp"
#include "process/sync.hpp"
#include "util/error.hpp"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

namespace wb::process {
namespace {

// The init's namespaces that differ from ours (those are the container's).
std::vector<linux::JoinedNamespace> container_namespaces(pid_t pid) {
    std::vector<linux::JoinedNamespace> out;
    for (const auto& ns : linux::kNamespaceTypes) {
        std::string theirs = "/proc/" + std::to_string(pid) + "/ns/" + ns.proc_name;
        std::string ours = std::string("/proc/self/ns/") + ns.proc_name;
        struct stat a {}, b {};
        if (::stat(theirs.c_str(), &a) < 0) {
            if (errno == ENOENT) continue;  // kernel without this namespace type
            throw_errno("stat " + theirs);
        }
        if (::stat(ours.c_str(), &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) continue;
        linux::JoinedNamespace j;
        j.flag = ns.flag;
        j.path = theirs;
        j.fd.reset(::open(theirs.c_str(), O_RDONLY | O_CLOEXEC));
        if (!j.fd) throw_errno("open " + theirs);
        out.push_back(std::move(j));
    }
    return out;
}

[[noreturn]] void exec_child(const ExecRequest& req, const std::vector<linux::JoinedNamespace>& nss,
                             SyncChannel& sync) noexcept {
    try {
        log_through_sync(sync);  // our log fd is closed with the other runtime fds
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::prctl(PR_SET_DUMPABLE, 0);  // until execve: see container_init
        sync.expect(SyncType::go);  // in the cgroup now
        const oci::Process& proc = *req.process;
        for (const auto& ns : nss) {
            if (linux::applies_to_children(ns.flag)) continue;
            linux::join_namespace(ns);
        }
        if (proc.oom_score_adj) linux::write_oom_score_adj(*proc.oom_score_adj);
        linux::SeccompFilter seccomp;
        if (req.spec->linux && req.spec->linux->seccomp) seccomp = linux::compile_seccomp(*req.spec->linux->seccomp);
        // A process-group leader inside the container, as with runc (getpgrp() is not 0);
        // with a terminal, setup_console's setsid makes it one (and needs it not to be).
        if (!proc.terminal && ::setpgid(0, 0) < 0) throw_errno("setpgid");
        if (proc.terminal) linux::setup_console(req.console_socket, proc.console_size, false);
        apply_process_attributes(proc, req.spec->linux ? &*req.spec->linux : nullptr);
        if (proc.args.empty()) throw Error("args must not be empty");
        std::string exe = find_executable(proc.args[0], proc.env);
        close_runtime_fds(req.preserve_fds, {sync.fd()});
        NotifyFdHandler on_notify = notify_fd_to_parent(*req.spec, sync);
        enter_identity(proc, seccomp, on_notify);
        ::prctl(PR_SET_PDEATHSIG, 0);
        exec_user_process(exe, proc, seccomp, on_notify);  // the sync socket closes on exec: success
    } catch (const std::exception& e) {
        try {
            sync.send(SyncType::error, std::string("exec failed: ") + e.what());
        } catch (...) {
        }
    }
    _exit(1);
}

}  // namespace

ExecChild launch_exec(const ExecRequest& req) {
    std::vector<linux::JoinedNamespace> nss = container_namespaces(req.init_pid);
    auto [parent_sync, child_sync] = SyncChannel::make_pair();
    int pidfd = -1;
    pid_t pid;
    bool joined_cgroup = false;
    {
        linux::ChildNamespaceGuard for_children;
        for (const auto& ns : nss)
            if (linux::applies_to_children(ns.flag)) for_children.enter(ns);
        struct clone_args args {};
        args.flags = CLONE_PIDFD;
        args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
        args.exit_signal = SIGCHLD;
        int cgfd = req.cgroup ? req.cgroup->clone_into_fd() : -1;
        if (cgfd >= 0) {
            args.flags |= CLONE_INTO_CGROUP;
            args.cgroup = static_cast<uint64_t>(cgfd);
        }
        long r = ::syscall(SYS_clone3, &args, sizeof args);
        if (r < 0 && cgfd >= 0 && (errno == EINVAL || errno == ENOSYS || errno == E2BIG)) {
            r = ::syscall(SYS_clone, static_cast<unsigned long>(CLONE_PIDFD | SIGCHLD), nullptr, &pidfd, nullptr, 0);
        } else if (r >= 0) {
            joined_cgroup = cgfd >= 0;
        }
        if (r < 0) throw_errno("clone exec process");
        pid = static_cast<pid_t>(r);
        if (pid == 0) {
            parent_sync.close();
            exec_child(req, nss, child_sync);
        }
    }
    ExecChild child{pid, UniqueFd(pidfd)};
    child_sync.close();
    try {
        // The child waits for nothing from us: join the cgroup right away (v1), before
        // it can exec.
        if (req.cgroup && !joined_cgroup) req.cgroup->add_process(pid);
        linux::apply_rlimits(req.process->rlimits, pid);
        parent_sync.send(SyncType::go);
        for (;;) {
            SyncMessage m;
            try {
                m = parent_sync.receive();
            } catch (const Error&) {
                return child;  // closed by execve: the process runs
            }
            if (m.type == SyncType::error) throw Error(m.payload);
            if (m.type == SyncType::log) {
                log_child_record(m);
                continue;
            }
            if (m.type == SyncType::seccomp_fd) {
                forward_to_seccomp_agent(*req.spec, m, req.state_json, pid, parent_sync);
                continue;
            }
            throw Error("exec: unexpected message from child");
        }
    } catch (...) {
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        throw;
    }
}

}  // namespace wb::process
