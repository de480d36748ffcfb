#include "lite/cli_messages.hpp"

namespace wb::lite {
namespace {

// The deepest subcommand named by args[sub], args[sub+1], ...; *next is the first
// argument after its name.
CLI::App* find_command(CLI::App& app, const std::vector<std::string>& args, size_t sub, size_t* next) {
    CLI::App* cmd = nullptr;
    CLI::App* parent = &app;
    size_t i = sub;
    while (i < args.size()) {
        CLI::App* child = nullptr;
        for (CLI::App* s : parent->get_subcommands({}))
            if (s->check_name(args[i])) child = s;
        if (!child) break;
        cmd = parent = child;
        ++i;
    }
    *next = i;
    return cmd;
}

const CLI::Option* known(CLI::App* cmd, CLI::App& app, const std::string& name) {
    if (const CLI::Option* o = cmd->get_option_no_throw(name)) return o;
    return app.get_option_no_throw(name);
}

// The first flag among args[from...] the command does not define, as docker words it.
std::optional<std::string> first_unknown_flag(CLI::App* cmd, CLI::App& app, const std::vector<std::string>& args,
                                              size_t from) {
    for (size_t i = from; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") return std::nullopt;
        if (a.size() < 2 || a[0] != '-') continue;
        if (a.rfind("--", 0) == 0) {
            std::string name = a.substr(0, a.find('='));
            const CLI::Option* o = known(cmd, app, name);
            if (!o) return "unknown flag: " + name;
            if (a.find('=') == std::string::npos && o->get_items_expected_min() > 0) ++i;
            continue;
        }
        for (size_t k = 1; k < a.size(); ++k) {
            const CLI::Option* o = known(cmd, app, std::string("-") + a[k]);
            if (!o) return std::string("unknown shorthand flag: '") + a[k] + "' in " + a;
            if (o->get_items_expected_min() > 0) {
                if (k + 1 == a.size()) ++i;
                break;
            }
        }
    }
    return std::nullopt;
}

}  // namespace

std::string command_path(CLI::App& app, const std::vector<std::string>& args, size_t sub) {
    size_t next = sub;
    find_command(app, args, sub, &next);
    std::string path;
    for (size_t i = sub; i < next; ++i) path += (path.empty() ? "" : " ") + args[i];
    return path;
}

std::optional<CliFailure> unknown_command(CLI::App& app, const std::vector<std::string>& args, size_t sub) {
    if (sub >= args.size()) return std::nullopt;
    size_t next = sub;
    CLI::App* cmd = find_command(app, args, sub, &next);
    // A command group ("volume") followed by a word that is none of its commands.
    if (cmd && next < args.size() && !cmd->get_subcommands({}).empty() && args[next][0] != '-')
        return CliFailure{"whalebox-lite: '" + command_path(app, args, sub) + " " + args[next] +
                              "' is not a whalebox-lite command.\nSee 'whalebox-lite " + command_path(app, args, sub) +
                              " --help'\n",
                          1};
    if (cmd) return std::nullopt;
    return CliFailure{"whalebox-lite: '" + args[sub] + "' is not a whalebox-lite command.\nSee 'whalebox-lite --help'\n",
                      1};
}

CliFailure describe_parse_error(CLI::App& app, const std::vector<std::string>& args, size_t sub,
                                const CLI::ParseError& e) {
    size_t next = sub;
    CLI::App* cmd = find_command(app, args, sub, &next);
    std::string path = command_path(app, args, sub);
    std::string see = "See 'whalebox-lite " + (path.empty() ? "" : path + " ") + "--help'.\n";
    if (cmd)
        if (auto flag = first_unknown_flag(cmd, app, args, next)) return CliFailure{*flag + "\n" + see, 125};
    if (sub < args.size() && !cmd) {
        if (auto flag = first_unknown_flag(&app, app, args, 0)) return CliFailure{*flag + "\n" + see, 125};
    }
    return CliFailure{"Error: " + std::string(e.what()) + "\n" + see, 125};
}

}  // namespace wb::lite
