#include <cstdio>

#include "cli/command.hpp"

namespace wb::cli {
namespace {

void add_state_command(Command& app, Globals& g) {
    auto id = std::make_shared<std::string>();
    Command sub = app.add_subcommand("state", "output the state of a container");
    sub.add_option("container-id", *id, "the container's id").required();
    sub.callback([&g, id] {
        std::string out = state::to_oci_json(runtime::state(g.runtime, *id)) + "\n";
        std::fwrite(out.data(), 1, out.size(), stdout);
    });
}

}  // namespace

WHALEBOX_COMMAND("state", add_state_command);

}  // namespace wb::cli
