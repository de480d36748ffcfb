#include <signal.h>
#include "linux/syscalls.hpp"
#include "runtime/internal.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::runtime {

void remove(const Context& ctx, const std::string& id, bool force) {
    state::Store store(ctx.root);
    state::validate_id(id);
    if (!store.exists(id)) {
        if (force) return;
        throw Error("container does not exist");
    }
    state::Lock lock = state::Lock::acquire(store.dir(id));
    Loaded c = load_container(store, id);
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
    destroy_container(store, c);
}

}  // namespace wb::runtime
