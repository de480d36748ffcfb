// whalebox's command line: the global flags, the one command the arguments name, its
// flags and arguments, help and version, and the exit status.
//
// The syntax is runc's (urfave/cli over Go's flag package) where whalebox's users meet
// it: `--flag value` and `--flag=value`, `-f value` and `-fvalue`, short boolean flags
// together (`-dt`), `--flag=false` for a boolean, `--` before the arguments, the global
// flags before the command. Beyond runc, as whalebox's CLI11 front end accepted them:
// a command's flags may also follow its arguments, and the global flags may also follow
// the command word. The errors are runc's ("flag provided but not defined: -foo",
// `"state" requires exactly 1 argument(s)`), as one line on stderr and exit status 1.
//
// Until issue 18's tenth round the parsing was CLI11's; its option objects, validators
// and the stream locale it needs were a third of the start-up's distinct code, which the
// TCG-emulated VM pays for in every process (docs/performance.md).
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>

#include "cli/command.hpp"
#include "runtime/rootless.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::cli {

enum class ValueKind { flag, string, integer, strings, uint32s, u64, i64 };

struct OptionSpec {
    std::vector<std::string> long_names;  // without the dashes
    char short_name = 0;
    std::string positional;  // a positional argument's name; empty for a flag
    std::string description;
    ValueKind kind = ValueKind::flag;
    void* target = nullptr;
    bool required = false;
    int count = 0;  // how often it was given
    std::string default_text;  // what the help shows as the default

    bool is_list() const { return kind == ValueKind::strings || kind == ValueKind::uint32s; }
};

struct CommandSpec {
    std::string name;
    std::string description;
    std::vector<std::string> aliases;
    std::vector<std::unique_ptr<OptionSpec>> options;
    std::vector<std::unique_ptr<CommandSpec>> subcommands;
    std::function<void()> run;
    bool positionals_at_end = false;

    bool has_name(std::string_view word) const {
        if (word == name) return true;
        for (const auto& a : aliases)
            if (word == a) return true;
        return false;
    }
};

namespace {

// A command line that does not parse: runc's message, exit status 1.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

Option add(CommandSpec* command, std::string_view names, ValueKind kind, void* target, const char* description) {
    auto spec = std::make_unique<OptionSpec>();
    while (!names.empty()) {
        size_t comma = names.find(',');
        std::string_view name = names.substr(0, comma);
        names = comma == std::string_view::npos ? std::string_view() : names.substr(comma + 1);
        if (name.starts_with("--")) spec->long_names.emplace_back(name.substr(2));
        else if (name.starts_with("-")) spec->short_name = name[1];
        else spec->positional = name;
    }
    spec->kind = kind;
    spec->target = target;
    spec->description = description;
    if (kind == ValueKind::string) spec->default_text = *static_cast<std::string*>(target);
    OptionSpec* raw = spec.get();
    command->options.push_back(std::move(spec));
    return Option(raw);
}

}  // namespace

Option& Option::required() {
    spec_->required = true;
    return *this;
}

Command Command::add_subcommand(const char* name, const char* description) {
    auto sub = std::make_unique<CommandSpec>();
    sub->name = name;
    sub->description = description;
    CommandSpec* raw = sub.get();
    spec_->subcommands.push_back(std::move(sub));
    return Command(raw);
}

void Command::alias(const char* name) { spec_->aliases.emplace_back(name); }

Option Command::add_option(const char* names, std::string& value, const char* description) {
    return add(spec_, names, ValueKind::string, &value, description);
}
Option Command::add_option(const char* names, int& value, const char* description) {
    return add(spec_, names, ValueKind::integer, &value, description);
}
Option Command::add_option(const char* names, std::vector<std::string>& value, const char* description) {
    return add(spec_, names, ValueKind::strings, &value, description);
}
Option Command::add_option(const char* names, std::vector<uint32_t>& value, const char* description) {
    return add(spec_, names, ValueKind::uint32s, &value, description);
}
Option Command::add_option(const char* names, std::optional<uint64_t>& value, const char* description) {
    return add(spec_, names, ValueKind::u64, &value, description);
}
Option Command::add_option(const char* names, std::optional<int64_t>& value, const char* description) {
    return add(spec_, names, ValueKind::i64, &value, description);
}

void Command::add_flag(const char* names, bool& value, const char* description) {
    add(spec_, names, ValueKind::flag, &value, description);
}

void Command::positionals_at_end() { spec_->positionals_at_end = true; }

void Command::callback(std::function<void()> run) { spec_->run = std::move(run); }

namespace {

// ---- values ----------------------------------------------------------------------------

// An integer as Go's strconv parses a flag's: optional sign, decimal digits, in range.
template <class T>
bool parse_integer(std::string_view text, T& out) {
    if (text.starts_with('+')) text.remove_prefix(1);
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

// A boolean as Go's strconv.ParseBool reads it.
bool parse_bool(std::string_view text, bool& out) {
    for (std::string_view t : {"1", "t", "T", "true", "TRUE", "True"}) {
        if (text == t) {
            out = true;
            return true;
        }
    }
    for (std::string_view f : {"0", "f", "F", "false", "FALSE", "False"}) {
        if (text == f) {
            out = false;
            return true;
        }
    }
    return false;
}

// Stores `text` as the value of `spec`, given on the command line as `flag` ("-b",
// "--bundle"; runc names a flag with one dash in its messages).
void set_value(OptionSpec& spec, std::string_view flag, std::string_view text) {
    auto name = [&] { return "-" + std::string(flag.substr(flag.find_first_not_of('-'))); };
    auto number = [&]<class T>(T) {
        T v{};
        if (!parse_integer(text, v))
            throw UsageError("invalid value \"" + std::string(text) + "\" for flag " + name() + ": parse error");
        return v;
    };
    ++spec.count;
    switch (spec.kind) {
        case ValueKind::flag:
            if (!parse_bool(text, *static_cast<bool*>(spec.target)))
                throw UsageError("invalid boolean value \"" + std::string(text) + "\" for " + name() + ": parse error");
            return;
        case ValueKind::string: *static_cast<std::string*>(spec.target) = text; return;
        case ValueKind::strings: static_cast<std::vector<std::string>*>(spec.target)->emplace_back(text); return;
        case ValueKind::integer: *static_cast<int*>(spec.target) = number(int{}); return;
        case ValueKind::uint32s: static_cast<std::vector<uint32_t>*>(spec.target)->push_back(number(uint32_t{})); return;
        case ValueKind::u64: *static_cast<std::optional<uint64_t>*>(spec.target) = number(uint64_t{}); return;
        case ValueKind::i64: *static_cast<std::optional<int64_t>*>(spec.target) = number(int64_t{}); return;
    }
}

// ---- parsing -----------------------------------------------------------------------------

struct Scanner {
    // The flags that count here: the command's, then the program's.
    std::vector<CommandSpec*> scopes;

    OptionSpec* find_long(std::string_view name) const {
        for (CommandSpec* scope : scopes)
            for (auto& o : scope->options)
                for (const auto& n : o->long_names)
                    if (n == name) return o.get();
        return nullptr;
    }
    OptionSpec* find_short(char c) const {
        for (CommandSpec* scope : scopes)
            for (auto& o : scope->options)
                if (o->short_name == c) return o.get();
        return nullptr;
    }

    // Reads the flag at argv[i] (advancing i past a separate value); false for -h/--help
    // (when nothing else is so named).
    bool flag(int argc, char** argv, int& i) const {
        std::string_view arg = argv[i];
        auto next_value = [&](std::string_view flag) -> std::string_view {
            if (i + 1 >= argc)
                throw UsageError("flag needs an argument: -" + std::string(flag.substr(flag.find_first_not_of('-'))));
            return argv[++i];
        };
        if (arg.starts_with("--")) {
            std::string_view body = arg.substr(2);
            size_t eq = body.find('=');
            std::string_view name = body.substr(0, eq);
            OptionSpec* spec = find_long(name);
            if (!spec) {
                if (name == "help") return false;
                throw UsageError("flag provided but not defined: -" + std::string(name));
            }
            std::string_view shown = arg.substr(0, 2 + name.size());
            if (eq != std::string_view::npos) set_value(*spec, shown, body.substr(eq + 1));
            else if (spec->kind == ValueKind::flag) set_value(*spec, shown, "true");
            else set_value(*spec, shown, next_value(shown));
            return true;
        }
        // Short flags, booleans together (-dt), the last may take a value (-b DIR, -bDIR).
        for (size_t k = 1; k < arg.size(); ++k) {
            OptionSpec* spec = find_short(arg[k]);
            std::string shown = std::string("-") + arg[k];
            if (!spec) {
                if (arg[k] == 'h') return false;
                throw UsageError("flag provided but not defined: " + shown);
            }
            if (spec->kind == ValueKind::flag) {
                if (k + 1 < arg.size() && arg[k + 1] == '=') {
                    set_value(*spec, shown, arg.substr(k + 2));
                    break;
                }
                set_value(*spec, shown, "true");
                continue;
            }
            std::string_view rest = arg.substr(k + 1);
            if (rest.starts_with('=')) rest.remove_prefix(1);
            set_value(*spec, shown, rest.empty() ? next_value(shown) : rest);
            break;
        }
        return true;
    }
};

// The positional arguments of `command`, in order, assigned to its positional options
// (a list takes the rest); runc's messages when there are too few or too many.
void assign_positionals(CommandSpec& command, const std::vector<std::string_view>& words) {
    std::vector<OptionSpec*> slots;
    size_t required = 0;
    bool list = false;
    for (auto& o : command.options) {
        if (o->positional.empty()) continue;
        slots.push_back(o.get());
        if (o->required) ++required;
        list = list || o->is_list();
    }
    auto count_error = [&](const char* how, size_t n) {
        return UsageError("whalebox: \"" + command.name + "\" requires " + how + " " + std::to_string(n) + " argument(s)");
    };
    if (words.size() < required)
        throw count_error(required == slots.size() && !list ? "exactly" : "a minimum of", required);
    if (!list && words.size() > slots.size())
        throw count_error(required == slots.size() ? "exactly" : "a maximum of", slots.size());
    size_t w = 0;
    for (OptionSpec* slot : slots) {
        do {
            if (w == words.size()) break;
            set_value(*slot, slot->positional, words[w++]);
        } while (slot->is_list());
    }
}

// The index in argv of the command word (after the global flags), or argc when there is
// none; sets `help` for -h before it.
int scan_globals(CommandSpec& program, int argc, char** argv, bool& help) {
    Scanner scanner{{&program}};
    int i = 1;
    for (; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") return i + 1;
        if (arg.size() < 2 || arg[0] != '-') return i;
        if (!scanner.flag(argc, argv, i)) help = true;
    }
    return i;
}

// The command's flags and arguments, argv[first..].
void scan_command(CommandSpec& program, CommandSpec& command, int first, int argc, char** argv, bool& help) {
    Scanner scanner{{&command, &program}};
    std::vector<std::string_view> words;
    bool only_words = false;
    for (int i = first; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (only_words || arg.size() < 2 || arg[0] != '-') {
            words.push_back(arg);
            only_words = only_words || command.positionals_at_end;
        } else if (arg == "--") {
            only_words = true;
        } else if (!scanner.flag(argc, argv, i)) {
            help = true;
        }
    }
    if (!help) assign_positionals(command, words);
}

// ---- help --------------------------------------------------------------------------------

std::string flag_text(const OptionSpec& o) {
    std::string value = o.kind == ValueKind::flag ? "" : " value";
    std::string text;
    for (const auto& n : o.long_names) text += (text.empty() ? "--" : ", --") + n + value;
    if (o.short_name) text += (text.empty() ? "-" : ", -") + std::string(1, o.short_name) + value;
    return text;
}

// Two columns, runc's layout.
void append_rows(std::string& out, const std::vector<std::pair<std::string, std::string>>& rows) {
    size_t width = 0;
    for (const auto& [left, right] : rows) width = std::max(width, left.size());
    for (const auto& [left, right] : rows)
        out += "   " + left + std::string(width - left.size() + 2, ' ') + right + "\n";
}

void append_flags(std::string& out, const CommandSpec& command, const char* title) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& o : command.options) {
        if (!o->positional.empty()) continue;
        std::string description = o->description;
        if (!o->default_text.empty()) description += " (default: \"" + o->default_text + "\")";
        rows.emplace_back(flag_text(*o), description);
    }
    rows.emplace_back("--help, -h", "show help");
    out += std::string(title) + ":\n";
    append_rows(out, rows);
}

std::string command_help(const CommandSpec& command) {
    std::string usage = "whalebox " + command.name + " [command options]";
    std::vector<std::pair<std::string, std::string>> arguments;
    for (const auto& o : command.options) {
        if (o->positional.empty()) continue;
        std::string word = o->required ? "<" + o->positional + ">" : "[" + o->positional + "]";
        if (o->is_list()) word += "...";
        usage += " " + word;
        arguments.emplace_back(word, o->description);
    }
    std::string out = "NAME:\n   whalebox " + command.name + " - " + command.description + "\n\nUSAGE:\n   " + usage + "\n";
    if (!arguments.empty()) {
        out += "\nARGUMENTS:\n";
        append_rows(out, arguments);
    }
    out += "\n";
    append_flags(out, command, "OPTIONS");
    return out;
}

const char* const version_text = "whalebox version " WHALEBOX_VERSION "\ncommit: " WHALEBOX_COMMIT "\nspec: 1.2.0\n";

std::string program_help(const CommandSpec& program) {
    std::string out = "NAME:\n   whalebox - " + program.description +
                      "\n\nUSAGE:\n   whalebox [global options] command [command options] [arguments...]\n\nVERSION:\n"
                      "   " WHALEBOX_VERSION "\n   commit: " WHALEBOX_COMMIT "\n   spec: 1.2.0\n\nCOMMANDS:\n";
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& sub : program.subcommands) {
        std::string names = sub->name;
        for (const auto& a : sub->aliases) names += ", " + a;
        rows.emplace_back(names, sub->description);
    }
    rows.emplace_back("help, h", "show the commands, or one command's help");
    append_rows(out, rows);
    out += "\n";
    append_flags(out, program, "GLOBAL OPTIONS");
    return out;
}

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// ---- main --------------------------------------------------------------------------------

void report_error(const std::string& msg) {
    if (spdlog::default_logger_raw() && log::to_file()) log::error("{}", msg);
    std::string line = msg + "\n";
    ssize_t r = ::write(STDERR_FILENO, line.data(), line.size());
    (void)r;
}

CommandSpec* find_command(CommandSpec& program, std::string_view word) {
    for (auto& sub : program.subcommands)
        if (sub->has_name(word)) return sub.get();
    return nullptr;
}

// The command the arguments name: only that one is registered (each option is objects on
// the heap and code to run at start-up); help, aliases and unknown words get them all.
CommandSpec* register_commands(CommandSpec& program, Globals& globals, std::string_view word) {
    Command app(&program);
    if (word.empty() || word == "help" || word == "h" || !add_command(app, globals, std::string(word)))
        add_all_commands(app, globals);
    return find_command(program, word);
}

// `help [COMMAND]`: the help of whalebox or of COMMAND; an unknown COMMAND is an error
// naming it (as runc: "No help topic for 'foo'").
int help_command(CommandSpec& program, int argc, char** argv, int word_index) {
    if (word_index + 1 >= argc) {
        print(program_help(program));
        return 0;
    }
    std::string_view topic = argv[word_index + 1];
    if (CommandSpec* command = find_command(program, topic)) {
        print(command_help(*command));
        return 0;
    }
    report_error("unknown command \"" + std::string(topic) + "\": see whalebox --help");
    return 3;
}

}  // namespace

int main(int argc, char** argv) {
    Globals globals;
    CommandSpec program;
    program.description = "an OCI container runtime";
    Command app(&program);
    app.add_option("--root", globals.runtime.root,
                   "root directory for storage of container state (or $XDG_RUNTIME_DIR/whalebox when rootless)");
    app.add_option("--log", globals.log, "log file (default: stderr)");
    app.add_option("--log-format", globals.log_format, "log format: text or json");
    app.add_flag("--debug", globals.debug, "enable debug logging");
    app.add_flag("--systemd-cgroup", globals.runtime.systemd_cgroup, "use systemd cgroup paths (slice:prefix:name)");
    app.add_option("--criu", globals.runtime.criu, "path to the criu binary used for checkpoint and restore");
    std::string rootless = "auto";
    app.add_option("--rootless", rootless, "ignore cgroup permission errors: true, false or auto");
    bool version = false;
    app.add_flag("-v,--version", version, "print the version");
    const OptionSpec& root_option = *program.options.front();

    bool help = false;
    CommandSpec* command = nullptr;
    try {
        int word_index = scan_globals(program, argc, argv, help);
        std::string_view word = word_index < argc ? std::string_view(argv[word_index]) : std::string_view();
        if (version) {
            print(version_text);
            return 0;
        }
        command = register_commands(program, globals, help ? std::string_view() : word);
        if (help || word.empty()) {
            print(program_help(program));
            return 0;
        }
        if (word == "help" || word == "h") return help_command(program, argc, argv, word_index);
        if (!command) {
            report_error("unknown command \"" + std::string(word) + "\": see whalebox --help");
            return 3;  // runc's status for an unknown command
        }
        scan_command(program, *command, word_index + 1, argc, argv, help);
        if (version) {
            print(version_text);
            return 0;
        }
        if (help) {
            print(command_help(*command));
            return 0;
        }
    } catch (const UsageError& e) {
        report_error(e.what());
        return 1;
    }

    try {
        log::setup(globals.log, log::parse_format(globals.log_format), globals.debug);
        runtime::apply_rootless_defaults(globals.runtime, rootless, root_option.count > 0);
        log::debug("whalebox {} (pid {}): command {}, root {}", WHALEBOX_VERSION, ::getpid(), command->name,
                   globals.runtime.root);
        if (command->run) command->run();
        log::debug("command {}: done, exit status {}", command->name, globals.exit_code);
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
