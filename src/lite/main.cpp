// whalebox-lite: a small docker on top of the whalebox runtime library. Images become
// read-only overlayfs layers, each container gets its own write layer, and run/ps/logs/
// exec/stop/rm/commit work as docker's do. See docs/whalebox-lite.md.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>

#include "lite/argv_split.hpp"
#include "lite/cli_habits.hpp"
#include "lite/cli_messages.hpp"
#include "lite/commands.hpp"
#include "lite/cli_lifecycle.hpp"
#include "lite/commands_lite.hpp"
#include "lite/network_cli.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace {

using namespace wb::lite;

int report(const std::string& msg, int code) {
    std::string line = "Error: " + msg + "\n";
    ssize_t r = ::write(STDERR_FILENO, line.data(), line.size());
    (void)r;
    return code;
}

const FlagSyntax kRunSyntax{{"--name", "-m", "--memory", "--cpus", "--cpuset-cpus", "--cpu-shares", "--pids-limit",
                             "-v", "--volume", "-e", "--env", "--env-file", "-w", "--workdir", "-u", "--user", "-h",
                             "--hostname", "--net", "--network", "-p", "--publish", "--ip"}};
const FlagSyntax kExecSyntax{{"-e", "--env", "-w", "--workdir", "-u", "--user"}};

struct RunFlags {
    RunOptions opts;
    std::string memory, cpus;
    int64_t cpu_shares = -1, pids_limit = 0;
    std::vector<std::string> volumes, env, env_files, publish;
    RunHabitFlags habits;  // cli_habits.cpp
    RunLifecycleFlags lifecycle;  // cli_lifecycle.cpp
};

// run, and create (the same flags; the container is made, not started).
void add_run(CLI::App& app, RunFlags& f, std::function<int()>& action, LiteContext& ctx, const std::string& name) {
    auto* run = app.add_subcommand(name, name == "create" ? "Create a new container (start starts it)"
                                                          : "Create and run a new container from an image");
    run->set_help_flag("--help", "Print usage");
    run->add_flag("-t,--tty", f.opts.tty, "Allocate a pseudo-TTY");
    run->add_flag("-i,--interactive", f.opts.interactive, "Keep STDIN open");
    run->add_flag("-d,--detach", f.opts.detach, "Run container in background and print container ID");
    run->add_flag("--rm", f.opts.auto_remove, "Automatically remove the container when it exits");
    run->add_option("--name", f.opts.name, "Assign a name to the container");
    run->add_option("-m,--memory", f.memory, "Memory limit (64m, 1g, 512k, bytes)");
    run->add_option("--cpus", f.cpus, "Number of CPUs (quota over a 100ms period)");
    run->add_option("--cpuset-cpus", f.opts.cpuset_cpus, "CPUs in which to allow execution (0-3, 0,1)");
    run->add_option("--cpu-shares", f.cpu_shares, "CPU shares (relative weight)");
    run->add_option("--pids-limit", f.pids_limit, "Tune container pids limit (-1 for unlimited)");
    run->add_option("-v,--volume", f.volumes, "Bind mount a volume: HOST:CONTAINER[:ro]")->allow_extra_args(false);
    run->add_option("-e,--env", f.env, "Set environment variables (K=V, or K to take it from here)")->allow_extra_args(false);
    run->add_option("--env-file", f.env_files, "Read in a file of environment variables")->allow_extra_args(false);
    run->add_option("-w,--workdir", f.opts.workdir, "Working directory inside the container");
    run->add_option("-u,--user", f.opts.user, "Username or UID (format: <name|uid>[:<group|gid>])");
    run->add_option("-h,--hostname", f.opts.hostname, "Container host name");
    run->add_option("--net,--network", f.opts.net, "Network: NAME, bridge, none (lo only), host or container:NAME")
        ->capture_default_str();
    run->add_option("-p,--publish", f.publish, "Publish a port: [IP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp]")
        ->allow_extra_args(false);
    run->add_flag("-P,--publish-all", f.opts.publish_all, "Publish all exposed ports to free host ports");
    run->add_option("--ip", f.opts.ip, "IPv4 address on a user-defined network");
    run->add_flag("--read-only", f.opts.read_only, "Mount the container's root filesystem as read only");
    add_run_habit_flags(run, f.habits);
    add_run_lifecycle_flags(run, f.lifecycle);
    run->add_option("image", f.opts.image, "Image name or id")->required();
    run->add_option("command", f.opts.command, "Command and arguments (default: the image's)");
    const bool create_only = name == "create";
    run->callback([&, create_only] {
        action = [&, create_only] {
            RunOptions o = f.opts;
            o.create_only = create_only;
            if (!f.memory.empty()) o.memory = parse_memory_size(f.memory);
            if (!f.cpus.empty()) o.cpus = parse_cpus(f.cpus);
            if (f.cpu_shares >= 0) o.cpu_shares = static_cast<uint64_t>(f.cpu_shares);
            if (f.pids_limit != 0) o.pids_limit = f.pids_limit;
            for (const auto& v : f.volumes) o.volumes.push_back(parse_volume(v));
            for (const auto& p : f.publish) o.publish.push_back(parse_publish(p));
            apply_run_habit_flags(f.habits, o);
            apply_run_lifecycle_flags(f.lifecycle, o);
            for (const auto& file : f.env_files)
                for (const auto& e : parse_env_file_text(wb::fs::read_file(file))) o.env.push_back(e);
            for (const auto& e : f.env)
                if (auto v = parse_env_flag(e)) o.env.push_back(*v);
            return cmd_run(ctx, o);
        };
    });
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    size_t sub = 0;
    while (sub < args.size() && args[sub].size() > 1 && args[sub][0] == '-') {
        if ((args[sub] == "--root" || args[sub] == "--state-root")) ++sub;
        ++sub;
    }
    FlagSyntax run_syntax = kRunSyntax;
    run_syntax.value_options.insert(run_habit_value_flags().begin(), run_habit_value_flags().end());
    run_syntax.value_options.insert(run_lifecycle_value_flags().begin(), run_lifecycle_value_flags().end());
    if (sub < args.size() && (args[sub] == "run" || args[sub] == "create")) args = split_command_args(args, sub + 1, run_syntax);
    if (sub < args.size() && args[sub] == "exec") args = split_command_args(args, sub + 1, kExecSyntax);

    LiteContext ctx;
    ctx.layout.root = "/var/lib/whalebox-lite";
    ctx.layout.state_root = "/run/whalebox-lite";
    bool debug = false;
    std::function<int()> action;

    CLI::App app{"whalebox-lite: docker's image and container workflow on the whalebox runtime",
                 "whalebox-lite"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "whalebox-lite version " WHALEBOX_VERSION ", commit " WHALEBOX_COMMIT);
    app.add_option("--root", ctx.layout.root, "Where images and containers are kept")->capture_default_str();
    app.add_option("--state-root", ctx.layout.state_root, "The runtime's state directory for lite containers")
        ->capture_default_str();
    app.add_flag("--debug", debug, "Debug logging on stderr");

    // Images.
    std::string tarball, name, archive, tag;
    auto* import = app.add_subcommand("import", "Import a rootfs tarball as a one-layer image (Cmd [\"sh\"])");
    import->add_option("tarball", tarball, "Tar file (any compression); - reads stdin")->required();
    import->add_option("name", name, "Image name[:tag]")->required();
    import->callback([&] { action = [&] { return cmd_import(ctx, tarball, name); }; });

    auto* load = app.add_subcommand("load", "Load images from a docker save archive or an OCI image layout tar");
    load->add_option("-i,--input,archive", archive, "Archive to read; - (default) reads stdin")
        ->default_str("-");
    load->add_option("-t,--tag", tag, "Name the loaded image (archives with one image)");
    load->callback([&] { action = [&] { return cmd_load(ctx, archive.empty() ? "-" : archive, tag); }; });

    bool quiet = false, force = false;
    auto* images = app.add_subcommand("images", "List images");
    std::string format, type;
    images->add_flag("-q,--quiet", quiet, "Only show image IDs");
    images->add_option("--format", format, "Format output using a Go template ({{.Repository}}, table, json)");
    images->callback([&] { action = [&] { return cmd_images(ctx, quiet, format); }; });

    std::vector<std::string> refs;
    auto* rmi = app.add_subcommand("rmi", "Remove images (layers no other image uses go too)");
    rmi->add_flag("-f,--force", force, "Force (still refused while a container uses the image)");
    rmi->add_option("image", refs, "Image names or ids")->required();
    rmi->callback([&] { action = [&] { return cmd_rmi(ctx, refs, force); }; });

    auto* inspect = app.add_subcommand("inspect", "Show the records of containers or images as JSON");
    inspect->add_option("-f,--format", format, "Format output using a Go template ({{.State.Status}}, {{json .}})");
    inspect->add_option("--type", type, "Only a container or an image")->check(CLI::IsMember({"container", "image"}));
    inspect->add_option("name", refs, "Container or image names or ids")->required();
    inspect->callback([&] { action = [&] { return cmd_inspect(ctx, refs, format, type); }; });

    add_network_commands(app, action, ctx);

    // Containers.
    RunFlags run_flags, create_flags;
    add_run(app, run_flags, action, ctx, "run");
    add_run(app, create_flags, action, ctx, "create");

    PsOptions ps_opts;
    auto* ps = app.add_subcommand("ps", "List containers");
    ps->add_flag("-a,--all", ps_opts.all, "Show all containers (default shows just running)");
    ps->add_flag("-q,--quiet", ps_opts.quiet, "Only display container IDs");
    ps->add_flag("--no-trunc", ps_opts.no_trunc, "Don't truncate output");
    ps->add_flag("-s,--size", ps_opts.size, "Display total file sizes");
    ps->add_option("-n,--last", ps_opts.last, "Show n last created containers (includes all states)");
    ps->add_flag("-l,--latest", ps_opts.latest, "Show the latest created container (includes all states)");
    ps->add_option("-f,--filter", ps_opts.filters, "Filter: name=, status=, ancestor=, label=, id=, exited=")
        ->allow_extra_args(false);
    ps->add_option("--format", ps_opts.format, "Format output using a Go template ({{.Names}}, table, json)");
    ps->callback([&] { action = [&] { return cmd_ps(ctx, ps_opts); }; });

    LogFlags log_flags;
    std::string ref;
    auto* logs = app.add_subcommand("logs", "Fetch the logs of a container");
    add_log_flags(logs, log_flags);  // cli_lifecycle.cpp
    logs->add_option("container", ref, "Container name or id")->required();
    logs->callback([&] { action = [&] { return cmd_logs(ctx, ref, to_log_query(log_flags)); }; });

    ExecRequest exec_req;
    auto* exec = app.add_subcommand("exec", "Run a command in a running container");
    exec->set_help_flag("--help", "Print usage");
    exec->add_flag("-t,--tty", exec_req.tty, "Allocate a pseudo-TTY");
    exec->add_flag("-i,--interactive", exec_req.interactive, "Keep STDIN open");
    exec->add_flag("-d,--detach", exec_req.detach, "Detached mode: run command in the background");
    exec->add_option("-e,--env", exec_req.env, "Set environment variables")->allow_extra_args(false);
    exec->add_option("-w,--workdir", exec_req.workdir, "Working directory inside the container");
    exec->add_option("-u,--user", exec_req.user, "Username or UID (format: <name|uid>[:<group|gid>])");
    exec->add_option("container", exec_req.ref, "Container name or id")->required();
    exec->add_option("command", exec_req.command, "Command and arguments")->required();
    exec->callback([&] { action = [&] { return cmd_exec(ctx, exec_req); }; });

    std::optional<int> timeout;  // default: the container's --stop-timeout, else 10
    auto* stop = app.add_subcommand("stop", "Stop running containers (the stop signal, SIGKILL after the timeout)");
    stop->add_option("-t,--time", timeout, "Seconds to wait before killing the container (default 10)");
    stop->add_option("container", refs, "Container names or ids")->required();
    stop->callback([&] { action = [&] { return cmd_stop(ctx, refs, timeout); }; });

    bool start_attach = false, start_interactive = false;
    std::string detach_keys;
    auto* start = app.add_subcommand("start", "Start stopped containers again (write layer kept)");
    start->add_flag("-a,--attach", start_attach, "Attach STDOUT/STDERR and forward signals");
    start->add_flag("-i,--interactive", start_interactive, "Attach container's STDIN");
    start->add_option("--detach-keys", detach_keys, "Override the key sequence for detaching a container");
    start->add_option("container", refs, "Container names or ids")->required();
    start->callback([&] {
        action = [&] {
            if (start_attach || start_interactive)  // commands_attach.cpp
                return cmd_start_attached(ctx, refs, start_interactive, detach_keys);
            return cmd_start(ctx, refs);
        };
    });

    auto* restart = app.add_subcommand("restart", "Restart containers (stop, then start)");
    restart->add_option("-t,--time", timeout, "Seconds to wait before killing the container (default 10)");
    restart->add_option("container", refs, "Container names or ids")->required();
    restart->callback([&] { action = [&] { return cmd_restart(ctx, refs, timeout); }; });

    std::string signal = "KILL";
    auto* kill = app.add_subcommand("kill", "Send a signal to running containers");
    kill->add_option("-s,--signal", signal, "Signal to send (name or number)")->capture_default_str();
    kill->add_option("container", refs, "Container names or ids")->required();
    kill->callback([&] { action = [&] { return cmd_kill(ctx, refs, signal); }; });

    bool rm_volumes = false;
    auto* rm = app.add_subcommand("rm", "Remove containers (their write layer; named volumes are left alone)");
    rm->add_flag("-f,--force", force, "Force the removal of a running container (SIGKILL)");
    rm->add_flag("-v,--volumes", rm_volumes, "Remove anonymous volumes associated with the container");
    rm->add_option("container", refs, "Container names or ids")->required();
    rm->callback([&] { action = [&] { return cmd_rm(ctx, refs, force, rm_volumes); }; });

    std::string image;
    auto* commit = app.add_subcommand("commit", "Create a new image from a container's changes (its write layer)");
    commit->add_option("container", ref, "Container name or id")->required();
    commit->add_option("image", image, "Name[:tag] of the new image");
    commit->callback([&] { action = [&] { return cmd_commit(ctx, ref, image); }; });

    std::string output;
    auto* exp = app.add_subcommand("export", "Export a container's filesystem as a tar archive");
    exp->add_option("container", ref, "Container name or id")->required();
    exp->add_option("file,-o,--output", output, "Write to a file instead of stdout");
    exp->callback([&] { action = [&] { return cmd_export(ctx, ref, output); }; });

    HabitCli habits;
    add_habit_commands(app, habits, action, ctx);  // cli_habits.cpp: volume, ...
    LiteCli lite_cli;
    add_lite_commands(app, lite_cli, action, ctx);  // cli_commands.cpp: top, stats, cp, save, ...

    if (auto f = unknown_command(app, args, sub)) {
        std::cerr << f->message;
        return f->exit_code;
    }
    // docker: run's (and create's) own failures exit 125, every other command's 1.
    const bool run_like = sub < args.size() && (args[sub] == "run" || args[sub] == "create");
    const int failure_code = run_like ? kExitLiteError : 1;
    try {
        std::vector<std::string> reversed(args.rbegin(), args.rend());
        app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        CliFailure f = describe_parse_error(app, args, sub, e);
        std::cerr << f.message;
        return f.exit_code;
    }
    try {
        wb::log::setup("", wb::log::Format::text, debug);
        if (!action) return report("no command", kExitLiteError);
        ctx.runtime.root = ctx.layout.state_root;  // the runtime keeps its containers' state there too
        std::cout.flush();
        const int status = action();
        // Without unwinding main: the command line's objects are not freed one by one at
        // the end. run --rm's remover shares our heap pages copy-on-write, and each free
        // would fault and copy a page for nothing.
        std::exit(status);
    } catch (const ExitError& e) {
        // 126/127 (cannot run, not found) pass through; a 125 is our own failure.
        return report(e.what(), e.exit_code() == kExitLiteError ? failure_code : e.exit_code());
    } catch (const std::exception& e) {
        // run and exec pass the container command's status on (126/127 when it cannot start).
        return report(e.what(), failure_code);
    }
}
