// Finding the v1 hierarchies.
#include <set>
#include <string_view>
#include <vector>

#include "cgroups/v1/controllers.hpp"
#include "util/fs.hpp"

namespace wb::cgroups::v1 {

static const std::set<std::string>& known_controllers() {
    static const std::set<std::string> k = {"cpu",     "cpuacct", "cpuset",  "memory",
                                            "devices", "freezer", "net_cls", "net_prio",
                                            "blkio",   "perf_event", "hugetlb", "pids",
                                            "rdma",    "misc"};
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
        // Views into the text, a line at a time; only cgroup v1 lines are taken apart (the
        // file is read on every command, and most of its lines are other mounts).
        std::vector<std::string_view> f;
        const std::string_view all = text;
        for (size_t pos = 0; pos < all.size();) {
            size_t eol = all.find('\n', pos);
            if (eol == std::string_view::npos) eol = all.size();
            const std::string_view line = all.substr(pos, eol - pos);
            pos = eol + 1;
            // The fstype follows the " - " separator; fields never hold a raw space.
            if (line.find(" - cgroup ") == std::string_view::npos) continue;
            f.clear();
            for (size_t p = 0; p < line.size();) {
                size_t end = line.find(' ', p);
                if (end == std::string_view::npos) end = line.size();
                if (end > p) f.push_back(line.substr(p, end - p));
                p = end + 1;
            }
            size_t dash = 0;
            while (dash < f.size() && f[dash] != "-") ++dash;
            if (dash < 5 || dash + 3 >= f.size()) continue;
            if (f[dash + 1] != "cgroup") continue;
            std::string mp = unescape(f[4]);
            if (mp.compare(0, base.size() + 1, base + "/") != 0) continue;
            for (const auto& opt : split(std::string(f[dash + 3]), ",")) {
                if (known_controllers().count(opt) || opt.compare(0, 5, "name=") == 0)
                    out.emplace(opt, Mount{mp, unescape(f[3])});
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
