// `run IMAGE CMD...` and `exec NAME CMD...`: everything after the first positional belongs
// to the container's command, flags included (`run busybox ls -l`). CLI11 would read -l
// as an option of run, so a "--" goes in before that positional.
#pragma once
#include <set>
#include <string>
#include <vector>

namespace wb::lite {

struct FlagSyntax {
    std::set<std::string> value_options;  // "-m", "--memory", ...: take a value
};

// Returns args with "--" inserted before the first positional after index `from`
// (unchanged when the user wrote "--" already or there is no positional).
std::vector<std::string> split_command_args(const std::vector<std::string>& args, size_t from,
                                            const FlagSyntax& syntax);

}  // namespace wb::lite
