#include "lite/bridge_device.hpp"

// glibc's headers before the kernel's (linux/libc-compat.h then skips its copies).
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
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

namespace {

// Sends one link request (type RTM_DELLINK or RTM_NEWLINK) about the link at index and
// returns the kernel's answer: 0 or a negative errno. what names it in errors.
int link_request(uint16_t type, unsigned index, unsigned flags, unsigned change, const std::string& what) {
    UniqueFd s(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!s) throw_errno("open an rtnetlink socket");
    struct {
        nlmsghdr h;
        ifinfomsg i;
    } req{};
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = type;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    req.h.nlmsg_seq = 1;
    req.i.ifi_family = AF_UNSPEC;
    req.i.ifi_index = static_cast<int>(index);
    req.i.ifi_flags = flags;
    req.i.ifi_change = change;
    if (::send(s.get(), &req, sizeof req, 0) < 0) throw_errno(what);
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(s.get(), buf, sizeof buf, 0)) < 0 && errno == EINTR) {
    }
    if (n < 0) throw_errno(what);
    nlmsghdr h;
    if (static_cast<size_t>(n) < sizeof h + sizeof(nlmsgerr)) throw Error(what + ": short netlink answer");
    std::memcpy(&h, buf, sizeof h);
    if (h.nlmsg_type != NLMSG_ERROR) return 0;
    nlmsgerr e;
    std::memcpy(&e, buf + NLMSG_HDRLEN, sizeof e);
    return e.error;
}

}  // namespace

bool delete_bridge_device(const std::string& name) {
    unsigned index = ::if_nametoindex(name.c_str());
    if (index == 0) return false;
    std::string what = "delete the bridge " + name;
    int err = link_request(RTM_DELLINK, index, 0, 0, what);
    if (err == -ENODEV) return false;
    if (err != 0) throw_errno(what, -err);
    return true;
}

void bring_up_loopback(const std::string& netns_path) {
    UniqueFd target(::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!target) throw_errno("open " + netns_path);
    UniqueFd home(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!home) throw_errno("open /proc/thread-self/ns/net");
    if (::setns(target.get(), CLONE_NEWNET) < 0) throw_errno("enter the network namespace " + netns_path);
    int err = 0;
    std::string failure;
    try {
        unsigned index = ::if_nametoindex("lo");
        if (index == 0) throw_errno("find lo in " + netns_path);
        err = link_request(RTM_NEWLINK, index, IFF_UP, IFF_UP, "bring lo up in " + netns_path);
    } catch (const Error& e) {
        failure = e.what();
    }
    if (::setns(home.get(), CLONE_NEWNET) < 0) throw_errno("return to our network namespace");
    if (!failure.empty()) throw Error(failure);
    if (err != 0) throw_errno("bring lo up in " + netns_path, -err);
}

}  // namespace wb::lite
