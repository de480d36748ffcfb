// Bind-mount sources as detached mount trees (open_tree(2) with OPEN_TREE_CLONE), made by
// the runtime while it still has the host's credentials and moved into place by the init
// (move_mount(2)) once it is in its user namespace. A container's root in a user namespace
// may not be able to reach a source (a 0700 directory of the host's root on the way); the
// clone is made before that matters, as runc does with its mount fds. An idmapped mount
// (a mount's uidMappings/gidMappings) is such a tree with MOUNT_ATTR_IDMAP set, which needs
// CAP_SYS_ADMIN over the source's filesystem: only the runtime can set it.
#pragma once
#include <cstdint>
#include <string>

#include "oci/spec.hpp"
#include "util/unique_fd.hpp"

namespace wb::linux {

// A config.json mount that the rootfs code binds ("bind"/"rbind" option, or type "bind");
// the recursive flag says whether submounts come along.
bool is_bind_mount(const oci::Mount& m);
bool is_recursive_bind(const oci::Mount& m);
// A bind asked to be idmapped: uidMappings/gidMappings on the mount, or the "idmap" /
// "ridmap" option (runtime-spec 1.2). Recursive: "ridmap", or an "rbind" with mappings
// and neither option.
bool is_idmapped_bind(const oci::Mount& m);
bool is_recursive_idmap(const oci::Mount& m);

// open_tree(source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC [| AT_RECURSIVE]): a private,
// detached copy of the mount at `source` (symlinks followed, relative to the cwd). An empty
// fd with errno set when the kernel refuses.
UniqueFd clone_mount_tree(const std::string& source, bool recursive);

// Makes the detached tree `tree` idmapped through the user namespace `userns_fd`
// (mount_setattr with MOUNT_ATTR_IDMAP; the whole tree when recursive). Throws wb::Error
// with `what`.
void idmap_mount_tree(int tree, int userns_fd, bool recursive, const std::string& what);

// Sets and clears MOUNT_ATTR_* on the top mount of the detached tree `tree` (mount_setattr,
// not recursive): what a remount would do, before the tree is in place. Throws wb::Error
// with `what`.
void set_mount_tree_attrs(int tree, uint64_t attr_set, uint64_t attr_clr, const std::string& what);

// Moves the detached tree `tree` onto the directory or file `target` (an O_PATH fd).
// Throws wb::Error with `what`.
void attach_mount_tree(int tree, int target, const std::string& what);

}  // namespace wb::linux
