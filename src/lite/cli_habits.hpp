// The command line of the commands and run flags issue 17 added, kept apart from main.cpp:
// main calls add_habit_commands once, and add_run_habit_flags/apply_run_habit_flags for run.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lite/lifecycle.hpp"
#include "lite/run_options.hpp"

namespace wb::lite {

// The values of run's extra flags as typed.
struct RunHabitFlags {
    std::vector<std::string> mounts;  // --mount
    std::optional<std::string> entrypoint;
    std::string cpu_period, cpu_quota, cpuset_mems, memory_swap, memory_reservation, shm_size;
    bool oom_kill_disable = false, privileged = false;
    std::vector<std::string> ulimits, cap_add, cap_drop, security_opts, devices, sysctls, labels, expose;
};

void add_run_habit_flags(CLI::App* run, RunHabitFlags& f);
// Parses the typed values into opts; throws wb::Error for a bad value.
void apply_run_habit_flags(const RunHabitFlags& f, RunOptions& opts);
// The extra run flags that take a value (for split_command_args).
const std::set<std::string>& run_habit_value_flags();

// Everything the extra commands parse into; lives as long as main's CLI::App.
struct HabitCli {
    std::string name, format, ref, target;
    std::vector<std::string> names, labels;
    bool quiet = false, force = false, all = false;
};

void add_habit_commands(CLI::App& app, HabitCli& h, std::function<int()>& action, LiteContext& ctx);

}  // namespace wb::lite
