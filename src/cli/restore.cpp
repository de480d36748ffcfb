#include "cli/command.hpp"

namespace wb::cli {

void add_criu_flags(Command& sub, criu::CommonFlags& f);  // checkpoint.cpp

namespace {

void add_restore_command(Command& app, Globals& g) {
    auto o = std::make_shared<runtime::RestoreOptions>();
    Command sub = app.add_subcommand("restore", "restore a container from a previous checkpoint (with criu)");
    sub.add_option("container-id", o->id, "the container's id").required();
    add_criu_flags(sub, o->criu);
    sub.add_option("-b,--bundle", o->bundle, "path to the root of the bundle directory");
    sub.add_option("--console-socket", o->console_socket, "unix socket that receives the new pty master (tty containers)");
    sub.add_flag("-d,--detach", o->detach, "detach from the container's process");
    sub.add_option("--pid-file", o->pid_file, "file to write the restored init's pid to");
    sub.add_flag("--no-subreaper", o->no_subreaper, "don't become a child subreaper of what criu leaves behind");
    sub.add_flag("--no-pivot", o->no_pivot, "do not use pivot_root (as runc: criu sets up the restored root the same either way)");
    sub.add_option("--lsm-profile", o->lsm_profile, "TYPE:NAME of the LSM profile to restore with");
    sub.add_option("--lsm-mount-context", o->lsm_mount_context, "the SELinux mount context to restore mounts with");
    sub.callback([&g, o] { g.exit_code = runtime::restore(g.runtime, *o); });
}

}  // namespace

WHALEBOX_COMMAND("restore", add_restore_command);

}  // namespace wb::cli
