#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "cgroups/missing_dirs.hpp"
#include "linux/console.hpp"
#include "linux/sealed_exe.hpp"
#include "oci/validate.hpp"
#include "process/launcher.hpp"
#include "runtime/foreground.hpp"
#include "runtime/internal.hpp"
#include "runtime/rootless.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

namespace wb::runtime {
namespace {

std::string absolute_path(const std::string& path) {
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) throw_errno("resolve " + path);
    return buf;
}

}  // namespace

void add_default_device_rules(oci::Resources& r) {
    auto allow = [&](const char* type, std::optional<int64_t> major, std::optional<int64_t> minor) {
        r.devices.push_back({true, type, major, minor, "rwm"});
    };
    // mknod of any node (opening one still needs its own rule), as runc: image builds
    // and package scripts make device nodes.
    r.devices.push_back({true, "c", std::nullopt, std::nullopt, "m"});
    r.devices.push_back({true, "b", std::nullopt, std::nullopt, "m"});
    allow("c", 1, 3);    // null
    allow("c", 1, 5);    // zero
    allow("c", 1, 7);    // full
    allow("c", 1, 8);    // random
    allow("c", 1, 9);    // urandom
    allow("c", 5, 0);    // tty
    allow("c", 5, 1);    // console
    allow("c", 5, 2);    // ptmx
    allow("c", 136, std::nullopt);  // pts/*
    allow("c", 10, 200);  // net/tun
}

namespace {

// Undoes what a failing create made, in reverse order.
struct Rollback {
    const state::Store* store = nullptr;
    std::string id;
    bool dir_made = false;
    cgroups::Manager* cgroup = nullptr;
    bool armed = true;
    ~Rollback() {
        if (!armed) return;
        if (cgroup) {
            try {
                if (!cgroup->pids().empty()) cgroup->kill_all(SIGKILL);
                cgroup->destroy();
            } catch (const std::exception& e) {
                log::warn("rollback: remove cgroup: {}", e.what());
            }
        }
        if (dir_made) {
            try {
                store->remove(id);
            } catch (const std::exception& e) {
                log::warn("rollback: {}", e.what());
            }
        }
    }
};

// runc (libcontainer's factory Create): a cgroup that already holds processes is used
// with a warning; one that is frozen is refused, as its init would never run (a `run -d`
// would wait for it for ever). Before anything is made, so nothing needs undoing.
void check_existing_cgroup(const cgroups::Manager& cgroup) {
    std::vector<pid_t> pids;
    bool frozen = false;
    try {
        pids = cgroup.pids();
        frozen = cgroup.frozen();
    } catch (const Error& e) {
        log::debug("existing cgroup: {}", e.what());  // not there yet: nothing to check
    }
    if (!pids.empty()) log::warn("container's cgroup is not empty: {} process(es) found", pids.size());
    if (frozen) throw Error("container's cgroup unexpectedly frozen");
}

// A rootless caller's cgroup: made and limited like root's when it may write there (a
// delegated cgroup v2 subtree), else none at all as runc does, unless the config names a
// cgroupsPath or asks for limits (then the one-line reason). False when there is none.
bool make_rootless_cgroup(std::unique_ptr<cgroups::Manager>& cgroup, const oci::Resources& resources,
                          const std::string& cgroups_path, Rollback& rollback) {
    try {
        cgroup->create();
        rollback.cgroup = cgroup.get();
        cgroup->apply(resources);
        return true;
    } catch (const Error& e) {
        if (!cgroup_error_is_ignorable(e.code())) throw;
        if (!cgroups_path.empty())
            throw Error("rootless container cannot use its cgroupsPath \"" + cgroups_path +
                            "\" (a cgroup v2 subtree delegated to the user is needed): " + e.what(),
                        e.code());
        if (resources_need_cgroup(resources))
            throw Error("rootless container cannot set cgroup limits without a writable cgroup: " +
                            std::string(e.what()),
                        e.code());
        log::debug("rootless: no cgroup for the container: {}", e.what());
        if (rollback.cgroup) {
            try {
                cgroup->destroy();
            } catch (const Error&) {
            }
            rollback.cgroup = nullptr;
        }
        cgroup.reset();
        return false;
    }
}

}  // namespace

// The record a create or restore writes before it makes anything (status "creating"),
// naming the cgroups it may make so that `delete` can remove them.
state::State first_record(const oci::Spec& spec, const std::string& id, const std::string& bundle,
                          const std::string& rootfs, const std::string& config_path,
                          const cgroups::Manager& cgroup, bool systemd_cgroup) {
    state::State s;
    s.oci_version = spec.oci_version;
    s.id = id;
    s.status = state::Status::creating;
    s.bundle = bundle;
    s.annotations = spec.annotations;
    s.rootfs = rootfs;
    s.created = now_rfc3339();
    s.cgroup_path = cgroup.path();
    s.cgroup_paths = cgroup.controller_paths();
    s.cgroup_created = cgroups::missing_dirs(cgroup);
    s.systemd_cgroup = systemd_cgroup;
    s.config_path = config_path;
    s.creator_pid = ::getpid();
    s.creator_start_time = state::process_start_time(s.creator_pid);
    return s;
}


Created create_container(const Context& ctx, const CreateOptions& opts) {
    state::validate_id(opts.id);
    if (opts.preserve_fds < 0) throw Error("--preserve-fds must not be negative");
    std::string bundle = absolute_path(opts.bundle.empty() ? "." : opts.bundle);
    std::string pid_file = opts.pid_file;
    if (!pid_file.empty() && pid_file.front() != '/') {
        char cwd[PATH_MAX];
        if (!::getcwd(cwd, sizeof cwd)) throw_errno("getcwd");
        pid_file = fs::join(cwd, pid_file);
    }
    std::string config_path = fs::join(bundle, "config.json");
    oci::Spec spec = oci::load_spec(bundle);
    std::string rootfs = oci::validate_for_create(spec, bundle, {!opts.console_socket.empty(), opts.proxy_tty});
    const auto& lx = *spec.linux;
    if (ctx.rootless) check_rootless_spec(spec);
    // CVE-2019-5736: before anything exists, as the command may start over.
    if (linux::needs_sealed_exe(spec) && !linux::self_exe_is_sealed()) {
        if (opts.may_reexec) linux::ensure_sealed_self_exe();  // execs, or throws
        else log::warn("the container may hold CAP_SYS_PTRACE but the runtime binary is not a sealed copy");
    }
    rootfs = absolute_path(rootfs);
    // Socket activation: LISTEN_FDS fds (3..) go first, then the --preserve-fds ones (as runc).
    int preserve_fds = opts.preserve_fds;
    if (const char* listen = std::getenv("LISTEN_FDS"); listen && *listen) {
        int n = std::atoi(listen);
        if (n > 0) {
            preserve_fds += n;
            spec.process->env.push_back("LISTEN_FDS=" + std::to_string(n));
            spec.process->env.push_back("LISTEN_PID=1");
        }
    }
    const bool proxy_tty = spec.process->terminal && opts.console_socket.empty() && opts.proxy_tty;

    state::Store store(ctx.root);
    // Where the cgroup goes; nothing is made yet.
    cgroups::Placement placement{lx.cgroups_path, opts.id, ctx.systemd_cgroup};
    std::unique_ptr<cgroups::Manager> cgroup = cgroups::make_manager(placement);
    check_existing_cgroup(*cgroup);

    // The first record, written before anything is made: a create killed from here on
    // leaves a "creating" container whose record names the cgroups (and the parents)
    // it may have made, which `delete` removes (docs/architecture.md).
    state::State s = first_record(spec, opts.id, bundle, rootfs, config_path, *cgroup, ctx.systemd_cgroup);

    // Declared in this order so that the rollback runs while the manager still exists and
    // the lock is still held.
    state::Lock lock;
    Rollback rollback;
    rollback.store = &store;
    rollback.id = opts.id;
    lock = store.create_dir(s);
    rollback.dir_made = true;

    oci::Resources resources = lx.resources.value_or(oci::Resources{});
    if (ctx.rootless) {
        // No device cgroup for an unprivileged user (runc ignores its errors): the user
        // namespace already keeps it from opening device nodes it does not own.
        resources.devices.clear();
        if (!make_rootless_cgroup(cgroup, resources, lx.cgroups_path, rollback)) {
            s.cgroup_path.clear();
            s.cgroup_paths.clear();
            s.cgroup_created.clear();
            store.save(s);
        }
    } else {
        cgroup->create();
        rollback.cgroup = cgroup.get();
        add_default_device_rules(resources);
        cgroup->apply(resources);
    }

    std::string fifo_path = store.fifo_path(opts.id);
    mode_t old_umask = ::umask(0);
    int fifo_rc = ::mkfifo(fifo_path.c_str(), 0622);
    ::umask(old_umask);
    if (fifo_rc < 0) throw_errno("create exec fifo");
    UniqueFd fifo(::open(fifo_path.c_str(), O_PATH | O_CLOEXEC));
    if (!fifo) throw_errno("open exec fifo");

    UniqueFd console, console_receiver;
    if (!opts.console_socket.empty()) {
        console = linux::connect_console_socket(opts.console_socket);
    } else if (proxy_tty) {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) throw_errno("socketpair");
        console_receiver.reset(sv[0]);
        console.reset(sv[1]);
    }

    // Relative bind-mount sources are relative to the bundle, as in runc.
    if (::chdir(bundle.c_str()) < 0) throw_errno("chdir " + bundle);

    process::LaunchRequest req;
    req.spec = &spec;
    req.id = opts.id;
    req.rootfs = rootfs;
    req.no_pivot = opts.no_pivot;
    req.no_new_keyring = opts.no_new_keyring;
    req.preserve_fds = preserve_fds;
    req.fifo_fd = fifo.get();
    req.console_socket = console.get();
    req.cgroup = cgroup.get();
    req.state = state::oci_state(s, state::Status::creating, 0);
    // The record is written while the init finishes its setup (launcher.hpp).
    req.record = [&](pid_t pid) {
        s.status = state::Status::created;
        s.pid = pid;
        s.init_start_time = state::process_start_time(pid);
        if (cgroup) s.cgroup_created = cgroup->created_dirs();
        s.creator_pid = 0;
        s.creator_start_time = 0;
        store.save(s);
    };
    // Killed and reaped by its destructor if anything below throws (before the rollback).
    process::Child init = process::launch_init(req);
    UniqueFd console_master;
    if (console_receiver) {
        console_master = linux::receive_fd(console_receiver.get());
        prepare_proxied_pty(console_master.get());  // before start
    }
    if (!pid_file.empty()) fs::write_file_atomic(pid_file, std::to_string(init.pid()), 0644, fs::Sync::no_fsync);
    rollback.armed = false;
    return Created{std::move(s), std::move(init), std::move(console_master), std::move(spec.hooks).value_or(oci::Hooks{}),
                   std::move(cgroup)};
}

void create(const Context& ctx, const CreateOptions& opts) {
    // The init stays parked on the exec fifo after we exit: `start` releases it.
    create_container(ctx, opts).init.release();
}

}  // namespace wb::runtime
