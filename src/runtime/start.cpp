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
namespace {

// Reads `fifo` (non-blocking) to EOF; what the init writes there is its error message.
std::string read_to_eof(int fifo) {
    std::string text;
    for (;;) {
        char buf[4096];
        ssize_t n = ::read(fifo, buf, sizeof buf);
        if (n > 0) {
            if (text.size() < 65536) text.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n == 0) return text;
        if (errno == EINTR) continue;
        if (errno != EAGAIN) throw_errno("read exec fifo");
        struct pollfd p {fifo, POLLIN, 0};
        if (::poll(&p, 1, -1) < 0 && errno != EINTR) throw_errno("wait for container init");
    }
}

// Opens the exec fifo, which lets the init go on, and takes the byte it writes then. The
// init keeps its end open until it execs the user process: its failures before that (a
// startContainer hook, the execve) arrive as text, success as EOF.
void release_init(const state::Store& store, const state::State& s, int pidfd) {
    std::string fifo_path = store.fifo_path(s.id);
    UniqueFd fifo(::open(fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fifo) throw_errno("open exec fifo");
    struct pollfd p[2] = {{fifo.get(), POLLIN, 0}, {pidfd, POLLIN, 0}};
    for (;;) {
        int n = ::poll(p, 2, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("wait for container init");
        if (p[0].revents & POLLIN) {
            char c;
            if (::read(fifo.get(), &c, 1) == 1) break;
        }
        if (p[1].revents) throw Error("cannot start a container that has stopped: the init exited");
        if (p[0].revents & POLLHUP) throw Error("exec fifo closed without a start signal");
    }
    ::unlink(fifo_path.c_str());
    std::string failure = read_to_eof(fifo.get());
    if (!failure.empty()) throw Error(failure);
}

// A failing poststart hook fails start and leaves no container behind (runtime spec,
// lifecycle step 9; runc terminates the init and destroys the container, poststop hooks
// included).
void run_poststart(const state::Store& store, const state::State& s, int pidfd, const oci::Hooks* hooks) {
    std::optional<oci::Spec> spec;
    if (!hooks) {
        std::string text;
        if (s.config_path.empty() || !fs::try_read_file(s.config_path, text)) return;
        spec = oci::parse_spec(text);
        if (!spec->hooks) return;
        hooks = &*spec->hooks;
    }
    if (hooks->poststart.empty()) return;
    try {
        process::run_hooks(hooks->poststart, state::oci_state(s, state::Status::running, s.pid), "poststart");
    } catch (const Error&) {
        linux::sys().pidfd_send_signal(pidfd, SIGKILL, nullptr, 0);
        wait_pidfd(pidfd, 10000);
        try {
            Loaded c = load_container(store, s.id);
            destroy_container(store, c, hooks);
        } catch (const Error& e) {
            log::warn("remove {} after its failed poststart hook: {}", s.id, e.what());
        }
        throw;
    }
}

}  // namespace

void start_created(const state::Store& store, const state::State& s, const oci::Hooks* hooks) {
    // The pidfd first: once the fifo is open the init may exec and exit at any moment.
    UniqueFd pidfd = open_init_pidfd(s);
    if (!pidfd) throw Error("cannot start a container that has stopped");
    release_init(store, s, pidfd.get());
    run_poststart(store, s, pidfd.get(), hooks);
}

void start(const Context& ctx, const std::string& id) {
    state::Store store(ctx.root);
    state::validate_id(id);
    if (!store.exists(id)) throw Error("container does not exist");
    state::Lock lock = state::Lock::acquire(store.dir(id));
    Loaded c = load_container(store, id);
    switch (c.state.status) {
    case state::Status::created: break;
    case state::Status::stopped: throw Error("cannot start a container that has stopped");
    case state::Status::running: throw Error("cannot start an already running container");
    default: throw Error(std::string("cannot start a container in the ") + state::to_string(c.state.status) + " state");
    }
    start_created(store, c.state);
}

}  // namespace wb::runtime
