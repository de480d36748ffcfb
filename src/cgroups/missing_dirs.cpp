#include "cgroups/missing_dirs.hpp"

#include <unistd.h>

#include <algorithm>
#include <set>

#include "cgroups/files.hpp"

namespace wb::cgroups {

std::vector<std::string> missing_dirs(const Manager& m) {
    std::vector<std::string> out;
    std::set<std::string> seen;  // co-mounted controllers (cpu,cpuacct) share a directory
    for (const auto& [controller, dir] : m.controller_paths()) {
        std::vector<std::string> chain;
        for (std::string cur = clean_path(dir); cur != "/" && cur != "." && ::access(cur.c_str(), F_OK) != 0;
             cur = parent_path(cur))
            chain.push_back(cur);
        std::reverse(chain.begin(), chain.end());
        for (auto& d : chain)
            if (seen.insert(d).second) out.push_back(std::move(d));
    }
    return out;
}

}  // namespace wb::cgroups
