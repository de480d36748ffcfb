// cp: files and directories between a container's filesystem and the host, both ways,
// and "-" for a tar stream on stdin/stdout. Paths inside the container are resolved with
// RESOLVE_IN_ROOT (a symlink in the container cannot lead out of its rootfs), and what is
// written below the destination never follows a symlink. A stopped container's workspace
// is mounted in a mount namespace of our own, as export does.
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <optional>

#include "lite/commands_lite.hpp"
#include "lite/layer_pack.hpp"
#include "lite/layer_unpack.hpp"
#include "lite/overlay.hpp"
#include "linux/path_in_root.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {
namespace {

struct ContainerPath {
    std::string container, path;
};

// docker's rule: CONTAINER:PATH when a colon comes before any slash and the argument does
// not start with "/" or "." (a host path with a colon is written ./a:b).
std::optional<ContainerPath> split_container_path(const std::string& arg) {
    if (arg.empty() || arg[0] == '/' || arg[0] == '.') return std::nullopt;
    auto colon = arg.find(':');
    if (colon == std::string::npos || colon == 0 || arg.find('/') < colon) return std::nullopt;
    return ContainerPath{arg.substr(0, colon), arg.substr(colon + 1)};
}

std::string base_name(std::string p) {
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    auto slash = p.rfind('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string dir_name(std::string p) {
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    auto slash = p.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : p.substr(0, slash);
}

void copy_file_data(int in, int out, const std::string& what) {
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("read " + what);
        if (n == 0) return;
        fs::write_all(out, std::string_view(buf, static_cast<size_t>(n)));
    }
}

// Copies src to dst as `cp -a` would without owners: modes kept, symlinks copied as
// symlinks, never following a symlink at dst (an existing file there is replaced, an
// existing directory merged into). follow: src itself may be a symlink to follow (the
// top of a copy out of a container is a /proc/self/fd path).
void copy_tree(const std::string& src, const std::string& dst, bool follow) {
    struct stat st {};
    if ((follow ? ::stat(src.c_str(), &st) : ::lstat(src.c_str(), &st)) < 0) throw_errno("stat " + src);
    mode_t perm = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
        if (::mkdir(dst.c_str(), perm) < 0) {
            struct stat dt {};
            if (errno != EEXIST || ::lstat(dst.c_str(), &dt) < 0 || !S_ISDIR(dt.st_mode))
                throw Error("cannot copy directory " + src + " onto " + dst + ": not a directory");
        }
        std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(src.c_str()), ::closedir);
        if (!d) throw_errno("open " + src);
        while (struct dirent* e = ::readdir(d.get())) {
            std::string name = e->d_name;
            if (name == "." || name == "..") continue;
            copy_tree(src + "/" + name, dst + "/" + name, false);
        }
        ::chmod(dst.c_str(), perm);
    } else if (S_ISREG(st.st_mode)) {
        UniqueFd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW)));
        if (!in) throw_errno("open " + src);
        struct stat dt {};
        if (::lstat(dst.c_str(), &dt) == 0 && !S_ISREG(dt.st_mode)) {
            if (S_ISDIR(dt.st_mode)) throw Error("cannot overwrite directory " + dst + " with a file");
            ::unlink(dst.c_str());  // a symlink or special file there is replaced, never followed
        }
        UniqueFd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, perm));
        if (!out) throw_errno("create " + dst);
        copy_file_data(in.get(), out.get(), src);
        if (::fchmod(out.get(), perm) < 0) throw_errno("chmod " + dst);
    } else if (S_ISLNK(st.st_mode)) {
        std::string target(4096, '\0');
        ssize_t n = ::readlink(src.c_str(), target.data(), target.size());
        if (n < 0) throw_errno("readlink " + src);
        target.resize(static_cast<size_t>(n));
        if (::unlink(dst.c_str()) < 0 && errno != ENOENT) throw_errno("replace " + dst);
        if (::symlink(target.c_str(), dst.c_str()) < 0) throw_errno("symlink " + dst);
    } else {
        if (::unlink(dst.c_str()) < 0 && errno != ENOENT) throw_errno("replace " + dst);
        if (::mknod(dst.c_str(), st.st_mode, st.st_rdev) < 0) throw_errno("mknod " + dst);
    }
}

// The container's merged rootfs, mounted (in a private mount namespace when it was not).
std::string container_rootfs(const LiteContext& c, const ContainerRecord& r) {
    std::string merged = c.layout.container_dir(r.id) + "/merged";
    if (!is_mount_point(merged)) {
        if (::unshare(CLONE_NEWNS) < 0) throw_errno("unshare mount namespace");
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) throw_errno("make / private");
        mount_workspace(c, r);
    }
    return merged;
}

bool is_dir_fd(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

void copy_out(const std::string& rootfs, const std::string& path, const std::string& host) {
    UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open " + rootfs);
    UniqueFd src;
    try {
        src = linux::open_in_root(root.get(), path, linux::Create::nothing);
    } catch (const Error&) {
        throw Error("Could not find the file " + path + " in container");
    }
    std::string src_path = linux::fd_path(src.get());
    if (host == "-") {
        if (!is_dir_fd(src.get())) throw Error("cp to -: " + path + " is not a directory");
        pack_tree(src_path, STDOUT_FILENO, PackOptions{});
        return;
    }
    struct stat st {};
    std::string dst = host;
    if (::stat(host.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) dst = host + "/" + base_name(path);
    else if (::stat(dir_name(host).c_str(), &st) < 0 || !S_ISDIR(st.st_mode))
        throw Error("destination directory " + dir_name(host) + " does not exist");
    copy_tree(src_path, dst, true);
}

void copy_in(const std::string& host, const std::string& rootfs, const std::string& path) {
    UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open " + rootfs);
    UniqueFd target;
    try {
        target = linux::open_in_root(root.get(), path, linux::Create::nothing);
    } catch (const Error&) {
    }
    if (host == "-") {
        if (!target || !is_dir_fd(target.get())) throw Error("cp from -: " + path + " is not a directory in the container");
        UnpackOptions o;
        o.convert_whiteouts = false;
        unpack_layer(STDIN_FILENO, linux::fd_path(target.get()), o);
        return;
    }
    struct stat st {};
    if (::stat(host.c_str(), &st) < 0) throw_errno("stat " + host);
    std::string dst;
    if (target && is_dir_fd(target.get())) {
        dst = linux::fd_path(target.get()) + "/" + base_name(host);
    } else {
        UniqueFd parent;
        try {
            parent = linux::open_in_root(root.get(), dir_name(path), linux::Create::nothing);
        } catch (const Error&) {
        }
        if (!parent || !is_dir_fd(parent.get()))
            throw Error("Could not find the directory " + dir_name(path) + " in container");
        target = std::move(parent);
        dst = linux::fd_path(target.get()) + "/" + base_name(path);
    }
    copy_tree(host, dst, true);
}

}  // namespace

int cmd_cp(const LiteContext& c, const std::string& src, const std::string& dst) {
    auto from = split_container_path(src);
    auto to = split_container_path(dst);
    if (from && to) throw Error("copying between containers is not supported");
    if (!from && !to) throw Error("must specify at least one container source");
    ContainerStore store(c.layout);
    if (from) {
        ContainerRecord r = store.resolve(from->container);
        copy_out(container_rootfs(c, r), from->path.empty() ? "/" : from->path, dst);
    } else {
        ContainerRecord r = store.resolve(to->container);
        copy_in(src, container_rootfs(c, r), to->path.empty() ? "/" : to->path);
    }
    return 0;
}

}  // namespace wb::lite
