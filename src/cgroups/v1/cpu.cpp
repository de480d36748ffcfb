// cpu: shares, CFS quota/period/burst, RT runtime/period, idle (runc's fs/cpu.go order).
#include "cgroups/v1/controllers.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::cgroups::v1 {

void apply_cpu(const Files& f, const std::string& dir, const oci::Cpu& c) {
    if (c.shares && *c.shares != 0) {
        f.write(dir, "cpu.shares", std::to_string(*c.shares));
        // The kernel clamps silently (2..262144): read back and say so, as runc does.
        uint64_t got = read_u64(dir, "cpu.shares");
        if (*c.shares > got) throw Error("the maximum allowed cpu-shares is " + std::to_string(got));
        if (*c.shares < got) throw Error("the minimum allowed cpu-shares is " + std::to_string(got));
    }
    int64_t quota = c.quota.value_or(0);
    // A new period below the current one can be refused (EINVAL) while the old quota is in
    // place; then set the quota first and the period after it. Same for the burst.
    std::string period, burst;
    if (c.period && *c.period != 0) {
        period = std::to_string(*c.period);
        int err = f.try_write(dir, "cpu.cfs_period_us", period);
        if (err && (err != EINVAL || quota == 0)) throw_errno("write cpu.cfs_period_us \"" + period + "\"", err);
        if (!err) period.clear();
    }
    if (c.burst) {
        burst = std::to_string(*c.burst);
        int err = f.try_write(dir, "cpu.cfs_burst_us", burst);
        if (err && (err != EINVAL || quota == 0)) throw_errno("write cpu.cfs_burst_us \"" + burst + "\"", err);
        if (!err) burst.clear();
    }
    if (quota != 0) {
        f.write(dir, "cpu.cfs_quota_us", std::to_string(quota));
        if (!period.empty()) f.write(dir, "cpu.cfs_period_us", period);
        if (!burst.empty()) f.write(dir, "cpu.cfs_burst_us", burst);
    }
    // Realtime: the period first, so the runtime fits in it.
    if (c.realtime_period && *c.realtime_period != 0)
        f.write(dir, "cpu.rt_period_us", std::to_string(*c.realtime_period));
    if (c.realtime_runtime && *c.realtime_runtime != 0)
        f.write(dir, "cpu.rt_runtime_us", std::to_string(*c.realtime_runtime));
    if (c.idle) {
        if (has_file(dir, "cpu.idle")) f.write(dir, "cpu.idle", std::to_string(*c.idle));
        else wb::log::warn("cpu.idle is not supported by this kernel; ignored");
    }
}

void stat_cpu_throttling(const std::string& dir, Stats& s) {
    auto st = read_flat_keyed(dir, "cpu.stat");
    s.cpu.periods = st["nr_periods"];
    s.cpu.throttled_periods = st["nr_throttled"];
    s.cpu.throttled_time = st["throttled_time"];  // already ns on v1
}

}  // namespace wb::cgroups::v1
