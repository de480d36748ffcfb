#include "cli/command.hpp"

namespace wb::cli {
namespace {

struct KillOptions {
    std::string id;
    std::string signal = "SIGTERM";
    bool all = false;
};

void add_kill_command(Command& app, Globals& g) {
    auto o = std::make_shared<KillOptions>();
    Command sub = app.add_subcommand("kill", "send a signal to the container's init (default SIGTERM)");
    sub.add_option("container-id", o->id, "the container's id").required();
    sub.add_option("signal", o->signal, "signal name (KILL, SIGKILL) or number");
    sub.add_flag("-a,--all", o->all, "send the signal to every process in the container");
    sub.callback([&g, o] { runtime::kill(g.runtime, o->id, parse_signal(o->signal), o->all); });
}

}  // namespace

WHALEBOX_COMMAND("kill", add_kill_command);

}  // namespace wb::cli
