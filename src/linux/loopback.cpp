#include "linux/loopback.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>
#include <optional>

#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace wb::linux {

void bring_up_loopback() {
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock) throw_errno("socket for lo");
    struct ifreq ifr {};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (sys().ioctl(sock.get(), SIOCGIFFLAGS, &ifr) < 0) throw_errno("get lo flags");
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    if (sys().ioctl(sock.get(), SIOCSIFFLAGS, &ifr) < 0) throw_errno("bring up lo");
}

void bring_up_loopback_in(int pidfd) {
    UniqueFd own(sys().open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!own) throw_errno("open /proc/thread-self/ns/net");
    if (sys().setns(pidfd, CLONE_NEWNET) < 0) throw_errno("enter the container's network namespace");
    std::optional<Error> failed;
    try {
        bring_up_loopback();
    } catch (const Error& e) {
        failed = e;
    }
    if (sys().setns(own.get(), CLONE_NEWNET) < 0) throw_errno("return to the runtime's network namespace");
    if (failed) throw *failed;
}

}  // namespace wb::linux
