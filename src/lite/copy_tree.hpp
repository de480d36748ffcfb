// The copy `cp` makes, as docker's archive copy: directories recursively, modes, mtimes
// and symlinks (as symlinks) kept, special files recreated, never following a symlink at
// the destination (an existing file there is replaced, an existing directory merged into).
// Owners follow docker's documented rule: the destination's user by default, the
// source's ids with -a (through a --userns shift).
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "lite/lifecycle_options.hpp"

namespace wb::lite {

struct CopyOwners {
    bool keep_source = false;           // -a: the source's ids (shifted, below)
    std::optional<uid_t> uid;           // else every copied file's owner; nullopt: the writer's
    std::optional<gid_t> gid;
    // --userns: kept ids move into the range (into_range) or out of it.
    IdRange range;
    bool into_range = false;
};

// The owner a copied file gets for a source owned by (uid, gid); nullopt: leave it as
// written. Throws for a kept id the range cannot map (into it); ids outside the range on
// the way out become 65534 (nobody), as the kernel shows them.
std::optional<std::pair<uid_t, gid_t>> copied_owner(uid_t uid, gid_t gid, const CopyOwners& o);

// Copies src to dst. follow_top: src itself may be a symlink to follow (docker cp -L, and
// the /proc/self/fd path of an fd opened in the container).
void copy_tree(const std::string& src, const std::string& dst, bool follow_top, const CopyOwners& owners);

}  // namespace wb::lite
