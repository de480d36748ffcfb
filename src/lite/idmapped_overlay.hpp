// The overlay workspace of a --userns container: every layer (the image's, and the
// container's upper/work) is an idmapped mount (mount_setattr MOUNT_ATTR_IDMAP) that shows
// the files' ids 0..size-1 as the container's subordinate range, attached over the layer
// paths in a short-lived private mount namespace where the overlay is created (with the
// container root's fsuid, which the idmapped upper maps). The layers on disk keep their
// ids: images stay shared with every other container, commit and export see the files as
// without --userns, and nothing is copied or chowned.
#pragma once
#include <sys/types.h>

#include "lite/lifecycle_options.hpp"
#include "lite/overlay.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

// A user namespace fd with uid and gid 0..size-1 mapped to the range (a child of ours
// made it and is gone).
UniqueFd make_userns_fd(const IdRange& range);

// Mounts the overlay of d on d.merged with idmapped layers; no-op when mounted.
void mount_overlay_idmapped(const OverlayDirs& d, const IdRange& range);

}  // namespace wb::lite
