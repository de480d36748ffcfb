#include "runtime/rootless.hpp"

#include <dirent.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "linux/rootless.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::runtime {
namespace {

std::string user_name_of(uid_t uid) {
    struct passwd pw {};
    struct passwd* found = nullptr;
    char buf[4096];
    if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) != 0 || !found) return "";
    return found->pw_name;
}

std::vector<linux::SubIdRange> ranges_in(const std::string& file, const std::string& name, uint64_t id) {
    std::string text;
    if (!fs::try_read_file(file, text)) return {};
    return linux::subid_ranges(text, name, id);
}

bool has_mapping(const std::vector<oci::IdMapping>& maps, uint64_t container_id) {
    for (const auto& m : maps)
        if (container_id >= m.container_id && container_id < uint64_t{m.container_id} + m.size) return true;
    return false;
}

}  // namespace

void apply_rootless_defaults(Context& ctx, const std::string& rootless_flag, bool root_given) {
    const linux::Caller caller = linux::current_caller();
    ctx.rootless = linux::is_rootless(linux::parse_rootless_flag(rootless_flag), caller);
    if (root_given) return;
    std::string root = linux::default_state_root(caller, std::getenv("XDG_RUNTIME_DIR"), std::getenv("USER"));
    if (root == ctx.root) return;
    ctx.root = root;
    fs::mkdir_all(root, 0700);
    if (::chmod(root.c_str(), 0700 | S_ISVTX) < 0) throw_errno("chmod " + root);
}

void check_rootless_spec(const oci::Spec& spec) {
    const linux::Caller caller = linux::current_caller();
    if (caller.euid == 0 || !spec.linux) return;  // root in a user namespace maps what it holds
    const oci::Linux& lx = *spec.linux;
    bool new_user = false, joined_user = false;
    for (const auto& ns : lx.namespaces)
        if (ns.type == "user") (ns.path.empty() ? new_user : joined_user) = true;
    if (!new_user && !joined_user) throw Error("rootless container requires user namespaces");
    if (!new_user) return;
    if (lx.uid_mappings.empty()) throw Error("rootless containers require at least one UID mapping");
    if (lx.gid_mappings.empty()) throw Error("rootless containers require at least one GID mapping");
    const std::string name = user_name_of(caller.euid);
    std::string bad = linux::mapping_outside_ranges(lx.uid_mappings, caller.euid,
                                                    ranges_in("/etc/subuid", name, caller.euid), "uidMappings",
                                                    "/etc/subuid");
    if (bad.empty())
        bad = linux::mapping_outside_ranges(lx.gid_mappings, caller.egid, ranges_in("/etc/subgid", name, caller.euid),
                                            "gidMappings", "/etc/subgid");
    if (!bad.empty()) throw Error("rootless container: " + bad);
    for (const auto& m : spec.mounts) {
        for (const auto& o : m.options) {
            bool uid = o.rfind("uid=", 0) == 0, gid = o.rfind("gid=", 0) == 0;
            if (!uid && !gid) continue;
            char* end = nullptr;
            unsigned long long id = std::strtoull(o.c_str() + 4, &end, 10);
            if (end && *end) continue;  // not a number: the filesystem's own business
            if (!has_mapping(uid ? lx.uid_mappings : lx.gid_mappings, id))
                throw Error("rootless container: mount " + m.destination + ": cannot specify " + o.substr(0, 4) +
                            " mount options for unmapped " + (uid ? "uid " : "gid ") + std::to_string(id));
        }
    }
}

bool cgroup_error_is_ignorable(int err) { return err == EPERM || err == EACCES || err == EROFS; }

bool resources_need_cgroup(const oci::Resources& r) {
    return r.memory || r.cpu || r.pids || r.block_io || !r.hugepage_limits.empty() || !r.rdma.empty() ||
           !r.unified.empty() || (r.network && (r.network->class_id || !r.network->priorities.empty()));
}

std::vector<pid_t> pids_without_cgroup(pid_t init_pid) {
    std::vector<pid_t> out;
    struct stat init_ns {}, host_ns {};
    const std::string init_ns_path = "/proc/" + std::to_string(init_pid) + "/ns/pid";
    if (::stat(init_ns_path.c_str(), &init_ns) < 0) return out;
    if (::stat("/proc/self/ns/pid", &host_ns) == 0 && host_ns.st_ino == init_ns.st_ino &&
        host_ns.st_dev == init_ns.st_dev)
        return {init_pid};  // the host's pid namespace: only the init is known to be ours
    DIR* d = ::opendir("/proc");
    if (!d) throw_errno("open /proc");
    while (struct dirent* e = ::readdir(d)) {
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (pid <= 0 || (end && *end)) continue;
        struct stat st {};
        std::string path = "/proc/" + std::string(e->d_name) + "/ns/pid";
        if (::stat(path.c_str(), &st) == 0 && st.st_ino == init_ns.st_ino && st.st_dev == init_ns.st_dev)
            out.push_back(static_cast<pid_t>(pid));
    }
    ::closedir(d);
    return out;
}

}  // namespace wb::runtime
