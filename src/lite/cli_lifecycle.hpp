// The command line of `logs` (-t, --since, --until, -n, -f) and of run's lifecycle flags
// (--restart, --init, --stop-signal, --stop-timeout, --userns), kept apart from main.cpp.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <set>
#include <string>

#include "lite/log_query.hpp"
#include "lite/run_options.hpp"

namespace wb::lite {

struct LogFlags {
    bool follow = false, timestamps = false;
    std::string tail = "all", since, until;
};
void add_log_flags(CLI::App* logs, LogFlags& f);
// Throws wb::Error for a bad -n, --since or --until.
LogQuery to_log_query(const LogFlags& f);

struct RunLifecycleFlags {
    std::string restart, stop_signal, userns;
    std::optional<int> stop_timeout;
    bool init = false;
};
void add_run_lifecycle_flags(CLI::App* run, RunLifecycleFlags& f);
// Parses the typed values into opts.lifecycle; throws wb::Error for a bad value.
void apply_run_lifecycle_flags(const RunLifecycleFlags& f, RunOptions& opts);
// The lifecycle run flags that take a value (for split_command_args).
const std::set<std::string>& run_lifecycle_value_flags();

}  // namespace wb::lite
