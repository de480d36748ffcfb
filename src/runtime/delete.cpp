#include <signal.h>
#include "linux/syscalls.hpp"
#include "runtime/internal.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::runtime {
namespace {

// `delete --force` of a container whose state.json is missing or damaged: removes what
// can be found for the id without it (the cgroups create recorded in cgroup.json, or the
// default cgroup of the id, the processes in them, ROOT/ID) and says in one line what it
// could not do.
void remove_without_record(const Context& ctx, const state::Store& store, const std::string& id,
                           const Error& why) {
    std::unique_ptr<cgroups::Manager> cgroup;
    std::string found = "the cgroups recorded at create";
    try {
        cgroup = open_recorded_cgroup(store.load_cgroup_record(id));
    } catch (const Error& e) {
        log::debug("cgroup record of {}: {}", id, e.what());
    }
    if (!cgroup) {
        // Nothing recorded (a state directory older than cgroup.json): the cgroup a config
        // without cgroupsPath gets.
        found = "the default cgroup of the id (cgroupsPath unknown)";
        try {
            cgroup = cgroups::make_manager(cgroups::Placement{"", id, ctx.systemd_cgroup});
        } catch (const Error& e) {
            found = "no cgroup (" + std::string(e.what()) + ")";
        }
    }
    std::string not_done = "its poststop hooks were not run";
    if (cgroup) {
        try {
            kill_and_remove_cgroup(*cgroup);
        } catch (const Error& e) {
            not_done += ", its cgroup remains (" + std::string(e.what()) + ")";
        }
    }
    store.remove(id);
    log::warn("{}; removed {}, the processes in them and the state directory; {}", why.what(), found, not_done);
}

}  // namespace

void remove(const Context& ctx, const std::string& id, bool force) { remove_container(ctx, id, force, nullptr); }

void remove_container(const Context& ctx, const std::string& id, bool force, const oci::Hooks* hooks) {
    state::Store store(ctx.root);
    state::validate_id(id);
    if (!store.exists(id)) {
        if (force) return;
        throw Error("container does not exist");
    }
    state::Lock lock = state::Lock::acquire(store.dir(id));
    Loaded c;
    try {
        c = load_container(store, id);
    } catch (const Error& e) {
        if (!store.exists(id)) {
            // Gone while we waited for the lock (a failed create rolled back, another delete).
            if (force) return;
            throw;
        }
        if (!force) throw;
        remove_without_record(ctx, store, id, e);
        return;
    }
    switch (c.state.status) {
    case state::Status::stopped: break;
    case state::Status::created: break;  // the parked init is killed below, as runc does
    case state::Status::running:
    case state::Status::paused:
    case state::Status::creating:
        if (!force)
            throw Error("cannot delete container " + id + " that is not stopped: " + state::to_string(c.state.status));
        break;
    }
    UniqueFd pidfd = open_init_pidfd(c.state);
    if (pidfd) {
        if (c.state.status == state::Status::paused && c.cgroup) c.cgroup->thaw();
        linux::sys().pidfd_send_signal(pidfd.get(), SIGKILL, nullptr, 0);
        if (c.cgroup) {
            try {
                c.cgroup->kill_all(SIGKILL);
            } catch (const Error& e) {
                log::debug("kill all of {}: {}", id, e.what());
            }
        }
        if (!wait_pidfd(pidfd.get(), 10000)) throw Error("container init did not exit after SIGKILL");
    }
    destroy_container(store, c, hooks);
}

}  // namespace wb::runtime
