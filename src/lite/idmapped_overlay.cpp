#include "lite/idmapped_overlay.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "lite/overlay.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {

UniqueFd idmapped_clone(const std::string& path, int userns_fd, bool readonly) {
    UniqueFd tree(::open_tree(AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (!tree) throw_errno("open_tree " + path);
    struct mount_attr attr {};
    attr.attr_set = MOUNT_ATTR_IDMAP | (readonly ? MOUNT_ATTR_RDONLY : 0);
    attr.userns_fd = static_cast<uint64_t>(userns_fd);
    if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        throw_errno("idmap the mount of " + path + " (--userns needs a file system with idmapped mounts)");
    return tree;
}

// overlayfs works on its upper layer with the credentials of whoever created it, and
// through an idmapped mount host root (0) is not mapped (EOVERFLOW) where the container's
// root is: we act as the container's root.
RangeRootCredentials::RangeRootCredentials(const IdRange& range) {
    if (::syscall(SYS_capget, &header_, saved_) < 0) throw_errno("capget");
    ::setfsgid(range.gid_start);
    ::setfsuid(range.uid_start);
    __user_cap_data_struct raised[2] = {saved_[0], saved_[1]};
    raised[0].effective = raised[0].permitted;
    raised[1].effective = raised[1].permitted;
    if (::syscall(SYS_capset, &header_, raised) < 0) {
        restore();
        throw_errno("capset");
    }
}

void RangeRootCredentials::restore() {
    ::setfsuid(0);
    ::setfsgid(0);
    ::syscall(SYS_capset, &header_, saved_);
}

UniqueFd make_userns_fd(const IdRange& range) {
    int go[2];
    if (::pipe2(go, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd go_r(go[0]), go_w(go[1]);
    pid_t child = ::fork();
    if (child < 0) throw_errno("fork");
    if (child == 0) {
        go_w.reset();
        if (::unshare(CLONE_NEWUSER) < 0) _exit(1);
        char c;
        while (::read(go_r.get(), &c, 1) < 0 && errno == EINTR) {
        }
        _exit(0);
    }
    go_r.reset();
    struct Reap {
        pid_t pid;
        ~Reap() {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
            }
        }
    } reap{child};
    std::string proc = "/proc/" + std::to_string(child);
    // The child's unshare is done once its ns/user differs from ours.
    for (int i = 0; i < 500; ++i) {
        char mine[64] = {}, its[64] = {};
        if (::readlink("/proc/self/ns/user", mine, sizeof mine - 1) < 0) throw_errno("readlink ns/user");
        if (::readlink((proc + "/ns/user").c_str(), its, sizeof its - 1) < 0) throw_errno("readlink " + proc);
        if (std::string(mine) != its) break;
        ::usleep(1000);
    }
    fs::write_file(proc + "/uid_map", "0 " + std::to_string(range.uid_start) + " " + std::to_string(range.size) + "\n");
    fs::write_file(proc + "/gid_map", "0 " + std::to_string(range.gid_start) + " " + std::to_string(range.size) + "\n");
    UniqueFd ns(::open((proc + "/ns/user").c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns) throw_errno("open " + proc + "/ns/user");
    return ns;
}

namespace {

// overlayfs takes only layers attached in the caller's mount namespace (it clones them
// privately): the idmapped clones are put over the layer paths in a private mount
// namespace of our own and the overlay is made there; we are back in ours on return.
// Nothing of this shows in the host's namespace. Returns the detached overlay mount.
UniqueFd create_overlay_in_private_ns(const OverlayDirs& d, const IdRange& range, int userns_fd) {
    UniqueFd host_ns(::open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC));
    UniqueFd cwd(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!host_ns || !cwd) throw_errno("open our mount namespace");
    if (::unshare(CLONE_NEWNS) < 0) throw_errno("unshare mount namespace");
    struct Return {
        int ns, dir;
        ~Return() {
            if (::setns(ns, CLONE_NEWNS) < 0 || ::fchdir(dir) < 0) std::abort();  // never left behind
        }
    } back{host_ns.get(), cwd.get()};
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) throw_errno("make / private");
    auto cover = [&](const std::string& path) {
        UniqueFd clone = idmapped_clone(path, userns_fd);
        if (::move_mount(clone.get(), "", AT_FDCWD, path.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
            throw_errno("attach the idmapped mount of " + path);
    };
    for (const auto& l : d.lower) cover(l);
    // upper and work must be on one mount: an idmapped clone of the directory above both.
    cover(d.upper.substr(0, d.upper.rfind('/')));
    UniqueFd fsfd = overlay_fs_context(d);
    {
        RangeRootCredentials creator(range);
        if (::fsconfig(fsfd.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) throw_errno("create overlay");
    }
    UniqueFd mnt(::fsmount(fsfd.get(), FSMOUNT_CLOEXEC, 0));
    if (!mnt) throw_errno("fsmount overlay");
    return mnt;
}

}  // namespace

void mount_overlay_idmapped(const OverlayDirs& d, const IdRange& range) {
    if (is_mount_point(d.merged)) return;
    UniqueFd userns = make_userns_fd(range);
    UniqueFd mnt = create_overlay_in_private_ns(d, range, userns.get());
    if (::move_mount(mnt.get(), "", AT_FDCWD, d.merged.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
        throw_errno("mount overlay on " + d.merged);
}

}  // namespace wb::lite
