// The outbound NAT of a network: one masquerade rule per network, as docker's
// (`-s SUBNET ! -o BRIDGE -j MASQUERADE`), instead of the CNI bridge plugin's ipMasq,
// which makes a chain and five iptables runs per container on every start and stop. The
// rule lives in whalebox-lite's own nftables table `ip whalebox-lite`, one base chain per
// network on the nat postrouting hook, named after the network's bridge:
//
//   table ip whalebox-lite {
//       chain masq-wblite0 {
//           type nat hook postrouting priority srcnat; policy accept;
//           ip saddr 172.17.0.0/16 oifname != "wblite0" masquerade
//       }
//   }
//
// It is written with libnftables (Debian's libnftables1, opened with dlopen the first time
// it is needed, so no other command loads it) in one atomic, idempotent transaction, so
// concurrent starts never clash. Installed by `network create` and made sure of on every
// attach (a netlink read of the chain's rules, no library: a reboot or a flushed ruleset
// takes the rule while the network stays), removed by `network rm`. It acts in the network
// namespace whalebox-lite runs in, as the bridge does.
#pragma once
#include <string>

#include "lite/network_config.hpp"

namespace wb::lite {

// "masq-wblite0": the chain of the network whose bridge is bridge.
std::string masquerade_chain_name(const std::string& bridge);

// The nft commands that install (replace) the rule of network n / remove its chain.
std::string masquerade_install_commands(const NetworkRecord& n);
std::string masquerade_remove_commands(const NetworkRecord& n);

// True when the network's chain holds a rule (one nf_tables netlink dump of that chain).
bool network_masquerade_present(const NetworkRecord& n);
// Installs the rule unless it is there. Throws Error when nf_tables refuses or libnftables
// is missing.
void ensure_network_masquerade(const NetworkRecord& n);
// Removes the network's chain (nothing when it is not there). Throws Error as above.
void remove_network_masquerade(const NetworkRecord& n);

}  // namespace wb::lite
