// A new network namespace starts with lo down; runc brings it up, and so do we.
#pragma once

namespace wb::linux {

// Sets IFF_UP on lo in the caller's network namespace.
void bring_up_loopback();

// The same in the network namespace of the process `pidfd` refers to: the calling thread
// enters it (setns) and goes back to its own (an fd of /proc/thread-self/ns/net taken
// first). Throws wb::Error; the caller is in its own namespace again either way, unless
// going back fails, which throws "return to the runtime's network namespace".
void bring_up_loopback_in(int pidfd);

}  // namespace wb::linux
