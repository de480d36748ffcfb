#include "linux/mount_trees.hpp"

#include <fcntl.h>
#include <sys/mount.h>

#include "linux/mount_options.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {

bool is_bind_mount(const oci::Mount& m) {
    return m.type != "cgroup" && m.type != "cgroup2" && (m.type == "bind" || parse_mount_options(m.options).bind());
}

bool is_recursive_bind(const oci::Mount& m) { return (parse_mount_options(m.options).flags & MS_REC) != 0; }

bool is_idmapped_bind(const oci::Mount& m) {
    return is_bind_mount(m) &&
           (!m.uid_mappings.empty() || !m.gid_mappings.empty() || parse_mount_options(m.options).idmap);
}

bool is_recursive_idmap(const oci::Mount& m) {
    MountOptions opts = parse_mount_options(m.options);
    return opts.idmap ? opts.idmap_recursive : (opts.flags & MS_REC) != 0;
}

UniqueFd clone_mount_tree(const std::string& source, bool recursive) {
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
    return UniqueFd(sys().open_tree(AT_FDCWD, source.c_str(), flags));
}

void idmap_mount_tree(int tree, int userns_fd, bool recursive, const std::string& what) {
    struct mount_attr attr {};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<uint64_t>(userns_fd);
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    if (sys().mount_setattr(tree, "", flags, &attr, sizeof attr) < 0) throw_errno(what + ": idmapped mount");
}

void set_mount_tree_attrs(int tree, uint64_t attr_set, uint64_t attr_clr, const std::string& what) {
    struct mount_attr attr {};
    attr.attr_set = attr_set;
    attr.attr_clr = attr_clr;
    if (sys().mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) throw_errno(what);
}

void attach_mount_tree(int tree, int target, const std::string& what) {
    if (sys().move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        throw_errno(what);
}

}  // namespace wb::linux
