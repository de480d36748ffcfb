// run, logs, exec, stop, start, restart, kill, rm, export.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <utility>

#include "lite/bundle.hpp"
#include "lite/commands.hpp"
#include "lite/commands_lite.hpp"
#include "lite/image_ops.hpp"
#include "lite/lifecycle_spec.hpp"
#include "lite/log_file.hpp"
#include "lite/network_attach.hpp"
#include "lite/overlay.hpp"
#include "lite/tty_proxy.hpp"
#include "lite/volumes.hpp"
#include "oci/serialize.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::lite {
namespace {

void check_name(const std::string& name) {
    bool ok = name.size() >= 2 && std::isalnum(static_cast<unsigned char>(name[0]));
    for (char ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '.' && ch != '-') ok = false;
    if (!ok) throw Error("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
}

// Undoes a half-made container when run fails before it starts.
struct CreateRollback {
    const LiteContext* c;
    std::string id;
    bool armed = true;
    ~CreateRollback() {
        if (!armed) return;
        try {
            unmount_if_mounted(c->layout.container_dir(id) + "/merged");
            remove_tree_same_fs(c->layout.container_dir(id));
        } catch (const std::exception& e) {
            log::warn("cleanup of {}: {}", id, e.what());
        }
    }
};

// A foreground run's network, begun before its workspace is mounted: when run fails before
// the start, the job is waited for and its attachment given back (before CreateRollback
// removes the directory).
struct EarlyNetwork {
    const LiteContext* c;
    std::string id;
    PendingNetwork job;
    bool armed = false;
    ~EarlyNetwork() {
        if (!armed) return;
        job.reap();
        release_network(*c, id);
    }
};

}  // namespace

int cmd_run(const LiteContext& c, RunOptions opts) {
    // docker run -itd from a caller without a terminal works: the container gets a pty.
    if (opts.tty && opts.interactive && !opts.detach && !::isatty(STDIN_FILENO))
        throw Error("the input device is not a TTY");
    c.layout.ensure();
    release_stale_networks(c);
    ImageStore images(c.layout);
    ImageRecord image = images.resolve(opts.image);
    if (opts.extra.entrypoint) {  // docker: --entrypoint resets the image's Cmd too
        image.config.entrypoint = *opts.extra.entrypoint;
        if (opts.command.empty()) image.config.cmd.clear();
    }
    ContainerStore store(c.layout);
    auto all = store.list();
    if (!opts.name.empty()) {
        check_name(opts.name);
        for (const auto& other : all)
            if (other.name == opts.name)
                throw Error("Conflict. The container name \"/" + opts.name + "\" is already in use by container \"" +
                            other.id + "\". You have to remove (or rename) that container to be able to reuse that name.");
    }

    ContainerRecord rec;
    rec.id = random_hex_id();
    rec.name = opts.name;
    while (rec.name.empty()) {
        rec.name = random_name();
        for (const auto& other : all)
            if (other.name == rec.name) rec.name.clear();
    }
    rec.image = opts.image;
    rec.image_id = image.id;
    rec.command = container_args(image.config, opts);
    std::string hostname = container_hostname(opts, rec.id);
    // docker: the container exposes the image's ports, --expose's and those -p publishes;
    // -P publishes them all, commit keeps them.
    rec.config.exposed_ports = merge_exposed_ports(image.config.exposed_ports, opts.expose, opts.publish);
    NetworkRequest network = make_network_request(c, opts, rec.name, hostname, rec.config.exposed_ports);
    rec.config.entrypoint = image.config.entrypoint;
    rec.config.cmd = opts.command.empty() ? image.config.cmd : opts.command;
    rec.config.env = image.config.env;
    for (const auto& e : opts.env) set_env(rec.config.env, e);
    rec.config.working_dir = opts.workdir.empty() ? image.config.working_dir : opts.workdir;
    rec.config.user = opts.user.empty() ? image.config.user : opts.user;
    rec.created = now_rfc3339();
    rec.auto_remove = opts.auto_remove;
    rec.tty = opts.tty;
    rec.interactive = opts.interactive;
    rec.lifecycle = opts.lifecycle;
    if (rec.lifecycle.stop_signal.empty()) rec.lifecycle.stop_signal = image.config.stop_signal;
    rec.config.stop_signal = image.config.stop_signal;
    prepare_lifecycle(rec.lifecycle, c.layout);  // lifecycle_spec.hpp: the --userns range
    resolve_volumes(c.layout, opts.volumes, rec.id);  // volumes.hpp: named, anonymous, bind sources
    for (const auto& v : opts.volumes)
        if (v.type != "tmpfs") rec.volumes.push_back(v.host + ":" + v.container + (v.readonly ? ":ro" : ""));

    std::string dir = store.dir(rec.id);
    if (::mkdir(dir.c_str(), 0711) < 0) throw_errno("create " + dir);
    CreateRollback rollback{&c, rec.id};
    store.save(rec);
    write_etc_files(dir, hostname, opts.net);
    save_network_request(dir, network);
    // In the foreground the network's job (CNI ADD, which starts Go programs) begins now,
    // beside the workspace's mount, the spec and the runtime's create. The start is
    // recorded first, so a concurrent command never takes the container for a dead one
    // holding a network (release_stale_networks). A refusal (a port taken) is left to
    // run_attached, which begins it again and reports it as a failed start, as before.
    EarlyNetwork early{&c, rec.id, {}};
    // (Not under a restart policy: the monitor runs that container, run_under_monitor.)
    if (!opts.create_only && !opts.detach && network.mode == "cni" && rec.lifecycle.restart.name == "no") {
        record_start(c, rec.id, ::getpid());
        try {
            early.job = begin_attach_network(c, rec.id);
            early.armed = true;
        } catch (const Error& e) {
            log::debug("the network of {}, begun early: {}", rec.id, e.what());
        }
    }
    mount_workspace(c, rec);
    BundlePaths paths{rec.id, dir, dir + "/merged"};
    ResolvedUser user = resolve_user(rec.config.user, paths.rootfs);
    oci::Spec spec = build_spec(image.config, opts, paths, user);
    check_executable(paths.rootfs, spec.process->args.front(), spec.process->env);
    apply_lifecycle_to_spec(spec, rec.lifecycle);  // --init, --userns
    apply_network_request(c, network, dir, spec);
    fs::write_file_atomic(dir + "/config.json", oci::serialize_spec(spec), 0600, fs::Sync::no_fsync);
    rollback.armed = false;

    if (opts.create_only) {
        std::cout << rec.id << std::endl;
        return 0;
    }
    if (opts.detach) {
        start_detached(c, rec.id);
        std::cout << rec.id << std::endl;
        return 0;
    }
    // docker: with a restart policy the monitor runs the container while we stay attached
    // to its first run (commands_attach.cpp).
    if (rec.lifecycle.restart.name != "no") return run_under_monitor(c, rec.id, opts.interactive);
    bool began = std::exchange(early.armed, false);
    return run_attached(c, rec.id, opts.interactive, began ? &early.job : nullptr);
}

int cmd_logs(const LiteContext& c, const std::string& ref, const LogQuery& query) {
    ContainerStore store(c.layout);
    ContainerRecord r = store.resolve(ref);
    print_log(store.dir(r.id) + "/container.log", query, [&] {
        if (!store.exists(r.id)) return false;
        return container_alive(c, store.load(r.id));
    });
    return 0;
}

int cmd_exec(const LiteContext& c, const ExecRequest& req) {
    ContainerStore store(c.layout);
    ContainerRecord r = store.resolve(req.ref);
    if (!container_running(c, r)) throw Error("Container " + r.id + " is not running");
    if (req.tty && req.interactive && !::isatty(STDIN_FILENO)) throw Error("the input device is not a TTY");
    runtime::ExecFlags flags;
    flags.args = req.command;
    for (const auto& e : req.env)
        if (auto v = parse_env_flag(e)) flags.env.push_back(*v);
    // docker: 127 for a command not found in the container, 126 for one it cannot run.
    std::vector<std::string> exec_env = r.config.env;
    for (const auto& e : flags.env) set_env(exec_env, e);
    check_executable(store.dir(r.id) + "/merged", req.command.front(), exec_env);
    flags.cwd = req.workdir;
    if (!req.user.empty()) {
        ResolvedUser u = resolve_user(req.user, store.dir(r.id) + "/merged");
        flags.user = std::to_string(u.uid) + ":" + std::to_string(u.gid);
        flags.additional_gids = u.additional_gids;
    }
    flags.tty = req.tty;
    runtime::ExecOptions eo;
    eo.id = r.id;
    eo.detach = req.detach;
    eo.process = runtime::build_exec_process(c.runtime, r.id, flags, &eo.spec);
    std::optional<ForegroundConsole> console;
    if (req.tty && !req.detach) {
        console.emplace(req.interactive);
        eo.console_socket = console->socket_path();
    }
    if (req.detach || (!req.interactive && !req.tty)) {
        int null = ::open("/dev/null", req.detach ? O_RDWR : O_RDONLY);
        if (null >= 0) {
            ::dup2(null, 0);
            if (req.detach) {
                ::dup2(null, 1);
                ::dup2(null, 2);
            }
            ::close(null);
        }
    }
    int status = 0;
    try {
        status = runtime::exec(c.runtime, eo);
    } catch (const Error& e) {
        if (console) console->finish(true);
        // docker: an exec the runtime could not start is 126 (127 when not found).
        int code = exit_code_for_start_error(e.what());
        throw ExitError(e.what(), code != kExitLiteError                               ? code
                                  : std::string(e.what()).find("exec") != std::string::npos ? kExitCannotInvoke
                                                                                           : 1);
    }
    if (console) console->finish(false);
    return status;
}

int cmd_stop(const LiteContext& c, const std::vector<std::string>& refs, std::optional<int> timeout) {
    ContainerStore store(c.layout);
    int rc = 0;
    for (const auto& ref : refs) {
        try {
            stop_container(c, store.resolve(ref), timeout);
            std::cout << ref << std::endl;
        } catch (const Error& e) {
            std::cerr << "Error: " << e.what() << "\n";
            rc = 1;
        }
    }
    return rc;
}

int cmd_start(const LiteContext& c, const std::vector<std::string>& refs) {
    ContainerStore store(c.layout);
    int rc = 0;
    for (const auto& ref : refs) {
        try {
            ContainerRecord r = store.resolve(ref);
            if (!container_alive(c, r)) {
                // A runtime record left by a container nobody waited for.
                try {
                    runtime::remove(c.runtime, r.id, true);
                } catch (const Error&) {
                }
                mount_workspace(c, r);
                start_detached(c, r.id);
            }
            std::cout << ref << std::endl;
        } catch (const ExitError&) {
            throw;
        } catch (const Error& e) {
            std::cerr << "Error: " << e.what() << "\n";
            rc = 1;
        }
    }
    return rc;
}

int cmd_restart(const LiteContext& c, const std::vector<std::string>& refs, std::optional<int> timeout) {
    ContainerStore store(c.layout);
    for (const auto& ref : refs) {
        ContainerRecord r = store.resolve(ref);
        stop_container(c, r, timeout);
        mount_workspace(c, store.load(r.id));
        start_detached(c, r.id);
        std::cout << ref << std::endl;
    }
    return 0;
}

int cmd_kill(const LiteContext& c, const std::vector<std::string>& refs, const std::string& signal) {
    int sig = parse_signal_name(signal);
    ContainerStore store(c.layout);
    int rc = 0;
    for (const auto& ref : refs) {
        try {
            ContainerRecord r = store.resolve(ref);
            if (!container_running(c, r))
                throw Error("Cannot kill container: " + ref + ": Container " + r.id + " is not running");
            // docker: KILL or the container's stop signal is a stop by hand (no restart).
            if (sig == SIGKILL || sig == stop_signal_of(r.lifecycle)) mark_manually_stopped(c, r.id);
            runtime::kill(c.runtime, r.id, sig, false);
            std::cout << ref << std::endl;
        } catch (const Error& e) {
            std::cerr << "Error: " << e.what() << "\n";
            rc = 1;
        }
    }
    return rc;
}

int cmd_rm(const LiteContext& c, const std::vector<std::string>& refs, bool force, bool volumes) {
    ContainerStore store(c.layout);
    release_stale_networks(c);
    int rc = 0;
    for (const auto& ref : refs) {
        try {
            ContainerRecord r = store.resolve(ref);
            remove_container(c, r, force);
            if (volumes) remove_anonymous_volumes(c.layout, r.id);
            std::cout << ref << std::endl;
        } catch (const Error& e) {
            std::cerr << "Error: " << e.what() << "\n";
            rc = 1;
        }
    }
    return rc;
}

int cmd_export(const LiteContext& c, const std::string& ref, const std::string& file) {
    ContainerStore store(c.layout);
    ContainerRecord r = store.resolve(ref);
    std::string merged = store.dir(r.id) + "/merged";
    if (file.empty() && ::isatty(STDOUT_FILENO))
        throw Error("cowardly refusing to save to a terminal. Use the -o flag or redirect");
    if (!is_mount_point(merged)) {
        // Mount the workspace in a mount namespace of our own: it goes away with us.
        if (::unshare(CLONE_NEWNS) < 0) throw_errno("unshare mount namespace");
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) throw_errno("make / private");
        mount_workspace(c, r);
    }
    export_rootfs(merged, file.empty() ? "-" : file);
    return 0;
}

}  // namespace wb::lite
