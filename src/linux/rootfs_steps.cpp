#include "linux/rootfs_steps.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <cerrno>

#include "linux/mount_trees.hpp"
#include "linux/path_in_root.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::linux {
namespace {

constexpr unsigned long kAtimeFlags = MS_NOATIME | MS_RELATIME | MS_STRICTATIME | MS_NODIRATIME;

// Flags that a bind remount in a user namespace must keep (they are locked).
unsigned long locked_flags(const std::string& path) {
    struct statfs sf {};
    if (sys().statfs(path.c_str(), &sf) < 0) return 0;
    unsigned long st = static_cast<unsigned long>(sf.f_flags);
    unsigned long flags = 0;
    if (st & ST_NOSUID) flags |= MS_NOSUID;
    if (st & ST_NODEV) flags |= MS_NODEV;
    if (st & ST_NOEXEC) flags |= MS_NOEXEC;
    if (st & ST_RDONLY) flags |= MS_RDONLY;
    if (st & ST_NOATIME) flags |= MS_NOATIME;
    if (st & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (st & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
}

}  // namespace

void do_mount(const std::string& source, const std::string& target, const char* fstype, unsigned long flags,
              const std::string& data, const std::string& what) {
    if (sys().mount(source.empty() ? nullptr : source.c_str(), target.c_str(), fstype, flags,
                    data.empty() ? nullptr : data.c_str()) < 0)
        throw_errno(what);
}

void remount_bind(const std::string& target, unsigned long flags, bool in_userns, const std::string& what) {
    unsigned long keep = in_userns ? locked_flags(target) : 0;
    // Keep the atime behaviour the mount already has unless one was asked for.
    if (flags & kAtimeFlags) keep &= ~kAtimeFlags;
    unsigned long f = MS_BIND | MS_REMOUNT | (flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) | keep;
    if (!(flags & MS_RDONLY) && in_userns) f &= ~MS_RDONLY;
    if (sys().mount(nullptr, target.c_str(), nullptr, f, nullptr) == 0) return;
    int err = errno;
    if (!in_userns && err == EPERM) {
        f |= locked_flags(target) & ~kAtimeFlags;
        if (sys().mount(nullptr, target.c_str(), nullptr, f, nullptr) == 0) return;
        err = errno;
    }
    throw_errno(what, err);
}

std::vector<std::string> split_data(const std::string& data) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < data.size()) {
        size_t j = data.find(',', i);
        if (j == std::string::npos) j = data.size();
        if (j > i) out.push_back(data.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

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
    if (sys().mount(nullptr, best.c_str(), nullptr, MS_PRIVATE, nullptr) < 0) throw_errno("make " + best + " private");
}

void pivot_into(const std::string& rootfs) {
    UniqueFd oldroot(sys().open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!oldroot) throw_errno("open /");
    UniqueFd newroot(sys().open(rootfs.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!newroot) throw_errno("open " + rootfs);
    if (sys().fchdir(newroot.get()) < 0) throw_errno("chdir " + rootfs);
    // pivot_root(".", ".") stacks the old root on top of the new one; unmounting "."
    // afterwards removes it without needing a directory for it in the rootfs.
    if (sys().pivot_root(".", ".") < 0) throw_errno("pivot_root " + rootfs);
    if (sys().fchdir(oldroot.get()) < 0) throw_errno("chdir old root");
    // Keep unmount events of the old root from reaching the host.
    if (sys().mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) throw_errno("make old root rslave");
    if (sys().umount2(".", MNT_DETACH) < 0) throw_errno("unmount old root");
    if (sys().chdir("/") < 0) throw_errno("chdir /");
}

namespace {

// "\040" and friends in a mountinfo path.
std::string unescape_mountinfo(const std::string& field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            int v = 0;
            bool octal = true;
            for (size_t k = 1; k <= 3; ++k) {
                char c = field[i + k];
                if (c < '0' || c > '7') octal = false;
                v = v * 8 + (c - '0');
            }
            if (octal) {
                out += static_cast<char>(v);
                i += 3;
                continue;
            }
        }
        out += field[i];
    }
    return out;
}

std::vector<std::string> split_words(const std::string& line) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < line.size()) {
        size_t j = line.find(' ', i);
        if (j == std::string::npos) j = line.size();
        if (j > i) out.push_back(line.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

}  // namespace

std::vector<std::string> full_proc_and_sysfs_mounts(const std::string& mountinfo, const std::string& rootfs) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < mountinfo.size()) {
        size_t end = mountinfo.find('\n', pos);
        if (end == std::string::npos) end = mountinfo.size();
        std::vector<std::string> f = split_words(mountinfo.substr(pos, end - pos));
        pos = end + 1;
        // id parent dev root mountpoint options [optional...] - fstype source superoptions
        size_t dash = 6;
        while (dash < f.size() && f[dash] != "-") ++dash;
        if (dash + 1 >= f.size() || f.size() < 5) continue;
        const std::string& fstype = f[dash + 1];
        std::string mountpoint = unescape_mountinfo(f[4]);
        if (f[3] != "/" || (fstype != "proc" && fstype != "sysfs")) continue;
        if (mountpoint == rootfs || mountpoint.rfind(rootfs + "/", 0) == 0) continue;
        out.push_back(mountpoint);
    }
    return out;
}

void chroot_into(const std::string& rootfs) {
    // As runc's msMoveRoot: the host's full proc and sysfs mounts stay in our mount
    // namespace under a chroot, and a full mount there lets the container mount a fresh
    // procfs or sysfs in a user namespace. Unmount them (or cover them with a tmpfs).
    std::string mountinfo;
    if (!fs::try_read_file("/proc/self/mountinfo", mountinfo)) throw_errno("read /proc/self/mountinfo");
    for (const auto& mp : full_proc_and_sysfs_mounts(mountinfo, rootfs)) {
        // Unmount events must not reach the host.
        if (sys().mount(nullptr, mp.c_str(), nullptr, MS_SLAVE | MS_REC, nullptr) < 0) {
            if (errno == ENOENT) continue;
            throw_errno("make " + mp + " rslave");
        }
        if (sys().umount2(mp.c_str(), MNT_DETACH) == 0) continue;
        if (errno != EINVAL && errno != EPERM) throw_errno("unmount " + mp);
        do_mount("tmpfs", mp, "tmpfs", 0, "", "cover " + mp);
    }
    if (sys().chdir(rootfs.c_str()) < 0) throw_errno("chdir " + rootfs);
    if (sys().mount(rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr) < 0) throw_errno("move rootfs to /");
    if (sys().chroot(".") < 0) throw_errno("chroot " + rootfs);
    if (sys().chdir("/") < 0) throw_errno("chdir /");
}

void chroot_in_callers_namespace(const std::string& rootfs) {
    if (sys().chdir(rootfs.c_str()) < 0) throw_errno("chdir " + rootfs);
    if (sys().chroot(".") < 0) throw_errno("chroot " + rootfs);
    if (sys().chdir("/") < 0) throw_errno("chdir /");
}

void set_recursive_attrs(const std::string& path, uint64_t attr_set, uint64_t attr_clr, const std::string& what) {
    struct mount_attr attr {};
    attr.attr_set = attr_set;
    attr.attr_clr = attr_clr;
    if (sys().mount_setattr(AT_FDCWD, path.c_str(), AT_RECURSIVE, &attr, sizeof attr) < 0) throw_errno(what);
}

UniqueFd verified_dev_null() {
    UniqueFd fd(sys().open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) throw_errno("open /dev/null for masking");
    struct stat st {};
    if (sys().fstatat(fd.get(), "", &st, AT_EMPTY_PATH) < 0) throw_errno("stat /dev/null");
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
        throw Error("/dev/null is not the null device: refusing to use it for masked paths");
    return fd;
}

void mask_path(const std::string& path, int dev_null) {
    UniqueFd fd(sys().open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return;
        throw_errno("open masked path " + path);
    }
    struct stat st {};
    if (sys().fstatat(fd.get(), "", &st, AT_EMPTY_PATH) < 0) throw_errno("stat masked path " + path);
    if (S_ISLNK(st.st_mode)) return;  // a symlink is not followed, and masks nothing
    if (S_ISDIR(st.st_mode)) {
        do_mount("tmpfs", fd_path(fd.get()), "tmpfs", MS_RDONLY, "", "mask " + path);
    } else {
        do_mount(fd_path(dev_null), fd_path(fd.get()), nullptr, MS_BIND, "", "mask " + path);
    }
}

void readonly_path(const std::string& path) {
    // What is at `path` (and below it) cloned, made read-only while detached, and moved
    // back over it: only MOUNT_ATTR_RDONLY is set, so the mount's other flags (locked ones
    // in a user namespace too) stay as they are, which a remount had to read back first.
    UniqueFd tree(sys().open_tree(AT_FDCWD, path.c_str(),
                                  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW));
    if (!tree) {
        if (errno == ENOENT) return;
        throw_errno("bind readonly path " + path);
    }
    set_mount_tree_attrs(tree.get(), MOUNT_ATTR_RDONLY, 0, "remount " + path + " read-only");
    if (sys().move_mount(tree.get(), "", AT_FDCWD, path.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
        throw_errno("bind readonly path " + path);
}

}  // namespace wb::linux
