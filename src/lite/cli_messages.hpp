// Command-line mistakes worded as docker's: `unknown flag: --bogus` with
// `See 'whalebox-lite run --help'.`, an unknown command named.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace wb::lite {

struct CliFailure {
    std::string message;  // the whole text for stderr, newline-terminated
    int exit_code = 125;
};

// The command path ("run", "volume ls") named by args from index sub on.
std::string command_path(CLI::App& app, const std::vector<std::string>& args, size_t sub);

// "whalebox-lite: 'bogus' is not a whalebox-lite command." (exit 1) when args[sub] names
// no command; nullopt otherwise.
std::optional<CliFailure> unknown_command(CLI::App& app, const std::vector<std::string>& args, size_t sub);

// docker's wording for a parse error: the first flag the command does not know
// ("unknown flag: --bogus", "unknown shorthand flag: 'z' in -z"), else CLI11's message;
// both followed by "See 'whalebox-lite CMD --help'.". Flag errors exit 125, as docker's.
CliFailure describe_parse_error(CLI::App& app, const std::vector<std::string>& args, size_t sub,
                                const CLI::ParseError& e);

}  // namespace wb::lite
