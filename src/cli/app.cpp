// whalebox's command line: the global flags, the one command the arguments name, and the
// exit status. The only file that includes CLI11 (see cli/command.hpp): the command files
// reach it through Command and Option, implemented here.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "cli/command.hpp"
#include "runtime/rootless.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::cli {

Option& Option::required() {
    option_->required();
    return *this;
}

Option& Option::one_value_per_flag() {
    option_->allow_extra_args(false);
    return *this;
}

Option& Option::one_of(std::initializer_list<const char*> values) {
    option_->check(CLI::IsMember(std::vector<std::string>(values.begin(), values.end())));
    return *this;
}

Command Command::add_subcommand(const char* name, const char* description) {
    return Command(app_->add_subcommand(name, description));
}

void Command::alias(const char* name) { app_->alias(name); }

Option Command::add_option(const char* names, std::string& value, const char* description) {
    return Option(app_->add_option(names, value, description));
}
Option Command::add_option(const char* names, int& value, const char* description) {
    return Option(app_->add_option(names, value, description));
}
Option Command::add_option(const char* names, std::vector<std::string>& value, const char* description) {
    return Option(app_->add_option(names, value, description));
}
Option Command::add_option(const char* names, std::vector<uint32_t>& value, const char* description) {
    return Option(app_->add_option(names, value, description));
}
Option Command::add_option(const char* names, std::optional<uint64_t>& value, const char* description) {
    return Option(app_->add_option(names, value, description));
}
Option Command::add_option(const char* names, std::optional<int64_t>& value, const char* description) {
    return Option(app_->add_option(names, value, description));
}

void Command::add_flag(const char* names, bool& value, const char* description) {
    app_->add_flag(names, value, description);
}

void Command::positionals_at_end() { app_->positionals_at_end(); }

void Command::callback(std::function<void()> run) { app_->callback(std::move(run)); }

namespace {

void report_error(const std::string& msg) {
    if (spdlog::default_logger_raw() && wb::log::to_file()) wb::log::error("{}", msg);
    std::string line = msg + "\n";
    ssize_t r = ::write(STDERR_FILENO, line.data(), line.size());
    (void)r;
}

// Global flags that take a value (the next argument unless written --flag=value).
bool takes_value(std::string_view flag) {
    for (std::string_view f : {"--root", "--log", "--log-format", "--criu", "--rootless"})
        if (flag == f) return true;
    return false;
}

// The first argument that is not a global flag (or its value): the command's name; empty
// when there is none. `global_help`: whether -h, --help, -v or --version comes before it
// (whalebox's own help or version, which lists or needs every command).
std::string command_word(int argc, char** argv, bool* global_help = nullptr) {
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--") return i + 1 < argc ? argv[i + 1] : "";
        if (a.empty() || a[0] != '-') return std::string(a);
        if (global_help && (a == "-h" || a == "--help" || a == "-v" || a == "--version")) *global_help = true;
        if (a.find('=') == std::string_view::npos && takes_value(a)) ++i;
    }
    return "";
}

// The command line names one command: only that one is added (CLI11 builds every option
// of every command it is given, two thirds of the start-up's instructions); help, version,
// aliases and unknown words get them all.
void add_commands(CLI::App& app, Globals& globals, int argc, char** argv) {
    Command commands(&app);
    bool global_help = false;
    std::string word = command_word(argc, argv, &global_help);
    if (global_help || word.empty() || word == "help" || word == "h" || !add_command(commands, globals, word))
        add_all_commands(commands, globals);
}

// An unknown command is an error naming it, also when -h follows (as runc: "No help topic
// for 'foo'"). `help [COMMAND]` is the help of whalebox or of COMMAND.
std::optional<int> check_command(CLI::App& app, int argc, char** argv) {
    std::string word = command_word(argc, argv);
    if (word.empty()) return std::nullopt;
    auto known = [&](const std::string& name) {
        for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
            if (sub->check_name(name)) return sub;
        return static_cast<const CLI::App*>(nullptr);
    };
    if (word == "help" || word == "h") {
        std::string topic;
        bool after = false;
        for (int i = 1; i < argc; ++i) {
            if (after) {
                topic = argv[i];
                break;
            }
            after = word == argv[i];
        }
        if (topic.empty()) {
            std::fputs(app.help().c_str(), stdout);
            return 0;
        }
        if (const CLI::App* sub = known(topic)) {
            std::fputs(sub->help().c_str(), stdout);
            return 0;
        }
        word = topic;
    } else if (known(word)) {
        return std::nullopt;
    }
    report_error("unknown command \"" + word + "\": see whalebox --help");
    return 3;  // runc's status for an unknown command
}

// Which command was parsed (for the debug record that opens every command).
std::string parsed_command(const CLI::App& app) {
    auto subs = app.get_subcommands();
    return subs.empty() ? std::string() : subs.front()->get_name();
}

}  // namespace

int main(int argc, char** argv) {
    Globals globals;
    CLI::App app{"whalebox: an OCI container runtime", "whalebox"};
    app.require_subcommand(1);
    app.fallthrough();
    app.set_version_flag("-v,--version",
                         "whalebox version " WHALEBOX_VERSION "\ncommit: " WHALEBOX_COMMIT
                         "\nspec: 1.2.0");
    auto* root_option = app.add_option("--root", globals.runtime.root,
                                       "root directory for storage of container state (default: /run/whalebox, "
                                       "or $XDG_RUNTIME_DIR/whalebox when rootless)")
                            ->capture_default_str();
    app.add_option("--log", globals.log, "log file (default: stderr)");
    app.add_option("--log-format", globals.log_format, "log format: text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    app.add_flag("--debug", globals.debug, "enable debug logging");
    app.add_flag("--systemd-cgroup", globals.runtime.systemd_cgroup,
                 "use systemd cgroup paths (slice:prefix:name)");
    app.add_option("--criu", globals.runtime.criu, "path to the criu binary used for checkpoint and restore")
        ->capture_default_str();
    std::string rootless = "auto";
    app.add_option("--rootless", rootless, "ignore cgroup permission errors: true, false or auto")
        ->capture_default_str();

    // Logging is set up once the global flags are known, before the command runs.
    app.parse_complete_callback([&] {
        wb::log::setup(globals.log, wb::log::parse_format(globals.log_format), globals.debug);
        runtime::apply_rootless_defaults(globals.runtime, rootless, root_option->count() > 0);
        wb::log::debug("whalebox {} (pid {}): command {}, root {}", WHALEBOX_VERSION, ::getpid(),
                       parsed_command(app), globals.runtime.root);
    });
    add_commands(app, globals, argc, argv);
    if (auto status = check_command(app, argc, argv)) return *status;

    try {
        app.parse(argc, argv);
        wb::log::debug("command {}: done, exit status {}", parsed_command(app), globals.exit_code);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        report_error(e.what());
        return e.get_exit_code() == 0 ? 0 : 1;
    } catch (const Error& e) {
        report_error(e.what());
        return globals.failure_exit_code;
    } catch (const std::exception& e) {
        report_error(e.what());
        return globals.failure_exit_code;
    }
    // Without unwinding main: the command line's objects (every command's options) are not
    // freed one by one at the end. After a fork their heap pages are shared
    // copy-on-write, and each free would fault and copy a page for nothing.
    std::exit(globals.exit_code);
}

}  // namespace wb::cli
