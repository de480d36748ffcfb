// The thin command-line layer. Each file in src/cli defines one command: its flags and
// one call into the runtime library, registered with WHALEBOX_COMMAND.
//
// cli/app.cpp parses the command line for them (runc's syntax and messages, see there);
// a command declares its flags and arguments through Command and Option.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/runtime.hpp"

namespace wb::cli {

struct CommandSpec;  // cli/app.cpp
struct OptionSpec;

// A flag that takes a value, or a positional argument, of a command. A flag given twice
// keeps the last value, or each value for a list (-e A -e B).
class Option {
public:
    explicit Option(OptionSpec* spec) : spec_(spec) {}
    // A positional argument the command fails without.
    Option& required();

private:
    OptionSpec* spec_;
};

// A command, or the program itself. `names`: "-b,--bundle" (flags, at most one short
// name), or one word without a dash: a positional argument (a list one takes the rest).
class Command {
public:
    explicit Command(CommandSpec* spec) : spec_(spec) {}
    Command add_subcommand(const char* name, const char* description);
    void alias(const char* name);
    Option add_option(const char* names, std::string& value, const char* description);
    Option add_option(const char* names, int& value, const char* description);
    Option add_option(const char* names, std::vector<std::string>& value, const char* description);
    Option add_option(const char* names, std::vector<uint32_t>& value, const char* description);
    Option add_option(const char* names, std::optional<uint64_t>& value, const char* description);
    Option add_option(const char* names, std::optional<int64_t>& value, const char* description);
    // A boolean flag: --flag, or --flag=false.
    void add_flag(const char* names, bool& value, const char* description);
    // Everything after the first positional argument is positional, flags included (the
    // command line of a process to run).
    void positionals_at_end();
    // Runs after the command line was parsed, when this command was given.
    void callback(std::function<void()> run);

private:
    CommandSpec* spec_;
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
// Registering one command instead of all of them saves most of the start-up's option objects.
bool add_command(Command& app, Globals& globals, const std::string& name);

// Parses a signal name ("KILL", "SIGKILL", "kill") or number ("9"; 0 checks liveness);
// throws wb::Error.
int parse_signal(const std::string& text);

// whalebox's main: the global flags, the command, its exit status.
int main(int argc, char** argv);

}  // namespace wb::cli

#define WHALEBOX_COMMAND(name, fn) \
    static const ::wb::cli::CommandRegistration whalebox_command_registration_{name, fn}
