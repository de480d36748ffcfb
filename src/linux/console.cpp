#include "linux/console.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "linux/devices.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {

UniqueFd connect_console_socket(const std::string& path) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw_errno("console socket");
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw Error("console socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
        throw_errno("connect to console socket " + path);
    return fd;
}

void send_fd(int socket, int fd, const std::string& name) {
    struct msghdr msg {};
    char buf[CMSG_SPACE(sizeof(int))] = {};
    struct iovec iov {};
    std::string payload = name.empty() ? std::string("\0", 1) : name;
    iov.iov_base = payload.data();
    iov.iov_len = payload.size();
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = buf;
    msg.msg_controllen = sizeof buf;
    struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    while (::sendmsg(socket, &msg, MSG_NOSIGNAL) < 0) {
        if (errno != EINTR) throw_errno("send console fd");
    }
}

UniqueFd receive_fd(int socket) {
    struct msghdr msg {};
    char buf[CMSG_SPACE(sizeof(int))] = {};
    char name[4096];
    struct iovec iov {name, sizeof name};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = buf;
    msg.msg_controllen = sizeof buf;
    ssize_t n;
    while ((n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC)) < 0) {
        if (errno != EINTR) throw_errno("receive fd");
    }
    struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS) throw Error("receive fd: no fd in message");
    int fd;
    std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
    return UniqueFd(fd);
}

int setup_console(int console_socket, const std::optional<oci::ConsoleSize>& size, bool bind_dev_console) {
    if (console_socket < 0) throw Error("process.terminal is set but no console socket was given");
    UniqueFd master(sys().open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master) throw_errno("open /dev/ptmx");
    int unlock = 0;  // unlockpt(3)
    if (sys().ioctl(master.get(), TIOCSPTLCK, &unlock) < 0) throw_errno("unlockpt");
    UniqueFd slave(sys().ioctl(master.get(), TIOCGPTPEER,
                               reinterpret_cast<void*>(static_cast<uintptr_t>(O_RDWR | O_NOCTTY | O_CLOEXEC))));
    if (!slave) throw_errno("open pty peer");
    if (size && (size->height || size->width)) {
        struct winsize ws {};
        ws.ws_row = static_cast<unsigned short>(size->height);
        ws.ws_col = static_cast<unsigned short>(size->width);
        if (sys().ioctl(master.get(), TIOCSWINSZ, &ws) < 0) throw_errno("set console size");
    }
    if (bind_dev_console) {
        UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!root) throw_errno("open /");
        bind_console(root.get(), slave.get());
    }
    char name[64] = {};
    if (::ptsname_r(master.get(), name, sizeof name) != 0) std::strcpy(name, "/dev/ptmx");
    send_fd(console_socket, master.get(), name);
    master.reset();
    if (sys().setsid() < 0) throw_errno("setsid");
    if (sys().ioctl(slave.get(), TIOCSCTTY, nullptr) < 0) throw_errno("set controlling terminal");
    for (int fd = 0; fd < 3; ++fd)
        if (::dup2(slave.get(), fd) < 0) throw_errno("dup console to stdio");
    return -1;
}

}  // namespace wb::linux
