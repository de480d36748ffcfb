#include "process/launcher.hpp"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "linux/namespaces.hpp"
#include "linux/rlimits.hpp"
#include "process/child_log.hpp"
#include "process/init.hpp"
#include "process/seccomp_agent.hpp"
#include "process/sync.hpp"
#include "runtime/hooks.hpp"
#include "util/error.hpp"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

namespace wb::process {
namespace {

// clone3 as fork(2): returns 0 in the child. Falls back to clone(2) without
// CLONE_INTO_CGROUP (the caller then joins the cgroup by pid).
pid_t clone_child(uint64_t flags, int cgroup_fd, int* pidfd, bool* joined_cgroup) {
    struct clone_args args {};
    args.flags = flags | CLONE_PIDFD;
    args.pidfd = reinterpret_cast<uint64_t>(pidfd);
    args.exit_signal = SIGCHLD;
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = static_cast<uint64_t>(cgroup_fd);
    }
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid >= 0) {
        *joined_cgroup = cgroup_fd >= 0;
        return static_cast<pid_t>(pid);
    }
    if (errno != ENOSYS && errno != E2BIG && !(cgroup_fd >= 0 && errno == EINVAL)) throw_errno("clone");
    // Old kernel: plain clone, fork-like (no stack), cgroup joined afterwards.
    *joined_cgroup = false;
    pid = ::syscall(SYS_clone, static_cast<unsigned long>(flags | CLONE_PIDFD | SIGCHLD), nullptr, pidfd, nullptr, 0);
    if (pid < 0) throw_errno("clone");
    return static_cast<pid_t>(pid);
}

linux::RootfsConfig rootfs_config(const LaunchRequest& req, const linux::NamespacePlan& plan) {
    linux::RootfsConfig cfg;
    cfg.rootfs = req.rootfs;
    cfg.no_pivot = req.no_pivot;
    cfg.in_user_namespace = plan.new_user;
    for (const auto& j : plan.joins) cfg.in_user_namespace |= j.flag == CLONE_NEWUSER;
    cfg.new_cgroup_namespace = plan.clone_flags & CLONE_NEWCGROUP;
    if (req.cgroup) {
        auto paths = req.cgroup->controller_paths();
        cfg.cgroup2_host = req.cgroup->mode() == cgroups::Mode::unified;
        for (const auto& [controller, dir] : paths) {
            if (controller.empty()) {
                if (cfg.cgroup2_host) cfg.cgroup2_host_path = dir;
                continue;
            }
            std::string name = controller;
            if (name.rfind("name=", 0) == 0) name = name.substr(5);
            cfg.cgroup_binds.push_back({name, dir});
        }
    }
    return cfg;
}

}  // namespace

void kill_and_reap(pid_t pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

Init launch_init(const LaunchRequest& req) {
    const oci::Spec& spec = *req.spec;
    static const oci::Linux no_linux;
    const oci::Linux& lx = spec.linux ? *spec.linux : no_linux;
    linux::NamespacePlan plan = linux::plan_namespaces(lx);
    auto [parent_sync, child_sync] = SyncChannel::make_pair();

    InitConfig cfg;
    cfg.spec = &spec;
    cfg.id = req.id;
    cfg.rootfs = rootfs_config(req, plan);
    cfg.namespaces = &plan;
    cfg.no_new_keyring = req.no_new_keyring;
    cfg.preserve_fds = req.preserve_fds;
    cfg.fifo_fd = req.fifo_fd;
    cfg.console_socket = req.console_socket;
    const bool has_create_hooks =
        spec.hooks && (!spec.hooks->prestart.empty() || !spec.hooks->create_runtime.empty() ||
                       !spec.hooks->create_container.empty());
    cfg.create_hooks = has_create_hooks;
    cfg.state_json = req.hook_state ? req.hook_state(0) : "{}";
    if (spec.hooks) cfg.create_container_hooks = spec.hooks->create_container;

    // The limits are in place before the init joins: one too low to start gets it
    // OOM-killed, which the sync channel only sees as a broken pipe.
    auto oom_kills = [&]() -> uint64_t {
        try {
            return req.cgroup ? req.cgroup->oom_kill_count() : 0;
        } catch (const Error&) {
            return 0;
        }
    };
    const uint64_t ooms_before = oom_kills();
    int pidfd = -1;
    bool joined_cgroup = false;
    pid_t pid;
    {
        // pid and time namespaces apply to children: enter them here, just for the clone.
        linux::ChildNamespaceGuard for_children;
        for (const auto& j : plan.joins)
            if (linux::applies_to_children(j.flag)) for_children.enter(j);
        uint64_t flags = static_cast<uint64_t>(plan.clone_flags) & ~static_cast<uint64_t>(linux::kCloneNewTime);
        if (plan.new_time) for_children.unshare_time(lx);
        int cgroup_fd = req.cgroup ? req.cgroup->clone_into_fd() : -1;
        if ((flags & CLONE_NEWCGROUP) && cgroup_fd < 0 && req.cgroup) {
            // Joined by pid after the clone (v1): unshare the namespace only then.
            flags &= ~static_cast<uint64_t>(CLONE_NEWCGROUP);
            cfg.unshare_cgroupns = true;
        }
        pid = clone_child(flags, cgroup_fd, &pidfd, &joined_cgroup);
        if (pid == 0) {
            parent_sync.close();
            container_init(cfg, child_sync);
        }
    }
    Init init{pid, UniqueFd(pidfd)};
    child_sync.close();
    try {
        if (plan.new_user) linux::write_id_maps(pid, lx);
        if (req.cgroup && !joined_cgroup) req.cgroup->add_process(pid);
        linux::apply_rlimits(spec.process->rlimits, pid);
        parent_sync.send(SyncType::go);
        for (;;) {
            SyncMessage m = parent_sync.receive();
            if (m.type == SyncType::error) throw Error(m.payload);
            if (m.type == SyncType::ready) break;
            if (m.type == SyncType::log) {
                log_child_record(m);
                continue;
            }
            if (m.type == SyncType::seccomp_fd) {
                std::string state = req.hook_state ? req.hook_state(pid) : "{}";
                forward_to_seccomp_agent(spec, m, state, pid, parent_sync);
                continue;
            }
            if (m.type == SyncType::run_hooks) {
                std::string state = req.hook_state ? req.hook_state(pid) : "{}";
                if (spec.hooks) {
                    runtime::run_hooks(spec.hooks->prestart, state, "prestart");
                    runtime::run_hooks(spec.hooks->create_runtime, state, "createRuntime");
                }
                parent_sync.send(SyncType::hooks_done, state);
                continue;
            }
            throw Error("sync: unexpected message from init");
        }
    } catch (const Error& e) {
        kill_and_reap(pid);
        if (oom_kills() > ooms_before)
            throw Error(std::string("container init was OOM-killed (memory limit too low?): ") + e.what());
        throw;
    } catch (...) {
        kill_and_reap(pid);
        throw;
    }
    return init;
}

}  // namespace wb::process
