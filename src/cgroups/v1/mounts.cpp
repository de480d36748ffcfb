// Finding the v1 hierarchies.
#include <set>
#include <string_view>
#include <vector>

#include "cgroups/v1/controllers.hpp"
#include "util/fs.hpp"

namespace wb::cgroups::v1 {

static const std::set<std::string, std::less<>>& known_controllers() {
    static const std::set<std::string, std::less<>> k = {
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls",
        "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc"};
    return k;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
static std::string unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            int v = 0;
            bool ok = true;
            for (size_t k = 1; k <= 3; ++k) {
                char c = s[i + k];
                if (c < '0' || c > '7') ok = false;
                else v = v * 8 + (c - '0');
            }
            if (ok) {
                out += static_cast<char>(v);
                i += 3;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

std::map<std::string, Mount> find_mounts(const Options& options) {
    std::map<std::string, Mount> out;
    std::string base = clean_path(options.mountpoint);
    std::string text;
    if (fs::try_read_file(options.proc_self_mountinfo, text)) {
        // Views into the text; only cgroup v1 lines are taken apart (the file is read on
        // every command, and most of its lines are other mounts).
        for (std::string_view line : split_views(text, "\n")) {
            // The fstype follows the " - " separator; fields never hold a raw space.
            if (line.find(" - cgroup ") == std::string_view::npos) continue;
            const auto f = split_views(line, " ");
            size_t dash = 0;
            while (dash < f.size() && f[dash] != "-") ++dash;
            if (dash < 5 || dash + 3 >= f.size()) continue;
            if (f[dash + 1] != "cgroup") continue;
            std::string mp = unescape(f[4]);
            if (mp.compare(0, base.size() + 1, base + "/") != 0) continue;
            for (std::string_view opt : split_views(f[dash + 3], ",")) {
                if (known_controllers().count(opt) || opt.starts_with("name="))
                    out.emplace(std::string(opt), Mount{mp, unescape(f[3])});
            }
        }
    }
    if (!out.empty()) return out;
    for (const auto& name : list_subdirs(base)) {
        if (name == "unified") continue;
        if (name == "systemd") {
            out.emplace("name=systemd", Mount{fs::join(base, name), "/"});
            continue;
        }
        for (const auto& c : split(name, ","))
            if (known_controllers().count(c)) out.emplace(c, Mount{fs::join(base, name), "/"});
    }
    return out;
}

}  // namespace wb::cgroups::v1
