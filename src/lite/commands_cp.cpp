// cp: files and directories between a container's filesystem and the host, both ways,
// and "-" for a tar stream on stdin/stdout, as docker's. The container's filesystem is
// seen as its processes see it: in a mount namespace of our own, its overlay (mounted
// there when the container is stopped) with every bind mount of its config.json over it
// (volumes, -v host paths, /etc/hosts ...), idmapped where the container's are. Paths
// inside the container resolve with RESOLVE_IN_ROOT (a symlink there cannot lead out of
// its root), a source symlink is copied as a symlink unless -L, and what is written below
// the destination never follows a symlink. Modes and mtimes are kept; owners as docker
// documents them: root of the container copying in, the caller copying out, the source's
// with -a (shifted into or out of a --userns range).
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include "lite/commands_lite.hpp"
#include "lite/copy_tree.hpp"
#include "lite/idmapped_overlay.hpp"
#include "lite/layer_pack.hpp"
#include "lite/layer_unpack.hpp"
#include "lite/overlay.hpp"
#include "linux/path_in_root.hpp"
#include "oci/spec.hpp"
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

bool has_option(const oci::Mount& m, const char* option) {
    return std::find(m.options.begin(), m.options.end(), option) != m.options.end();
}

// Attaches the container's bind mounts (config.json's order, as the runtime mounts them)
// over their destinations below root; one whose destination the rootfs does not have yet
// (a container never started) is left out.
void attach_bind_mounts(const LiteContext& c, const ContainerRecord& r, int root) {
    std::string text;
    if (!fs::try_read_file(c.layout.container_dir(r.id) + "/config.json", text)) return;
    oci::Spec spec = oci::parse_spec(text);
    UniqueFd userns;
    for (const auto& m : spec.mounts) {
        if (m.type != "bind" && !has_option(m, "bind") && !has_option(m, "rbind")) continue;
        struct stat st {};
        if (m.source.empty() || ::stat(m.source.c_str(), &st) < 0) continue;
        UniqueFd target;
        try {
            target = linux::open_in_root(root, m.destination, linux::Create::nothing);
        } catch (const Error&) {
            continue;
        }
        const bool readonly = has_option(m, "ro");
        UniqueFd tree;
        if (has_option(m, "idmap") && r.lifecycle.userns_range.size > 0) {  // --userns volumes
            if (!userns) userns = make_userns_fd(r.lifecycle.userns_range);
            tree = idmapped_clone(m.source, userns.get(), readonly);
        } else {
            tree = UniqueFd(::open_tree(AT_FDCWD, m.source.c_str(),
                                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (has_option(m, "rbind") ? AT_RECURSIVE : 0)));
            if (!tree) throw_errno("open_tree " + m.source);
            if (readonly) {
                struct mount_attr attr {};
                attr.attr_set = MOUNT_ATTR_RDONLY;
                if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
                    throw_errno("make the mount of " + m.source + " read-only");
            }
        }
        if (::move_mount(tree.get(), "", target.get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
            throw_errno("mount " + m.source + " on " + m.destination);
    }
}

// The container's root as its processes see it, in a private mount namespace of ours
// (nothing shows in the host's; it goes away with us).
UniqueFd container_root(const LiteContext& c, const ContainerRecord& r) {
    if (::unshare(CLONE_NEWNS) < 0) throw_errno("unshare mount namespace");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) throw_errno("make / private");
    std::string merged = c.layout.container_dir(r.id) + "/merged";
    if (!is_mount_point(merged)) mount_workspace(c, r);
    UniqueFd root(::open(merged.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open " + merged);
    attach_bind_mounts(c, r, root.get());
    return root;
}

bool is_dir_fd(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

// The source of a copy out: its fd (kept open while its path is used) and a path to copy
// from. Without -L a symlink at the end of path is the source itself (its parent resolved
// in the root, then the last name without following it).
struct Source {
    UniqueFd fd;
    std::string path;
    bool follow = true;
};

Source open_source(int root, const std::string& path, bool follow_link) {
    Source s;
    std::string base = base_name(path);
    try {
        if (follow_link || base == "/" || base == "." || base == "..") {
            s.fd = linux::open_in_root(root, path, linux::Create::nothing);
            s.path = linux::fd_path(s.fd.get());
            return s;
        }
        s.fd = linux::open_in_root(root, dir_name(path), linux::Create::nothing);
    } catch (const Error&) {
        throw Error("Could not find the file " + path + " in container");
    }
    s.path = linux::fd_path(s.fd.get()) + "/" + base;
    s.follow = false;
    struct stat st {};
    if (::lstat(s.path.c_str(), &st) < 0) throw Error("Could not find the file " + path + " in container");
    return s;
}

void copy_out(int root, const std::string& path, const std::string& host, const CpOptions& o, const IdRange& range) {
    Source src = open_source(root, path, o.follow_link || host == "-");
    if (host == "-") {
        if (!is_dir_fd(src.fd.get())) throw Error("cp to -: " + path + " is not a directory");
        PackOptions p;
        p.uid_base = range.uid_start;
        p.gid_base = range.gid_start;
        p.id_count = range.size;
        pack_tree(src.path, STDOUT_FILENO, p);
        return;
    }
    struct stat st {};
    std::string dst = host;
    if (::stat(host.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) dst = host + "/" + base_name(path);
    else if (::stat(dir_name(host).c_str(), &st) < 0 || !S_ISDIR(st.st_mode))
        throw Error("destination directory " + dir_name(host) + " does not exist");
    CopyOwners owners;  // the caller's by default (we write them)
    owners.keep_source = o.archive;
    owners.range = range;
    copy_tree(src.path, dst, src.follow, owners);
}

void copy_in(const std::string& host, int root, const std::string& path, const CpOptions& o, const IdRange& range) {
    UniqueFd target;
    try {
        target = linux::open_in_root(root, path, linux::Create::nothing);
    } catch (const Error&) {
    }
    if (host == "-") {
        if (!target || !is_dir_fd(target.get())) throw Error("cp from -: " + path + " is not a directory in the container");
        UnpackOptions u;
        u.convert_whiteouts = false;
        u.uid_shift = range.uid_start;
        u.gid_shift = range.gid_start;
        u.id_count = range.size;
        std::optional<RangeRootCredentials> as_container_root;
        if (range.size > 0) as_container_root.emplace(range);
        unpack_layer(STDIN_FILENO, linux::fd_path(target.get()), u);
        return;
    }
    struct stat st {};
    if (::lstat(host.c_str(), &st) < 0) throw_errno("stat " + host);
    std::string dst;
    if (target && is_dir_fd(target.get())) {
        dst = linux::fd_path(target.get()) + "/" + base_name(host);
    } else {
        UniqueFd parent;
        try {
            parent = linux::open_in_root(root, dir_name(path), linux::Create::nothing);
        } catch (const Error&) {
        }
        if (!parent || !is_dir_fd(parent.get()))
            throw Error("Could not find the directory " + dir_name(path) + " in container");
        target = std::move(parent);
        dst = linux::fd_path(target.get()) + "/" + base_name(path);
    }
    // docker's documented rule: the container's root owns what is copied in; -a keeps
    // the host's ids. Under --userns both are the range's, and we write as its root
    // (host root is not mapped in the idmapped overlay).
    CopyOwners owners;
    owners.keep_source = o.archive;
    owners.uid = range.uid_start;
    owners.gid = range.gid_start;
    owners.range = range;
    owners.into_range = true;
    std::optional<RangeRootCredentials> as_container_root;
    if (range.size > 0) as_container_root.emplace(range);
    copy_tree(host, dst, o.follow_link, owners);
}

}  // namespace

int cmd_cp(const LiteContext& c, const std::string& src, const std::string& dst, const CpOptions& o) {
    auto from = split_container_path(src);
    auto to = split_container_path(dst);
    if (from && to) throw Error("copying between containers is not supported");
    if (!from && !to) throw Error("must specify at least one container source");
    ContainerStore store(c.layout);
    ContainerRecord r = store.resolve(from ? from->container : to->container);
    UniqueFd root = container_root(c, r);
    const IdRange& range = r.lifecycle.userns_range;
    if (from) copy_out(root.get(), from->path.empty() ? "/" : from->path, dst, o, range);
    else copy_in(src, root.get(), to->path.empty() ? "/" : to->path, o, range);
    return 0;
}

}  // namespace wb::lite
