// The overlay workspace of a container: lowerdir = image layers (top first), upper/ and
// work/ in the container directory, mounted on merged/.
#pragma once
#include <string>
#include <vector>

#include "util/unique_fd.hpp"

namespace wb::lite {

struct OverlayDirs {
    std::vector<std::string> lower;  // top layer first, as overlayfs wants them
    std::string upper;
    std::string work;
    std::string merged;
};

// "lowerdir=a:b,upperdir=u,workdir=w" (characters overlayfs treats specially escaped).
std::string overlay_mount_data(const OverlayDirs& d);

// An overlay filesystem context (fsopen) with d's lowerdir+, upperdir and workdir set,
// not yet created: the caller runs FSCONFIG_CMD_CREATE (with the credentials it needs).
UniqueFd overlay_fs_context(const OverlayDirs& d);

// True when path is the root of a mount.
bool is_mount_point(const std::string& path);

// Mounts the overlay on d.merged unless something is mounted there already. Layers that
// would make the option string too long for mount(2) go through fsconfig("lowerdir+").
void mount_overlay(const OverlayDirs& d);

// Unmounts path if it is a mount point (lazily when busy). Returns true when it was.
bool unmount_if_mounted(const std::string& path);

}  // namespace wb::lite
