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
// `v1_hierarchies`: the controller keys of the container's v1 cgroups (empty on v2).
std::vector<std::string> external_mounts(const oci::Spec& spec, pid_t pid, const std::vector<std::string>& v1_hierarchies) {
    std::vector<std::string> out;
    auto add = [&](const std::string& dest) {
        if (std::find(out.begin(), out.end(), dest) == out.end()) out.push_back(dest);
    };
    std::string root = "/proc/" + std::to_string(pid) + "/root";
    for (const auto& m : spec.mounts) {
        if (is_bind_mount(m)) add(m.destination);
        if (m.type != "cgroup" && m.type != "cgroup2") continue;
        // v2: the cgroup2 mount shares its peer group with the host's: criu cannot rebuild
        // that propagation, so it goes back as a bind mount of the new cgroup (as runc's).
        // v1: a tmpfs criu dumps, with a bind mount of each hierarchy's cgroup in it.
        if (v1_hierarchies.empty()) {
            add(m.destination);
            continue;
        }
        for (const auto& controller : v1_hierarchies) {
            std::string dest = m.destination + "/" + cgroup_bind_name(controller);
            struct stat st {};
            if (::lstat((root + dest).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) add(dest);
        }
    }
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

// The mount id of a process's fd (fdinfo's mnt_id), -1 when unreadable.
long mount_id_of(pid_t pid, int fd) {
    std::string info;
    if (!fs::try_read_file("/proc/" + std::to_string(pid) + "/fdinfo/" + std::to_string(fd), info)) return -1;
    size_t pos = info.find("mnt_id:");
    return pos == std::string::npos ? -1 : std::atol(info.c_str() + pos + 7);
}

// Whether mount id `id` is one of the process's mount namespace.
bool mount_in_namespace_of(pid_t pid, long id) {
    std::string mountinfo;
    if (!fs::try_read_file("/proc/" + std::to_string(pid) + "/mountinfo", mountinfo)) return false;
    std::string prefix = std::to_string(id) + " ";
    for (size_t pos = 0; pos < mountinfo.size();) {
        if (mountinfo.compare(pos, prefix.size(), prefix) == 0) return true;
        size_t nl = mountinfo.find('\n', pos);
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
    return false;
}

// The init's stdio: the link targets (runc's descriptors.json), the ttys among them, and
// the files of a mount outside the container's mount namespace (the host's /dev/null
// conmon gives a container as stdin): criu cannot look those up, so they are external
// files (file[MNT:INODE]) and restore hands criu the caller's fd of the same number.
void describe_stdio(pid_t pid, std::vector<std::string>& links, std::vector<std::string>& tty_keys,
                    std::vector<std::string>& recorded) {
    for (int fd = 0; fd < 3; ++fd) {
        std::string path = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
        char buf[PATH_MAX];
        ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
        links.push_back(n > 0 ? std::string(buf, static_cast<size_t>(n)) : "/dev/null");
        struct stat st {};
        if (::stat(path.c_str(), &st) < 0) continue;
        if (S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143) {
            std::string key = criu::tty_key(st.st_rdev, st.st_dev);
            if (std::find(tty_keys.begin(), tty_keys.end(), key) == tty_keys.end()) tty_keys.push_back(key);
            continue;
        }
        if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) continue;
        long mnt = mount_id_of(pid, fd);
        if (mnt < 0 || mount_in_namespace_of(pid, mnt)) continue;
        std::string key = criu::external_file_key(static_cast<unsigned long>(mnt), st.st_ino);
        if (std::find(tty_keys.begin(), tty_keys.end(), key) == tty_keys.end()) tty_keys.push_back(key);
        recorded.push_back(std::string(stdio_file_marker) + std::to_string(fd) + " " + key);
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
    std::vector<std::string> v1_hierarchies;
    if (c.cgroup) {
        // criu freezes the tasks through the cgroup2 directory, or the v1 freezer's (on a
        // hybrid host too, as runc's).
        auto paths = c.cgroup->controller_paths();
        bool unified = c.cgroup->mode() == cgroups::Mode::unified;
        if (auto it = paths.find(unified ? "" : "freezer"); it != paths.end()) req.freeze_cgroup = it->second;
        for (const auto& [controller, dir] : paths)
            if (!unified && !controller.empty()) v1_hierarchies.push_back(controller);
    }
    req.external_mounts = external_mounts(spec, c.state.pid, v1_hierarchies);
    std::vector<std::string> stdio, stdio_files;
    describe_stdio(c.state.pid, stdio, req.external_keys, stdio_files);
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
    recorded.insert(recorded.end(), stdio_files.begin(), stdio_files.end());
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
