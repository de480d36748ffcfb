#include "cli/command.hpp"

namespace wb::cli {
namespace {

void add_delete_command(Command& app, Globals& g) {
    auto id = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    Command sub = app.add_subcommand("delete", "delete a container and everything it holds");
    sub.add_option("container-id", *id, "the container's id").required();
    sub.add_flag("-f,--force", *force, "kill a running container first (SIGKILL)");
    sub.callback([&g, id, force] { runtime::remove(g.runtime, *id, *force); });
}

}  // namespace

WHALEBOX_COMMAND("delete", add_delete_command);

}  // namespace wb::cli
