#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "linux/console.hpp"
#include "process/exec.hpp"
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

}  // namespace

oci::Process build_exec_process(const Context& ctx, const std::string& id, const ExecFlags& f) {
    state::Store store(ctx.root);
    state::State s = load_container(store, id).state;
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
    return p;
}

oci::Process load_exec_process(const std::string& path) { return oci::parse_process(fs::read_file(path)); }

int exec(const Context& ctx, const ExecOptions& opts) {
    state::Store store(ctx.root);
    Loaded c = load_container(store, opts.id);
    switch (c.state.status) {
    case state::Status::running:
    case state::Status::created: break;
    case state::Status::paused: throw Error("cannot exec in a paused container");
    default: throw Error("cannot exec in a stopped container");
    }
    if (opts.process.terminal && opts.console_socket.empty() && opts.detach)
        throw Error("cannot allocate tty if whalebox will detach without setting console socket");
    oci::Spec spec = oci::parse_spec(fs::read_file(c.state.config_path));
    UniqueFd console;
    if (!opts.console_socket.empty()) console = linux::connect_console_socket(opts.console_socket);
    else if (opts.process.terminal) throw Error("exec --tty needs --console-socket");

    process::ExecRequest req;
    req.init_pid = c.state.pid;
    req.process = &opts.process;
    req.spec = &spec;
    req.cgroup = c.cgroup.get();
    req.preserve_fds = opts.preserve_fds;
    req.console_socket = console.get();
    // The init must still be the recorded one while we read its namespaces.
    UniqueFd init_pidfd = open_init_pidfd(c.state);
    if (!init_pidfd) throw Error("cannot exec in a stopped container");
    process::ExecChild child = process::launch_exec(req);
    if (!opts.pid_file.empty()) fs::write_file_atomic(opts.pid_file, std::to_string(child.pid), 0644);
    if (opts.detach) return 0;

    // Foreground: pass signals on and return the process's status.
    sigset_t all, old;
    sigfillset(&all);
    for (int s : {SIGSEGV, SIGBUS, SIGILL, SIGFPE}) sigdelset(&all, s);
    sigprocmask(SIG_BLOCK, &all, &old);
    UniqueFd sfd(::signalfd(-1, &all, SFD_CLOEXEC));
    for (;;) {
        struct pollfd p[2] = {{sfd.get(), POLLIN, 0}, {child.pidfd.get(), POLLIN, 0}};
        int n = ::poll(p, 2, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 || p[1].revents) break;
        struct signalfd_siginfo si {};
        if (::read(sfd.get(), &si, sizeof si) != sizeof si) continue;
        if (si.ssi_signo == SIGCHLD || si.ssi_signo == SIGWINCH || si.ssi_signo == SIGURG) continue;
        ::syscall(SYS_pidfd_send_signal, child.pidfd.get(), si.ssi_signo, nullptr, 0);
    }
    int status = 0;
    while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
    }
    sigprocmask(SIG_SETMASK, &old, nullptr);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

}  // namespace wb::runtime
