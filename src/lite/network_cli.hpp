// The network commands (network create/ls/inspect/rm, port) on whalebox-lite's command line.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

#include "lite/lifecycle.hpp"

namespace wb::lite {

void add_network_commands(CLI::App& app, std::function<int()>& action, LiteContext& ctx);

}  // namespace wb::lite
