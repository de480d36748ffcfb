// A new network namespace starts with lo down; runc brings it up, and so do we.
#pragma once

namespace wb::linux {

// Sets IFF_UP on lo in the caller's network namespace.
void bring_up_loopback();

}  // namespace wb::linux
