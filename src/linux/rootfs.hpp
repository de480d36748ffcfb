// The container's root filesystem: the mounts of config.json, /dev, pivot_root, masked and
// readonly paths. Runs in the init, inside the new mount namespace.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace wb::linux {

// A host cgroup directory to show at <cgroup mount>/<name> (v1 hierarchies).
struct CgroupBind {
    std::string name;       // "memory", "cpu", "systemd" ...
    std::string host_path;  // /sys/fs/cgroup/memory/<container path>
};

struct RootfsConfig {
    std::string rootfs;  // absolute host path
    bool no_pivot = false;
    // The init has a mount namespace of its own (or joined one). Without one (runc allows
    // it) the mounts are made in the caller's namespace and the last step is a chroot.
    bool mount_namespace = true;
    bool in_user_namespace = false;
    bool new_cgroup_namespace = false;
    bool cgroup2_host = false;                 // the host is unified (pure v2)
    std::string cgroup2_host_path;             // v2: the container's cgroup dir on the host
    std::vector<CgroupBind> cgroup_binds;      // v1
    // By the index of config.json's mounts: the bind source as a detached mount tree the
    // runtime opened for the init (linux/mount_trees.hpp), or -1 (bound by path then).
    std::vector<int> mount_trees;
};

// Mounts everything of config.json into the rootfs and pivots into it (or chroots with
// no_pivot). Afterwards "/" is the container's root and the cwd is "/".
// before_pivot runs once every mount is in place (the createContainer hooks' moment).
void prepare_rootfs(const oci::Spec& spec, const RootfsConfig& cfg,
                    const std::function<void()>& before_pivot = {});

// After pivot_root: sysctl, readonly paths, masked paths, then root.readonly.
void finalize_rootfs(const oci::Spec& spec, bool in_user_namespace, bool mount_namespace = true);

// Writes linux.sysctl under /proc/sys.
void apply_sysctl(const std::map<std::string, std::string>& sysctl);

}  // namespace wb::linux
