#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "linux/syscalls.hpp"
#include "oci/spec.hpp"
#include "process/hooks.hpp"
#include "runtime/internal.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::runtime {

Loaded load_container(const state::Store& store, const std::string& id) {
    state::validate_id(id);
    Loaded c;
    c.state = store.load(id);
    if (!c.state.cgroup_paths.empty() || !c.state.cgroup_path.empty()) {
        try {
            c.cgroup = c.state.cgroup_paths.empty() ? cgroups::open_manager(c.state.cgroup_path)
                                                    : cgroups::open_manager(c.state.cgroup_paths);
            c.cgroup->set_created_dirs(c.state.cgroup_created);
        } catch (const Error& e) {
            log::debug("cgroup of {}: {}", id, e.what());
        }
    }
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

void destroy_container(const state::Store& store, Loaded& c) {
    if (c.cgroup) {
        try {
            if (!c.cgroup->pids().empty()) c.cgroup->kill_all(SIGKILL);
            c.cgroup->destroy();
        } catch (const Error& e) {
            log::warn("remove cgroup of {}: {}", c.state.id, e.what());
        }
    }
    // poststop hooks come from the bundle's config, as read again now.
    if (!c.state.config_path.empty()) {
        try {
            oci::Spec spec = oci::parse_spec(fs::read_file(c.state.config_path));
            if (spec.hooks && !spec.hooks->poststop.empty())
                process::run_hooks_warn(spec.hooks->poststop, state::oci_state(c.state, state::Status::stopped, 0),
                                        "poststop");
        } catch (const Error& e) {
            log::warn("poststop hooks of {}: {}", c.state.id, e.what());
        }
    }
    store.remove(c.state.id);
}

}  // namespace wb::runtime
