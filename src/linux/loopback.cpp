#include "linux/loopback.hpp"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>

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

}  // namespace wb::linux
