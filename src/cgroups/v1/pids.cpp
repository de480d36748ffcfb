// pids: pids.max.
#include "cgroups/v1/controllers.hpp"

namespace wb::cgroups::v1 {

void apply_pids(const Files& f, const std::string& dir, const oci::Pids& p) {
    if (!p.limit) return;
    // Negative is "max"; 0 is a real limit, per runtime-spec and runc >= 1.4 (see v2/pids.cpp).
    f.write(dir, "pids.max", *p.limit < 0 ? "max" : std::to_string(*p.limit));
}

void stat_pids(const std::string& dir, Stats& s) {
    s.pids.current = read_u64(dir, "pids.current");
    s.pids.limit = read_u64(dir, "pids.max", 0);
}

}  // namespace wb::cgroups::v1
