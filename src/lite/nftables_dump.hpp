// Reading nf_tables over netlink (NETLINK_NETFILTER), for the checks that must not load
// libnftables or start nft: forward_policy.cpp (a FORWARD chain that drops) and
// network_masquerade.cpp (a network's masquerade rule is there).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace wb::lite {

// Calls f(type, payload, len) for each netlink attribute in data[0, len).
void for_each_nft_attr(const char* data, size_t len, const std::function<void(uint16_t, const char*, size_t)>& f);

// Sends `request` (one nfnetlink dump request, nlmsghdr first) and reads the dump to its
// end; true when match(payload, len) held for some reply of nf_tables message type
// `reply` (NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE...), its payload being what follows its
// nlmsghdr (the nfgenmsg, then the attributes). False when nf_tables cannot be read.
bool nft_dump_matches(const std::string& request, uint16_t reply, const std::function<bool(const char*, size_t)>& match);

}  // namespace wb::lite
