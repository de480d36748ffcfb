#include "lite/nftables_dump.hpp"

#include <sys/socket.h>

#include <linux/netlink.h>

#include <cerrno>
#include <cstring>

#include "util/unique_fd.hpp"

namespace wb::lite {

void for_each_nft_attr(const char* data, size_t len, const std::function<void(uint16_t, const char*, size_t)>& f) {
    while (len >= sizeof(nlattr)) {
        nlattr a;
        std::memcpy(&a, data, sizeof a);
        if (a.nla_len < sizeof a || a.nla_len > len) return;
        f(static_cast<uint16_t>(a.nla_type & NLA_TYPE_MASK), data + NLA_HDRLEN, a.nla_len - NLA_HDRLEN);
        size_t step = NLA_ALIGN(a.nla_len);
        if (step >= len) return;
        data += step;
        len -= step;
    }
}

bool nft_dump_matches(const std::string& request, uint16_t reply, const std::function<bool(const char*, size_t)>& match) {
    UniqueFd s(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER));
    if (!s) return false;
    if (::send(s.get(), request.data(), request.size(), 0) < 0) return false;
    static char buf[65536];
    bool matched = false;
    for (;;) {
        ssize_t got = ::recv(s.get(), buf, sizeof buf, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return matched;
        size_t left = static_cast<size_t>(got);
        for (const char* p = buf; left >= sizeof(nlmsghdr);) {
            nlmsghdr m;
            std::memcpy(&m, p, sizeof m);
            if (m.nlmsg_len < sizeof m || m.nlmsg_len > left) return matched;
            if (m.nlmsg_type == NLMSG_DONE || m.nlmsg_type == NLMSG_ERROR) return matched;
            if ((m.nlmsg_type & 0xff) == reply && match(p + NLMSG_HDRLEN, m.nlmsg_len - NLMSG_HDRLEN))
                matched = true;
            size_t step = NLMSG_ALIGN(m.nlmsg_len);
            if (step >= left) break;
            p += step;
            left -= step;
        }
    }
}

}  // namespace wb::lite
