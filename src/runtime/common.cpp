#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "linux/syscalls.hpp"
#include "oci/spec.hpp"
#include "process/hooks.hpp"
#include "runtime/internal.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::runtime {

std::unique_ptr<cgroups::Manager> open_recorded_cgroup(const state::State& s) {
    if (s.cgroup_paths.empty() && s.cgroup_path.empty()) return nullptr;
    try {
        auto cg = s.systemd_cgroup         ? cgroups::open_systemd_manager(s.cgroup_path)
                  : s.cgroup_paths.empty() ? cgroups::open_manager(s.cgroup_path)
                                           : cgroups::open_manager(s.cgroup_paths);
        cg->set_created_dirs(s.cgroup_created);
        return cg;
    } catch (const Error& e) {
        log::debug("cgroup of {}: {}", s.id, e.what());
        return nullptr;
    }
}

Loaded load_container(const state::Store& store, const std::string& id) {
    state::validate_id(id);
    Loaded c;
    c.state = store.load(id);
    c.cgroup = open_recorded_cgroup(c.state);
    c.state.status = refresh_status(store, c.state, c.cgroup.get());
    return c;
}

state::Status refresh_status(const state::Store& store, const state::State& s, const cgroups::Manager* cg) {
    bool fifo = fs::exists(store.fifo_path(s.id));
    state::Status st = state::compute_status(s, fifo, false);
    if (st == state::Status::running && cg) {
        try {
            if (cg->frozen()) st = state::Status::paused;
        } catch (const Error&) {
        }
    }
    return st;
}

UniqueFd open_init_pidfd(const state::State& s) {
    if (s.pid <= 0) return UniqueFd();
    UniqueFd fd(linux::sys().pidfd_open(s.pid, 0));
    if (!fd) return fd;
    // Checked after opening: a pidfd pins the process, so a match now stays a match.
    if (state::process_start_time(s.pid) != s.init_start_time) return UniqueFd();
    return fd;
}

bool wait_pidfd(int pidfd, int timeout_ms) {
    struct pollfd p {pidfd, POLLIN, 0};
    for (;;) {
        int n = ::poll(&p, 1, timeout_ms);
        if (n < 0 && errno == EINTR) continue;
        return n > 0;
    }
}

void kill_and_remove_cgroup(cgroups::Manager& cg) {
    if (!cg.pids().empty()) {
        try {
            if (cg.frozen()) cg.thaw();  // a stopped task dies from SIGKILL only once thawed
        } catch (const Error& e) {
            log::debug("thaw: {}", e.what());
        }
        cg.kill_all(SIGKILL);
        // Nothing waits for these processes (a killed create's init, say): give them the
        // time to exit before the directories go.
        for (int i = 0; i < 500 && !cg.pids().empty(); ++i) ::usleep(10 * 1000);
    }
    cg.destroy();
}

void destroy_container(const state::Store& store, Loaded& c, const oci::Hooks* hooks) {
    if (c.cgroup) {
        try {
            kill_and_remove_cgroup(*c.cgroup);
        } catch (const Error& e) {
            log::warn("remove cgroup of {}: {}", c.state.id, e.what());
        }
    }
    // poststop hooks come from the bundle's config, as read again now (unless given).
    if (hooks || !c.state.config_path.empty()) {
        try {
            std::optional<oci::Spec> spec;
            if (!hooks) {
                spec = oci::parse_spec(fs::read_file(c.state.config_path));
                if (spec->hooks) hooks = &*spec->hooks;
            }
            if (hooks && !hooks->poststop.empty())
                process::run_hooks_warn(hooks->poststop, state::oci_state(c.state, state::Status::stopped, 0),
                                        "poststop");
        } catch (const Error& e) {
            log::warn("poststop hooks of {}: {}", c.state.id, e.what());
        }
    }
    store.remove(c.state.id);
}

}  // namespace wb::runtime
