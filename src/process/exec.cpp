#include "process/exec.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "linux/console.hpp"
#include "linux/namespaces.hpp"
#include "linux/process_attrs.hpp"
#include "linux/rlimits.hpp"
#include "linux/syscalls.hpp"
#include "process/child_log.hpp"
#include "process/clone.hpp"
#include "process/init.hpp"
#include "process/parent_loop.hpp"
#include "process/process_setup.hpp"
#include "process/seccomp_agent.hpp"
#include "process/sync.hpp"
#include "util/error.hpp"

namespace wb::process {
namespace {

// The init's namespaces that differ from ours (those are the container's).
std::vector<linux::JoinedNamespace> container_namespaces(pid_t pid) {
    std::vector<linux::JoinedNamespace> out;
    for (const auto& ns : linux::kNamespaceTypes) {
        std::string theirs = "/proc/" + std::to_string(pid) + "/ns/" + ns.proc_name;
        std::string ours = std::string("/proc/self/ns/") + ns.proc_name;
        struct stat a {}, b {};
        if (linux::sys().fstatat(AT_FDCWD, theirs.c_str(), &a, 0) < 0) {
            if (errno == ENOENT) continue;  // kernel without this namespace type
            throw_errno("stat " + theirs);
        }
        if (linux::sys().fstatat(AT_FDCWD, ours.c_str(), &b, 0) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) continue;
        linux::JoinedNamespace j;
        j.flag = ns.flag;
        j.path = theirs;
        j.fd.reset(linux::sys().open(theirs.c_str(), O_RDONLY | O_CLOEXEC));
        if (!j.fd) throw_errno("open " + theirs);
        out.push_back(std::move(j));
    }
    return out;
}

[[noreturn]] void exec_child(const ExecRequest& req, const std::vector<linux::JoinedNamespace>& nss,
                             cgroups::SelfJoin& self_join, SyncChannel& sync) noexcept {
    try {
        self_join.join();  // v1: into the container's cgroups first (as the init)
        log_through_sync(sync);  // our log fd is closed with the other runtime fds
        linux::sys().prctl(PR_SET_PDEATHSIG, SIGKILL);
        linux::sys().prctl(PR_SET_DUMPABLE, 0);  // until execve: see container_init
        // The namespaces, the seccomp filter's compilation and the process group while the
        // runtime finishes our cgroup join (by pid where we could not join ourselves) and
        // sets the rlimits; `go` before the console (the devices cgroup rules its open) and
        // the process's attributes.
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
        sync.expect(SyncType::go);  // in the cgroup now, under the process's rlimits
        if (proc.terminal) linux::setup_console(req.console_socket, proc.console_size, false);
        apply_process_attributes(proc, req.spec->linux ? &*req.spec->linux : nullptr);
        if (proc.args.empty()) throw Error("args must not be empty");
        std::string exe = find_executable(proc.args[0], proc.env);
        std::vector<int> keep{sync.fd()};
        if (req.exec_trampoline >= 0) keep.push_back(req.exec_trampoline);  // close-on-exec
        close_runtime_fds(req.preserve_fds, keep);
        NotifyFdHandler on_notify = notify_fd_to_parent(*req.spec, sync);
        enter_identity(proc, seccomp, on_notify);
        linux::sys().prctl(PR_SET_PDEATHSIG, 0);
        // The sync socket closes on exec (the trampoline's too): success.
        exec_user_process(exe, proc, seccomp, on_notify, req.exec_trampoline);
    } catch (const std::exception& e) {
        try {
            sync.send(SyncType::error, std::string("exec failed: ") + e.what());
        } catch (...) {
        }
    }
    _exit(1);
}

}  // namespace

Child launch_exec(const ExecRequest& req) {
    std::vector<linux::JoinedNamespace> nss = container_namespaces(req.init_pid);
    auto [parent_sync, child_sync] = SyncChannel::make_pair();
    cgroups::SelfJoin self_join(req.cgroup);
    Cloned cloned;
    {
        // An unprivileged caller may enter the container's pid namespace only with the
        // capabilities its user namespace gives: join that one first, here, for good (the
        // child inherits it). Root enters the pid namespace from outside as before.
        if (linux::sys().geteuid() != 0) {
            for (auto it = nss.begin(); it != nss.end(); ++it) {
                if (it->flag != CLONE_NEWUSER) continue;
                linux::join_namespace(*it);
                nss.erase(it);
                break;
            }
        }
        linux::ChildNamespaceGuard for_children;
        for (const auto& ns : nss)
            if (linux::applies_to_children(ns.flag)) for_children.enter(ns);
        cloned = clone_child(0, req.cgroup ? req.cgroup->clone_into_fd() : -1);
        if (cloned.in_child) {
            parent_sync.close();
            exec_child(req, nss, self_join, child_sync);
        }
    }
    Child& child = cloned.child;
    child_sync.close();
    const cgroups::Joined joined{!self_join.empty(), cloned.joined_cgroup};
    self_join.close();
    // On any failure below, the Child kills and reaps the process.
    // The child joins the container's namespaces meanwhile and waits for `go` before it
    // takes the process's identity: the cgroup (v1) and the rlimits first.
    send_go(parent_sync, [&] {
        if (req.cgroup) req.cgroup->finish_join(child.pid(), joined);
        linux::apply_rlimits(req.process->rlimits, child.pid());
    });
    ChildRequests requests;
    requests.seccomp_fd = [&](const SyncMessage& m) {
        forward_to_seccomp_agent(*req.spec, m, req.state, child.pid(), parent_sync);
    };
    serve_child_messages(parent_sync, SetupEnd::execve, requests, "exec: unexpected message from child");
    return std::move(child);
}

}  // namespace wb::process
