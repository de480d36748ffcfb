#include "lite/bridge_device.hpp"

// glibc's headers before the kernel's (linux/libc-compat.h then skips its copies).
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>
// clang-format off
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
// clang-format on

#include <cerrno>
#include <cstring>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

bool delete_bridge_device(const std::string& name) {
    unsigned index = ::if_nametoindex(name.c_str());
    if (index == 0) return false;
    UniqueFd s(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!s) throw_errno("open an rtnetlink socket");
    struct {
        nlmsghdr h;
        ifinfomsg i;
    } req{};
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = RTM_DELLINK;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    req.h.nlmsg_seq = 1;
    req.i.ifi_family = AF_UNSPEC;
    req.i.ifi_index = static_cast<int>(index);
    if (::send(s.get(), &req, sizeof req, 0) < 0) throw_errno("delete the bridge " + name);
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(s.get(), buf, sizeof buf, 0)) < 0 && errno == EINTR) {
    }
    if (n < 0) throw_errno("delete the bridge " + name);
    nlmsghdr h;
    if (static_cast<size_t>(n) < sizeof h + sizeof(nlmsgerr)) throw Error("delete the bridge " + name + ": short netlink answer");
    std::memcpy(&h, buf, sizeof h);
    if (h.nlmsg_type != NLMSG_ERROR) return true;
    nlmsgerr e;
    std::memcpy(&e, buf + NLMSG_HDRLEN, sizeof e);
    if (e.error == -ENODEV) return false;
    if (e.error != 0) throw_errno("delete the bridge " + name, -e.error);
    return true;
}

}  // namespace wb::lite
