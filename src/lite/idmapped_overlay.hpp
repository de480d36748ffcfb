// The overlay workspace of a --userns container: every layer (the image's, and the
// container's upper/work) is an idmapped mount (mount_setattr MOUNT_ATTR_IDMAP) that shows
// the files' ids 0..size-1 as the container's subordinate range, attached over the layer
// paths in a short-lived private mount namespace where the overlay is created (with the
// container root's fsuid, which the idmapped upper maps). The layers on disk keep their
// ids: images stay shared with every other container, commit and export see the files as
// without --userns, and nothing is copied or chowned.
#pragma once
#include <linux/capability.h>
#include <sys/types.h>

#include <string>

#include "lite/lifecycle_options.hpp"
#include "lite/overlay.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

// A user namespace fd with uid and gid 0..size-1 mapped to the range (a child of ours
// made it and is gone).
UniqueFd make_userns_fd(const IdRange& range);

// A detached copy of the mount at path (open_tree OPEN_TREE_CLONE) made idmapped with
// userns_fd (mount_setattr MOUNT_ATTR_IDMAP); read-only too when readonly.
UniqueFd idmapped_clone(const std::string& path, int userns_fd, bool readonly = false);

// Our fsuid/fsgid become the range's first ids (the container's root) with the
// capabilities that change drops raised again, so what we create through an idmapped
// mount (where host root is not mapped: EOVERFLOW) belongs to the container's root.
// Restored when it goes.
class RangeRootCredentials {
public:
    explicit RangeRootCredentials(const IdRange& range);
    ~RangeRootCredentials() { restore(); }
    RangeRootCredentials(const RangeRootCredentials&) = delete;
    RangeRootCredentials& operator=(const RangeRootCredentials&) = delete;

private:
    void restore();
    __user_cap_header_struct header_{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct saved_[2]{};
};

// Mounts the overlay of d on d.merged with idmapped layers; no-op when mounted.
void mount_overlay_idmapped(const OverlayDirs& d, const IdRange& range);

}  // namespace wb::lite
