// whalebox-lite's networks: one record and one CNI conflist per network under
// ROOT/networks/, IPv4 subnets (parsed, checked for overlap), and the default network
// "bridge" (172.17.0.0/16 on the bridge wblite0), made on first use as docker's is.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "lite/common.hpp"

namespace wb::lite {

inline constexpr const char* kDefaultNetwork = "bridge";

// An IPv4 prefix, host byte order.
struct Subnet {
    uint32_t address = 0;
    int prefix = 0;
    bool contains(uint32_t ip) const;
    bool overlaps(const Subnet& other) const;
    std::string to_string() const;
};

// "172.20.0.0/16"; throws Error("invalid subnet ...") for anything else, host bits set
// included ("it should be 172.20.0.0/16", docker's words).
Subnet parse_subnet(const std::string& text);
// A dotted IPv4 address; nullopt when it is not one.
std::optional<uint32_t> parse_ipv4(const std::string& text);
std::string format_ipv4(uint32_t ip);

struct NetworkRecord {
    std::string name;
    std::string id;      // 64 hex
    std::string driver = "bridge";
    std::string subnet;   // CIDR
    std::string gateway;  // IPv4
    std::string bridge;   // the Linux bridge's name
    std::string created;
};

nlohmann::json network_to_json(const NetworkRecord& n);
NetworkRecord network_from_json(const nlohmann::json& j);

// The CNI conflist of a network: bridge (gateway, hairpin; ipMasq off: the network's own
// masquerade rule, network_masquerade.hpp, does the NAT) with host-local
// IPAM keeping its leases in ipam_dir, then portmap (portMappings capability) and firewall.
nlohmann::json network_conflist(const NetworkRecord& n, const std::string& ipam_dir);

// docker's resolv.conf for a bridged container from the host's: without loopback
// nameservers (they do not answer inside the container); Google's when none are left.
std::string bridged_resolv_conf(const std::string& host_resolv_conf);

// The options of `network create`.
struct NetworkCreateOptions {
    std::string name;
    std::string driver = "bridge";
    std::string subnet;
    std::string gateway;
};

class NetworkStore {
public:
    explicit NetworkStore(Layout layout) : layout_(std::move(layout)) {}
    std::string dir() const { return layout_.root + "/networks"; }
    std::string ipam_dir() const { return layout_.state_root + "/cni/networks"; }
    std::string conflist_path(const std::string& name) const { return dir() + "/" + name + ".conflist"; }

    // Every network (the default one made first), by name.
    std::vector<NetworkRecord> list() const;
    // By name, full id or unique id prefix; throws "network NAME not found".
    NetworkRecord resolve(const std::string& ref) const;
    // The conflist stored for a network.
    nlohmann::json conflist(const NetworkRecord& n) const;
    // Creates a network; refuses a taken name, a malformed or overlapping subnet, a
    // gateway outside it, a driver other than bridge. Without --subnet picks the first
    // free of 172.18.0.0/16 ... 172.31.0.0/16, 192.168.0.0/20 ... 192.168.240.0/20.
    NetworkRecord create(const NetworkCreateOptions& opts) const;
    // Removes the record and conflist (callers check for attached containers).
    void remove(const NetworkRecord& n) const;
    // Makes the default network when missing.
    void ensure_default() const;

private:
    NetworkRecord create_locked(const NetworkCreateOptions& opts, const std::vector<NetworkRecord>& existing) const;
    std::vector<NetworkRecord> list_files() const;
    Layout layout_;
};

}  // namespace wb::lite
