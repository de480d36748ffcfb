// The thin command-line layer. Each file in src/cli defines one command: its flags and
// one call into the runtime library, registered with WHALEBOX_COMMAND.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "runtime/runtime.hpp"

namespace wb::cli {

// Global flags and the exit code a command sets.
struct Globals {
    runtime::Context runtime;
    std::string log;
    std::string log_format = "text";
    bool debug = false;
    int exit_code = 0;
    // The status when the command fails (a wb::Error): 1, but 255 for exec, so callers
    // tell the runtime's own failures from the process's status (as runc).
    int failure_exit_code = 1;
};

using AddCommand = std::function<void(CLI::App& app, Globals& globals)>;

struct CommandRegistration {
    CommandRegistration(const char* name, AddCommand add);
};

// Adds every registered command to the app, in name order.
void add_all_commands(CLI::App& app, Globals& globals);

// Adds only the command registered under `name` (not an alias); false when there is none.
// Registering one command instead of all of them is most of CLI11's start-up cost.
bool add_command(CLI::App& app, Globals& globals, const std::string& name);

// Parses a signal name ("KILL", "SIGKILL", "kill") or number ("9"; 0 checks liveness);
// throws wb::Error.
int parse_signal(const std::string& text);

}  // namespace wb::cli

#define WHALEBOX_COMMAND(name, fn) \
    static const ::wb::cli::CommandRegistration whalebox_command_registration_{name, fn}
