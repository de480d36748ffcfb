#include "lite/lifecycle_spec.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>

#include "linux/rootless.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {
namespace {

linux::SubIdRange first_range(const std::string& file, const std::string& name) {
    std::string text;
    if (!fs::try_read_file(file, text)) throw Error("--userns remap:" + name + ": cannot read " + file);
    // No numeric match: the entry is looked up by name only.
    auto ranges = linux::subid_ranges(text, name, UINT64_MAX);
    if (ranges.empty() || ranges.front().count == 0)
        throw Error("--userns remap:" + name + ": no subordinate range for \"" + name + "\" in " + file +
                    " (add a line \"" + name + ":100000:65536\", as dockerd's userns-remap has for dockremap)");
    return ranges.front();
}

}  // namespace

std::string init_binary_path() {
    char self[PATH_MAX] = {};
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) throw_errno("readlink /proc/self/exe");
    std::string dir(self, static_cast<size_t>(n));
    dir = dir.substr(0, dir.rfind('/'));
    std::string path = dir + "/whalebox-lite-init";
    if (::access(path.c_str(), X_OK) != 0)
        throw Error("--init: " + path + " is missing (it is built and installed with whalebox-lite)");
    return path;
}

IdRange subordinate_range(const std::string& name) {
    linux::SubIdRange uid = first_range("/etc/subuid", name), gid = first_range("/etc/subgid", name);
    IdRange r;
    r.uid_start = static_cast<uint32_t>(uid.start);
    r.gid_start = static_cast<uint32_t>(gid.start);
    r.size = static_cast<uint32_t>(std::min<uint64_t>({uid.count, gid.count, 65536}));
    if (uid.start + r.size > UINT32_MAX || gid.start + r.size > UINT32_MAX)
        throw Error("--userns remap:" + name + ": the subordinate range is out of bounds");
    return r;
}

void prepare_lifecycle(LifecycleSettings& s, const Layout& layout) {
    if (s.userns.rfind("remap:", 0) != 0) return;
    s.userns_range = subordinate_range(s.userns.substr(6));
    for (const auto& dir : {layout.root, layout.containers_dir()}) {
        struct stat st {};
        if (::stat(dir.c_str(), &st) < 0) throw_errno("stat " + dir);
        if ((st.st_mode & 0011) != 0011 && ::chmod(dir.c_str(), (st.st_mode & 07777) | 0011) < 0)
            throw_errno("chmod " + dir);
    }
}

void apply_lifecycle_to_spec(oci::Spec& spec, const LifecycleSettings& s) {
    if (s.init) {
        oci::Mount m;
        m.destination = kInitPathInContainer;
        m.type = "bind";
        m.source = init_binary_path();
        m.options = {"bind", "ro", "nosuid", "nodev"};
        spec.mounts.push_back(m);
        auto& args = spec.process->args;
        args.insert(args.begin(), {kInitPathInContainer, "--"});
    }
    if (s.userns_range.size > 0) {
        oci::Linux& lx = *spec.linux;
        lx.namespaces.push_back(oci::Namespace{"user", ""});
        // The cgroup file system may only be mounted from a cgroup namespace the new user
        // namespace owns.
        lx.namespaces.push_back(oci::Namespace{"cgroup", ""});
        lx.uid_mappings = {oci::IdMapping{0, s.userns_range.uid_start, s.userns_range.size}};
        lx.gid_mappings = {oci::IdMapping{0, s.userns_range.gid_start, s.userns_range.size}};
    }
}

}  // namespace wb::lite
