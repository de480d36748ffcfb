#include "cli/command.hpp"

namespace wb::cli {
namespace {

void add_pause_command(Command& app, Globals& g) {
    auto id = std::make_shared<std::string>();
    Command sub = app.add_subcommand("pause", "suspend every process in the container");
    sub.add_option("container-id", *id, "the container's id").required();
    sub.callback([&g, id] { runtime::pause(g.runtime, *id); });
}

}  // namespace

WHALEBOX_COMMAND("pause", add_pause_command);

}  // namespace wb::cli
