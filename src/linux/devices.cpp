#include "linux/devices.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "linux/path_in_root.hpp"
#include "linux/rootfs_plan.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::linux {
namespace {

mode_t type_bits(const std::string& type) {
    if (type == "c" || type == "u") return S_IFCHR;
    if (type == "b") return S_IFBLK;
    if (type == "p") return S_IFIFO;
    throw Error("device type \"" + type + "\" is not one of c, u, b, p");
}

using fs::base_of;
using fs::parent_of;

// The directory a device goes in, resolved in the rootfs (made if missing) and opened once
// for every device it holds (most are in /dev).
class DeviceDirs {
public:
    explicit DeviceDirs(int root_fd) : root_fd_(root_fd) {}
    int get(const std::string& path, const std::string& what) {
        if (fd_ && path == path_) return fd_.get();
        UniqueFd dir = open_in_root(root_fd_, path, Create::directory);
        fd_.reset(sys().openat(dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!fd_) throw_errno(what);
        path_ = path;
        return fd_.get();
    }

private:
    int root_fd_;
    std::string path_;
    UniqueFd fd_;
};

void create_device(int root_fd, DeviceDirs& dirs, const oci::Device& d, bool bind) {
    std::string what = "create device " + d.path;
    const int dirfd = dirs.get(parent_of(d.path), what);
    std::string name = base_of(d.path);
    if (bind) {
        UniqueFd f(sys().openat(dirfd, name.c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!f && errno != EEXIST) throw_errno(what);
        UniqueFd target = open_in_root(root_fd, d.path, Create::nothing);
        if (sys().mount(d.path.c_str(), fd_path(target.get()).c_str(), nullptr, MS_BIND, nullptr) < 0)
            throw_errno("bind mount device " + d.path);
        return;
    }
    mode_t mode = type_bits(d.type) | (d.file_mode ? *d.file_mode & 07777 : 0666);
    dev_t dev = makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
    if (sys().unlinkat(dirfd, name.c_str(), 0) < 0 && errno != ENOENT) throw_errno(what);
    if (sys().mknodat(dirfd, name.c_str(), mode, d.type == "p" ? 0 : dev) < 0) throw_errno(what);
    if (sys().fchownat(dirfd, name.c_str(), d.uid.value_or(0), d.gid.value_or(0), AT_SYMLINK_NOFOLLOW) < 0)
        throw_errno("chown device " + d.path);
}

void symlink_in_dev(int dev_fd, const char* target, const char* name) {
    if (sys().symlinkat(target, dev_fd, name) < 0 && errno != EEXIST)
        throw_errno(std::string("symlink /dev/") + name);
}

}  // namespace

const std::vector<oci::Device>& default_devices() {
    static const std::vector<oci::Device> devices = {
        {"c", "/dev/null", 1, 3, 0666, 0, 0},    {"c", "/dev/zero", 1, 5, 0666, 0, 0},
        {"c", "/dev/full", 1, 7, 0666, 0, 0},    {"c", "/dev/random", 1, 8, 0666, 0, 0},
        {"c", "/dev/urandom", 1, 9, 0666, 0, 0}, {"c", "/dev/tty", 5, 0, 0666, 0, 0},
    };
    return devices;
}

void setup_dev(int root_fd, const std::vector<oci::Device>& given, bool in_user_namespace) {
    // "/dev/foo/" is /dev/foo, as runc cleans the path.
    std::vector<oci::Device> devices = given;
    for (auto& d : devices) d.path = clean_path(d.path);
    mode_t old = sys().umask(0);
    try {
        DeviceDirs dirs(root_fd);
        for (const auto& d : default_devices()) {
            bool overridden = false;
            for (const auto& c : devices) overridden |= c.path == d.path;
            if (!overridden) create_device(root_fd, dirs, d, in_user_namespace);
        }
        for (const auto& d : devices) create_device(root_fd, dirs, d, in_user_namespace);
        const int devfd = dirs.get("/dev", "open /dev");
        symlink_in_dev(devfd, "/proc/self/fd", "fd");
        symlink_in_dev(devfd, "/proc/self/fd/0", "stdin");
        symlink_in_dev(devfd, "/proc/self/fd/1", "stdout");
        symlink_in_dev(devfd, "/proc/self/fd/2", "stderr");
        struct stat kcore {};
        if (sys().fstatat(AT_FDCWD, "/proc/kcore", &kcore, 0) == 0) symlink_in_dev(devfd, "/proc/kcore", "core");
        // /dev/ptmx is the devpts instance's ptmx.
        if (sys().unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT) throw_errno("remove /dev/ptmx");
        symlink_in_dev(devfd, "pts/ptmx", "ptmx");
    } catch (...) {
        sys().umask(old);
        throw;
    }
    sys().umask(old);
}

void bind_console(int root_fd, int console_fd) {
    // Whatever the rootfs put at /dev/console (a symlink into /proc, say) is replaced by a
    // fresh empty file, so the bind mount can only land on that file.
    UniqueFd dev = open_in_root(root_fd, "/dev", Create::directory);
    UniqueFd devfd(sys().openat(dev.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!devfd) throw_errno("open /dev");
    if (sys().unlinkat(devfd.get(), "console", 0) < 0 && errno != ENOENT) throw_errno("remove /dev/console");
    UniqueFd file(sys().openat(devfd.get(), "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!file) throw_errno("create /dev/console");
    UniqueFd target = open_in_root(root_fd, "/dev/console", Create::nothing);
    if (sys().mount(fd_path(console_fd).c_str(), fd_path(target.get()).c_str(), nullptr, MS_BIND, nullptr) < 0)
        throw_errno("bind mount console on /dev/console");
}

}  // namespace wb::linux
