#include "cli/command.hpp"

namespace wb::cli {

// Flags checkpoint and restore share (runc's).
void add_criu_flags(Command& sub, criu::CommonFlags& f) {
    sub.add_option("--image-path", f.image_path, "path for saving criu image files (default ./checkpoint)");
    sub.add_option("--work-path", f.work_path, "path for saving work files and logs (default: the image path)");
    sub.add_flag("--tcp-established", f.tcp_established, "allow open tcp connections");
    sub.add_flag("--ext-unix-sk", f.ext_unix_sk, "allow external unix sockets");
    sub.add_flag("--shell-job", f.shell_job, "allow shell jobs");
    sub.add_flag("--file-locks", f.file_locks, "handle file locks, for safety");
    sub.add_flag("--lazy-pages", f.lazy_pages, "use userfaultfd to lazily restore memory pages");
    sub.add_flag("--auto-dedup", f.auto_dedup, "enable auto deduplication of memory images");
    sub.add_option("--manage-cgroups-mode", f.manage_cgroups_mode, "cgroups mode: soft (default), full, strict or ignore");
    sub.add_option("--empty-ns", f.empty_ns, "create a namespace, but don't restore its properties (network)");
}

namespace {

void add_checkpoint_command(Command& app, Globals& g) {
    auto o = std::make_shared<runtime::CheckpointOptions>();
    Command sub = app.add_subcommand("checkpoint", "checkpoint a running container (with criu)");
    sub.add_option("container-id", o->id, "the container's id").required();
    add_criu_flags(sub, o->criu);
    sub.add_option("--parent-path", o->parent_path, "path for previous criu image files in pre-dump");
    sub.add_flag("--leave-running", o->leave_running, "leave the process running after checkpointing");
    sub.add_option("--status-fd", o->status_fd, "criu writes \\0 to this FD once lazy-pages is ready");
    sub.add_option("--page-server", o->page_server, "ADDRESS:PORT of the page server");
    sub.add_flag("--pre-dump", o->pre_dump, "dump the container's memory information only, leave the container running after this");
    sub.callback([&g, o] { runtime::checkpoint(g.runtime, *o); });
}

}  // namespace

WHALEBOX_COMMAND("checkpoint", add_checkpoint_command);

}  // namespace wb::cli
