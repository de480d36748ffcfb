#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "linux/console.hpp"
#include "linux/exec_trampoline.hpp"
#include "linux/sealed_exe.hpp"
#include "process/exec.hpp"
#include "runtime/foreground.hpp"
#include "runtime/internal.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::runtime {
namespace {

uint32_t parse_id(const std::string& text, const char* what) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        throw Error(std::string("invalid ") + what + " \"" + text + "\": expected a number");
    return static_cast<uint32_t>(std::stoul(text));
}

// Replaces KEY=... in env or appends it.
void set_env(std::vector<std::string>& env, const std::string& kv) {
    auto eq = kv.find('=');
    std::string key = kv.substr(0, eq);
    for (auto& e : env)
        if (e.compare(0, key.size() + 1, key + "=") == 0) {
            e = kv;
            return;
        }
    env.push_back(kv);
}

// Whether process PID has begun to exit (PF_EXITING in field 9 of /proc/PID/stat). A
// container's init stays in that state, still "running" by its start time, while the
// kernel kills the rest of its pid namespace; setns then finds no namespaces or clone
// fails with ENOMEM ("Cannot allocate memory"), which says nothing to a user.
bool is_exiting(pid_t pid) {
    constexpr unsigned long kPfExiting = 0x4;
    std::string stat;
    if (!fs::try_read_file("/proc/" + std::to_string(pid) + "/stat", stat)) return true;
    size_t close = stat.rfind(')');
    if (close == std::string::npos) return true;
    const char* p = stat.c_str() + close + 2;
    // Fields resume at 3 (state); flags is field 9.
    for (int field = 3; *p && field < 9; ++p)
        if (*p == ' ') ++field;
    return std::strtoul(p, nullptr, 10) & kPfExiting;
}

// The lexically cleaned path of SUB below BASE; throws when it climbs out (runc: "../x is
// not a sub cgroup path").
std::string sub_cgroup_dir(const std::string& base, const std::string& sub) {
    std::vector<std::string> parts;
    size_t pos = 0;
    while (pos <= sub.size()) {
        size_t slash = sub.find('/', pos);
        if (slash == std::string::npos) slash = sub.size();
        std::string part = sub.substr(pos, slash - pos);
        pos = slash + 1;
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (parts.empty()) throw Error(sub + " is not a sub cgroup path");
            parts.pop_back();
            continue;
        }
        parts.push_back(part);
    }
    std::string dir = base;
    for (const auto& p : parts) dir += "/" + p;
    return dir;
}

// The container's cgroup with --cgroup's sub-cgroups put in place of its directories.
std::unique_ptr<cgroups::Manager> sub_cgroup_manager(const cgroups::Manager* cg,
                                                     const std::map<std::string, std::string>& subs) {
    if (!cg) throw Error("--cgroup: the container has no cgroup");
    std::map<std::string, std::string> paths = cg->controller_paths();
    if (paths.empty()) throw Error("--cgroup: the container's cgroup directories are not known");
    for (const auto& [ctrl, sub] : subs)
        if (!ctrl.empty() && !paths.count(ctrl)) throw Error("--cgroup: unknown controller " + ctrl);
    for (auto& [ctrl, dir] : paths) {
        auto it = subs.find(ctrl);
        if (it == subs.end()) it = subs.find("");
        if (it == subs.end()) continue;
        dir = sub_cgroup_dir(dir, it->second);
        if (!fs::exists(dir)) throw Error("sub cgroup " + dir + " does not exist");
    }
    return cgroups::open_manager(paths);
}

// In ROOT/ID: some exec gave a process of the container CAP_SYS_PTRACE over the host, so
// every later exec runs from a sealed copy of the binary (linux/exec_trampoline.hpp).
constexpr const char* kPtraceExecMarker = "ptrace-exec";

// CVE-2019-5736 (linux/exec_trampoline.hpp): returns the exec trampoline when it suffices;
// otherwise re-executes from a sealed copy of the binary (nothing was done before this
// point; the copy returns here at once) and returns no fd.
UniqueFd protect_runtime_binary(const state::Store& store, const ExecOptions& opts, const oci::Spec& spec) {
    if (!opts.protect_runtime_binary) return UniqueFd();
    const std::string marker = store.dir(opts.id) + "/" + kPtraceExecMarker;
    UniqueFd trampoline;
    if (linux::exec_trampoline_suffices(spec, opts.process, fs::exists(marker)))
        trampoline = linux::make_exec_trampoline();
    else
        linux::ensure_sealed_self_exe();
    // Recorded before the process exists, so that no later exec misses it.
    if (linux::grants_host_ptrace(opts.process, spec) && !fs::exists(marker))
        fs::write_file_atomic(marker, "", 0600, fs::Sync::no_fsync);
    // Above the preserved fds, which the child makes inheritable.
    const int lowest = 3 + std::max(opts.preserve_fds, 0);
    if (trampoline && trampoline.get() < lowest) {
        UniqueFd moved(::fcntl(trampoline.get(), F_DUPFD_CLOEXEC, lowest));
        if (!moved) throw_errno("move the exec trampoline's fd");
        trampoline = std::move(moved);
    }
    return trampoline;
}

}  // namespace

std::map<std::string, std::string> parse_sub_cgroups(const std::vector<std::string>& args) {
    std::map<std::string, std::string> paths;
    for (const auto& arg : args) {
        auto colon = arg.find(':');
        if (colon == std::string::npos) {
            if (args.size() != 1)
                throw Error("invalid --cgroup argument: " + arg + " (missing <controller>: prefix)");
            paths[""] = arg;
            continue;
        }
        std::string sub = arg.substr(colon + 1);
        if (sub.find(':') != std::string::npos) throw Error("invalid --cgroup argument: " + arg);
        std::string ctrls = arg.substr(0, colon) + ",";
        for (size_t pos = 0, comma; (comma = ctrls.find(',', pos)) != std::string::npos; pos = comma + 1) {
            std::string ctrl = ctrls.substr(pos, comma - pos);
            if (ctrl.empty()) throw Error("invalid --cgroup argument: " + arg + " (empty <controller> prefix)");
            if (paths.count(ctrl))
                throw Error("invalid --cgroup argument(s): controller " + ctrl + " specified multiple times");
            paths[ctrl] = sub;
        }
    }
    return paths;
}

oci::Process build_exec_process(const Context& ctx, const std::string& id, const ExecFlags& f,
                                std::optional<oci::Spec>* spec_out) {
    // The record alone: exec() checks the status, with the cgroup (paused or not).
    state::validate_id(id);
    state::State s = state::Store(ctx.root).load(id);
    oci::Spec spec = oci::parse_spec(fs::read_file(s.config_path));
    oci::Process p = spec.process.value_or(oci::Process{});
    if (f.args.empty()) throw Error("exec: no command given");
    p.args = f.args;
    p.terminal = f.tty;
    for (const auto& e : f.env) set_env(p.env, e);
    if (!f.cwd.empty()) p.cwd = f.cwd;
    if (!f.user.empty()) {
        auto colon = f.user.find(':');
        p.user.uid = parse_id(f.user.substr(0, colon), "uid");
        if (colon != std::string::npos) p.user.gid = parse_id(f.user.substr(colon + 1), "gid");
    }
    if (!f.additional_gids.empty()) p.user.additional_gids = f.additional_gids;
    if (!f.caps.empty()) {
        oci::Capabilities caps = p.capabilities.value_or(oci::Capabilities{});
        auto add = [&](std::optional<std::vector<std::string>>& set) {
            if (!set) set.emplace();
            for (const auto& c : f.caps) set->push_back(c);
        };
        add(caps.bounding);
        add(caps.effective);
        add(caps.permitted);
        add(caps.ambient);
        p.capabilities = caps;
    }
    if (f.no_new_privs) p.no_new_privileges = true;
    if (!f.process_label.empty()) p.selinux_label = f.process_label;
    if (!f.apparmor.empty()) p.apparmor_profile = f.apparmor;
    if (spec_out) *spec_out = std::move(spec);
    return p;
}

oci::Process load_exec_process(const std::string& path) { return oci::parse_process(fs::read_file(path)); }

int exec(const Context& ctx, const ExecOptions& opts) {
    state::Store store(ctx.root);
    Loaded c = load_container(store, opts.id);
    switch (c.state.status) {
    case state::Status::running:
    case state::Status::created: break;
    case state::Status::paused:
        if (opts.ignore_paused) break;
        throw Error("cannot exec in a paused container (use --ignore-paused to override)");
    default: throw Error("cannot exec in a stopped container");
    }
    if (opts.process.terminal && opts.console_socket.empty() && opts.detach)
        throw Error("cannot allocate tty if whalebox will detach without setting console socket");
    std::optional<oci::Spec> read;
    if (!opts.spec) read = oci::parse_spec(fs::read_file(c.state.config_path));
    const oci::Spec& spec = opts.spec ? *opts.spec : *read;
    UniqueFd trampoline = protect_runtime_binary(store, opts, spec);
    UniqueFd console, console_receiver, console_master;
    if (!opts.console_socket.empty()) {
        console = linux::connect_console_socket(opts.console_socket);
    } else if (opts.process.terminal) {
        // Foreground tty without a console socket: keep the master and proxy it.
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) throw_errno("socketpair");
        console_receiver.reset(sv[0]);
        console.reset(sv[1]);
    }

    process::ExecRequest req;
    req.init_pid = c.state.pid;
    req.process = &opts.process;
    req.spec = &spec;
    std::unique_ptr<cgroups::Manager> sub_cgroup;
    if (!opts.sub_cgroups.empty()) sub_cgroup = sub_cgroup_manager(c.cgroup.get(), opts.sub_cgroups);
    req.cgroup = sub_cgroup ? sub_cgroup.get() : c.cgroup.get();
    req.preserve_fds = opts.preserve_fds;
    req.console_socket = console.get();
    req.state = state::oci_state(c.state, c.state.status, c.state.pid);
    req.exec_trampoline = trampoline.get();
    // The init must still be the recorded one while we read its namespaces.
    UniqueFd init_pidfd = open_init_pidfd(c.state);
    if (!init_pidfd || is_exiting(c.state.pid)) throw Error("cannot exec in a stopped container");
    process::Child child = [&] {
        try {
            return process::launch_exec(req);
        } catch (const Error&) {
            // The init began to exit meanwhile: that is the error to report.
            if (is_exiting(c.state.pid)) throw Error("cannot exec in a stopped container");
            throw;
        }
    }();
    if (console_receiver) {
        console_master = linux::receive_fd(console_receiver.get());
        prepare_proxied_pty(console_master.get());
    }
    // A pid file that cannot be written throws: Child's destructor then kills the process,
    // so the caller is never left with one it cannot find.
    if (!opts.pid_file.empty()) fs::write_file_atomic(opts.pid_file, std::to_string(child.pid()), 0644, fs::Sync::no_fsync);
    if (opts.detach) {
        child.release();  // runs on after we exit
        return 0;
    }
    return wait_foreground(child, console_master.get());
}

}  // namespace wb::runtime
