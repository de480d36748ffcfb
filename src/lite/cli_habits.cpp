#include "lite/cli_habits.hpp"

#include <cstdlib>

#include "lite/commands_habits.hpp"
#include "lite/volumes.hpp"
#include "util/error.hpp"

namespace wb::lite {

void add_run_habit_flags(CLI::App* run, RunHabitFlags& f) {
    auto list = [&](const char* name, std::vector<std::string>& into, const char* help) {
        run->add_option(name, into, help)->allow_extra_args(false);
    };
    list("--mount", f.mounts, "Attach a filesystem mount: type=bind|volume|tmpfs,source=,target=[,readonly]");
    run->add_option("--entrypoint", f.entrypoint, "Overwrite the default ENTRYPOINT of the image");
    run->add_option("--cpu-period", f.cpu_period, "Limit CPU CFS (Completely Fair Scheduler) period");
    run->add_option("--cpu-quota", f.cpu_quota, "Limit CPU CFS (Completely Fair Scheduler) quota");
    run->add_option("--cpuset-mems", f.cpuset_mems, "MEMs in which to allow execution (0-3, 0,1)");
    run->add_option("--memory-swap", f.memory_swap, "Swap limit equal to memory plus swap: '-1' to enable unlimited swap");
    run->add_option("--memory-reservation", f.memory_reservation, "Memory soft limit");
    run->add_flag("--oom-kill-disable", f.oom_kill_disable, "Disable OOM Killer");
    run->add_option("--shm-size", f.shm_size, "Size of /dev/shm");
    list("--ulimit", f.ulimits, "Ulimit options (nofile=1024:2048)");
    list("--cap-add", f.cap_add, "Add Linux capabilities");
    list("--cap-drop", f.cap_drop, "Drop Linux capabilities");
    run->add_flag("--privileged", f.privileged, "Give extended privileges to this container");
    list("--security-opt", f.security_opts, "Security Options (no-new-privileges, seccomp=unconfined)");
    list("--device", f.devices, "Add a host device to the container (/dev/x[:/dev/y][:rwm])");
    list("--sysctl", f.sysctls, "Sysctl options (K=V)");
    list("-l,--label", f.labels, "Set meta data on a container (K=V)");
    list("--expose", f.expose, "Expose a port or a range of ports (80, 53/udp, 8000-8010/tcp)");
}

void apply_run_habit_flags(const RunHabitFlags& f, RunOptions& opts) {
    for (const auto& m : f.mounts) opts.volumes.push_back(parse_mount(m));
    RunExtras& x = opts.extra;
    auto number = [](const std::string& s, const char* flag) {
        char* end = nullptr;
        long long v = std::strtoll(s.c_str(), &end, 10);
        if (s.empty() || *end) throw Error(std::string("invalid argument \"") + s + "\" for \"" + flag + "\" flag");
        return static_cast<int64_t>(v);
    };
    if (f.entrypoint) {
        x.entrypoint.emplace();
        if (!f.entrypoint->empty()) x.entrypoint->push_back(*f.entrypoint);
    }
    if (!f.cpu_period.empty()) x.cpu_period = static_cast<uint64_t>(number(f.cpu_period, "--cpu-period"));
    if (!f.cpu_quota.empty()) x.cpu_quota = number(f.cpu_quota, "--cpu-quota");
    x.cpuset_mems = f.cpuset_mems;
    if (!f.memory_swap.empty()) x.memory_swap = f.memory_swap == "-1" ? -1 : parse_memory_size(f.memory_swap);
    if (!f.memory_reservation.empty()) x.memory_reservation = parse_memory_size(f.memory_reservation);
    if (!f.shm_size.empty()) x.shm_size = parse_memory_size(f.shm_size);
    x.oom_kill_disable = f.oom_kill_disable;
    x.privileged = f.privileged;
    for (const auto& u : f.ulimits) x.ulimits.push_back(parse_ulimit(u));
    for (const auto& c : f.cap_add) x.cap_add.push_back(normalize_capability(c));
    for (const auto& c : f.cap_drop) x.cap_drop.push_back(normalize_capability(c));
    for (const auto& o : f.security_opts) apply_security_opt(o, x);
    for (const auto& d : f.devices) x.devices.push_back(parse_device(d));
    for (const auto& s : f.sysctls) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0) throw Error("invalid argument \"" + s + "\" for \"--sysctl\" flag");
        x.sysctls[s.substr(0, eq)] = s.substr(eq + 1);
    }
    x.labels = parse_labels(f.labels);
    for (const auto& e : f.expose)
        for (const auto& port : parse_expose(e)) opts.expose.push_back(port);
}

const std::set<std::string>& run_habit_value_flags() {
    static const std::set<std::string> flags{"--mount",     "--entrypoint", "--cpu-period",   "--cpu-quota",
                                             "--cpuset-mems", "--memory-swap", "--memory-reservation",
                                             "--shm-size",  "--ulimit",     "--cap-add",      "--cap-drop",
                                             "--security-opt", "--device",   "--sysctl",       "--label", "-l",
                                             "--expose"};
    return flags;
}

namespace {

void add_volume_commands(CLI::App& app, HabitCli& h, std::function<int()>& action, LiteContext& ctx) {
    auto* volume = app.add_subcommand("volume", "Manage volumes");
    volume->require_subcommand(1);

    auto* create = volume->add_subcommand("create", "Create a volume (a random name when none is given)");
    create->add_option("name", h.name, "Volume name");
    create->add_option("-l,--label", h.labels, "Set metadata for a volume (K=V)")->allow_extra_args(false);
    create->callback([&] { action = [&] { return cmd_volume_create(ctx, h.name, h.labels); }; });

    auto* ls = volume->add_subcommand("ls", "List volumes");
    ls->alias("list");
    ls->add_flag("-q,--quiet", h.quiet, "Only display volume names");
    ls->add_option("-f,--format", h.format, "Format output using a Go template ({{.Name}}, table, json)");
    ls->callback([&] { action = [&] { return cmd_volume_ls(ctx, h.quiet, h.format); }; });

    auto* inspect = volume->add_subcommand("inspect", "Display detailed information on volumes");
    inspect->add_option("-f,--format", h.format, "Format output using a Go template");
    inspect->add_option("volume", h.names, "Volume names")->required();
    inspect->callback([&] { action = [&] { return cmd_volume_inspect(ctx, h.names, h.format); }; });

    auto* rm = volume->add_subcommand("rm", "Remove volumes (refused while a container uses one)");
    rm->alias("remove");
    rm->add_flag("-f,--force", h.force, "Do not fail for a volume that does not exist");
    rm->add_option("volume", h.names, "Volume names")->required();
    rm->callback([&] { action = [&] { return cmd_volume_rm(ctx, h.names, h.force); }; });

    auto* prune = volume->add_subcommand("prune", "Remove unused anonymous volumes (-a: all unused)");
    prune->add_flag("-a,--all", h.all, "Remove all unused volumes, not just anonymous ones");
    prune->add_flag("-f,--force", h.force, "Do not prompt for confirmation");
    prune->callback([&] { action = [&] { return cmd_volume_prune(ctx, h.all, h.force); }; });
}

void add_more_commands(CLI::App& app, HabitCli& h, std::function<int()>& action, LiteContext& ctx) {
    auto* tag = app.add_subcommand("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE");
    tag->add_option("source", h.ref, "SOURCE_IMAGE[:TAG]")->required();
    tag->add_option("target", h.target, "TARGET_IMAGE[:TAG]")->required();
    tag->callback([&] { action = [&] { return cmd_tag(ctx, h.ref, h.target); }; });

    auto* rename = app.add_subcommand("rename", "Rename a container");
    rename->add_option("container", h.ref, "Container name or id")->required();
    rename->add_option("new-name", h.target, "New name")->required();
    rename->callback([&] { action = [&] { return cmd_rename(ctx, h.ref, h.target); }; });

    auto* wait = app.add_subcommand("wait", "Block until containers stop, then print their exit codes");
    wait->add_option("container", h.names, "Container names or ids")->required();
    wait->callback([&] { action = [&] { return cmd_wait(ctx, h.names); }; });

    auto* version = app.add_subcommand("version", "Show the whalebox-lite version information");
    version->callback([&] { action = [&] { return cmd_version(ctx); }; });
}

}  // namespace

void add_habit_commands(CLI::App& app, HabitCli& h, std::function<int()>& action, LiteContext& ctx) {
    add_volume_commands(app, h, action, ctx);
    add_more_commands(app, h, action, ctx);
}

}  // namespace wb::lite
