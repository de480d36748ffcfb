// The tables of `ps` and `images`, laid out as docker's tabwriter does.
#pragma once
#include <string>
#include <vector>

namespace wb::lite {

// Columns padded to the widest cell + 3 spaces (characters, not bytes).
std::string format_table(const std::vector<std::vector<std::string>>& rows);
// docker's COMMAND cell: the args joined, cut to 20 characters with "…", quoted.
std::string command_cell(const std::vector<std::string>& args, bool no_trunc);

}  // namespace wb::lite
