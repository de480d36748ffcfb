#include <fcntl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <map>
#include <set>

#include "cgroups/missing_dirs.hpp"
#include "criu/args.hpp"
#include "criu/notify.hpp"
#include "criu/run.hpp"
#include "linux/console.hpp"
#include "linux/syscalls.hpp"
#include "oci/validate.hpp"
#include "process/child.hpp"
#include "process/hooks.hpp"
#include "runtime/checkpoint_images.hpp"
#include "runtime/foreground.hpp"
#include "runtime/internal.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

namespace wb::runtime {
namespace {

std::string absolute(const std::string& path) {
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) throw_errno("resolve " + path);
    return buf;
}

// Undoes a failing restore: the processes and cgroup, then the record.
struct RestoreRollback {
    const state::Store* store = nullptr;
    std::string id;
    bool dir_made = false;
    cgroups::Manager* cgroup = nullptr;
    bool armed = true;
    ~RestoreRollback() {
        if (!armed) return;
        if (cgroup) {
            try {
                kill_and_remove_cgroup(*cgroup);
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

// A new pty for a restored tty container: the master goes to the console socket, the
// slave is handed to criu in place of the dumped one.
struct Pty {
    UniqueFd master, slave;
    std::string slave_path;
};

Pty open_pty_for(const std::string& console_socket) {
    Pty p;
    p.master.reset(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!p.master) throw_errno("open /dev/ptmx");
    if (::grantpt(p.master.get()) < 0 || ::unlockpt(p.master.get()) < 0) throw_errno("unlock pty");
    char name[64] = {};
    if (::ptsname_r(p.master.get(), name, sizeof name) != 0) throw_errno("ptsname");
    p.slave_path = name;
    p.slave.reset(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!p.slave) throw_errno("open " + p.slave_path);
    UniqueFd socket = linux::connect_console_socket(console_socket);
    linux::send_fd(socket.get(), p.master.get(), name);
    return p;
}

// The host path each external mount of the dump stands for now. The cgroup mount is the
// new cgroup2 directory on a cgroup v2 host; on v1 it is a tmpfs (criu restores it) with
// one bind mount per hierarchy, DEST/NAME, of the new cgroup's directory there.
std::string external_source(const std::string& dest, const oci::Spec& spec, const std::string& bundle, const Pty& pty,
                            const std::map<std::string, std::string>& cgroup_paths, bool unified) {
    for (const auto& m : spec.mounts) {
        if (m.type != "cgroup" && m.type != "cgroup2") continue;
        if (unified && m.destination == dest) {
            auto it = cgroup_paths.find("");
            if (it == cgroup_paths.end()) throw Error("cannot restore the cgroup mount " + dest + ": no cgroup v2 directory");
            return it->second;
        }
        if (unified || dest.rfind(m.destination + "/", 0) != 0) continue;
        std::string name = dest.substr(m.destination.size() + 1);
        for (const auto& [controller, dir] : cgroup_paths) {
            if (!controller.empty() && cgroup_bind_name(controller) == name) return dir;
        }
        throw Error("cannot restore the cgroup mount " + dest + ": no cgroup v1 hierarchy " + name + " here");
    }
    for (const auto& m : spec.mounts) {
        if (m.destination != dest) continue;
        std::string src = m.source;
        if (!src.empty() && src.front() != '/') src = fs::join(bundle, src);
        return src;
    }
    if (dest == "/dev/console") {
        if (pty.slave_path.empty()) throw Error("the checkpoint is of a tty container: restore it with --console-socket");
        return pty.slave_path;
    }
    return "/dev/null";  // a masked file
}

}  // namespace

int restore(const Context& ctx, const RestoreOptions& opts) {
    state::validate_id(opts.id);
    std::string bundle = absolute(opts.bundle.empty() ? "." : opts.bundle);
    std::string pid_file = opts.pid_file.empty() ? "" : image_path_or_default(opts.pid_file);
    oci::Spec spec = oci::load_spec(bundle);
    std::string rootfs = absolute(oci::validate_for_create(spec, bundle, {!opts.console_socket.empty(), false}));
    const auto& lx = *spec.linux;

    criu::RestoreRequest req;
    req.flags = opts.criu;
    req.flags.image_path = image_path_or_default(opts.criu.image_path);
    if (!fs::exists(req.flags.image_path)) throw Error("image path " + req.flags.image_path + " does not exist");
    if (!req.flags.work_path.empty()) {
        req.flags.work_path = image_path_or_default(req.flags.work_path);
        fs::mkdir_all(req.flags.work_path, 0700);
    }
    std::string work = req.flags.work_path.empty() ? req.flags.image_path : req.flags.work_path;
    req.flags.config_file = criu::config_file(spec.annotations, fs::exists("/etc/criu/runc.conf"));
    std::string criu_path = criu::find_criu(ctx.criu);

    state::Store store(ctx.root);
    cgroups::Placement placement{lx.cgroups_path, opts.id, ctx.systemd_cgroup};
    std::unique_ptr<cgroups::Manager> cgroup = cgroups::make_manager(placement);
    state::State s = first_record(spec, opts.id, bundle, rootfs, fs::join(bundle, "config.json"), *cgroup,
                                  ctx.systemd_cgroup);

    state::Lock lock;
    RestoreRollback rollback;
    rollback.store = &store;
    rollback.id = opts.id;
    lock = store.create_dir(s);
    rollback.dir_made = true;
    cgroup->create();
    rollback.cgroup = cgroup.get();
    oci::Resources resources = lx.resources.value_or(oci::Resources{});
    add_default_device_rules(resources);
    cgroup->apply(resources);
    // criu restores the tasks into the cgroups criu itself is in (as runc's: --cgroup-root
    // per controller, read from criu's /proc/self/cgroup once it joined the container's).
    std::map<std::string, std::string> cgroup_paths = cgroup->controller_paths();
    std::set<std::string> managed;
    for (const auto& [controller, dir] : cgroup_paths) managed.insert(controller);
    if (managed.empty()) managed.insert("");  // a manager that does not say: cgroup2

    // What the dump left outside the images: mounts, ttys, the network namespace, stdio.
    Pty pty;
    std::vector<std::string> keys = read_string_list(fs::join(req.flags.image_path, external_keys_file));
    bool tty = std::any_of(keys.begin(), keys.end(), [](const std::string& k) { return k.rfind("tty[", 0) == 0; });
    if (tty) {
        if (opts.console_socket.empty()) throw Error("the checkpoint is of a tty container: restore it with --console-socket");
        pty = open_pty_for(opts.console_socket);
    }
    std::vector<UniqueFd> netns_fds;
    std::vector<int> keep;
    for (const auto& key : keys) {
        if (key == shell_job_marker) {
            req.flags.shell_job = true;
        } else if (key.rfind(stdio_file_marker, 0) == 0) {
            // "stdio-file N file[...]": our own fd N stands for the dumped external file.
            std::string rest = key.substr(std::string(stdio_file_marker).size());
            size_t space = rest.find(' ');
            if (space == std::string::npos) throw Error("unreadable entry in " + std::string(external_keys_file) + ": " + key);
            req.inherit_fds.emplace_back(std::atoi(rest.c_str()), rest.substr(space + 1));
        } else if (key.rfind("tty[", 0) == 0) {
            req.inherit_fds.emplace_back(pty.slave.get(), key);
        } else if (key.rfind("net[", 0) == 0) {
            for (const auto& ns : lx.namespaces) {
                if (ns.type != "network" || ns.path.empty()) continue;
                netns_fds.emplace_back(::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
                if (!netns_fds.back()) throw_errno("open network namespace " + ns.path);
                req.inherit_fds.emplace_back(netns_fds.back().get(), "extRootNetNS");
            }
        }
    }
    if (pty.slave) keep.push_back(pty.slave.get());
    for (const auto& fd : netns_fds) keep.push_back(fd.get());
    auto stdio = read_string_list(fs::join(req.flags.image_path, descriptors_file));
    for (size_t fd = 0; fd < stdio.size() && fd < 3; ++fd)
        if (stdio[fd].rfind("pipe:", 0) == 0) req.inherit_fds.emplace_back(static_cast<int>(fd), stdio[fd]);
    for (const auto& dest : read_string_list(fs::join(req.flags.image_path, external_mounts_file)))
        req.external_mounts.emplace_back(dest, external_source(dest, spec, bundle, pty, cgroup_paths,
                                                               cgroup->mode() == cgroups::Mode::unified));

    // runc runs the prestart and createRuntime hooks when criu has made the namespaces
    // and the restored init is there, before it runs: criu's setup-namespaces step.
    std::unique_ptr<criu::Notifications> notifications;
    bool hooks = spec.hooks && (!spec.hooks->prestart.empty() || !spec.hooks->create_runtime.empty());
    if (hooks) {
        notifications = std::make_unique<criu::Notifications>(work, std::vector<std::string>{"setup-namespaces"});
        req.action_script = notifications->script();
    }
    auto run_hooks_at = [&](const std::string& action, pid_t task) {
        if (action != "setup-namespaces") return;
        state::OciState hook_state = state::oci_state(s, state::Status::created, task);
        process::run_hooks(spec.hooks->prestart, hook_state, "prestart");
        process::run_hooks(spec.hooks->create_runtime, hook_state, "createRuntime");
    };
    req.root = rootfs;
    req.pid_file = fs::join(work, "whalebox-restore.pid");
    ::unlink(req.pid_file.c_str());
    auto args = criu::restore_args(req);
    std::string line;
    for (const auto& a : args) line += " " + a;
    log::debug("criu{}", line);

    // Unless --no-subreaper, we are the child subreaper of what criu leaves behind, as
    // runc (the restored init itself is our child: criu restores it as its sibling).
    if (!opts.no_subreaper && linux::sys().prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) throw_errno("become a child subreaper");

    // criu runs in the container's cgroup and in a mount namespace of its own, where the
    // rootfs is a mount point it can pivot into.
    cgroups::Manager* cg = cgroup.get();
    int status = criu::run(criu_path, args, keep, [cg, &rootfs, &managed](std::vector<std::string>& criu_args) {
        cg->add_process(::getpid());
        auto roots = criu::cgroup_root_args(fs::read_file("/proc/self/cgroup"), managed);
        criu_args.insert(criu_args.end(), roots.begin(), roots.end());
        auto& sys = linux::sys();
        if (sys.unshare(CLONE_NEWNS) < 0) throw_errno("unshare mount namespace");
        if (sys.mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) < 0) throw_errno("make / a slave");
        if (sys.mount(rootfs.c_str(), rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0) throw_errno("bind mount rootfs");
    }, notifications.get(), run_hooks_at);
    std::string pid_text;
    pid_t pid = fs::try_read_file(req.pid_file, pid_text) ? std::atoi(pid_text.c_str()) : 0;
    // The restored init is our child (criu's sibling) from here on: killed if we fail.
    process::Child init;
    if (pid > 0) init = process::Child(pid, UniqueFd(linux::sys().pidfd_open(pid, 0)));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(criu::failure_message("restore", status, fs::join(work, "restore.log")));
    if (pid <= 0) throw Error("criu restore wrote no pid to " + req.pid_file);

    s.status = state::Status::running;
    s.pid = pid;
    s.init_start_time = state::process_start_time(pid);
    s.cgroup_created = cgroup->created_dirs();
    s.creator_pid = 0;
    s.creator_start_time = 0;
    store.save(s);
    if (!pid_file.empty()) fs::write_file_atomic(pid_file, std::to_string(pid), 0644, fs::Sync::no_fsync);
    rollback.armed = false;
    pty.master.reset();
    if (opts.detach) {
        init.release();
        return 0;
    }
    // The container is restored: others (delete, kill) may take its lock from here on, and
    // our own remove below takes it again (a second flock of the state dir would wait for us).
    lock = state::Lock{};
    int exit_status = wait_foreground(init);
    remove(ctx, opts.id, true);
    return exit_status;
}

}  // namespace wb::runtime
