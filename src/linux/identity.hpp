// The container process's user: supplementary groups, gid, uid and umask.
#pragma once
#include <cstdint>

#include "oci/spec.hpp"

namespace wb::linux {

// Switches to process.user as runc's setupUser does:
//   setgroups(additional_gids)  — skipped when /proc/self/setgroups says "deny" (a user
//                                 namespace whose gid map was written unprivileged);
//   setresgid(gid), setresuid(uid) — with PR_SET_KEEPCAPS held across the uid change, so
//                                 the permitted set survives for apply_capabilities();
//                                 KEEPCAPS is cleared again afterwards, as runc does;
//   umask(user.umask)            — when given.
// An unmapped id is reported as runc does: "cannot setuid to unmapped uid 1000 in user
// namespace". Other failures throw wb::Error naming the call.
void switch_user(const oci::User& user);

// Gives the process's stdio (fds 0-2) to `uid` before the user switch, as runc's
// fixStdioPermissions: the terminal (or pipe) then belongs to the container's user. Only
// the owner changes, the group stays (the pty's is devpts' tty group, 5); /dev/null and
// fds the uid already owns are left alone; EINVAL (an unmapped id) and EPERM are ignored.
void give_stdio_to(uint32_t uid);

// True when /proc/self/setgroups reads "deny" (setgroups(2) is refused in this userns).
bool setgroups_denied();

}  // namespace wb::linux
