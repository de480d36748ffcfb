#include "linux/rootfs_plan.hpp"

#include <sys/mount.h>

#include <cstdio>
#include <utility>

#include "linux/mount_options.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

// The files inside /proc that may be mount targets: the ones lxcfs emulates (runc's
// checkProcMount list).
constexpr const char* kProcMountable[] = {
    "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",  "/proc/stat",
    "/proc/swaps",   "/proc/uptime",    "/proc/loadavg",  "/proc/slabinfo",
    "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
};

const char* step_name(RootfsStep s) {
    switch (s) {
        case RootfsStep::propagation: return "propagation";
        case RootfsStep::bind_rootfs: return "bind-rootfs";
        case RootfsStep::mount: return "mount";
        case RootfsStep::tmpfs_copy_up: return "tmpfs-copy-up";
        case RootfsStep::bind: return "bind";
        case RootfsStep::remount_bind: return "remount-bind";
        case RootfsStep::cgroup_hierarchy: return "cgroup-hierarchy";
        case RootfsStep::recursive_attrs: return "recursive-attrs";
        case RootfsStep::devices: return "devices";
        case RootfsStep::create_hooks: return "create-hooks";
        case RootfsStep::make_parent_private: return "make-parent-private";
        case RootfsStep::pivot_root: return "pivot-root";
        case RootfsStep::chroot: return "chroot";
        case RootfsStep::chroot_in_place: return "chroot-in-place";
        case RootfsStep::sysctl: return "sysctl";
        case RootfsStep::readonly_path: return "readonly-path";
        case RootfsStep::mask_path: return "mask-path";
        case RootfsStep::remount_readonly: return "remount-readonly";
        case RootfsStep::remount_root_readonly: return "remount-root-readonly";
    }
    return "?";
}

bool dev_is_bind_mounted(const oci::Spec& spec) {
    for (const auto& m : spec.mounts) {
        if (clean_path(m.destination) != "/dev") continue;
        return parse_mount_options(m.options).bind() || m.type == "bind";
    }
    return false;
}

std::string join(const std::string& dir, const std::string& name) {
    return dir == "/" ? "/" + name : dir + "/" + name;
}

class Planner {
public:
    Planner(const oci::Spec& spec, const RootfsConfig& cfg) : spec_(spec), cfg_(cfg) {}

    RootfsPlan plan() {
        const oci::Linux* lx = spec_.linux ? &*spec_.linux : nullptr;
        unsigned long propagation = MS_SLAVE | MS_REC;
        if (lx && !lx->rootfs_propagation.empty()) propagation = parse_propagation(lx->rootfs_propagation);
        // Nothing we mount may propagate back to the host. An unbindable "/" could not be
        // bind-mounted as the rootfs: it is rslave until after pivot_root.
        unsigned long first = (propagation & MS_UNBINDABLE) ? MS_SLAVE | MS_REC : propagation;
        // Without a mount namespace the caller's "/" is not ours to change.
        if (cfg_.mount_namespace)
            host(RootfsStep::propagation, "", "/", first, "make / " + describe_mount_flags(first));
        host(RootfsStep::bind_rootfs, cfg_.rootfs, cfg_.rootfs, MS_BIND | MS_REC, "bind mount rootfs " + cfg_.rootfs);
        for (size_t i = 0; i < spec_.mounts.size(); ++i) plan_mount(spec_.mounts[i], tree_of(i));
        if (!dev_is_bind_mounted(spec_)) {
            MountOp& d = add(RootfsStep::devices, "", "/dev", "create devices in /dev");
            if (lx) d.devices = lx->devices;
        }
        host(RootfsStep::create_hooks, "", "", 0, "createContainer hooks");
        if (!cfg_.mount_namespace) {
            // runc: no pivot_root in the caller's mount namespace, a plain chroot; the
            // mounts stay in the caller's namespace, and finalizeRootfs is skipped.
            host(RootfsStep::chroot_in_place, "", cfg_.rootfs, 0, "chroot " + cfg_.rootfs);
            plan_finalize(lx);
            return std::move(plan_);
        }
        if (!cfg_.no_pivot && (propagation & MS_SHARED)) {
            // pivot_root refuses shared mounts for the new root, its parent and the old
            // root; the requested propagation is applied to the new root after the pivot.
            host(RootfsStep::make_parent_private, "", cfg_.rootfs, MS_PRIVATE, "make the rootfs's parent mount private");
            host(RootfsStep::propagation, "", cfg_.rootfs, MS_PRIVATE, "make rootfs private");
            host(RootfsStep::propagation, "", "/", MS_PRIVATE, "make / private");
        }
        host(cfg_.no_pivot ? RootfsStep::chroot : RootfsStep::pivot_root, "", cfg_.rootfs, 0,
             (cfg_.no_pivot ? "chroot " : "pivot_root ") + cfg_.rootfs);
        if (lx && !lx->rootfs_propagation.empty() && (propagation & ~MS_REC) != MS_SLAVE) {
            MountOp& p = host(RootfsStep::propagation, "", "/", propagation, "set rootfs propagation");
            p.where = Where::container;
        }
        plan_finalize(lx);
        return std::move(plan_);
    }

private:
    const oci::Spec& spec_;
    const RootfsConfig& cfg_;
    RootfsPlan plan_;
    std::vector<MountOp> delayed_readonly_;  // remount_readonly ops, for the finalize phase

    MountOp& add(RootfsStep step, const std::string& source, const std::string& target, const std::string& what) {
        MountOp op;
        op.step = step;
        op.source = source;
        op.target = target;
        op.what = what;
        op.in_user_namespace = cfg_.in_user_namespace;
        plan_.ops.push_back(std::move(op));
        return plan_.ops.back();
    }
    MountOp& host(RootfsStep step, const std::string& source, const std::string& target, unsigned long flags,
                  const std::string& what) {
        MountOp& op = add(step, source, target, what);
        op.where = Where::host;
        op.flags = flags;
        return op;
    }
    MountOp& remount(const std::string& target, unsigned long flags, const std::string& what) {
        MountOp& op = add(RootfsStep::remount_bind, "", target, what);
        op.flags = flags;
        return op;
    }

    int tree_of(size_t mount_index) const {
        return mount_index < cfg_.mount_trees.size() ? cfg_.mount_trees[mount_index] : -1;
    }

    void plan_mount(const oci::Mount& m, int tree_fd) {
        MountOptions opts = parse_mount_options(m.options);
        std::string dest = clean_path(m.destination);
        bool bind = opts.bind() || m.type == "bind";
        std::string what = "mount " + (m.source.empty() ? m.type : m.source) + " on " + dest;
        bool in_proc;
        try {
            in_proc = check_proc_destination(dest, m.type, bind);
        } catch (const Error& e) {
            throw Error(what + ": " + e.what(), EINVAL);
        }
        if (m.type == "cgroup" || m.type == "cgroup2") {
            plan_cgroup(dest, opts);
            return;
        }
        unsigned long flags = opts.flags & ~(MS_REMOUNT | MS_BIND | MS_REC);
        if (bind) {
            try {
                refuse_unknown_bind_options(opts);
            } catch (const Error& e) {
                throw Error(what + ": " + e.what(), EINVAL);
            }
            MountOp& b = add(RootfsStep::bind, m.source, dest, what);
            b.flags = MS_BIND | (opts.flags & MS_REC);
            b.allowed_in_proc = in_proc;
            b.source_must_be_procfs = dest == "/proc";
            b.tree_fd = tree_fd;
            if (flags) remount(dest, flags, what).allowed_in_proc = in_proc;
        } else {
            MountOp& op = add(opts.copy_up && m.type == "tmpfs" ? RootfsStep::tmpfs_copy_up : RootfsStep::mount,
                              m.source, dest, what);
            op.fstype = m.type;
            op.flags = flags;
            op.data = opts.data_string();
            if ((flags & MS_RDONLY) && op.step == RootfsStep::mount && (m.type == "tmpfs" || dest == "/dev")) {
                // Read-only once what goes in it is made (runc's finalizeRootfs).
                op.flags &= ~MS_RDONLY;
                MountOp ro = op;
                ro.step = RootfsStep::remount_readonly;
                ro.source.clear();
                ro.fstype.clear();
                ro.data.clear();
                ro.flags = flags;
                ro.fallback = Fallback::none;
                ro.what = what + " (read-only)";
                delayed_readonly_.push_back(std::move(ro));
            }
            op.allowed_in_proc = in_proc;
            if (m.type == "sysfs") op.fallback = Fallback::sysfs_bind_host;
            if (m.type == "devpts") op.fallback = Fallback::devpts_without_gid;
        }
        if (opts.rec_attr_set || opts.rec_attr_clr) {
            MountOp& r = add(RootfsStep::recursive_attrs, "", dest, what + " (recursive options)");
            r.attr_set = opts.rec_attr_set;
            r.attr_clr = opts.rec_attr_clr;
            r.allowed_in_proc = in_proc;
        }
        if (opts.propagation) {
            MountOp& p = add(RootfsStep::propagation, "", dest, what + " (propagation)");
            p.flags = opts.propagation;
            p.allowed_in_proc = in_proc;
        }
    }

    void plan_cgroup(const std::string& dest, const MountOptions& opts) {
        std::string what = "mount cgroup on " + dest;
        unsigned long flags = opts.flags & ~(MS_REMOUNT | MS_BIND | MS_REC);
        if (cfg_.cgroup2_host) {
            if (cfg_.new_cgroup_namespace) {
                MountOp& op = add(RootfsStep::mount, "cgroup2", dest, what);
                op.fstype = "cgroup2";
                op.flags = flags;
            } else if (!cfg_.cgroup2_host_path.empty()) {
                add(RootfsStep::bind, cfg_.cgroup2_host_path, dest, what).flags = MS_BIND | MS_REC;
                remount(dest, flags, what);
            }
            return;
        }
        // v1: a tmpfs with one bind mount per hierarchy, of the container's own cgroup.
        MountOp& tmpfs = add(RootfsStep::mount, "tmpfs", dest, what);
        tmpfs.fstype = "tmpfs";
        tmpfs.flags = flags & ~MS_RDONLY;
        tmpfs.data = "mode=755";
        for (const auto& b : cfg_.cgroup_binds) {
            std::string sub = join(dest, b.name);
            std::string bind_what = "mount cgroup " + b.name + " on " + sub;
            const unsigned long sub_flags = flags | MS_NOSUID | MS_NODEV | MS_NOEXEC;
            if (!cfg_.in_user_namespace) {
                // The bind and its remount in one step: no flag is locked here, so the
                // detached clone takes the remount's attributes before it is moved in.
                MountOp& op = add(RootfsStep::cgroup_hierarchy, b.host_path, sub, bind_what);
                MountAttrs attrs = bind_remount_attrs(sub_flags);
                op.attr_set = attrs.set;
                op.attr_clr = attrs.clr;
                op.optional = true;
                continue;
            }
            MountOp& bind = add(RootfsStep::bind, b.host_path, sub, bind_what);
            bind.flags = MS_BIND | MS_REC;
            bind.optional = true;
            remount(sub, sub_flags, "remount cgroup " + sub).optional = true;
        }
        if (flags & MS_RDONLY) remount(dest, flags, what);
    }

    void plan_finalize(const oci::Linux* lx) {
        if (lx) {
            for (const auto& [key, value] : lx->sysctl) {
                MountOp& op = add(RootfsStep::sysctl, key, "", "write sysctl " + key + " = " + value);
                op.data = value;
            }
            for (const auto& p : lx->readonly_paths) add(RootfsStep::readonly_path, "", p, "readonly path " + p);
            for (const auto& p : lx->masked_paths) add(RootfsStep::mask_path, "", p, "mask " + p);
        }
        if (!cfg_.mount_namespace) delayed_readonly_.clear();
        for (auto& op : delayed_readonly_) plan_.ops.push_back(std::move(op));
        if (spec_.root && spec_.root->readonly && cfg_.mount_namespace)
            add(RootfsStep::remount_root_readonly, "", "/", "remount / read-only").flags = MS_RDONLY;
        for (auto& op : plan_.ops) {
            if (op.step != RootfsStep::sysctl && op.step != RootfsStep::readonly_path &&
                op.step != RootfsStep::mask_path && op.step != RootfsStep::remount_readonly &&
                op.step != RootfsStep::remount_root_readonly)
                continue;
            op.phase = Phase::finalize;
            op.where = Where::container;
        }
    }
};

}  // namespace

std::string clean_path(const std::string& path) {
    std::vector<std::string> out;
    for (auto& part : split_path(path)) {
        if (part == "..") {
            if (!out.empty()) out.pop_back();
        } else {
            out.push_back(std::move(part));
        }
    }
    std::string joined;
    for (const auto& p : out) joined += "/" + p;
    return joined.empty() ? "/" : joined;
}

bool check_proc_destination(const std::string& dest, const std::string& fstype, bool bind) {
    if (dest == "/proc") {
        // A bind is allowed when its source is a procfs: checked when applied.
        if (fstype == "proc" || bind) return true;
        throw Error("\"/proc\" cannot be mounted because it is not of type proc", EINVAL);
    }
    if (dest.rfind("/proc/", 0) != 0) return false;
    for (const char* allowed : kProcMountable)
        if (dest == allowed) return true;
    throw Error("\"" + dest + "\" cannot be mounted because it is inside /proc", EINVAL);
}

std::string describe_mount_flags(unsigned long flags) {
    static constexpr std::pair<unsigned long, const char*> kNames[] = {
        {MS_RDONLY, "rdonly"},   {MS_NOSUID, "nosuid"},         {MS_NODEV, "nodev"},
        {MS_NOEXEC, "noexec"},   {MS_SYNCHRONOUS, "sync"},      {MS_REMOUNT, "remount"},
        {MS_MANDLOCK, "mand"},   {MS_DIRSYNC, "dirsync"},       {MS_NOATIME, "noatime"},
        {MS_NODIRATIME, "nodiratime"}, {MS_BIND, "bind"},       {MS_MOVE, "move"},
        {MS_REC, "rec"},         {MS_SILENT, "silent"},         {MS_POSIXACL, "acl"},
        {MS_UNBINDABLE, "unbindable"}, {MS_PRIVATE, "private"}, {MS_SLAVE, "slave"},
        {MS_SHARED, "shared"},   {MS_RELATIME, "relatime"},     {MS_I_VERSION, "iversion"},
        {MS_STRICTATIME, "strictatime"}, {1UL << 25, "lazytime"},
    };
    std::string out;
    for (const auto& [flag, name] : kNames) {
        if (!(flags & flag)) continue;
        if (!out.empty()) out += '|';
        out += name;
        flags &= ~flag;
    }
    if (flags) {
        char b[32];
        std::snprintf(b, sizeof b, "0x%lx", flags);
        if (!out.empty()) out += '|';
        out += b;
    }
    return out.empty() ? "0" : out;
}

std::string MountOp::describe() const {
    std::string out = step_name(step);
    if (!source.empty()) out += " " + source;
    if (!target.empty()) out += (source.empty() ? " " : " on ") + target;
    if (!fstype.empty()) out += " type " + fstype;
    if (flags) out += " flags " + describe_mount_flags(flags);
    if (attr_set || attr_clr) {
        char b[64];
        std::snprintf(b, sizeof b, " attrs +0x%llx -0x%llx", static_cast<unsigned long long>(attr_set),
                      static_cast<unsigned long long>(attr_clr));
        out += b;
    }
    if (!data.empty()) out += step == RootfsStep::sysctl ? " = " + data : " data " + data;
    if (tree_fd >= 0) out += " (tree fd " + std::to_string(tree_fd) + ")";
    if (optional) out += " (if present)";
    return out;
}

std::string RootfsPlan::describe() const {
    std::string out;
    for (const auto& op : ops) out += op.describe() + "\n";
    return out;
}

RootfsPlan plan_rootfs(const oci::Spec& spec, const RootfsConfig& cfg) { return Planner(spec, cfg).plan(); }

}  // namespace wb::linux
