// The thin command-line layer. Each file in src/cli defines one command: its flags and
// one call into the runtime library, registered with WHALEBOX_COMMAND.
//
// The command files see CLI11 only through Command and Option below: cli/app.cpp alone
// includes CLI11. Its header defines validators as namespace-scope objects (with
// std::function and strings inside) and includes <iostream>, so every file that includes
// it constructs its own copies at start-up; one file instead of eighteen saves about a
// thousand distinct basic blocks of start-up code (issue 18, docs/performance.md).
#pragma once
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "runtime/runtime.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace wb::cli {

// A flag that takes a value, or a positional argument, of a command.
class Option {
public:
    explicit Option(CLI::Option* option) : option_(option) {}
    // The command fails without it.
    Option& required();
    // One value per occurrence (-e A -e B), not every word up to the next flag.
    Option& one_value_per_flag();
    // Only these values.
    Option& one_of(std::initializer_list<const char*> values);

private:
    CLI::Option* option_;
};

// A command, or the program itself (CLI11's App).
class Command {
public:
    explicit Command(CLI::App* app) : app_(app) {}
    Command add_subcommand(const char* name, const char* description);
    void alias(const char* name);
    Option add_option(const char* names, std::string& value, const char* description);
    Option add_option(const char* names, int& value, const char* description);
    Option add_option(const char* names, std::vector<std::string>& value, const char* description);
    Option add_option(const char* names, std::vector<uint32_t>& value, const char* description);
    Option add_option(const char* names, std::optional<uint64_t>& value, const char* description);
    Option add_option(const char* names, std::optional<int64_t>& value, const char* description);
    void add_flag(const char* names, bool& value, const char* description);
    // Everything after the first positional argument is positional, flags included (the
    // command line of a process to run).
    void positionals_at_end();
    // Runs after the command line was parsed, when this command was given.
    void callback(std::function<void()> run);

private:
    CLI::App* app_;
};

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

using AddCommand = void (*)(Command& app, Globals& globals);

struct CommandRegistration {
    CommandRegistration(const char* name, AddCommand add);
};

// Adds every registered command to the app, in name order.
void add_all_commands(Command& app, Globals& globals);

// Adds only the command registered under `name` (not an alias); false when there is none.
// Registering one command instead of all of them is most of CLI11's start-up cost.
bool add_command(Command& app, Globals& globals, const std::string& name);

// Parses a signal name ("KILL", "SIGKILL", "kill") or number ("9"; 0 checks liveness);
// throws wb::Error.
int parse_signal(const std::string& text);

// whalebox's main: the global flags, the command, its exit status.
int main(int argc, char** argv);

}  // namespace wb::cli

#define WHALEBOX_COMMAND(name, fn) \
    static const ::wb::cli::CommandRegistration whalebox_command_registration_{name, fn}
