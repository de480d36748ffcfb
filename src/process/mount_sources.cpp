#include "process/mount_sources.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "linux/mount_trees.hpp"
#include "linux/namespaces.hpp"
#include "linux/syscalls.hpp"
#include "process/clone.hpp"
#include "util/error.hpp"

namespace wb::process {
namespace {

std::string what_of(const oci::Mount& m) { return "mount " + m.source + " on " + m.destination; }

const oci::Linux& linux_of(const oci::Spec& spec) {
    static const oci::Linux none;
    return spec.linux ? *spec.linux : none;
}

}  // namespace

std::vector<int> MountSources::fds() const {
    std::vector<int> out;
    out.reserve(trees.size());
    for (const auto& t : trees) out.push_back(t ? t.get() : -1);
    return out;
}

UniqueFd user_namespace_with(const std::vector<oci::IdMapping>& uid_mappings,
                             const std::vector<oci::IdMapping>& gid_mappings, const std::string& what) {
    int hold[2];
    if (::pipe2(hold, O_CLOEXEC) < 0) throw_errno(what + ": pipe");
    UniqueFd read_end(hold[0]), write_end(hold[1]);
    Cloned helper = clone_child(CLONE_NEWUSER, -1);
    if (helper.in_child) {
        // Lives until the runtime has the namespace's fd: EOF when the write end closes
        // (or the runtime dies).
        write_end.reset();
        char c;
        while (::read(read_end.get(), &c, 1) < 0 && errno == EINTR) {
        }
        _exit(0);
    }
    read_end.reset();
    oci::Linux maps;
    maps.uid_mappings = uid_mappings;
    maps.gid_mappings = gid_mappings;
    linux::write_id_maps(helper.child.pid(), maps);
    std::string path = "/proc/" + std::to_string(helper.child.pid()) + "/ns/user";
    UniqueFd userns(linux::sys().open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!userns) throw_errno(what + ": open " + path);
    write_end.reset();
    helper.child.wait();
    return userns;
}

MountSources open_mount_sources(const oci::Spec& spec, bool in_user_namespace) {
    MountSources sources;
    sources.trees.resize(spec.mounts.size());
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const oci::Mount& m = spec.mounts[i];
        const bool idmapped = linux::is_idmapped_bind(m);
        if (!linux::is_bind_mount(m) || (!in_user_namespace && !idmapped)) continue;
        UniqueFd tree = linux::clone_mount_tree(m.source, linux::is_recursive_bind(m));
        if (!tree) {
            if (idmapped) throw_errno(what_of(m) + ": open_tree");
            continue;
        }
        if (idmapped) {
            const bool own = !m.uid_mappings.empty();
            const auto& uids = own ? m.uid_mappings : linux_of(spec).uid_mappings;
            const auto& gids = own ? m.gid_mappings : linux_of(spec).gid_mappings;
            if (uids.empty() || gids.empty())
                throw Error(what_of(m) + ": an idmapped mount needs uidMappings and gidMappings (its own or the "
                                         "container's user namespace's)", EINVAL);
            UniqueFd userns = user_namespace_with(uids, gids, what_of(m));
            linux::idmap_mount_tree(tree.get(), userns.get(), linux::is_recursive_idmap(m), what_of(m));
        }
        sources.trees[i] = std::move(tree);
    }
    return sources;
}

}  // namespace wb::process
