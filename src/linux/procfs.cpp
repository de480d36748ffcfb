#include "linux/procfs.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>

#include "linux/syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

constexpr ino_t kProcRootIno = 1;

bool on_procfs(int fd) {
    struct statfs sf {};
    return sys().fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

}  // namespace

UniqueFd open_proc_root() {
    UniqueFd fd(sys().open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) throw_errno("open /proc");
    struct stat st {};
    if (sys().fstatat(fd.get(), "", &st, AT_EMPTY_PATH) < 0) throw_errno("stat /proc");
    if (!on_procfs(fd.get()) || st.st_ino != kProcRootIno)
        throw Error("/proc is not the root of a procfs: refusing to write under it", EINVAL);
    return fd;
}

namespace {

// relpath from the verified root, no symlink, magic link or mount crossed on the way.
UniqueFd open_beneath(const UniqueFd& root, const std::string& relpath, int flags) {
    std::string what = "open /proc/" + relpath;
    struct open_how how {};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | O_NOFOLLOW);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
    int fd;
    do {
        fd = sys().openat2(root.get(), relpath.c_str(), &how, sizeof how);
    } while (fd < 0 && errno == EAGAIN);
    if (fd < 0) {
        if (errno == EXDEV || errno == ELOOP)
            throw_errno(what + " (a symlink or a mount on the way is refused)");
        throw_errno(what);
    }
    UniqueFd file(fd);
    if (!on_procfs(file.get())) throw Error(what + ": not on procfs, refusing to use it", EINVAL);
    return file;
}

// "1234" or "1234/task/1234": where procfs's own self or thread-self link points. Only
// digits and '/' are accepted, so the walk that follows stays inside /proc/<pid>.
std::string read_self_link(const UniqueFd& root, const char* link) {
    char buf[64];
    ssize_t n = sys().readlinkat(root.get(), link, buf, sizeof buf);
    if (n < 0) throw_errno(std::string("readlink /proc/") + link);
    std::string target(buf, static_cast<size_t>(n));
    if (target.empty() || static_cast<size_t>(n) == sizeof buf ||
        target.find_first_not_of("0123456789/task") != std::string::npos || target.find("..") != std::string::npos)
        throw Error(std::string("/proc/") + link + " points at \"" + target + "\": not a procfs link", EINVAL);
    return target;
}

}  // namespace

UniqueFd open_proc_file(const std::string& relpath, int flags) {
    return open_beneath(open_proc_root(), relpath, flags);
}

UniqueFd open_proc_self_file(const std::string& name, int flags, ProcSelf whose) {
    UniqueFd root = open_proc_root();
    std::string self = read_self_link(root, whose == ProcSelf::thread ? "thread-self" : "self");
    return open_beneath(root, self + "/" + name, flags);
}

namespace {
std::string reopen_what(int fd) {
    return "reopen fd " + std::to_string(fd) + " through /proc/thread-self/fd";
}
}  // namespace

FdReopener::FdReopener(int fd) : fd_(fd) {
    UniqueFd root = open_proc_root();
    std::string self = read_self_link(root, "thread-self");
    fd_dir_ = open_beneath(root, self + "/fd", O_PATH | O_DIRECTORY);
    struct stat want {};
    if (sys().fstatat(fd, "", &want, AT_EMPTY_PATH) < 0) throw_errno(reopen_what(fd));
    dev_ = want.st_dev;
    ino_ = want.st_ino;
}

UniqueFd FdReopener::reopen(int flags) const {
    UniqueFd file(sys().openat(fd_dir_.get(), std::to_string(fd_).c_str(), flags | O_CLOEXEC, 0));
    if (!file) throw_errno(reopen_what(fd_));
    struct stat got {};
    if (sys().fstatat(file.get(), "", &got, AT_EMPTY_PATH) < 0) throw_errno(reopen_what(fd_));
    if (got.st_dev != dev_ || got.st_ino != ino_)
        throw Error(reopen_what(fd_) + ": reached another file, refusing to use it", EINVAL);
    return file;
}

UniqueFd reopen_fd(int fd, int flags) {
    return FdReopener(fd).reopen(flags);
}

void write_all_to(int fd, std::string_view value, const std::string& what) {
    while (!value.empty()) {
        ssize_t n = ::write(fd, value.data(), value.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno(what);
        if (n == 0) throw Error(what + ": short write", EIO);
        value.remove_prefix(static_cast<size_t>(n));
    }
}

void write_proc_file(const std::string& relpath, std::string_view value) {
    UniqueFd fd = open_proc_file(relpath, O_WRONLY);
    write_all_to(fd.get(), value, "write /proc/" + relpath);
}

void write_proc_self_file(const std::string& name, std::string_view value, ProcSelf whose) {
    UniqueFd fd = open_proc_self_file(name, O_WRONLY, whose);
    write_all_to(fd.get(), value,
                 std::string("write /proc/") + (whose == ProcSelf::thread ? "thread-self/" : "self/") + name);
}

}  // namespace wb::linux
