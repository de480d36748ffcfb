// Links of the network namespaces whalebox-lite manages, over rtnetlink. The CNI bridge
// plugin makes a network's bridge on the first ADD and never removes it (DEL takes only the
// container's veth); `network rm` deletes it, as docker does. A container's lo is brought
// up here too (what the CNI loopback plugin does, without starting a Go program).
#pragma once
#include <string>

namespace wb::lite {

// Deletes the link named name in our network namespace (RTM_DELLINK over rtnetlink): its
// addresses and routes go with it. False when there is no such link; throws Error when the
// kernel refuses.
bool delete_bridge_device(const std::string& name);

// Sets lo up (RTM_NEWLINK, IFF_UP) inside the network namespace bound at netns_path, and
// comes back to ours. Throws Error.
void bring_up_loopback(const std::string& netns_path);

}  // namespace wb::lite
