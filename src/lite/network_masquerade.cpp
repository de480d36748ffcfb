#include "lite/network_masquerade.hpp"

#include <nftables/libnftables.h>
// glibc's headers before the kernel's (linux/libc-compat.h then skips its copies).
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
#include <cstring>
#include <memory>

#include "lite/nftables_dump.hpp"
#include "util/error.hpp"
#include "util/shared_library.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

namespace {

constexpr const char* kTable = "whalebox-lite";
constexpr const char* kLibrary = "libnftables.so.1";

// The libnftables functions used, opened once (never closed: the process may call again).
struct Libnftables {
    decltype(&::nft_ctx_new) ctx_new;
    decltype(&::nft_ctx_free) ctx_free;
    decltype(&::nft_ctx_buffer_output) buffer_output;
    decltype(&::nft_ctx_buffer_error) buffer_error;
    decltype(&::nft_ctx_get_error_buffer) get_error_buffer;
    decltype(&::nft_run_cmd_from_buffer) run_cmd_from_buffer;
};

Libnftables load() {
    SharedLibrary library(kLibrary, "the network's masquerade rule needs libnftables (apt-get install libnftables1): ");
    Libnftables l{};
    library.resolve("nft_ctx_new", l.ctx_new);
    library.resolve("nft_ctx_free", l.ctx_free);
    library.resolve("nft_ctx_buffer_output", l.buffer_output);
    library.resolve("nft_ctx_buffer_error", l.buffer_error);
    library.resolve("nft_ctx_get_error_buffer", l.get_error_buffer);
    library.resolve("nft_run_cmd_from_buffer", l.run_cmd_from_buffer);
    return l;
}

const Libnftables& libnftables() {
    static const Libnftables loaded = load();  // a throw leaves it unloaded: the next call retries
    return loaded;
}

// Runs commands as one nftables transaction (all or nothing).
void run_nft(const std::string& commands) {
    const Libnftables& nft = libnftables();
    std::unique_ptr<nft_ctx, decltype(nft.ctx_free)> ctx(nft.ctx_new(NFT_CTX_DEFAULT), nft.ctx_free);
    if (!ctx) throw Error("the network's masquerade rule: nft_ctx_new failed");
    nft.buffer_output(ctx.get());
    nft.buffer_error(ctx.get());
    if (nft.run_cmd_from_buffer(ctx.get(), commands.c_str()) != 0) {
        std::string why = nft.get_error_buffer(ctx.get()) ? nft.get_error_buffer(ctx.get()) : "";
        while (!why.empty() && why.back() == '\n') why.pop_back();
        throw Error("the network's masquerade rule (nftables): " + (why.empty() ? std::string("failed") : why));
    }
}

// Appends a NUL-terminated string attribute to a netlink message being built.
void put_string_attr(std::string& msg, uint16_t type, const std::string& value) {
    nlattr a{};
    a.nla_type = type;
    a.nla_len = static_cast<uint16_t>(NLA_HDRLEN + value.size() + 1);
    msg.append(reinterpret_cast<const char*>(&a), sizeof a);
    msg.append(value);
    msg.push_back('\0');
    msg.append(NLA_ALIGN(a.nla_len) - a.nla_len, '\0');
}

// One NFT_MSG_NEWRULE message (after its nlmsghdr): is the rule in table kTable, chain?
// (The kernel filters the dump by table and chain already; this guards against one that does not.)
bool rule_in_chain(const char* payload, size_t len, const std::string& chain) {
    if (len < NLMSG_ALIGN(sizeof(nfgenmsg))) return false;
    bool table_ok = false, chain_ok = false;
    for_each_nft_attr(payload + NLMSG_ALIGN(sizeof(nfgenmsg)), len - NLMSG_ALIGN(sizeof(nfgenmsg)),
                      [&](uint16_t type, const char* data, size_t n) {
                          std::string value(data, n);
                          value = value.c_str();  // up to its NUL
                          if (type == NFTA_RULE_TABLE) table_ok = value == kTable;
                          if (type == NFTA_RULE_CHAIN) chain_ok = value == chain;
                      });
    return table_ok && chain_ok;
}

}  // namespace

std::string masquerade_chain_name(const std::string& bridge) { return "masq-" + bridge; }

std::string masquerade_install_commands(const NetworkRecord& n) {
    std::string chain = std::string(kTable) + " " + masquerade_chain_name(n.bridge);
    return std::string("add table ip ") + kTable + "\n" +                                   //
           "add chain ip " + chain + " { type nat hook postrouting priority srcnat; }\n" +  //
           "flush chain ip " + chain + "\n" +                                               //
           "add rule ip " + chain + " ip saddr " + n.subnet + " oifname != \"" + n.bridge + "\" masquerade\n";
}

std::string masquerade_remove_commands(const NetworkRecord& n) {
    // Made first so that the delete never fails on a missing chain (all in one transaction).
    std::string chain = std::string(kTable) + " " + masquerade_chain_name(n.bridge);
    return std::string("add table ip ") + kTable + "\n" +                                   //
           "add chain ip " + chain + " { type nat hook postrouting priority srcnat; }\n" +  //
           "flush chain ip " + chain + "\n" +                                               //
           "delete chain ip " + chain + "\n";
}

bool network_masquerade_present(const NetworkRecord& n) {
    nlmsghdr h{};
    h.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETRULE;
    h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    h.nlmsg_seq = 1;
    nfgenmsg g{};
    g.nfgen_family = NFPROTO_IPV4;
    g.version = NFNETLINK_V0;
    std::string msg(NLMSG_HDRLEN, '\0');
    msg.append(reinterpret_cast<const char*>(&g), sizeof g);
    msg.append(NLMSG_ALIGN(sizeof g) - sizeof g, '\0');
    put_string_attr(msg, NFTA_RULE_TABLE, kTable);
    const std::string chain = masquerade_chain_name(n.bridge);
    put_string_attr(msg, NFTA_RULE_CHAIN, chain);
    h.nlmsg_len = static_cast<uint32_t>(msg.size());
    std::memcpy(msg.data(), &h, sizeof h);
    return nft_dump_matches(msg, NFT_MSG_NEWRULE,
                            [&](const char* payload, size_t len) { return rule_in_chain(payload, len, chain); });
}

void ensure_network_masquerade(const NetworkRecord& n) {
    if (!network_masquerade_present(n)) run_nft(masquerade_install_commands(n));
}

void remove_network_masquerade(const NetworkRecord& n) { run_nft(masquerade_remove_commands(n)); }

}  // namespace wb::lite
