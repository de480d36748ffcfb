// The command line of commands_lite.hpp's commands (create shares run's flags in main.cpp).
#include "lite/commands_lite.hpp"

namespace wb::lite {

void add_lite_commands(CLI::App& app, LiteCli& l, std::function<int()>& action, LiteContext& ctx) {
    auto* top = app.add_subcommand("top", "Display the running processes of a container");
    top->add_option("container", l.ref, "Container name or id")->required();
    top->callback([&] { action = [&] { return cmd_top(ctx, l.ref); }; });

    auto* stats = app.add_subcommand("stats", "Display a live stream of containers' resource usage statistics (cgroup)");
    stats->add_flag("-a,--all", l.all, "Show all containers (default shows just running)");
    stats->add_flag("--no-stream", l.no_stream, "Disable streaming stats and only pull the first result");
    stats->add_option("--format", l.format, "Format output using a Go template");
    stats->add_option("container", l.refs, "Container names or ids (default: all running)");
    stats->callback([&] { action = [&] { return cmd_stats(ctx, l.refs, l.all, l.no_stream, l.format); }; });

    auto* pause = app.add_subcommand("pause", "Pause all processes within containers (cgroup freezer)");
    pause->add_option("container", l.refs, "Container names or ids")->required();
    pause->callback([&] { action = [&] { return cmd_pause(ctx, l.refs, true); }; });

    auto* unpause = app.add_subcommand("unpause", "Unpause all processes within containers");
    unpause->add_option("container", l.refs, "Container names or ids")->required();
    unpause->callback([&] { action = [&] { return cmd_pause(ctx, l.refs, false); }; });

    auto* attach = app.add_subcommand("attach", "Attach local standard input, output, and error streams to a running container");
    attach->add_option("--detach-keys", l.attach.detach_keys, "Override the key sequence for detaching a container");
    attach->add_flag("--no-stdin", l.attach.no_stdin, "Do not attach STDIN");
    attach->add_flag("--sig-proxy", l.attach.sig_proxy, "Proxy all received signals to the process (default true)");
    attach->add_option("container", l.ref, "Container name or id")->required();
    attach->callback([&] { action = [&] { return cmd_attach(ctx, l.ref, l.attach); }; });

    auto* cp = app.add_subcommand("cp", "Copy files/folders between a container and the local filesystem");
    cp->add_flag("-a,--archive", l.cp.archive, "Archive mode (copy all uid/gid information)");
    cp->add_flag("-L,--follow-link", l.cp.follow_link, "Always follow symbol link in SRC_PATH");
    cp->add_option("src", l.ref, "CONTAINER:SRC_PATH, a host path, or - (a tar on stdin)")->required();
    cp->add_option("dest", l.target, "CONTAINER:DEST_PATH, a host path, or - (a tar on stdout)")->required();
    cp->callback([&] { action = [&] { return cmd_cp(ctx, l.ref, l.target, l.cp); }; });

    auto* history = app.add_subcommand("history", "Show the history of an image");
    history->add_flag("-q,--quiet", l.quiet, "Only show image IDs");
    history->add_flag("--no-trunc", l.no_trunc, "Don't truncate output");
    history->add_option("--format", l.format, "Format output using a Go template");
    history->add_option("image", l.ref, "Image name or id")->required();
    history->callback([&] { action = [&] { return cmd_history(ctx, l.ref, l.quiet, l.no_trunc, l.format); }; });

    auto* save = app.add_subcommand("save", "Save images to a tar archive (docker save format)");
    save->add_option("-o,--output", l.output, "Write to a file, instead of STDOUT");
    save->add_option("image", l.refs, "Image names or ids")->required();
    save->callback([&] { action = [&] { return cmd_save(ctx, l.refs, l.output); }; });

    auto* info = app.add_subcommand("info", "Display system-wide information");
    info->add_option("-f,--format", l.format, "Format output using a Go template");
    info->callback([&] { action = [&] { return cmd_info(ctx, l.format); }; });

    auto* container = app.add_subcommand("container", "Manage containers");
    container->require_subcommand(1);
    auto* cprune = container->add_subcommand("prune", "Remove all stopped containers");
    cprune->add_flag("-f,--force", l.force, "Do not prompt for confirmation");
    cprune->callback([&] { action = [&] { return cmd_container_prune(ctx, l.force); }; });

    auto* image = app.add_subcommand("image", "Manage images");
    image->require_subcommand(1);
    auto* iprune = image->add_subcommand("prune", "Remove unused images (dangling ones; -a: all unused)");
    iprune->add_flag("-a,--all", l.all, "Remove all unused images, not just dangling ones");
    iprune->add_flag("-f,--force", l.force, "Do not prompt for confirmation");
    iprune->callback([&] { action = [&] { return cmd_image_prune(ctx, l.all, l.force); }; });

    auto* system = app.add_subcommand("system", "Manage whalebox-lite");
    system->require_subcommand(1);
    auto* df = system->add_subcommand("df", "Show disk usage");
    df->callback([&] { action = [&] { return cmd_system_df(ctx); }; });
}

}  // namespace wb::lite
