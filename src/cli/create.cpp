#include "cli/command.hpp"

namespace wb::cli {
namespace {

// Flags shared by create and run.
void add_create_flags(Command& sub, runtime::CreateOptions& o) {
    sub.add_option("container-id", o.id, "the container's id").required();
    sub.add_option("-b,--bundle", o.bundle, "path to the root of the bundle directory");
    sub.add_option("--pid-file", o.pid_file, "file to write the init's pid to");
    sub.add_option("--console-socket", o.console_socket,
                    "unix socket that receives the pty master (process.terminal)");
    sub.add_flag("--no-pivot", o.no_pivot, "use chroot instead of pivot_root (ramdisks)");
    sub.add_flag("--no-new-keyring", o.no_new_keyring, "keep the caller's session keyring");
    sub.add_option("--preserve-fds", o.preserve_fds, "pass N extra fds (3..3+N-1) to the container");
}

void add_create_command(Command& app, Globals& g) {
    auto opts = std::make_shared<runtime::CreateOptions>();
    opts->may_reexec = true;  // nothing happens before runtime::create
    Command sub = app.add_subcommand("create", "create a container");
    add_create_flags(sub, *opts);
    sub.callback([&g, opts] { runtime::create(g.runtime, *opts); });
}

void add_run_command(Command& app, Globals& g) {
    auto opts = std::make_shared<runtime::CreateOptions>();
    opts->may_reexec = true;  // nothing happens before runtime::run
    auto detach = std::make_shared<bool>(false);
    auto keep = std::make_shared<bool>(false);
    Command sub = app.add_subcommand("run", "create and run a container");
    add_create_flags(sub, *opts);
    sub.add_flag("-d,--detach", *detach, "detach from the container's process");
    sub.add_flag("--keep", *keep, "do not delete the container after it exits (status stopped until delete)");
    sub.callback([&g, opts, detach, keep] { g.exit_code = runtime::run(g.runtime, *opts, *detach, *keep); });
}

}  // namespace

WHALEBOX_COMMAND("create", add_create_command);
static const CommandRegistration run_registration{"run", add_run_command};

}  // namespace wb::cli
