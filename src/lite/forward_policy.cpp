#include "lite/forward_policy.hpp"

// glibc's netinet/in.h before the kernel's headers (linux/libc-compat.h then skips theirs).
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>
// clang-format off
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
// clang-format on

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "lite/nftables_dump.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

namespace {

uint32_t be32_at(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return ntohl(v);
}

// One NFT_MSG_NEWCHAIN message: a base chain on the forward hook with the drop policy?
bool chain_drops_forward(const char* payload, size_t len) {
    if (len < sizeof(nfgenmsg)) return false;
    nfgenmsg g;
    std::memcpy(&g, payload, sizeof g);
    if (g.nfgen_family != NFPROTO_IPV4 && g.nfgen_family != NFPROTO_INET) return false;
    bool forward = false, drop = false;
    for_each_nft_attr(payload + NLMSG_ALIGN(sizeof g), len - NLMSG_ALIGN(sizeof g), [&](uint16_t type, const char* p, size_t n) {
        if (type == NFTA_CHAIN_POLICY && n >= 4) drop = be32_at(p) == NF_DROP;
        if (type == NFTA_CHAIN_HOOK)
            for_each_nft_attr(p, n, [&](uint16_t t, const char* q, size_t m) {
                if (t == NFTA_HOOK_HOOKNUM && m >= 4) forward = be32_at(q) == NF_INET_FORWARD;
            });
    });
    return forward && drop;
}

// Dumps every nf_tables chain; false when nf_tables is not there at all.
bool nftables_forward_drops() {
    struct {
        nlmsghdr h;
        nfgenmsg g;
    } req{};
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETCHAIN;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = 1;
    req.g.nfgen_family = NFPROTO_UNSPEC;
    req.g.version = NFNETLINK_V0;
    return nft_dump_matches(std::string(reinterpret_cast<const char*>(&req), sizeof req), NFT_MSG_NEWCHAIN,
                            chain_drops_forward);
}

bool legacy_filter_table() {
    std::string names;
    if (!fs::try_read_file("/proc/net/ip_tables_names", names)) return false;
    return names.find("filter") != std::string::npos;
}

}  // namespace

bool forward_policy_may_drop() { return legacy_filter_table() || nftables_forward_drops(); }

}  // namespace wb::lite
