// `ps ID [ps options]`: like runc, runs the host's ps(1) and keeps the container's lines;
// --format json prints the pids only.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>

#include "cli/command.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

extern char** environ;

namespace wb::cli {
namespace {

struct PsOptions {
    std::string format = "table";
    std::vector<std::string> args;  // container-id then ps options
};

std::string run_ps(const std::vector<std::string>& ps_args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd r(fds[0]), w(fds[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, w.get(), STDOUT_FILENO);
    std::vector<std::string> argv_s = {"ps"};
    argv_s.insert(argv_s.end(), ps_args.begin(), ps_args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid;
    int rc = posix_spawnp(&pid, "ps", &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw_errno("exec ps", rc);
    w.reset();
    std::string out;
    char buf[8192];
    ssize_t n;
    while ((n = ::read(r.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error("ps failed: exit status " + std::to_string(WEXITSTATUS(status)));
    return out;
}

// The whitespace-separated fields of one line of ps's output.
std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    constexpr std::string_view blank = " \t\r\v\f";
    for (size_t start = line.find_first_not_of(blank); start != std::string_view::npos;
         start = line.find_first_not_of(blank, start)) {
        size_t end = std::min(line.find_first_of(blank, start), line.size());
        out.push_back(line.substr(start, end - start));
        start = end;
    }
    return out;
}

std::string filter_ps(const std::string& out, const std::vector<pid_t>& pids) {
    std::string_view rest = out;
    auto next_line = [&] {
        size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        return line;
    };
    std::string_view header = next_line();
    std::vector<std::string_view> columns = fields(header);
    auto pid_column = std::find(columns.begin(), columns.end(), "PID");
    if (pid_column == columns.end()) throw Error("couldn't find PID field in ps output");
    size_t pid_index = static_cast<size_t>(pid_column - columns.begin());
    std::string result = std::string(header) + "\n";
    while (!rest.empty()) {
        std::string_view line = next_line();
        std::vector<std::string_view> f = fields(line);
        if (f.size() <= pid_index) continue;
        pid_t pid = static_cast<pid_t>(std::strtol(std::string(f[pid_index]).c_str(), nullptr, 10));
        if (std::find(pids.begin(), pids.end(), pid) != pids.end()) result.append(line).append("\n");
    }
    return result;
}

void add_ps_command(Command& app, Globals& g) {
    auto o = std::make_shared<PsOptions>();
    Command sub = app.add_subcommand("ps", "show the processes running in a container");
    sub.add_option("-f,--format", o->format, "table or json (runc's choices)");
    sub.add_option("args", o->args, "container-id [ps options]").required();
    sub.positionals_at_end();
    sub.callback([&g, o] {
        std::string id = o->args.front();
        std::vector<pid_t> pids = runtime::pids(g.runtime, id);
        std::string out;
        if (o->format == "json") {
            out = nlohmann::json(pids).dump() + "\n";
        } else if (o->format == "table") {
            std::vector<std::string> ps_args(o->args.begin() + 1, o->args.end());
            if (ps_args.empty()) ps_args = {"-ef"};
            out = filter_ps(run_ps(ps_args), pids);
        } else {
            throw Error("invalid format option");  // runc's words
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
    });
}

}  // namespace

WHALEBOX_COMMAND("ps", add_ps_command);

}  // namespace wb::cli
