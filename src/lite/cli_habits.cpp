#include "lite/cli_habits.hpp"

#include "lite/commands_habits.hpp"
#include "lite/volumes.hpp"

namespace wb::lite {

void add_run_habit_flags(CLI::App* run, RunHabitFlags& f) {
    run->add_option("--mount", f.mounts, "Attach a filesystem mount: type=bind|volume|tmpfs,source=,target=[,readonly]")
        ->allow_extra_args(false);
}

void apply_run_habit_flags(const RunHabitFlags& f, RunOptions& opts) {
    for (const auto& m : f.mounts) opts.volumes.push_back(parse_mount(m));
}

const std::set<std::string>& run_habit_value_flags() {
    static const std::set<std::string> flags{"--mount"};
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

}  // namespace

void add_habit_commands(CLI::App& app, HabitCli& h, std::function<int()>& action, LiteContext& ctx) {
    add_volume_commands(app, h, action, ctx);
}

}  // namespace wb::lite
