// whalebox features: print what this runtime supports (runtime-spec features.md).
#include <cstdio>

#include "cli/command.hpp"
#include "oci/features.hpp"

namespace wb::cli {
namespace {

void add_features_command(Command& app, Globals&) {
    Command sub = app.add_subcommand("features", "show the enabled features");
    sub.callback([] {
        std::string doc = oci::features_json();
        std::fwrite(doc.data(), 1, doc.size(), stdout);
    });
}

}  // namespace

WHALEBOX_COMMAND("features", add_features_command);

}  // namespace wb::cli
