// The kernel work behind the rootfs plan's operations (internal to linux/rootfs_*.cpp):
// each function makes its calls through linux::sys() and throws wb::Error with `what`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "util/unique_fd.hpp"

namespace wb::linux {

// mount(2); an empty source or data is passed as NULL.
void do_mount(const std::string& source, const std::string& target, const char* fstype, unsigned long flags,
              const std::string& data, const std::string& what);

// Remounts a bind mount with `flags`, keeping the flags a user namespace locks.
void remount_bind(const std::string& target, unsigned long flags, bool in_userns, const std::string& what);

// "a,b,c" -> {"a", "b", "c"}.
std::vector<std::string> split_data(const std::string& data);

// pivot_root refuses a new root whose parent mount is shared: makes that mount private
// (in our mount namespace only), as runc does for rootfsPropagation "shared".
void make_parent_mount_private(const std::string& rootfs);

void pivot_into(const std::string& rootfs);

// --no-pivot: unmounts (or covers) the host's full proc and sysfs mounts outside the
// rootfs, moves the rootfs onto "/" and chroots into it (runc's msMoveRoot).
void chroot_into(const std::string& rootfs);

// The mount points of /proc/self/mountinfo's full ("/" root) proc and sysfs mounts that are
// not the rootfs or below it.
std::vector<std::string> full_proc_and_sysfs_mounts(const std::string& mountinfo, const std::string& rootfs);

// No mount namespace (the caller's): a plain chroot, as runc; nothing is unmounted.
void chroot_in_callers_namespace(const std::string& rootfs);

// The container's /dev/null, checked to be the character device 1:3.
UniqueFd verified_dev_null();
void mask_path(const std::string& path, int dev_null);
// A read-only bind of what is at `path` over it (linux.readonlyPaths); missing: nothing.
void readonly_path(const std::string& path);

// mount_setattr(AT_RECURSIVE) on the mount at `path` (an fd's /proc/self/fd path).
void set_recursive_attrs(const std::string& path, uint64_t attr_set, uint64_t attr_clr, const std::string& what);

}  // namespace wb::linux
