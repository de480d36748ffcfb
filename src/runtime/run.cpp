#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/foreground.hpp"
#include "runtime/internal.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::runtime {
namespace {

// The container run made and waited for, removed with the record and the cgroup manager
// create left it (remove_container would read state.json and mountinfo again: about a
// fifth of a millisecond, issue 18), under the id's lock as delete takes it. Its init has
// been reaped; what it left in its cgroup is killed with it.
void remove_waited(const state::Store& store, Created& created) {
    const std::string id = created.state.id;
    if (!store.exists(id)) return;  // a `delete --force` came first
    state::Lock lock = state::Lock::acquire(store.dir(id));
    if (!store.exists(id)) return;
    Loaded c{std::move(created.state), std::move(created.cgroup)};
    destroy_container(store, c, &created.hooks);
}

}  // namespace

int run(const Context& ctx, const CreateOptions& opts, bool detach, bool keep) {
    CreateOptions o = opts;
    o.proxy_tty = !detach && opts.console_socket.empty();
    Created created = create_container(ctx, o);
    state::Store store(ctx.root);
    try {
        if (opts.before_start) opts.before_start();
        start_created(store, created.state, &created.hooks);
    } catch (...) {
        try {
            // (A failing poststart hook has removed it already.)
            if (store.exists(opts.id)) remove_container(ctx, opts.id, true, &created.hooks);
        } catch (const Error& e) {
            log::warn("cleanup after failed start: {}", e.what());
        }
        throw;
    }
    if (detach) {
        created.init.release();  // runs on after we exit
        return 0;
    }
    int status = wait_foreground(created.init, created.console_master.get(), opts.output);
    // The hooks create read (config.json is not parsed a second and third time).
    if (!keep) remove_waited(store, created);
    return status;
}

}  // namespace wb::runtime
