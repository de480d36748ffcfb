// Carries out a RootfsPlan through linux::sys(). Paths inside the rootfs are resolved here
// (open_in_root: RESOLVE_IN_ROOT), and the mounts are made on the fds' /proc/self/fd paths,
// so what a mount lands on is exactly what was resolved and checked.
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <cerrno>

#include "linux/devices.hpp"
#include "linux/mount_trees.hpp"
#include "linux/procfs.hpp"
#include "linux/rootfs_plan.hpp"
#include "linux/rootfs_steps.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::linux {
namespace {

using fs::base_of;
using fs::parent_of;

bool has_mode_option(const std::string& data) {
    return data.starts_with("mode=") || data.find(",mode=") != std::string::npos;
}

bool is_procfs(int fd) {
    struct statfs sf {};
    return sys().fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

class Applier {
public:
    Applier(const RootfsConfig& cfg, const std::function<void()>& before_pivot)
        : cfg_(cfg), before_pivot_(before_pivot) {}

    void run(const MountOp& op) {
        if (op.step != RootfsStep::cgroup_hierarchy) cgroup_dir_.reset();
        switch (op.step) {
            case RootfsStep::propagation: return propagation(op);
            case RootfsStep::bind_rootfs: return bind_rootfs(op);
            case RootfsStep::mount: return mount_filesystem(op);
            case RootfsStep::tmpfs_copy_up: return tmpfs_copy_up(op);
            case RootfsStep::bind: return bind(op);
            case RootfsStep::remount_bind: return remount(op);
            case RootfsStep::cgroup_hierarchy: return cgroup_hierarchy(op);
            case RootfsStep::recursive_attrs:
                return set_recursive_attrs(fd_path(target(op, Create::nothing).get()), op.attr_set, op.attr_clr,
                                           op.what);
            case RootfsStep::devices:
                setup_dev(root_fd(), op.devices, op.in_user_namespace);
                return;
            case RootfsStep::create_hooks:
                if (before_pivot_) before_pivot_();
                return;
            case RootfsStep::make_parent_private: return make_parent_mount_private(op.target);
            case RootfsStep::pivot_root:
                root_.reset();
                return pivot_into(op.target);
            case RootfsStep::chroot:
                root_.reset();
                return chroot_into(op.target);
            case RootfsStep::chroot_in_place:
                root_.reset();
                return chroot_in_callers_namespace(op.target);
            case RootfsStep::sysctl: return write_sysctl(op);
            case RootfsStep::readonly_path: return readonly_path(op.target);
            case RootfsStep::mask_path: return mask_path(op.target, dev_null());
            case RootfsStep::remount_readonly:
                return remount_bind(op.target, op.flags | MS_RDONLY, op.in_user_namespace, op.what);
            case RootfsStep::remount_root_readonly:
                return remount_bind("/", op.flags, op.in_user_namespace, op.what);
        }
    }

private:
    const RootfsConfig& cfg_;
    const std::function<void()>& before_pivot_;
    UniqueFd root_;
    UniqueFd dev_null_;
    // The cgroup tmpfs, while its hierarchies go in (cgroup_dir_path_ in the rootfs).
    UniqueFd cgroup_dir_;
    std::string cgroup_dir_path_;

    int root_fd() {
        if (!root_) {
            root_.reset(sys().open(cfg_.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
            if (!root_) throw_errno("open rootfs " + cfg_.rootfs);
        }
        return root_.get();
    }
    int dev_null() {
        if (!dev_null_) dev_null_ = verified_dev_null();
        return dev_null_.get();
    }

    // The destination inside the rootfs; refused when it is on procfs and the plan did
    // not allow that (a symlink in the rootfs that leads into /proc, say).
    UniqueFd target(const MountOp& op, Create create) {
        UniqueFd fd = open_in_root(root_fd(), op.target, create);
        if (!op.allowed_in_proc && is_procfs(fd.get()))
            throw Error(op.what + ": \"" + op.target + "\" cannot be mounted because it is inside /proc", EINVAL);
        return fd;
    }

    void propagation(const MountOp& op) {
        if (op.where != Where::rootfs) {
            if (sys().mount(nullptr, op.target.c_str(), nullptr, op.flags, nullptr) < 0) throw_errno(op.what);
            return;
        }
        do_mount("", fd_path(target(op, Create::nothing).get()), nullptr, op.flags, "", op.what);
    }

    void bind_rootfs(const MountOp& op) {
        do_mount(op.source, op.target, nullptr, op.flags, "", op.what);
        root_.reset();
    }

    // proc and sysfs only on an ordinary directory (runc): not through a symlink, not on
    // a file that could be a link into the host's /proc.
    void require_ordinary_directory(const MountOp& op) {
        if (op.fstype != "proc" && op.fstype != "sysfs") return;
        MountOp parent_op;
        parent_op.target = parent_of(op.target);
        parent_op.allowed_in_proc = true;
        UniqueFd parent = target(parent_op, Create::directory);
        struct stat st {};
        if (sys().fstatat(parent.get(), base_of(op.target).c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT) return;
            throw_errno(op.what);
        }
        if (!S_ISDIR(st.st_mode))
            throw Error(op.what + ": filesystem \"" + op.fstype + "\" must be mounted on ordinary directory", EINVAL);
    }

    // A tmpfs without mode= over an existing directory takes that directory's mode (runc;
    // with mode= it is what the mount asks for, as runc from 1.1.6). 0: leave it be.
    mode_t covered_mode(const MountOp& op) {
        if (op.fstype != "tmpfs" || has_mode_option(op.data)) return 0;
        UniqueFd existing;
        try {
            existing = target(op, Create::nothing);
        } catch (const Error& e) {
            if (e.code() == ENOENT) return 0;
            throw;
        }
        struct stat st {};
        if (sys().fstatat(existing.get(), "", &st, AT_EMPTY_PATH) < 0) throw_errno(op.what);
        return S_ISDIR(st.st_mode) ? (st.st_mode & 07777) : 0;
    }

    void mount_filesystem(const MountOp& op) {
        require_ordinary_directory(op);
        mode_t mode = covered_mode(op);
        UniqueFd dest = target(op, Create::directory);
        std::string path = fd_path(dest.get());
        const char* fstype = op.fstype.empty() ? nullptr : op.fstype.c_str();
        const char* data = op.data.empty() ? nullptr : op.data.c_str();
        if (sys().mount(op.source.c_str(), path.c_str(), fstype, op.flags, data) == 0) {
            if (mode && !(op.flags & MS_RDONLY)) {
                UniqueFd mounted = target(op, Create::nothing);
                if (sys().fchmodat(AT_FDCWD, fd_path(mounted.get()).c_str(), mode, 0) < 0) throw_errno(op.what);
            }
            return;
        }
        int err = errno;
        if (op.fallback == Fallback::sysfs_bind_host && err == EPERM) {
            // A user namespace without its own network namespace may not mount sysfs:
            // show the host's /sys read-only instead, as runc does.
            do_mount("/sys", path, nullptr, MS_BIND | MS_REC, "", op.what);
            remount_bind(fd_path(target(op, Create::nothing).get()), op.flags | MS_RDONLY, op.in_user_namespace,
                         op.what);
            return;
        }
        if (op.fallback == Fallback::devpts_without_gid && err == EINVAL) {
            // gid=5 may not be mapped in a user namespace: retry without it.
            std::string no_gid;
            for (const auto& d : split_data(op.data))
                if (d.rfind("gid=", 0) != 0) no_gid += (no_gid.empty() ? "" : ",") + d;
            do_mount(op.source, path, fstype, op.flags, no_gid, op.what);
            return;
        }
        throw_errno(op.what, err);
    }

    // tmpcopyup (podman asks for it on every tmpfs): the new tmpfs starts with a copy of
    // the directory it covers, read through an fd opened before the mount, and that
    // directory's mode unless a mode= was given. As runc, the tmpfs is mounted writable
    // for the copy and made read-only after if asked.
    void tmpfs_copy_up(const MountOp& op) {
        UniqueFd dest = target(op, Create::directory);
        std::string path = fd_path(dest.get());
        UniqueFd below(sys().open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        struct stat st {};
        if (!below || sys().fstatat(below.get(), "", &st, AT_EMPTY_PATH) < 0) throw_errno(op.what);
        do_mount(op.source, path, "tmpfs", op.flags & ~MS_RDONLY, op.data, op.what);
        UniqueFd above(sys().open(fd_path(target(op, Create::nothing).get()).c_str(),
                                  O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!above) throw_errno(op.what);
        try {
            fs::copy_tree(below.get(), above.get());
        } catch (const Error& e) {
            throw Error(op.what + ": tmpcopyup: " + e.what(), e.code());
        }
        if (!has_mode_option(op.data) && sys().fchmodat(above.get(), ".", st.st_mode & 07777, 0) < 0) throw_errno(op.what);
        if (op.flags & MS_RDONLY) do_mount("", fd_path(above.get()), nullptr, MS_REMOUNT | op.flags, op.data, op.what);
    }

    void bind(const MountOp& op) {
        if (op.tree_fd >= 0) return attach_tree(op);
        // Open the source first: the mount then uses exactly what we checked.
        UniqueFd src(sys().open(op.source.c_str(), O_PATH | O_CLOEXEC));
        if (!src) {
            if (op.optional && errno == ENOENT) return;
            throw_errno(op.what);
        }
        struct stat st {};
        if (sys().fstatat(src.get(), "", &st, AT_EMPTY_PATH) < 0) throw_errno(op.what);
        if (op.optional && !S_ISDIR(st.st_mode)) return;
        if (op.source_must_be_procfs && !is_procfs(src.get()))
            throw Error(op.what + ": \"/proc\" cannot be mounted because it is not of type proc", EINVAL);
        UniqueFd t = target(op, S_ISDIR(st.st_mode) ? Create::directory : Create::file);
        do_mount(fd_path(src.get()), fd_path(t.get()), nullptr, op.flags, "", op.what);
        // A bind onto "/" covers the rootfs: what follows goes into the new mount.
        if (clean_path(op.target) == "/") root_.reset();
    }

    // The source as the runtime cloned it (open_tree), moved onto the destination: the
    // init may not reach the source itself in its user namespace.
    void attach_tree(const MountOp& op) {
        struct stat st {};
        if (sys().fstatat(op.tree_fd, "", &st, AT_EMPTY_PATH) < 0) throw_errno(op.what);
        if (op.source_must_be_procfs && !is_procfs(op.tree_fd))
            throw Error(op.what + ": \"/proc\" cannot be mounted because it is not of type proc", EINVAL);
        UniqueFd t = target(op, S_ISDIR(st.st_mode) ? Create::directory : Create::file);
        attach_mount_tree(op.tree_fd, t.get(), op.what);
        if (clean_path(op.target) == "/") root_.reset();
    }

    // A v1 hierarchy into the cgroup tmpfs mounted just before: the host's cgroup
    // directory cloned (open_tree), given the remount's attributes while still detached,
    // and moved onto a directory made for it. The tmpfs is resolved once for all of them.
    void cgroup_hierarchy(const MountOp& op) {
        UniqueFd tree = clone_mount_tree(op.source, true);
        if (!tree) {
            if (op.optional && errno == ENOENT) return;
            throw_errno(op.what);
        }
        set_mount_tree_attrs(tree.get(), op.attr_set, op.attr_clr, op.what);
        const std::string parent = parent_of(op.target);
        if (!cgroup_dir_ || cgroup_dir_path_ != parent) {
            MountOp parent_op;
            parent_op.target = parent;
            parent_op.what = op.what;
            cgroup_dir_ = target(parent_op, Create::nothing);
            cgroup_dir_path_ = parent;
        }
        const std::string name = base_of(op.target);
        if (sys().mkdirat(cgroup_dir_.get(), name.c_str(), 0755) < 0 && errno != EEXIST) throw_errno(op.what);
        if (sys().move_mount(tree.get(), "", cgroup_dir_.get(), name.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
            throw_errno(op.what);
    }

    void remount(const MountOp& op) {
        UniqueFd t;
        try {
            t = target(op, Create::nothing);
        } catch (const Error& e) {
            if (op.optional && e.code() == ENOENT) return;
            throw;
        }
        remount_bind(fd_path(t.get()), op.flags, op.in_user_namespace, op.what);
    }

    void write_sysctl(const MountOp& op) {
        std::string rel = "sys/";
        for (char c : op.source) rel += c == '.' ? '/' : c;
        try {
            write_proc_file(rel, op.data);
        } catch (const Error& e) {
            throw Error(op.what + ": " + e.what(), e.code());
        }
    }
};

}  // namespace

void apply_rootfs(const RootfsPlan& plan, Phase phase, const RootfsConfig& cfg,
                  const std::function<void()>& before_pivot) {
    Applier applier(cfg, before_pivot);
    for (const auto& op : plan.ops)
        if (op.phase == phase) applier.run(op);
}

}  // namespace wb::linux
