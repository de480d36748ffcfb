// pids: pids.max.
#include "cgroups/v2/controllers.hpp"

namespace wb::cgroups::v2 {

void apply_pids(const Files& f, const std::string& dir, const oci::Pids& p) {
    if (!p.limit) return;
    // runtime-spec: a negative limit is "max" and 0 is a real limit (no new tasks). runc
    // treated 0 as "unset" until 1.4 (runc#4949); we follow the spec as runc does now.
    f.write(dir, "pids.max", *p.limit < 0 ? "max" : std::to_string(*p.limit));
}

void stat_pids(const std::string& dir, Stats& s) {
    if (has_file(dir, "pids.current")) {
        s.pids.current = read_u64(dir, "pids.current");
        s.pids.limit = read_u64(dir, "pids.max", 0);  // "max" reads as 0 = no limit
    } else {
        s.pids.current = read_procs_recursive(dir).size();  // controller not enabled
    }
}

}  // namespace wb::cgroups::v2
