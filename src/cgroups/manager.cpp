// Picks the driver for the host: v2 on a unified host, v1 (plus the unified/ directory on
// a hybrid host) otherwise.
#include "cgroups/manager.hpp"

#include <linux/magic.h>
#include <signal.h>
#include <sys/statfs.h>

#include <cerrno>

#include "cgroups/files.hpp"
#include "cgroups/internal.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::cgroups {

static bool is_cgroup2(const std::string& path) {
    struct statfs st {};
    return linux::sys().statfs(path.c_str(), &st) == 0 &&
           static_cast<unsigned long>(st.f_type) == CGROUP2_SUPER_MAGIC;
}

Mode detect_mode(const std::string& mountpoint) {
    if (is_cgroup2(mountpoint)) return Mode::unified;
    if (is_cgroup2(fs::join(mountpoint, "unified"))) return Mode::hybrid;
    return Mode::legacy;
}

static Mode mode_of(const Options& options) {
    return options.mode ? *options.mode : detect_mode(options.mountpoint);
}

std::unique_ptr<Manager> make_manager(const Placement& placement, const Options& options) {
    if (placement.systemd) return make_systemd_manager(systemd_unit_of(placement, options), options);
    std::string inner = resolve_cgroups_path(placement, options);
    Mode mode = mode_of(options);
    if (mode == Mode::unified) return make_v2_manager(inner, options);
    return make_v1_manager(inner, options, mode == Mode::hybrid);
}

std::unique_ptr<Manager> make_manager(const Placement& placement, const std::string& mountpoint) {
    Options options;
    options.mountpoint = mountpoint;
    return make_manager(placement, options);
}

std::unique_ptr<Manager> open_manager(const std::string& recorded_path, const Options& options) {
    if (recorded_path.empty() || recorded_path[0] != '/')
        throw Error("cgroup path \"" + recorded_path + "\" is not absolute");
    std::string path = clean_path(recorded_path);
    Mode mode = mode_of(options);
    if (mode == Mode::unified) return make_v2_manager(path, options);
    return make_v1_manager(path, options, mode == Mode::hybrid);
}

std::unique_ptr<Manager> open_systemd_manager(const std::string& recorded_path, const Options& options) {
    if (recorded_path.empty() || recorded_path[0] != '/')
        throw Error("cgroup path \"" + recorded_path + "\" is not absolute");
    return open_systemd_manager_at(clean_path(recorded_path), options);
}

std::unique_ptr<Manager> open_manager(const std::string& recorded_path,
                                      const std::string& mountpoint) {
    Options options;
    options.mountpoint = mountpoint;
    return open_manager(recorded_path, options);
}

std::unique_ptr<Manager> open_manager(const std::map<std::string, std::string>& controller_paths,
                                      const Options& options) {
    Mode mode = mode_of(options);
    if (mode == Mode::unified) {
        auto it = controller_paths.find("");
        if (it == controller_paths.end()) throw Error("no cgroup v2 path recorded");
        std::string root = clean_path(options.mountpoint);
        std::string dir = clean_path(it->second);
        if (dir.compare(0, root.size() + 1, root + "/") != 0)
            throw Error("cgroup path " + dir + " is not below " + root);
        return make_v2_manager(dir.substr(root.size()), options);
    }
    return open_v1_manager(controller_paths, options, mode == Mode::hybrid);
}

void signal_all(int signal, const std::function<std::vector<pid_t>()>& pids, const std::function<void()>& freeze,
                const std::function<void()>& thaw, const std::function<void()>& unfreeze) {
    bool froze = false;
    if (signal == SIGKILL && freeze) {
        try {
            freeze();
            froze = true;
        } catch (const Error& e) {
            wb::log::warn("kill: {}", e.what());
        }
    }
    for (pid_t pid : pids())
        if (linux::sys().kill(pid, signal) < 0 && errno != ESRCH) {
            int err = errno;
            if (froze) unfreeze();
            throw_errno("kill " + std::to_string(pid), err);
        }
    if (froze) thaw();
}

}  // namespace wb::cgroups
