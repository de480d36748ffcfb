// The bind sources the runtime opens for the init before the clone, while it has the
// host's credentials (linux/mount_trees.hpp): every bind mount's source when the init will
// be in a user namespace (runc's mount fds), and the idmapped mounts (a mount's
// uidMappings/gidMappings) always. The init inherits the fds and moves the trees into place.
#pragma once
#include <vector>

#include "oci/spec.hpp"
#include "util/unique_fd.hpp"

namespace wb::process {

struct MountSources {
    std::vector<UniqueFd> trees;  // by the index of config.json's mounts; empty where none

    // For linux::RootfsConfig::mount_trees: the fds, -1 where none.
    std::vector<int> fds() const;
};

// A plain bind whose source cannot be cloned (missing, an unprivileged runtime) gets no
// tree: the init binds it by path and reports as before. An idmapped mount that cannot be
// made throws wb::Error naming the mount.
// An idmapped mount without mappings of its own ("idmap" alone) takes the container's
// (linux.uidMappings/gidMappings), as runc 1.2.
MountSources open_mount_sources(const oci::Spec& spec, bool in_user_namespace);

// A user namespace with these maps: an fd of it, held open after the helper child that
// made it is gone. `what` names the mount in errors.
UniqueFd user_namespace_with(const std::vector<oci::IdMapping>& uid_mappings,
                             const std::vector<oci::IdMapping>& gid_mappings, const std::string& what);

}  // namespace wb::process
