// config.json mount options → mount(2) flags, propagation and filesystem data.
#pragma once
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
    bool bind() const;
    std::string data_string() const;  // comma-joined data
};

// Parses options the way runc does; unknown words become filesystem data.
MountOptions parse_mount_options(const std::vector<std::string>& options);

// rootfsPropagation ("rslave", "private", ...) → flags; throws for unknown values.
unsigned long parse_propagation(const std::string& value);

// The mount options this runtime knows (for `features`).
std::vector<std::string> known_mount_options();

}  // namespace wb::linux
