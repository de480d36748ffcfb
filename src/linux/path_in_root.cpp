#include "linux/path_in_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

#include <cerrno>
#include <optional>

#include "linux/syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {

int openat2_in_root(int root_fd, const std::string& rel, int flags) {
    struct open_how how {};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    for (;;) {
        int fd = sys().openat2(root_fd, rel.empty() ? "." : rel.c_str(), &how, sizeof how);
        if (fd >= 0 || errno != EAGAIN) return fd;
    }
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        std::string part = path.substr(i, j - i);
        if (!part.empty() && part != ".") parts.push_back(part);
        i = j + 1;
    }
    return parts;
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

namespace {

// The target of `name` in parent_fd when it is a symlink; nullopt when it is not one.
std::optional<std::string> symlink_target(int parent_fd, const std::string& name) {
    struct stat st {};
    if (sys().fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode)) return {};
    std::string target(4096, '\0');
    ssize_t n = sys().readlinkat(parent_fd, name.c_str(), target.data(), target.size());
    if (n < 0) return {};
    target.resize(static_cast<size_t>(n));
    return target;
}

// Makes `name` in parent_fd: a file when `create` says so, else a directory (there
// already is fine). `path` names the whole target in errors.
void make_component(int parent_fd, const std::string& name, Create create, const std::string& path) {
    if (create == Create::file) {
        UniqueFd f(sys().openat(parent_fd, name.c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!f && errno != EEXIST) throw_errno("create " + path + " in rootfs");
    } else if (sys().mkdirat(parent_fd, name.c_str(), 0755) < 0 && errno != EEXIST) {
        throw_errno("mkdir " + path + " in rootfs");
    }
}

}  // namespace

UniqueFd open_in_root(int root_fd, const std::string& path, Create create) {
    auto parts = split_path(path);
    std::string rel;
    for (const auto& part : parts) rel += (rel.empty() ? "" : "/") + part;
    // Most targets exist: the whole path in one openat2 (RESOLVE_IN_ROOT keeps every
    // component inside the rootfs, as the walk below does). The walk, a component at a
    // time, is for what is missing and for the errors it names.
    if (UniqueFd whole(openat2_in_root(root_fd, rel, O_PATH)); whole) return whole;
    if (errno == ENOENT && create != Create::nothing && !parts.empty()) {
        // The usual miss: the last component alone (a mount point the rootfs lacks), made
        // in its parent as the walk would, when that is there and it is no symlink.
        const size_t slash = rel.rfind('/');
        UniqueFd parent_fd(openat2_in_root(root_fd, slash == std::string::npos ? "" : rel.substr(0, slash),
                                           O_PATH | O_DIRECTORY));
        if (parent_fd && !symlink_target(parent_fd.get(), parts.back())) {
            make_component(parent_fd.get(), parts.back(), create, path);
            if (UniqueFd made(openat2_in_root(root_fd, rel, O_PATH)); made) return made;
        }
    }
    rel.clear();
    UniqueFd fd;
    int links_followed = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        std::string parent = rel;
        rel += (rel.empty() ? "" : "/") + parts[i];
        bool last = i + 1 == parts.size();
        fd.reset(openat2_in_root(root_fd, rel, O_PATH));
        if (fd) continue;
        if (errno != ENOENT || create == Create::nothing) throw_errno("open " + path + " in rootfs");
        // Create the missing component in its (resolved) parent directory.
        UniqueFd parent_fd(openat2_in_root(root_fd, parent, O_PATH | O_DIRECTORY));
        if (!parent_fd) throw_errno("open " + (parent.empty() ? "/" : "/" + parent) + " in rootfs");
        if (auto link = symlink_target(parent_fd.get(), parts[i])) {
            // A dangling symlink: as runc (securejoin), its target is created inside the
            // rootfs, an absolute target taken from the rootfs's root.
            if (++links_followed > 40) throw_errno("open " + path + " in rootfs", ELOOP);
            std::vector<std::string> rest = split_path(*link);
            std::vector<std::string> next = link->starts_with("/") ? std::vector<std::string>{} : split_path(parent);
            next.insert(next.end(), rest.begin(), rest.end());
            next.insert(next.end(), parts.begin() + static_cast<long>(i) + 1, parts.end());
            parts = std::move(next);
            rel.clear();
            fd.reset();
            i = static_cast<size_t>(-1);
            continue;
        }
        make_component(parent_fd.get(), parts[i], last ? create : Create::directory, path);
        fd.reset(openat2_in_root(root_fd, rel, O_PATH));
        if (!fd) {
            // Still missing after creating it: a dangling symlink we will not follow.
            throw_errno("open " + path + " in rootfs (dangling symlink?)");
        }
    }
    // The last component's fd (the root's own when a symlink led back to it).
    if (!fd) fd.reset(openat2_in_root(root_fd, rel, O_PATH));
    if (!fd) throw_errno("open " + path + " in rootfs");
    return fd;
}

}  // namespace wb::linux
