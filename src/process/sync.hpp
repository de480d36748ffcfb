// The channel between the runtime (parent) and the container's init while it is set up:
// a SOCK_SEQPACKET socketpair carrying small typed messages.
#pragma once
#include <cstdint>
#include <string>

#include "util/unique_fd.hpp"

namespace wb::process {

enum class SyncType : uint32_t {
    go = 1,            // parent → init: maps written, cgroup joined; continue
    run_hooks = 2,     // init → parent: mounts done, run prestart/createRuntime hooks
    hooks_done = 3,    // parent → init
    ready = 4,         // init → parent: parked on the exec fifo
    error = 5,         // init → parent: setup failed; payload is the message
    seccomp_fd = 6,    // init/exec child → parent: the seccomp notify fd (SCM_RIGHTS)
    seccomp_done = 7,  // parent → child: the agent has it
    log = 8,           // child → parent: a log record (level byte + message), see child_log.hpp
};

struct SyncMessage {
    SyncType type{};
    std::string payload;
    UniqueFd fd;  // passed with the message, or empty
};

class SyncChannel {
public:
    SyncChannel() = default;
    explicit SyncChannel(UniqueFd fd) : fd_(std::move(fd)) {}
    // A connected pair: [0] for the parent, [1] for the child.
    static std::pair<SyncChannel, SyncChannel> make_pair();

    void send(SyncType type, const std::string& payload = "") const;
    // Sends `fd` along (SCM_RIGHTS); the caller keeps its own copy.
    void send_fd(SyncType type, int fd) const;
    // Blocks for the next message; a closed peer throws Error("init exited during setup",
    // EPIPE): the caller can then tell why from the process's status.
    SyncMessage receive() const;
    // Receives and checks the type; an error message from the peer is rethrown as Error.
    void expect(SyncType type) const;

    int fd() const { return fd_.get(); }
    void close() { fd_.reset(); }

private:
    UniqueFd fd_;
};

}  // namespace wb::process
