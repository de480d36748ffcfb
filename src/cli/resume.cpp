#include "cli/command.hpp"

namespace wb::cli {
namespace {

void add_resume_command(Command& app, Globals& g) {
    auto id = std::make_shared<std::string>();
    Command sub = app.add_subcommand("resume", "resume every process of a paused container");
    sub.add_option("container-id", *id, "the container's id").required();
    sub.callback([&g, id] { runtime::resume(g.runtime, *id); });
}

}  // namespace

WHALEBOX_COMMAND("resume", add_resume_command);

}  // namespace wb::cli
