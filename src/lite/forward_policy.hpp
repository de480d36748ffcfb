// Whether forwarded IPv4 packets can be dropped by the packet filter's policy, which decides
// if a container network needs the CNI firewall plugin. That plugin (iptables backend) only
// adds ACCEPT rules for the container's address to the filter table's FORWARD chain: they
// change nothing while the FORWARD policy is ACCEPT (a fresh network namespace, most
// machines without docker), and cost a dozen iptables runs per start and stop. With docker
// installed (FORWARD policy DROP) they are what lets the container's traffic through.
#pragma once

namespace wb::lite {

// True when an nf_tables base chain of the ip or inet family on the forward hook has the
// policy drop (iptables-nft's FORWARD included), or when legacy iptables has a filter table
// (its policy is not read: the plugin is kept, to be safe). Read over netlink, no iptables run.
bool forward_policy_may_drop();

}  // namespace wb::lite
