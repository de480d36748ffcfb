// The Linux bridge of a network. The CNI bridge plugin makes it on the first ADD and never
// removes it (DEL takes only the container's veth); `network rm` deletes it, as docker does.
#pragma once
#include <string>

namespace wb::lite {

// Deletes the link named name in our network namespace (RTM_DELLINK over rtnetlink): its
// addresses and routes go with it. False when there is no such link; throws Error when the
// kernel refuses.
bool delete_bridge_device(const std::string& name);

}  // namespace wb::lite
