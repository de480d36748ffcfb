#include "lite/idmapped_overlay.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {
namespace {

// A detached idmapped copy of the mount at path (open_tree OPEN_TREE_CLONE).
UniqueFd idmapped_clone(const std::string& path, int userns_fd) {
    UniqueFd tree(::open_tree(AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (!tree) throw_errno("open_tree " + path);
    struct mount_attr attr {};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<uint64_t>(userns_fd);
    if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        throw_errno("idmap the mount of " + path + " (--userns needs a file system with idmapped mounts)");
    return tree;
}

void set_fd(int fsfd, const char* key, int fd, const std::string& what) {
    if (::fsconfig(fsfd, FSCONFIG_SET_FD, key, nullptr, fd) < 0)
        throw_errno(std::string("overlay ") + key + " " + what + " (idmapped layers need Linux 6.13 or later)");
}

}  // namespace

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

void mount_overlay_idmapped(const OverlayDirs& d, const IdRange& range) {
    if (is_mount_point(d.merged)) return;
    UniqueFd userns = make_userns_fd(range);
    UniqueFd fsfd(::fsopen("overlay", FSOPEN_CLOEXEC));
    if (!fsfd) throw_errno("fsopen overlay");
    for (const auto& l : d.lower) {
        UniqueFd layer = idmapped_clone(l, userns.get());
        set_fd(fsfd.get(), "lowerdir+", layer.get(), l);
    }
    // upper and work must be on one mount: an idmapped clone of the directory above both.
    std::string parent = d.upper.substr(0, d.upper.rfind('/'));
    UniqueFd top = idmapped_clone(parent, userns.get());
    UniqueFd upper(::openat(top.get(), d.upper.substr(parent.size() + 1).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    UniqueFd work(::openat(top.get(), d.work.substr(d.work.rfind('/') + 1).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!upper || !work) throw_errno("open upper/work of " + parent);
    set_fd(fsfd.get(), "upperdir", upper.get(), d.upper);
    set_fd(fsfd.get(), "workdir", work.get(), d.work);
    if (::fsconfig(fsfd.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) throw_errno("create overlay");
    UniqueFd mnt(::fsmount(fsfd.get(), FSMOUNT_CLOEXEC, 0));
    if (!mnt) throw_errno("fsmount overlay");
    if (::move_mount(mnt.get(), "", AT_FDCWD, d.merged.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
        throw_errno("mount overlay on " + d.merged);
}

}  // namespace wb::lite
