#include "lite/network_masquerade.hpp"

#include <dlfcn.h>
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

#include "util/error.hpp"
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

template <class Function>
void resolve(void* library, const char* name, Function*& out) {
    void* symbol = ::dlsym(library, name);
    if (!symbol) throw Error(std::string("the network's masquerade rule: ") + kLibrary + " has no " + name);
    out = reinterpret_cast<Function*>(symbol);
}

Libnftables load() {
    void* library = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char* why = ::dlerror();
        throw Error(std::string("the network's masquerade rule needs libnftables (apt-get install libnftables1): ") +
                    (why ? why : kLibrary));
    }
    Libnftables l{};
    resolve(library, "nft_ctx_new", l.ctx_new);
    resolve(library, "nft_ctx_free", l.ctx_free);
    resolve(library, "nft_ctx_buffer_output", l.buffer_output);
    resolve(library, "nft_ctx_buffer_error", l.buffer_error);
    resolve(library, "nft_ctx_get_error_buffer", l.get_error_buffer);
    resolve(library, "nft_run_cmd_from_buffer", l.run_cmd_from_buffer);
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
    const char* data = payload + NLMSG_ALIGN(sizeof(nfgenmsg));
    len -= NLMSG_ALIGN(sizeof(nfgenmsg));
    bool table_ok = false, chain_ok = false;
    while (len >= sizeof(nlattr)) {
        nlattr a;
        std::memcpy(&a, data, sizeof a);
        if (a.nla_len < sizeof a || a.nla_len > len) break;
        std::string value(data + NLA_HDRLEN, a.nla_len - NLA_HDRLEN);
        value = value.c_str();  // up to its NUL
        if ((a.nla_type & NLA_TYPE_MASK) == NFTA_RULE_TABLE) table_ok = value == kTable;
        if ((a.nla_type & NLA_TYPE_MASK) == NFTA_RULE_CHAIN) chain_ok = value == chain;
        size_t step = NLA_ALIGN(a.nla_len);
        if (step >= len) break;
        data += step;
        len -= step;
    }
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
    UniqueFd s(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER));
    if (!s) return false;
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
    if (::send(s.get(), msg.data(), msg.size(), 0) < 0) return false;
    static char buf[32768];
    bool found = false;
    for (;;) {
        ssize_t got = ::recv(s.get(), buf, sizeof buf, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return found;
        size_t left = static_cast<size_t>(got);
        for (const char* p = buf; left >= sizeof(nlmsghdr);) {
            nlmsghdr m;
            std::memcpy(&m, p, sizeof m);
            if (m.nlmsg_len < sizeof m || m.nlmsg_len > left) return found;
            if (m.nlmsg_type == NLMSG_DONE || m.nlmsg_type == NLMSG_ERROR) return found;
            if ((m.nlmsg_type & 0xff) == NFT_MSG_NEWRULE && rule_in_chain(p + NLMSG_HDRLEN, m.nlmsg_len - NLMSG_HDRLEN, chain))
                found = true;
            size_t step = NLMSG_ALIGN(m.nlmsg_len);
            if (step >= left) break;
            p += step;
            left -= step;
        }
    }
}

void ensure_network_masquerade(const NetworkRecord& n) {
    if (!network_masquerade_present(n)) run_nft(masquerade_install_commands(n));
}

void remove_network_masquerade(const NetworkRecord& n) { run_nft(masquerade_remove_commands(n)); }

}  // namespace wb::lite
