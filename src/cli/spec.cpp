// whalebox spec [--bundle DIR] [--rootless]: write a starter config.json, as runc does.
#include <memory>

#include "cli/command.hpp"
#include "oci/default_spec.hpp"

namespace wb::cli {
namespace {

struct SpecOptions {
    std::string bundle;
    bool rootless = false;
};

void add_spec_command(Command& app, Globals&) {
    auto opts = std::make_shared<SpecOptions>();
    Command sub = app.add_subcommand("spec", "create a new specification file");
    sub.add_option("-b,--bundle", opts->bundle, "path to the root of the bundle directory");
    sub.add_flag("--rootless", opts->rootless, "generate a configuration for a rootless container");
    sub.callback([opts] { oci::write_default_spec(opts->bundle, opts->rootless); });
}

}  // namespace

WHALEBOX_COMMAND("spec", add_spec_command);

}  // namespace wb::cli
