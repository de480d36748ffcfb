#include "process/sync.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "util/error.hpp"

namespace wb::process {

std::pair<SyncChannel, SyncChannel> SyncChannel::make_pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) throw_errno("socketpair");
    return {SyncChannel(UniqueFd(fds[0])), SyncChannel(UniqueFd(fds[1]))};
}

void SyncChannel::send(SyncType type, const std::string& payload) const {
    std::vector<char> buf(sizeof(uint32_t) + payload.size());
    uint32_t t = static_cast<uint32_t>(type);
    std::memcpy(buf.data(), &t, sizeof t);
    std::memcpy(buf.data() + sizeof t, payload.data(), payload.size());
    while (::send(fd_.get(), buf.data(), buf.size(), MSG_NOSIGNAL) < 0) {
        if (errno != EINTR) throw_errno("sync send");
    }
}

SyncMessage SyncChannel::receive() const {
    char buf[8192];
    ssize_t n;
    while ((n = ::recv(fd_.get(), buf, sizeof buf, 0)) < 0) {
        if (errno != EINTR) throw_errno("sync receive");
    }
    if (n < static_cast<ssize_t>(sizeof(uint32_t))) throw Error("container init exited during setup");
    uint32_t t;
    std::memcpy(&t, buf, sizeof t);
    return {static_cast<SyncType>(t), std::string(buf + sizeof t, static_cast<size_t>(n) - sizeof t)};
}

void SyncChannel::expect(SyncType type) const {
    SyncMessage m = receive();
    if (m.type == SyncType::error) throw Error(m.payload);
    if (m.type != type) throw Error("sync: unexpected message " + std::to_string(static_cast<uint32_t>(m.type)));
}

}  // namespace wb::process
