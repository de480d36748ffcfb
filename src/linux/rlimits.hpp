// process.rlimits: resource limits set with prlimit(2).
#pragma once
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/spec.hpp"

namespace wb::linux {

// "RLIMIT_NOFILE" -> RLIMIT_NOFILE; nullopt for a name that is not an rlimit.
std::optional<int> rlimit_from_name(std::string_view name);

// All rlimit names this build knows, in resource-number order.
std::vector<std::string> known_rlimit_names();

// Checks every entry (known type, no duplicates, soft <= hard) and throws wb::Error
// naming the first bad one ("rlimit RLIMIT_NOFILE: soft limit 2048 is above hard limit
// 1024"). apply_rlimits() calls it first; the CLI may call it early.
void validate_rlimits(const std::vector<oci::Rlimit>& rlimits);

// prlimit(2) on the calling process.
void apply_rlimits(const std::vector<oci::Rlimit>& rlimits);

// prlimit(2) on `pid`, from the runtime (parent) side. runc sets the limits from the
// parent because once the child is in a new user namespace it can no longer raise a hard
// limit above the host's; use this when the init was cloned with CLONE_NEWUSER.
void apply_rlimits(const std::vector<oci::Rlimit>& rlimits, pid_t pid);

}  // namespace wb::linux
