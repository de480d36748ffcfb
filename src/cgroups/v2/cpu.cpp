// cpu: cpu.weight (from shares), cpu.max, cpu.max.burst, cpu.idle (runc's fs2/cpu.go).
#include "cgroups/v2/controllers.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::cgroups::v2 {

void apply_cpu(const Files& f, const std::string& dir, const oci::Cpu& c) {
    if (c.realtime_runtime || c.realtime_period)
        throw Error("realtime scheduling (cpu.realtimeRuntime/realtimePeriod) is not supported on cgroup v2");
    if (c.idle) f.write(dir, "cpu.idle", std::to_string(*c.idle));
    if (c.shares && *c.shares != 0)
        f.write(dir, "cpu.weight", std::to_string(cpu_shares_to_weight(*c.shares)));

    int64_t quota = c.quota.value_or(0);
    uint64_t period = c.period.value_or(0);
    bool retry_burst = false;
    std::string burst;
    if (c.burst) {
        burst = std::to_string(*c.burst);
        int err = f.try_write(dir, "cpu.max.burst", burst);
        // A burst above the current quota is refused (EINVAL); when the quota is about to
        // change, try again after it.
        if (err == EINVAL && quota != 0) retry_burst = true;
        else if (err) throw_errno("write cpu.max.burst \"" + burst + "\"", err);
    }
    if (quota != 0 || period != 0) {
        // "max" for no quota; the period only when given (the kernel keeps the current
        // one, 100000 by default), as runc writes it.
        std::string v = quota > 0 ? std::to_string(quota) : "max";
        if (period != 0) v.append(1, ' ').append(std::to_string(period));
        f.write(dir, "cpu.max", v);
    }
    if (retry_burst) f.write(dir, "cpu.max.burst", burst);
}

void stat_cpu(const std::string& dir, Stats& s) {
    auto st = read_flat_keyed(dir, "cpu.stat");
    s.cpu.total = st["usage_usec"] * 1000;
    s.cpu.user = st["user_usec"] * 1000;
    s.cpu.kernel = st["system_usec"] * 1000;
    s.cpu.periods = st["nr_periods"];
    s.cpu.throttled_periods = st["nr_throttled"];
    s.cpu.throttled_time = st["throttled_usec"] * 1000;
}

}  // namespace wb::cgroups::v2
