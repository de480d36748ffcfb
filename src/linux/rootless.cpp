#include "linux/rootless.hpp"

#include "linux/procfs.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "linux/namespaces.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

extern char** environ;

namespace wb::linux {
namespace {

std::vector<std::string> split_on(const std::string& text, char sep) {
    std::vector<std::string> out(1);
    for (char c : text) {
        if (c == sep) out.emplace_back();
        else out.back() += c;
    }
    return out;
}

bool parse_u64(const std::string& text, uint64_t& out) {
    if (text.empty() || text.size() > 19) return false;
    out = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        out = out * 10 + static_cast<uint64_t>(c - '0');
    }
    return true;
}

bool maps_only(const std::vector<oci::IdMapping>& mappings, uint64_t own_id) {
    return mappings.size() == 1 && mappings[0].size == 1 && mappings[0].host_id == own_id;
}

void run_id_map_helper(const std::string& name, pid_t pid, const std::vector<oci::IdMapping>& mappings) {
    std::string path = find_in_path(name, std::getenv("PATH"));
    if (path.empty())
        throw Error("rootless container needs " + name +
                        " to map a range of ids, but it is not in PATH (install the uidmap package)",
                    ENOENT);
    std::vector<std::string> args = id_map_helper_args(path, pid, mappings);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    long child = sys().clone_fork(SIGCHLD, nullptr);
    if (child < 0) throw_errno("fork " + name);
    if (child == 0) {
        sys().execve(path.c_str(), argv.data(), environ);
        ::_exit(127);
    }
    int status = 0;
    pid_t r;
    do r = sys().waitpid(static_cast<pid_t>(child), &status, 0);
    while (r < 0 && errno == EINTR);
    if (r < 0) throw_errno("wait for " + name);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                        : "signal " + std::to_string(WTERMSIG(status));
    std::string cmd;
    for (size_t i = 1; i < args.size(); ++i) cmd += " " + args[i];
    throw Error(name + cmd + " failed (" + how + "): the mapping must stay within the caller's ranges in " +
                (name == "newuidmap" ? "/etc/subuid" : "/etc/subgid"));
}

}  // namespace

RootlessFlag parse_rootless_flag(const std::string& text) {
    if (text.empty() || text == "auto") return RootlessFlag::auto_detect;
    for (const char* t : {"1", "t", "T", "TRUE", "true", "True"})
        if (text == t) return RootlessFlag::on;
    for (const char* f : {"0", "f", "F", "FALSE", "false", "False"})
        if (text == f) return RootlessFlag::off;
    throw Error("invalid value \"" + text + "\" for --rootless: expected auto, true or false");
}

bool uid_map_is_nested(const std::string& uid_map_text) {
    std::vector<std::string> words;
    std::string cur;
    for (char c : uid_map_text) {
        if (c == ' ' || c == '\t' || c == '\n') {
            if (!cur.empty()) words.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) words.push_back(cur);
    return !(words.size() == 3 && words[0] == "0" && words[1] == "0" && words[2] == "4294967295");
}

Caller current_caller() {
    Caller c;
    c.euid = sys().geteuid();
    c.egid = sys().getegid();
    std::string text;
    // Without /proc/self/uid_map (no user namespaces in the kernel) there is none to be in.
    c.in_user_namespace = fs::try_read_file("/proc/self/uid_map", text) && uid_map_is_nested(text);
    return c;
}

bool is_rootless(RootlessFlag flag, const Caller& caller) {
    if (flag == RootlessFlag::on) return true;
    if (flag == RootlessFlag::off) return false;
    return caller.euid != 0 || caller.in_user_namespace;
}

std::string default_state_root(const Caller& caller, const char* xdg_runtime_dir, const char* user_env) {
    const std::string system_root = "/run/whalebox";
    if (!xdg_runtime_dir || !*xdg_runtime_dir) return system_root;
    bool honor = caller.euid != 0;
    // Root in the initial namespace keeps /run/whalebox whatever $XDG_RUNTIME_DIR says
    // (/run/user/0); root in a user namespace uses it unless $USER is "root".
    if (!honor && caller.in_user_namespace) honor = !user_env || std::string(user_env) != "root";
    return honor ? fs::join(xdg_runtime_dir, "whalebox") : system_root;
}

std::vector<SubIdRange> subid_ranges(const std::string& file_text, const std::string& user_name, uint64_t id) {
    std::vector<SubIdRange> out;
    const std::string id_text = std::to_string(id);
    for (const auto& line : split_on(file_text, '\n')) {
        if (line.empty() || line[0] == '#') continue;
        auto fields = split_on(line, ':');
        if (fields.size() != 3) continue;
        if (fields[0] != id_text && (user_name.empty() || fields[0] != user_name)) continue;
        SubIdRange r;
        if (parse_u64(fields[1], r.start) && parse_u64(fields[2], r.count) && r.count > 0) out.push_back(r);
    }
    return out;
}

std::string mapping_outside_ranges(const std::vector<oci::IdMapping>& mappings, uint64_t own_id,
                                   const std::vector<SubIdRange>& ranges, const std::string& field,
                                   const std::string& file) {
    for (const auto& m : mappings) {
        const uint64_t first = m.host_id, end = uint64_t{m.host_id} + m.size;  // [first, end)
        bool allowed = m.size == 1 && first == own_id;
        for (const auto& r : ranges) allowed |= first >= r.start && end <= r.start + r.count;
        if (allowed || m.size == 0) continue;
        std::string have = std::to_string(own_id);
        for (const auto& r : ranges)
            have += ", " + std::to_string(r.start) + "-" + std::to_string(r.start + r.count - 1);
        return field + ": host ids " + std::to_string(first) + "-" + std::to_string(end - 1) +
               " are not the caller's to map (its own id and its ranges in " + file + ": " + have + ")";
    }
    return "";
}

IdMapPlan plan_id_map_writes(const oci::Linux& linux, const Caller& caller) {
    IdMapPlan plan;
    if (caller.euid == 0) return plan;  // root (here or in its user namespace) writes any map
    if (!linux.uid_mappings.empty() && !maps_only(linux.uid_mappings, caller.euid)) plan.uid = MapWriter::helper;
    if (!linux.gid_mappings.empty()) {
        if (maps_only(linux.gid_mappings, caller.egid)) plan.deny_setgroups = true;
        else plan.gid = MapWriter::helper;
    }
    return plan;
}

std::string find_in_path(const std::string& name, const char* path_env) {
    if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
    std::string dirs = path_env && *path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
    for (const auto& dir : split_on(dirs, ':')) {
        std::string candidate = fs::join(dir.empty() ? "." : dir, name);
        struct stat st{};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return "";
}

std::vector<std::string> id_map_helper_args(const std::string& helper, pid_t pid,
                                            const std::vector<oci::IdMapping>& mappings) {
    std::vector<std::string> args{helper, std::to_string(pid)};
    for (const auto& m : mappings) {
        args.push_back(std::to_string(m.container_id));
        args.push_back(std::to_string(m.host_id));
        args.push_back(std::to_string(m.size));
    }
    return args;
}

void write_id_maps_as(pid_t pid, const oci::Linux& linux, const Caller& caller) {
    IdMapPlan plan = plan_id_map_writes(linux, caller);
    // uid_map first, as runc; setgroups before gid_map, as the kernel requires.
    if (!linux.uid_mappings.empty()) {
        if (plan.uid == MapWriter::helper) run_id_map_helper("newuidmap", pid, linux.uid_mappings);
        else write_proc_file(std::to_string(pid) + "/uid_map", format_id_map(linux.uid_mappings));
    }
    if (plan.deny_setgroups) write_proc_file(std::to_string(pid) + "/setgroups", "deny");
    if (!linux.gid_mappings.empty()) {
        if (plan.gid == MapWriter::helper) run_id_map_helper("newgidmap", pid, linux.gid_mappings);
        else write_proc_file(std::to_string(pid) + "/gid_map", format_id_map(linux.gid_mappings));
    }
}

}  // namespace wb::linux
