#include <signal.h>
#include "linux/syscalls.hpp"
#include "runtime/internal.hpp"
#include "runtime/rootless.hpp"
#include "util/error.hpp"

namespace wb::runtime {

void kill(const Context& ctx, const std::string& id, int signal, bool all) {
    state::Store store(ctx.root);
    Loaded c = load_container(store, id);
    if (c.state.status == state::Status::stopped && !all) throw Error("container not running");
    if (all) {
        if (c.cgroup) {
            c.cgroup->kill_all(signal);
            return;
        }
        // No cgroup (rootless): every process of its own pid namespace.
        if (c.state.status == state::Status::stopped) return;
        for (pid_t pid : pids_without_cgroup(c.state.pid)) (void)linux::sys().kill(pid, signal);
        return;
    }
    UniqueFd pidfd = open_init_pidfd(c.state);
    if (!pidfd) throw Error("container not running");
    if (linux::sys().pidfd_send_signal(pidfd.get(), signal, nullptr, 0) < 0)
        throw_errno("kill container init (pid " + std::to_string(c.state.pid) + ")");
    // A frozen process (cgroup v1) acts on SIGKILL only once thawed: thaw a paused
    // container so the kill lands, as runc does (containerd's `ctr t kill -s SIGKILL`).
    if (signal == SIGKILL && c.cgroup && c.cgroup->frozen()) c.cgroup->thaw();
}

}  // namespace wb::runtime
