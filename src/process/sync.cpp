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

namespace {

void send_message(int sock, SyncType type, const std::string& payload, int fd) {
    std::vector<char> buf(sizeof(uint32_t) + payload.size());
    uint32_t t = static_cast<uint32_t>(type);
    std::memcpy(buf.data(), &t, sizeof t);
    std::memcpy(buf.data() + sizeof t, payload.data(), payload.size());
    iovec iov{buf.data(), buf.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (fd >= 0) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
    }
    while (::sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
        if (errno != EINTR) throw_errno("sync send");
    }
}

}  // namespace

void SyncChannel::send(SyncType type, const std::string& payload) const { send_message(fd_.get(), type, payload, -1); }

void SyncChannel::send_fd(SyncType type, int fd) const { send_message(fd_.get(), type, "", fd); }

SyncMessage SyncChannel::receive() const {
    char buf[8192];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    while ((n = ::recvmsg(fd_.get(), &msg, MSG_CMSG_CLOEXEC)) < 0) {
        // ECONNRESET: the peer closed with a message of ours unread (`go` to an init that
        // failed meanwhile). The kernel says so once, before the messages the peer sent
        // first, which are still queued: read on (then the end, below).
        if (errno != EINTR && errno != ECONNRESET) throw_errno("sync receive");
    }
    SyncMessage m;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
            m.fd.reset(fd);
        }
    }
    if (n < static_cast<ssize_t>(sizeof(uint32_t))) throw Error("container init exited during setup", EPIPE);
    uint32_t t;
    std::memcpy(&t, buf, sizeof t);
    m.type = static_cast<SyncType>(t);
    m.payload.assign(buf + sizeof t, static_cast<size_t>(n) - sizeof t);
    return m;
}

void SyncChannel::expect(SyncType type) const {
    SyncMessage m = receive();
    if (m.type == SyncType::error) throw Error(m.payload);
    if (m.type != type) throw Error("sync: unexpected message " + std::to_string(static_cast<uint32_t>(m.type)));
}

}  // namespace wb::process
