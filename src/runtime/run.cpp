#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/internal.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::runtime {
namespace {

// Forwards every signal we receive to the container's init until it exits, then reaps it.
int forward_signals_and_wait(pid_t pid, int pidfd) {
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGFPE);
    sigset_t old;
    sigprocmask(SIG_BLOCK, &all, &old);
    UniqueFd sfd(::signalfd(-1, &all, SFD_CLOEXEC));
    if (!sfd) throw_errno("signalfd");
    for (;;) {
        struct pollfd p[2] = {{sfd.get(), POLLIN, 0}, {pidfd, POLLIN, 0}};
        int n = ::poll(p, 2, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("poll");
        if (p[1].revents) break;
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo si {};
            if (::read(sfd.get(), &si, sizeof si) != sizeof si) continue;
            if (si.ssi_signo == SIGCHLD || si.ssi_signo == SIGWINCH || si.ssi_signo == SIGURG) continue;
            ::syscall(SYS_pidfd_send_signal, pidfd, si.ssi_signo, nullptr, 0);
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    sigprocmask(SIG_SETMASK, &old, nullptr);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

}  // namespace

int run(const Context& ctx, const CreateOptions& opts, bool detach) {
    Created created = create_container(ctx, opts);
    state::Store store(ctx.root);
    try {
        release_init(store, created.state);
    } catch (...) {
        try {
            remove(ctx, opts.id, true);
        } catch (const Error& e) {
            log::warn("cleanup after failed start: {}", e.what());
        }
        throw;
    }
    if (detach) return 0;
    int status = forward_signals_and_wait(created.pid, created.pidfd.get());
    remove(ctx, opts.id, true);
    return status;
}

}  // namespace wb::runtime
