#include "process/parent_loop.hpp"

#include <poll.h>

#include "process/child_log.hpp"
#include "util/error.hpp"

namespace wb::process {

void serve_child_messages(const SyncChannel& sync, SetupEnd end, const ChildRequests& requests,
                          const std::string& unexpected) {
    for (;;) {
        SyncMessage m;
        if (end == SetupEnd::execve) {
            try {
                m = sync.receive();
            } catch (const Error&) {
                return;  // closed by execve: the process runs
            }
        } else {
            m = sync.receive();
        }
        switch (m.type) {
        case SyncType::error: throw Error(m.payload);
        case SyncType::ready:
            if (end == SetupEnd::ready) return;
            break;
        case SyncType::log: log_child_record(m); continue;
        case SyncType::seccomp_fd:
            if (!requests.seccomp_fd) break;
            requests.seccomp_fd(m);
            continue;
        case SyncType::run_hooks:
            if (!requests.run_hooks) break;
            requests.run_hooks();
            continue;
        default: break;
        }
        throw Error(unexpected);
    }
}

namespace {

// Throws the child's `error` report if one is waiting; returns when there is none.
void rethrow_child_report(const SyncChannel& sync) {
    for (;;) {
        struct pollfd p {sync.fd(), POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN)) return;
        SyncMessage m;
        try {
            m = sync.receive();
        } catch (const Error&) {
            return;  // closed with nothing more
        }
        if (m.type == SyncType::log) {
            log_child_record(m);
            continue;
        }
        if (m.type == SyncType::error) throw Error(m.payload);
        return;
    }
}

}  // namespace

void send_go(const SyncChannel& sync, const std::function<void()>& before_go) {
    try {
        before_go();
        sync.send(SyncType::go);
    } catch (const Error&) {
        rethrow_child_report(sync);
        throw;
    }
}

}  // namespace wb::process
