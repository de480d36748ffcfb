// cpuacct: usage (ns), per-CPU usage, user/system split (USER_HZ ticks -> ns).
#include <unistd.h>

#include "cgroups/v1/controllers.hpp"

namespace wb::cgroups::v1 {

void stat_cpuacct(const std::string& dir, Stats& s) {
    s.cpu.total = read_u64(dir, "cpuacct.usage");
    s.cpu.percpu.clear();
    for (const auto& v : split(read_opt(dir, "cpuacct.usage_percpu").value_or(""), " \n")) {
        try {
            s.cpu.percpu.push_back(std::stoull(v));
        } catch (const std::exception&) {
        }
    }
    long hz = ::sysconf(_SC_CLK_TCK);
    if (hz <= 0) hz = 100;
    auto st = read_flat_keyed(dir, "cpuacct.stat");
    const uint64_t ns_per_tick = 1000000000ULL / static_cast<uint64_t>(hz);
    s.cpu.user = st["user"] * ns_per_tick;
    s.cpu.kernel = st["system"] * ns_per_tick;
}

}  // namespace wb::cgroups::v1
