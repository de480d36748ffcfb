#include "cli/command.hpp"

namespace wb::cli {
namespace {

void add_start_command(Command& app, Globals& g) {
    auto id = std::make_shared<std::string>();
    Command sub = app.add_subcommand("start", "execute the user process of a created container");
    sub.add_option("container-id", *id, "the container's id").required();
    sub.callback([&g, id] { runtime::start(g.runtime, *id); });
}

}  // namespace

WHALEBOX_COMMAND("start", add_start_command);

}  // namespace wb::cli
