// The rootfs as a mount plan: plan_rootfs() turns config.json (and what the launcher knows
// about namespaces and cgroups) into an ordered list of typed operations — what, where,
// flags — without a single kernel call, so a unit test can read it; apply_rootfs() then
// carries it out through linux::sys().
//
// The order follows runc's libcontainer/rootfs_linux.go:
//   1. "/" rslave (or rootfsPropagation), the rootfs bind-mounted onto itself;
//   2. config.json's mounts in order (each: mount or bind, then its remount for the
//      flags a bind cannot take, then its propagation);
//   3. /dev's nodes and links (unless /dev is a bind mount);
//   4. the createContainer hooks; 5. pivot_root (or chroot with --no-pivot) and the
//      requested rootfs propagation;
//   --- finalize (after the console, in the container's root) ---
//   6. sysctl, readonlyPaths, maskedPaths, the read-only tmpfs mounts (and /dev), then
//      root.readonly.
//
// A tmpfs (and /dev) asked read-only is mounted writable and remounted read-only in the
// finalize phase, as runc: /dev's nodes, links and /dev/pts are made in it first.
//
// The /proc rules (runc's checkProcMount, CVE-2019-16884, CVE-2019-19921, CVE-2025-52881)
// are checked twice: on the spec's paths when planning, and on what the destination really
// is when applying (a symlink in the rootfs may lead into /proc):
//   - a mount on /proc itself must be of type proc (or a bind of a procfs);
//   - nothing is mounted inside /proc, except on the few files lxcfs emulates;
//   - proc and sysfs are only mounted on an ordinary directory (not a symlink, not a file).
//
// A failing apply stops at the failing operation and names it ("mount proc on /proc:
// Operation not permitted"). Nothing needs undoing on the host: every mount is made in the
// init's own mount namespace, which goes away with the init.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "linux/path_in_root.hpp"
#include "linux/rootfs.hpp"
#include "oci/spec.hpp"

namespace wb::linux {

enum class RootfsStep {
    propagation,          // mount(NULL, target, NULL, flags): change a mount's propagation
    bind_rootfs,          // the rootfs onto itself, so that it is a mount point
    mount,                // a new filesystem (proc, tmpfs, sysfs, devpts, mqueue, cgroup2 ...)
    tmpfs_copy_up,        // a tmpfs that starts with a copy of what it covers ("tmpcopyup")
    bind,                 // a bind mount of a host path (or of a tree the runtime opened)
    remount_bind,         // MS_REMOUNT|MS_BIND with the flags a bind cannot take at once
    cgroup_hierarchy,     // a v1 hierarchy into the cgroup tmpfs: its clone, attrs set, moved in
    recursive_attrs,      // mount_setattr(AT_RECURSIVE): "rro", "rnosuid" ... (attr_set/attr_clr)
    devices,              // /dev's device nodes (or binds in a user namespace) and links
    create_hooks,         // the createContainer hooks' moment: every mount is in place
    make_parent_private,  // pivot_root refuses a shared parent mount of the new root
    pivot_root,           // pivot_root(".", "."), then the old root is detached
    chroot,               // --no-pivot: MS_MOVE of the rootfs onto "/" and chroot
    chroot_in_place,      // no mount namespace: chroot only (runc), nothing unmounted
    sysctl,               // source = key, data = value, written under /proc/sys
    readonly_path,        // linux.readonlyPaths entry: bind onto itself, remount ro
    mask_path,            // linux.maskedPaths entry: /dev/null or an empty ro tmpfs
    remount_readonly,     // a tmpfs or /dev asked read-only: made so once set up (runc)
    remount_root_readonly,
};

// Where an operation's target lives.
enum class Where {
    host,     // a path as the init sees it before pivot_root ("/", the rootfs)
    rootfs,   // a path inside the rootfs, resolved with RESOLVE_IN_ROOT when applied
    container // a path in the container's root, after pivot_root
};

enum class Fallback {
    none,
    sysfs_bind_host,     // EPERM (user namespace without a netns): bind /sys read-only
    devpts_without_gid,  // EINVAL (gid=5 unmapped in a user namespace): drop gid=
};

enum class Phase { prepare, finalize };

struct MountOp {
    RootfsStep step = RootfsStep::mount;
    Phase phase = Phase::prepare;
    Where where = Where::rootfs;
    std::string source;  // host path, filesystem source, or the sysctl key
    std::string target;
    std::string fstype;
    unsigned long flags = 0;
    std::string data;  // filesystem data, or the sysctl value
    uint64_t attr_set = 0;  // recursive_attrs, cgroup_hierarchy: MOUNT_ATTR_* to set and to clear
    uint64_t attr_clr = 0;
    Fallback fallback = Fallback::none;
    // bind: the target is a file when the source is one. remount_bind of a v1 cgroup
    // hierarchy the host may not have: skipped when the source/target is missing.
    bool optional = false;
    bool allowed_in_proc = false;        // destination may be on procfs (/proc, lxcfs files)
    bool source_must_be_procfs = false;  // a bind onto /proc itself
    bool in_user_namespace = false;      // remounts keep the locked flags
    std::vector<oci::Device> devices;    // RootfsStep::devices: linux.devices
    // bind: the source as a detached mount tree (RootfsConfig::mount_trees) moved into
    // place instead of binding `source` by path; -1 when none.
    int tree_fd = -1;
    std::string what;                    // the context of its error messages

    // One line: "mount proc on /proc (proc, flags nosuid|nodev|noexec)".
    std::string describe() const;
};

struct RootfsPlan {
    std::vector<MountOp> ops;

    // The plan, one operation per line.
    std::string describe() const;
};

// The whole plan (prepare and finalize phases). Pure: reads nothing but its arguments.
// Throws wb::Error for what the /proc rules refuse, naming the mount.
RootfsPlan plan_rootfs(const oci::Spec& spec, const RootfsConfig& cfg);

// Carries out the operations of one phase in order through linux::sys(). before_pivot
// runs at RootfsStep::create_hooks.
void apply_rootfs(const RootfsPlan& plan, Phase phase, const RootfsConfig& cfg,
                  const std::function<void()>& before_pivot = {});

// mount(2) flags as words, for describe(): "rdonly|nosuid|bind|rec".
std::string describe_mount_flags(unsigned long flags);

// runc's checkProcMount on a cleaned absolute destination: throws for a mount on /proc
// that is not proc (nor a bind, whose source is checked when applied) and for any mount
// inside /proc but on the lxcfs files. Returns true when the destination is /proc or one
// of those files (so it may be on procfs).
bool check_proc_destination(const std::string& dest, const std::string& fstype, bool bind);

// "/a//b/../c/" -> "/a/c": lexical, ".." stops at "/".
std::string clean_path(const std::string& path);

}  // namespace wb::linux
