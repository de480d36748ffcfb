#include "cli/command.hpp"

#include <csignal>
#include <cstring>
#include <map>
#include <string_view>

#include "util/error.hpp"

namespace wb::cli {
namespace {

std::map<std::string, AddCommand>& registry() {
    static std::map<std::string, AddCommand> commands;
    return commands;
}

}  // namespace

CommandRegistration::CommandRegistration(const char* name, AddCommand add) {
    registry().emplace(name, add);
}

void add_all_commands(Command& app, Globals& globals) {
    for (auto& [name, add] : registry()) add(app, globals);
}

bool add_command(Command& app, Globals& globals, const std::string& name) {
    auto it = registry().find(name);
    if (it == registry().end()) return false;
    it->second(app, globals);
    return true;
}

int parse_signal(const std::string& text) {
    if (text.empty()) throw Error("invalid signal: empty");
    if (text.find_first_not_of("0123456789") == std::string::npos) {
        long n = std::strtol(text.c_str(), nullptr, 10);
        if (n < 0 || n > SIGRTMAX) throw Error("invalid signal: " + text);
        return static_cast<int>(n);
    }
    std::string name;
    for (char c : text) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name.rfind("SIG", 0) == 0) name.erase(0, 3);
    for (int sig = 1; sig < NSIG; ++sig) {
        const char* abbrev = sigabbrev_np(sig);
        if (abbrev && name == abbrev) return sig;
    }
    if (name.rfind("RTMIN", 0) == 0 || name.rfind("RTMAX", 0) == 0) {
        bool min = name[3] == 'M' && name[4] == 'I';
        std::string_view rest = std::string_view(name).substr(5);
        int off = 0;
        if (!rest.empty()) {
            if ((rest[0] != '+' && rest[0] != '-') || rest.size() < 2) throw Error("unknown signal \"" + text + "\"");
            off = std::atoi(std::string(rest.substr(1)).c_str()) * (rest[0] == '-' ? -1 : 1);
        }
        int sig = (min ? SIGRTMIN : SIGRTMAX) + off;
        if (sig >= SIGRTMIN && sig <= SIGRTMAX) return sig;
    }
    throw Error("unknown signal \"" + text + "\"");
}

}  // namespace wb::cli
