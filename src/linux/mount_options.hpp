// config.json mount options → mount(2) flags, propagation and filesystem data.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace wb::linux {

struct MountOptions {
    unsigned long flags = 0;        // MS_RDONLY, MS_NOSUID, MS_BIND, MS_REC ...
    unsigned long clear_flags = 0;  // flags explicitly cleared ("rw", "suid", "atime" ...)
    unsigned long propagation = 0;  // MS_SHARED / MS_SLAVE / MS_PRIVATE / MS_UNBINDABLE (| MS_REC)
    std::vector<std::string> data;  // everything else ("size=64k", "mode=755")
    bool copy_up = false;           // "tmpcopyup": a tmpfs starts with what it covers
    // "idmap" / "ridmap" (a bind made an idmapped mount: the mount only, or every mount below
    // it too); a mount's uidMappings/gidMappings alone ask for it as well.
    bool idmap = false;
    bool idmap_recursive = false;
    // The recursive options ("rro", "rnosuid", "ratime" ...): mount_setattr(2) attributes
    // (MOUNT_ATTR_*) set and cleared on the mount and every mount below it.
    uint64_t rec_attr_set = 0;
    uint64_t rec_attr_clr = 0;
    bool bind() const;
    std::string data_string() const;  // comma-joined data
};

// What mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | flags) makes of a bind mount, as
// mount_setattr(2) attributes to set and to clear: the per-mount flags (ro, nosuid, nodev,
// noexec, nosymfollow) are replaced; the atime ones only when `flags` has one, since such a
// remount keeps them otherwise.
struct MountAttrs {
    uint64_t set = 0;
    uint64_t clr = 0;
};
MountAttrs bind_remount_attrs(unsigned long flags);

// Parses options the way runc does; unknown words become filesystem data (the kernel
// judges them when the filesystem is mounted).
MountOptions parse_mount_options(const std::vector<std::string>& options);

// For a bind mount, which takes no filesystem data: throws wb::Error naming the first
// option this runtime does not know ("mount option \"rfoo\" is not known").
void refuse_unknown_bind_options(const MountOptions& opts);

// rootfsPropagation ("rslave", "private", ...) → flags; throws for unknown values.
unsigned long parse_propagation(const std::string& value);

// The mount options this runtime knows (for `features`).
std::vector<std::string> known_mount_options();

}  // namespace wb::linux
