// whalebox: an OCI runtime with runc's command line.
#include <unistd.h>

#include <cstdio>

#include "cli/command.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace {

void report_error(const std::string& msg) {
    if (spdlog::default_logger_raw() && wb::log::to_file()) wb::log::error("{}", msg);
    std::string line = msg + "\n";
    ssize_t r = ::write(STDERR_FILENO, line.data(), line.size());
    (void)r;
}

}  // namespace

int main(int argc, char** argv) {
    wb::cli::Globals globals;
    CLI::App app{"whalebox: an OCI container runtime", "whalebox"};
    app.require_subcommand(1);
    app.fallthrough();
    app.set_version_flag("-v,--version",
                         "whalebox version " WHALEBOX_VERSION "\ncommit: " WHALEBOX_COMMIT
                         "\nspec: 1.2.0");
    app.add_option("--root", globals.runtime.root, "root directory for storage of container state")
        ->capture_default_str();
    app.add_option("--log", globals.log, "log file (default: stderr)");
    app.add_option("--log-format", globals.log_format, "log format: text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    app.add_flag("--debug", globals.debug, "enable debug logging");
    app.add_flag("--systemd-cgroup", globals.runtime.systemd_cgroup,
                 "use systemd cgroup paths (slice:prefix:name)");
    app.add_option("--criu", "ignored, for runc compatibility");
    app.add_option("--rootless", "ignored, for runc compatibility");

    // Logging is set up once the global flags are known, before the command runs.
    app.parse_complete_callback([&] {
        wb::log::setup(globals.log, wb::log::parse_format(globals.log_format), globals.debug);
    });
    wb::cli::add_all_commands(app, globals);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        report_error(e.what());
        return e.get_exit_code() == 0 ? 0 : 1;
    } catch (const wb::Error& e) {
        report_error(e.what());
        return 1;
    } catch (const std::exception& e) {
        report_error(e.what());
        return 1;
    }
    return globals.exit_code;
}
