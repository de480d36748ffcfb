#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "criu/args.hpp"
#include "criu/run.hpp"
#include "runtime/checkpoint_images.hpp"
#include "runtime/internal.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::runtime {
namespace {

bool is_bind_mount(const oci::Mount& m) {
    if (m.type == "bind") return true;
    return std::any_of(m.options.begin(), m.options.end(), [](const std::string& o) { return o == "bind" || o == "rbind"; });
}

// Mount points whose source is outside the container, which criu cannot dump: bind
// mounts, masked files (/dev/null bound over them) and /dev/console (the pty).
std::vector<std::string> external_mounts(const oci::Spec& spec, pid_t pid) {
    std::vector<std::string> out;
    auto add = [&](const std::string& dest) {
        if (std::find(out.begin(), out.end(), dest) == out.end()) out.push_back(dest);
    };
    // The cgroup2 mount shares its peer group with the host's: criu cannot rebuild that
    // propagation, so it goes back as a bind mount of the new cgroup (as runc's).
    for (const auto& m : spec.mounts)
        if (is_bind_mount(m) || m.type == "cgroup" || m.type == "cgroup2") add(m.destination);
    std::string root = "/proc/" + std::to_string(pid) + "/root";
    if (spec.linux) {
        for (const auto& p : spec.linux->masked_paths) {
            struct stat st {};
            if (::lstat((root + p).c_str(), &st) == 0 && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)) add(p);
        }
    }
    if (spec.process && spec.process->terminal) {
        struct stat st {};
        if (::lstat((root + "/dev/console").c_str(), &st) == 0) add("/dev/console");
    }
    return out;
}

// The init's stdio: the link targets (runc's descriptors.json) and the ttys among them.
void describe_stdio(pid_t pid, std::vector<std::string>& links, std::vector<std::string>& tty_keys) {
    for (int fd = 0; fd < 3; ++fd) {
        std::string path = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
        char buf[PATH_MAX];
        ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
        links.push_back(n > 0 ? std::string(buf, static_cast<size_t>(n)) : "/dev/null");
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143) {
            std::string key = criu::tty_key(st.st_rdev, st.st_dev);
            if (std::find(tty_keys.begin(), tty_keys.end(), key) == tty_keys.end()) tty_keys.push_back(key);
        }
    }
}

// The session of a process (field 6 of /proc/PID/stat), 0 when unreadable.
pid_t session_of(pid_t pid) {
    std::string stat;
    if (!fs::try_read_file("/proc/" + std::to_string(pid) + "/stat", stat)) return 0;
    size_t pos = stat.rfind(')');
    if (pos == std::string::npos) return 0;
    // After ") ": state ppid pgrp session.
    int field = 0;
    for (size_t i = pos + 2; i < stat.size(); ++i) {
        if (stat[i] != ' ') continue;
        if (++field == 3) return static_cast<pid_t>(std::atol(stat.c_str() + i + 1));
    }
    return 0;
}

}  // namespace

std::string image_path_or_default(const std::string& given) {
    std::string path = given.empty() ? "checkpoint" : given;
    if (path.front() == '/') return path;
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) throw_errno("getcwd");
    return fs::join(cwd, path);
}

void write_string_list(const std::string& path, const std::vector<std::string>& items) {
    fs::write_file_atomic(path, nlohmann::json(items).dump(), 0600, fs::Sync::no_fsync);
}

std::vector<std::string> read_string_list(const std::string& path) {
    std::string text;
    if (!fs::try_read_file(path, text)) return {};
    try {
        return nlohmann::json::parse(text).get<std::vector<std::string>>();
    } catch (const std::exception& e) {
        throw Error("unreadable " + path + ": " + e.what());
    }
}

void checkpoint(const Context& ctx, const CheckpointOptions& opts) {
    state::Store store(ctx.root);
    state::validate_id(opts.id);
    if (!store.exists(opts.id)) throw Error("container does not exist");
    state::Lock lock = state::Lock::acquire(store.dir(opts.id));
    Loaded c = load_container(store, opts.id);
    if (c.state.status != state::Status::running)
        throw Error(std::string("cannot checkpoint a container that is ") + state::to_string(c.state.status) + ": it must be running");
    std::string criu_path = criu::find_criu(ctx.criu);
    oci::Spec spec = oci::parse_spec(fs::read_file(c.state.config_path));

    criu::DumpRequest req;
    req.flags = opts.criu;
    req.flags.image_path = image_path_or_default(opts.criu.image_path);
    if (!req.flags.work_path.empty()) req.flags.work_path = image_path_or_default(req.flags.work_path);
    req.flags.config_file = criu::config_file(c.state.annotations, fs::exists("/etc/criu/runc.conf"));
    fs::mkdir_all(req.flags.image_path, 0700);
    if (!req.flags.work_path.empty()) fs::mkdir_all(req.flags.work_path, 0700);
    req.pid = c.state.pid;
    req.rootfs = c.state.rootfs;
    req.pre_dump = opts.pre_dump;
    req.leave_running = opts.leave_running;
    req.parent_path = opts.parent_path;
    req.status_fd = opts.status_fd;
    req.page_server = opts.page_server;
    if (c.cgroup) {
        auto paths = c.cgroup->controller_paths();
        if (auto it = paths.find(""); it != paths.end()) req.freeze_cgroup = it->second;
        else if (auto fr = paths.find("freezer"); fr != paths.end()) req.freeze_cgroup = fr->second;
    }
    req.external_mounts = external_mounts(spec, c.state.pid);
    std::vector<std::string> stdio;
    describe_stdio(c.state.pid, stdio, req.external_keys);
    // A network namespace the config names is the caller's: criu leaves it out.
    if (spec.linux) {
        for (const auto& ns : spec.linux->namespaces) {
            if (ns.type != "network" || ns.path.empty()) continue;
            struct stat st {};
            if (::stat(ns.path.c_str(), &st) < 0) throw_errno("stat network namespace " + ns.path);
            req.external_keys.push_back("net[" + std::to_string(st.st_ino) + "]:extRootNetNS");
        }
    }
    // An init that is no session leader (no terminal: it keeps the caller's session) is
    // a shell job to criu, for the dump and the restore.
    std::vector<std::string> recorded = req.external_keys;
    if (session_of(c.state.pid) != c.state.pid) {
        req.flags.shell_job = true;
        recorded.push_back(shell_job_marker);
    }
    write_string_list(fs::join(req.flags.image_path, external_mounts_file), req.external_mounts);
    write_string_list(fs::join(req.flags.image_path, external_keys_file), recorded);
    write_string_list(fs::join(req.flags.image_path, descriptors_file), stdio);

    std::vector<int> keep;
    if (opts.status_fd >= 0) keep.push_back(opts.status_fd);
    auto args = criu::dump_args(req);
    std::string line;
    for (const auto& a : args) line += " " + a;
    log::debug("criu{}", line);
    int status = criu::run(criu_path, args, keep);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        // criu resumes the tasks when a dump fails; a cgroup it left frozen is thawed.
        if (c.cgroup) {
            try {
                if (c.cgroup->frozen()) c.cgroup->thaw();
            } catch (const Error& e) {
                log::warn("thaw after failed dump: {}", e.what());
            }
        }
        std::string work = req.flags.work_path.empty() ? req.flags.image_path : req.flags.work_path;
        throw Error(criu::failure_message(opts.pre_dump ? "pre-dump" : "dump", status,
                                          fs::join(work, opts.pre_dump ? "pre-dump.log" : "dump.log")));
    }
    if (opts.leave_running || opts.pre_dump) return;
    destroy_container(store, c);
}

}  // namespace wb::runtime
