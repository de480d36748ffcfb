#include "linux/rootfs.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "linux/devices.hpp"
#include "linux/mount_options.hpp"
#include "linux/path_in_root.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::linux {
namespace {

// Flags that a bind remount in a user namespace must keep (they are locked).
unsigned long locked_flags(const std::string& path) {
    struct statvfs sv {};
    if (::statvfs(path.c_str(), &sv) < 0) return 0;
    unsigned long flags = 0;
    if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (sv.f_flag & ST_RDONLY) flags |= MS_RDONLY;
    if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
}

void do_mount(const std::string& source, const std::string& target, const char* fstype,
              unsigned long flags, const std::string& data, const std::string& what) {
    if (::mount(source.empty() ? nullptr : source.c_str(), target.c_str(), fstype, flags,
                data.empty() ? nullptr : data.c_str()) < 0)
        throw_errno(what);
}

constexpr unsigned long kAtimeFlags = MS_NOATIME | MS_RELATIME | MS_STRICTATIME | MS_NODIRATIME;

// Remounts a bind mount with the requested flags, keeping the locked ones in a userns.
void remount_bind(const std::string& target, unsigned long flags, bool in_userns,
                  const std::string& what) {
    unsigned long keep = in_userns ? locked_flags(target) : 0;
    // Keep the atime behaviour the mount already has unless one was asked for.
    if (flags & kAtimeFlags) keep &= ~kAtimeFlags;
    unsigned long f = MS_BIND | MS_REMOUNT | (flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) | keep;
    if (!(flags & MS_RDONLY) && in_userns) f &= ~MS_RDONLY;
    if (::mount(nullptr, target.c_str(), nullptr, f, nullptr) < 0) {
        if (!in_userns && errno == EPERM) {
            f |= locked_flags(target) & ~kAtimeFlags;
            if (::mount(nullptr, target.c_str(), nullptr, f, nullptr) == 0) return;
        }
        throw_errno(what);
    }
}

bool is_dir(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

struct Mounter {
    const oci::Spec& spec;
    const RootfsConfig& cfg;
    UniqueFd root;

    // Opens the destination inside the rootfs, creating it as a directory or a file.
    UniqueFd target(const std::string& dest, Create create) {
        return open_in_root(root.get(), dest, create);
    }

    void mount_one(const oci::Mount& m) {
        MountOptions opts = parse_mount_options(m.options);
        const std::string& dest = m.destination;
        std::string what = "mount " + (m.source.empty() ? m.type : m.source) + " to " + dest;
        if (m.type == "cgroup" || m.type == "cgroup2") {
            mount_cgroup(m, opts);
            return;
        }
        if (opts.bind() || m.type == "bind") {
            mount_bind(m, opts, what);
            return;
        }
        UniqueFd t = target(dest, Create::directory);
        std::string path = fd_path(t.get());
        unsigned long flags = opts.flags & ~(MS_REMOUNT | MS_BIND | MS_REC);
        std::string data = opts.data_string();
        if (m.type == "sysfs") {
            if (::mount(m.source.c_str(), path.c_str(), "sysfs", flags, nullptr) < 0) {
                // A user namespace without its own network namespace may not mount sysfs:
                // show the host's /sys read-only instead, as runc does.
                if (errno != EPERM) throw_errno(what);
                do_mount("/sys", path, nullptr, MS_BIND | MS_REC, "", what);
                remount_bind(fd_path(target(dest, Create::nothing).get()), flags | MS_RDONLY,
                             cfg.in_user_namespace, what);
            }
        } else if (m.type == "devpts") {
            if (::mount(m.source.c_str(), path.c_str(), "devpts", flags, data.c_str()) < 0) {
                // gid=5 may not be mapped in a user namespace: retry without it.
                if (errno != EINVAL) throw_errno(what);
                std::string no_gid;
                for (const auto& d : opts.data)
                    if (d.rfind("gid=", 0) != 0) no_gid += (no_gid.empty() ? "" : ",") + d;
                do_mount(m.source, path, "devpts", flags, no_gid, what);
            }
        } else if (opts.copy_up && m.type == "tmpfs") {
            mount_tmpfs_copy_up(m, path, flags, data, what);
        } else {
            do_mount(m.source, path, m.type.empty() ? nullptr : m.type.c_str(), flags, data, what);
        }
        apply_propagation(dest, opts, what);
    }

    // tmpcopyup (podman asks for it on every tmpfs): the new tmpfs starts with a copy of
    // the directory it covers, read through an fd opened before the mount, and that
    // directory's mode unless a mode= was given. As runc, the tmpfs is mounted writable
    // for the copy and made read-only after if asked.
    void mount_tmpfs_copy_up(const oci::Mount& m, const std::string& path, unsigned long flags,
                             const std::string& data, const std::string& what) {
        UniqueFd below(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        struct stat st {};
        if (!below || ::fstat(below.get(), &st) < 0) throw_errno(what);
        do_mount(m.source, path, "tmpfs", flags & ~MS_RDONLY, data, what);
        UniqueFd above(::open(fd_path(target(m.destination, Create::nothing).get()).c_str(),
                              O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!above) throw_errno(what);
        try {
            fs::copy_tree(below.get(), above.get());
        } catch (const Error& e) {
            throw Error(what + ": tmpcopyup: " + e.what(), e.code());
        }
        bool has_mode = data.starts_with("mode=") || data.find(",mode=") != std::string::npos;
        if (!has_mode && ::fchmod(above.get(), st.st_mode & 07777) < 0) throw_errno(what);
        if (flags & MS_RDONLY)
            do_mount("", fd_path(above.get()), nullptr, MS_REMOUNT | flags, data, what);
    }

    void mount_bind(const oci::Mount& m, const MountOptions& opts, const std::string& what) {
        std::string source = m.source;
        struct stat st {};
        if (::stat(source.c_str(), &st) < 0) throw_errno(what);
        // Open the source first: the mount then uses exactly what we checked.
        UniqueFd src(::open(source.c_str(), O_PATH | O_CLOEXEC));
        if (!src) throw_errno(what);
        UniqueFd t = target(m.destination, S_ISDIR(st.st_mode) ? Create::directory : Create::file);
        do_mount(fd_path(src.get()), fd_path(t.get()), nullptr, MS_BIND | (opts.flags & MS_REC), "",
                 what);
        unsigned long extra = opts.flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
        if (extra) {
            UniqueFd now = target(m.destination, Create::nothing);
            remount_bind(fd_path(now.get()), extra, cfg.in_user_namespace, what);
        }
        apply_propagation(m.destination, opts, what);
    }

    void mount_cgroup(const oci::Mount& m, const MountOptions& opts) {
        std::string what = "mount cgroup to " + m.destination;
        unsigned long flags = opts.flags & ~(MS_REMOUNT | MS_BIND | MS_REC);
        UniqueFd t = target(m.destination, Create::directory);
        if (cfg.cgroup2_host) {
            if (cfg.new_cgroup_namespace) {
                do_mount("cgroup2", fd_path(t.get()), "cgroup2", flags, "", what);
            } else if (!cfg.cgroup2_host_path.empty()) {
                do_mount(cfg.cgroup2_host_path, fd_path(t.get()), nullptr, MS_BIND | MS_REC, "", what);
                remount_bind(fd_path(target(m.destination, Create::nothing).get()), flags,
                             cfg.in_user_namespace, what);
            }
            return;
        }
        // v1: a tmpfs with one bind mount per hierarchy, of the container's own cgroup.
        do_mount("tmpfs", fd_path(t.get()), "tmpfs", flags & ~MS_RDONLY, "mode=755", what);
        for (const auto& b : cfg.cgroup_binds) {
            if (!is_dir(b.host_path)) continue;
            std::string dest = fs::join(m.destination, b.name);
            UniqueFd d = target(dest, Create::directory);
            do_mount(b.host_path, fd_path(d.get()), nullptr, MS_BIND | MS_REC, "",
                     "mount cgroup " + b.name + " to " + dest);
            remount_bind(fd_path(target(dest, Create::nothing).get()),
                         flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, cfg.in_user_namespace,
                         "remount cgroup " + dest);
        }
        if (flags & MS_RDONLY)
            remount_bind(fd_path(target(m.destination, Create::nothing).get()), flags,
                         cfg.in_user_namespace, what);
    }

    void apply_propagation(const std::string& dest, const MountOptions& opts, const std::string& what) {
        if (!opts.propagation) return;
        UniqueFd now = target(dest, Create::nothing);
        do_mount("", fd_path(now.get()), nullptr, opts.propagation, "", what + " (propagation)");
    }
};

bool dev_is_bind_mounted(const oci::Spec& spec) {
    for (const auto& m : spec.mounts) {
        if (m.destination != "/dev") continue;
        return parse_mount_options(m.options).bind() || m.type == "bind";
    }
    return false;
}

// pivot_root refuses a new root whose parent mount is shared: make that mount private
// (only in our mount namespace), as runc does for rootfsPropagation "shared".
void make_parent_mount_private(const std::string& rootfs) {
    std::string mountinfo;
    if (!fs::try_read_file("/proc/self/mountinfo", mountinfo)) throw_errno("read /proc/self/mountinfo");
    size_t slash = rootfs.rfind('/');
    std::string parent = slash == 0 || slash == std::string::npos ? std::string(1, '/') : rootfs.substr(0, slash);
    std::string best = "/";
    size_t pos = 0;
    while (pos < mountinfo.size()) {
        size_t end = mountinfo.find('\n', pos);
        if (end == std::string::npos) end = mountinfo.size();
        std::string line = mountinfo.substr(pos, end - pos);
        pos = end + 1;
        // Field 5 is the mount point.
        size_t f = 0;
        for (int i = 0; i < 4 && f != std::string::npos; ++i) f = line.find(' ', f + 1);
        if (f == std::string::npos) continue;
        size_t g = line.find(' ', f + 1);
        std::string mp = line.substr(f + 1, g - f - 1);
        bool prefix = mp == "/" || parent == mp || parent.rfind(mp + "/", 0) == 0;
        if (prefix && mp.size() > best.size()) best = mp;
    }
    if (::mount(nullptr, best.c_str(), nullptr, MS_PRIVATE, nullptr) < 0) throw_errno("make " + best + " private");
}

void pivot_into(const std::string& rootfs) {
    UniqueFd oldroot(::open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!oldroot) throw_errno("open /");
    UniqueFd newroot(::open(rootfs.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!newroot) throw_errno("open " + rootfs);
    if (::fchdir(newroot.get()) < 0) throw_errno("chdir " + rootfs);
    // pivot_root(".", ".") stacks the old root on top of the new one; unmounting "."
    // afterwards removes it without needing a directory for it in the rootfs.
    if (::syscall(SYS_pivot_root, ".", ".") < 0) throw_errno("pivot_root " + rootfs);
    if (::fchdir(oldroot.get()) < 0) throw_errno("chdir old root");
    // Keep unmount events of the old root from reaching the host.
    if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) throw_errno("make old root rslave");
    if (::umount2(".", MNT_DETACH) < 0) throw_errno("unmount old root");
    if (::chdir("/") < 0) throw_errno("chdir /");
}

void chroot_into(const std::string& rootfs) {
    if (::chdir(rootfs.c_str()) < 0) throw_errno("chdir " + rootfs);
    if (::mount(rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr) < 0) throw_errno("move rootfs to /");
    if (::chroot(".") < 0) throw_errno("chroot " + rootfs);
    if (::chdir("/") < 0) throw_errno("chdir /");
}

}  // namespace

void prepare_rootfs(const oci::Spec& spec, const RootfsConfig& cfg,
                    const std::function<void()>& before_pivot) {
    const oci::Linux* lx = spec.linux ? &*spec.linux : nullptr;
    unsigned long propagation = MS_SLAVE | MS_REC;
    if (lx && !lx->rootfs_propagation.empty()) propagation = parse_propagation(lx->rootfs_propagation);
    // Nothing we mount may propagate back to the host.
    if (::mount(nullptr, "/", nullptr, propagation, nullptr) < 0) throw_errno("make / " + std::to_string(propagation));
    // The rootfs must be a mount point for pivot_root.
    do_mount(cfg.rootfs, cfg.rootfs, nullptr, MS_BIND | MS_REC, "", "bind mount rootfs " + cfg.rootfs);

    Mounter mounter{spec, cfg, UniqueFd(::open(cfg.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC))};
    if (!mounter.root) throw_errno("open rootfs " + cfg.rootfs);
    for (const auto& m : spec.mounts) mounter.mount_one(m);

    if (!dev_is_bind_mounted(spec)) {
        setup_dev(mounter.root.get(), lx ? lx->devices : std::vector<oci::Device>{},
                  cfg.in_user_namespace);
    }
    if (before_pivot) before_pivot();

    // A shared rootfs propagation must stay shared after pivot; otherwise make the rootfs
    // private so that pivot_root accepts it.
    mounter.root.reset();
    if (!cfg.no_pivot && (propagation & MS_SHARED)) {
        // pivot_root refuses shared mounts for the new root, its parent and the old root;
        // the requested propagation is applied to the new root right after the pivot.
        make_parent_mount_private(cfg.rootfs);
        if (::mount(nullptr, cfg.rootfs.c_str(), nullptr, MS_PRIVATE, nullptr) < 0) throw_errno("make rootfs private");
        if (::mount(nullptr, "/", nullptr, MS_PRIVATE, nullptr) < 0) throw_errno("make / private");
    }
    if (cfg.no_pivot) {
        chroot_into(cfg.rootfs);
    } else {
        pivot_into(cfg.rootfs);
    }
    if (lx && !lx->rootfs_propagation.empty() && (propagation & ~MS_REC) != MS_SLAVE) {
        if (::mount(nullptr, "/", nullptr, propagation, nullptr) < 0) throw_errno("set rootfs propagation");
    }
}

void apply_sysctl(const std::map<std::string, std::string>& sysctl) {
    for (const auto& [key, value] : sysctl) {
        std::string path = "/proc/sys/";
        for (char c : key) path += c == '.' ? '/' : c;
        try {
            fs::write_file(path, value);
        } catch (const Error& e) {
            throw Error("write sysctl " + key + " = " + value + ": " + e.what(), e.code());
        }
    }
}

namespace {

// /dev/null of this container, checked to be the real character device 1:3.
UniqueFd verified_dev_null() {
    UniqueFd fd(::open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) throw_errno("open /dev/null for masking");
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0) throw_errno("stat /dev/null");
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
        throw Error("/dev/null is not the null device: refusing to use it for masked paths");
    return fd;
}

void mask_path(const std::string& path, int dev_null) {
    UniqueFd fd(::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return;
        throw_errno("open masked path " + path);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0) throw_errno("stat masked path " + path);
    if (S_ISLNK(st.st_mode)) return;  // a symlink is not followed, and masks nothing
    if (S_ISDIR(st.st_mode)) {
        do_mount("tmpfs", fd_path(fd.get()), "tmpfs", MS_RDONLY, "", "mask " + path);
    } else {
        do_mount(fd_path(dev_null), fd_path(fd.get()), nullptr, MS_BIND, "", "mask " + path);
    }
}

void readonly_path(const std::string& path, bool in_userns) {
    UniqueFd fd(::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return;
        throw_errno("open readonly path " + path);
    }
    do_mount(fd_path(fd.get()), fd_path(fd.get()), nullptr, MS_BIND | MS_REC, "",
             "bind readonly path " + path);
    UniqueFd now(::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!now) throw_errno("open readonly path " + path);
    std::string now_path = fd_path(now.get());
    remount_bind(now_path, MS_RDONLY | (locked_flags(now_path) & ~kAtimeFlags), in_userns,
                 "remount " + path + " read-only");
}

}  // namespace

void finalize_rootfs(const oci::Spec& spec, bool in_user_namespace) {
    if (spec.linux) {
        const auto& lx = *spec.linux;
        apply_sysctl(lx.sysctl);
        for (const auto& p : lx.readonly_paths) readonly_path(p, in_user_namespace);
        if (!lx.masked_paths.empty()) {
            UniqueFd dev_null = verified_dev_null();
            for (const auto& p : lx.masked_paths) mask_path(p, dev_null.get());
        }
    }
    if (spec.root && spec.root->readonly) remount_bind("/", MS_RDONLY, in_user_namespace, "remount / read-only");
}

}  // namespace wb::linux
