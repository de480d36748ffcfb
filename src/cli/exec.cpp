#include "cli/command.hpp"

namespace wb::cli {
namespace {

struct ExecCli {
    runtime::ExecOptions opts;
    runtime::ExecFlags flags;
    std::string process_file;
    std::vector<std::string> cgroups;  // --cgroup, as given
    std::vector<std::string> args;  // container-id then command
};

void add_exec_command(Command& app, Globals& g) {
    auto o = std::make_shared<ExecCli>();
    Command sub = app.add_subcommand("exec", "execute a new process inside a container");
    sub.add_option("args", o->args, "container-id command [args...]").required();
    sub.add_option("-p,--process", o->process_file, "path to a process.json");
    sub.add_flag("-d,--detach", o->opts.detach, "detach from the process");
    sub.add_option("--pid-file", o->opts.pid_file, "file to write the process's pid to");
    sub.add_option("--console-socket", o->opts.console_socket, "unix socket that receives the pty master");
    sub.add_flag("-t,--tty", o->flags.tty, "allocate a pseudo-TTY");
    sub.add_option("-e,--env", o->flags.env, "set an environment variable (KEY=VALUE)");
    sub.add_option("--cwd", o->flags.cwd, "working directory in the container");
    sub.add_option("-u,--user", o->flags.user, "uid[:gid]");
    sub.add_option("-g,--additional-gids", o->flags.additional_gids, "additional gids");
    sub.add_option("-c,--cap", o->flags.caps, "add a capability (CAP_...)");
    sub.add_flag("--no-new-privs", o->flags.no_new_privs, "set no_new_privileges");
    sub.add_option("--process-label", o->flags.process_label, "SELinux label");
    sub.add_option("--apparmor", o->flags.apparmor, "AppArmor profile");
    sub.add_option("--preserve-fds", o->opts.preserve_fds, "pass N extra fds (3..3+N-1)");
    sub.add_option("--cgroup", o->cgroups, "run the process in an (existing) sub-cgroup: [CONTROLLER[,CONTROLLER]:]PATH");
    sub.add_flag("--ignore-paused", o->opts.ignore_paused, "allow exec in a paused container");
    // Everything after the command belongs to it, flags included.
    sub.positionals_at_end();
    sub.callback([&g, o] {
        // The runtime's own failures exit 255, so callers tell them from the process's status.
        g.failure_exit_code = 255;
        o->opts.sub_cgroups = runtime::parse_sub_cgroups(o->cgroups);
        // CVE-2019-5736: runtime::exec uses the exec trampoline or re-executes from a sealed
        // copy; nothing before it has side effects (linux/exec_trampoline.hpp).
        o->opts.protect_runtime_binary = true;
        o->opts.id = o->args.front();
        if (!o->process_file.empty()) {
            o->opts.process = runtime::load_exec_process(o->process_file);
        } else {
            o->flags.args.assign(o->args.begin() + 1, o->args.end());
            o->opts.process = runtime::build_exec_process(g.runtime, o->opts.id, o->flags, &o->opts.spec);
        }
        g.exit_code = runtime::exec(g.runtime, o->opts);
    });
}

}  // namespace

WHALEBOX_COMMAND("exec", add_exec_command);

}  // namespace wb::cli
