#include "process/launcher.hpp"

#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "linux/rlimits.hpp"
#include "linux/rootless.hpp"
#include "linux/syscalls.hpp"
#include "process/clone.hpp"
#include "process/hooks.hpp"
#include "process/init.hpp"
#include "process/mount_sources.hpp"
#include "process/parent_loop.hpp"
#include "process/seccomp_agent.hpp"
#include "util/error.hpp"

namespace wb::process {
namespace {

linux::RootfsConfig rootfs_config(const LaunchRequest& req, const linux::NamespacePlan& plan) {
    linux::RootfsConfig cfg;
    cfg.rootfs = req.rootfs;
    cfg.no_pivot = req.no_pivot;
    cfg.mount_namespace = req.spec->linux && req.spec->linux->find_namespace("mount");
    cfg.in_user_namespace = plan.new_user;
    for (const auto& j : plan.joins) cfg.in_user_namespace |= j.flag == CLONE_NEWUSER;
    // A runtime that itself runs in a user namespace (rootless podman runs it in its own)
    // may not mknod devices either and meets locked mount flags: runc's RunningInUserNS.
    cfg.in_user_namespace |= linux::current_caller().in_user_namespace;
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

const oci::Linux& linux_of(const oci::Spec& spec) {
    static const oci::Linux no_linux;
    return spec.linux ? *spec.linux : no_linux;
}

// Why the init closed the sync channel before `ready` without a word: a signal killed it
// (a seccomp filter that kills, a crash). Empty when it exited, or does not end within a
// moment.
std::string death_of(Child& init) {
    if (init.pidfd() < 0) return {};
    struct pollfd p {init.pidfd(), POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return {};
    const int status = init.wait();
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const char* name = sigabbrev_np(sig);
        std::string text = "the init was killed by SIG" + std::string(name ? name : std::to_string(sig).c_str());
        return sig == SIGSYS ? text + " (seccomp)" : text;
    }
    return {};  // an exit: the init said why on the channel first, or the error stands
}

// Hooks the runtime or the init runs while the container is being created.
bool has_create_hooks(const oci::Spec& spec) {
    return spec.hooks && (!spec.hooks->prestart.empty() || !spec.hooks->create_runtime.empty() ||
                          !spec.hooks->create_container.empty());
}

}  // namespace

uint64_t oom_kill_count(const cgroups::Manager* cgroup) {
    try {
        return cgroup ? cgroup->oom_kill_count() : 0;
    } catch (const Error&) {
        return 0;
    }
}

void set_up_init(const LaunchRequest& req, const linux::NamespacePlan& plan, Child& init, cgroups::Joined joined,
                 uint64_t ooms_before, const SyncChannel& sync) {
    const oci::Spec& spec = *req.spec;
    state::OciState state = req.state;
    state.pid = init.pid();
    const bool hooks = has_create_hooks(spec);
    try {
        // (An init that sets up before `go`, InitConfig::setup_before_go, may fail meanwhile.)
        send_go(sync, [&] {
            if (plan.new_user) linux::write_id_maps(init.pid(), linux_of(spec));
            if (req.cgroup) req.cgroup->finish_join(init.pid(), joined);
            linux::apply_rlimits(spec.process->rlimits, init.pid());
        });
        if (req.record && !hooks) req.record(init.pid());
        ChildRequests requests;
        requests.seccomp_fd = [&](const SyncMessage& m) {
            forward_to_seccomp_agent(spec, m, state, init.pid(), sync);
        };
        requests.run_hooks = [&] {
            if (spec.hooks) {
                run_hooks(spec.hooks->prestart, state, "prestart");
                run_hooks(spec.hooks->create_runtime, state, "createRuntime");
            }
            sync.send(SyncType::hooks_done);
        };
        serve_child_messages(sync, SetupEnd::ready, requests, "sync: unexpected message from init");
        if (req.record && hooks) req.record(init.pid());
    } catch (const Error& e) {
        const std::string death = e.code() == EPIPE ? death_of(init) : "";
        init.kill_and_reap();
        if (oom_kill_count(req.cgroup) > ooms_before)
            throw Error(std::string("container init was OOM-killed (memory limit too low?): ") + e.what());
        if (!death.empty()) throw Error("unable to start container process: " + death);
        throw;
    } catch (...) {
        init.kill_and_reap();
        throw;
    }
}

Child launch_init(const LaunchRequest& req) {
    const oci::Spec& spec = *req.spec;
    const oci::Linux& lx = linux_of(spec);
    linux::NamespacePlan plan = linux::plan_namespaces(lx);
    auto [parent_sync, child_sync] = SyncChannel::make_pair();

    InitConfig cfg;
    cfg.spec = &spec;
    cfg.id = req.id;
    cfg.rootfs = rootfs_config(req, plan);
    cfg.namespaces = &plan;
    cfg.no_new_keyring = req.no_new_keyring;
    cfg.dumpable_until_go = plan.new_user && linux::sys().geteuid() != 0;
    cfg.preserve_fds = req.preserve_fds;
    cfg.fifo_fd = req.fifo_fd;
    cfg.console_socket = req.console_socket;
    cfg.create_hooks = has_create_hooks(spec);
    cfg.state = req.state;
    if (spec.hooks) cfg.create_container_hooks = spec.hooks->create_container;

    // The limits are in place before the init joins: one too low to start gets it
    // OOM-killed, which the sync channel only sees as a broken pipe.
    const uint64_t ooms_before = oom_kill_count(req.cgroup);
    // Opened with the host's credentials, inherited by the init (closed here after the clone).
    MountSources mount_sources = open_mount_sources(spec, cfg.rootfs.in_user_namespace);
    cfg.rootfs.mount_trees = mount_sources.fds();
    // v1: the init writes itself into its cgroups first thing (no global lock, see
    // cgroups::Manager::self_join_files).
    cgroups::SelfJoin self_join(req.cgroup);
    cfg.cgroup_join = &self_join;
    Cloned cloned;
    {
        // pid and time namespaces apply to children: enter them here, just for the clone.
        linux::ChildNamespaceGuard for_children;
        for (const auto& j : plan.joins)
            if (linux::applies_to_children(j.flag)) for_children.enter(j);
        uint64_t flags = static_cast<uint64_t>(plan.clone_flags) & ~static_cast<uint64_t>(linux::kCloneNewTime);
        if (plan.new_time) for_children.unshare_time(lx);
        int cgroup_fd = req.cgroup ? req.cgroup->clone_into_fd() : -1;
        if ((flags & CLONE_NEWCGROUP) && (cgroup_fd < 0 || !self_join.empty()) && req.cgroup) {
            // Joined after the clone (v1): unshare the namespace only then.
            flags &= ~static_cast<uint64_t>(CLONE_NEWCGROUP);
            cfg.unshare_cgroupns = true;
        }
        // No user namespace anywhere (ids mapped before `go`), no create hooks, no cgroup
        // namespace to unshare once moved, and cgroup directories there to mount (not a
        // systemd scope, which appears with the move): the init sets up while we move it.
        cfg.setup_before_go = !plan.new_user && !cfg.rootfs.in_user_namespace && !cfg.create_hooks &&
                              !cfg.unshare_cgroupns && (!req.cgroup || req.cgroup->dirs_exist_before_join());
        cloned = clone_child(flags, cgroup_fd);
        if (cloned.in_child) {
            parent_sync.close();
            container_init(cfg, child_sync);
        }
    }
    child_sync.close();
    mount_sources = {};
    const cgroups::Joined joined{!self_join.empty(), cloned.joined_cgroup};
    self_join.close();
    set_up_init(req, plan, cloned.child, joined, ooms_before, parent_sync);
    return std::move(cloned.child);
}

}  // namespace wb::process
