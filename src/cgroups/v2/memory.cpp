// memory: memory.max / memory.low / memory.swap.max (runc's fs2/memory.go semantics).
#include <limits>

#include "cgroups/v2/controllers.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::cgroups::v2 {

// -1 is "max" (what v1 used to remove a limit); 0 means "not set" as in runc.
static std::string limit_value(int64_t v) { return v == -1 ? "max" : std::to_string(v); }

// OCI swap is memory+swap (the v1 memsw value); v2 wants swap alone (controllers.hpp).
int64_t swap_only(int64_t swap, int64_t limit) {
    if (limit == -1 && swap == 0) return -1;  // unlimited memory, swap unset: both unlimited
    if (swap == -1 || swap == 0) return swap;
    if (limit == -1) return swap;
    if (limit == 0) throw Error("unable to set swap limit without memory limit");
    if (limit < 0) throw Error("invalid memory value: " + std::to_string(limit));
    if (swap < limit) throw Error("memory+swap limit should be >= memory limit");
    return swap - limit;
}

void apply_memory(const Files& f, const std::string& dir, const oci::Memory& m) {
    if (m.kernel || m.kernel_tcp) wb::log::warn("Kernel memory settings are ignored and will be removed");
    if (m.swappiness) wb::log::warn("memory.swappiness is not supported on cgroup v2; ignored");
    if (m.disable_oom_killer.value_or(false))
        wb::log::warn("disableOOMKiller is not supported on cgroup v2; ignored");
    int64_t limit = m.limit.value_or(0), swap = m.swap.value_or(0);
    int64_t reservation = m.reservation.value_or(0);
    if (limit == 0 && swap == 0 && reservation == 0) return;

    int64_t s = swap_only(swap, limit);
    // swap == limit gives 0: no swap at all. An unset swap (0 from 0) writes nothing.
    if (s != 0 || swap > 0) {
        std::string v = limit_value(s);
        int err = f.try_write(dir, "memory.swap.max", v);
        // Without swap accounting the file is missing: "max" and "0" are then no-ops.
        if (err && !(err == ENOENT && (v == "max" || v == "0")))
            throw_errno("write memory.swap.max \"" + v + "\"", err);
    }
    if (limit != 0) f.write(dir, "memory.max", limit_value(limit));
    if (reservation != 0) f.write(dir, "memory.low", limit_value(reservation));
}

void stat_memory(const std::string& dir, Stats& s) {
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    auto& m = s.memory;
    m.raw = read_flat_keyed(dir, "memory.stat");
    m.usage = read_u64(dir, "memory.current");
    m.limit = read_u64(dir, "memory.max", kMax);
    m.max_usage = read_u64(dir, "memory.peak");  // kernel >= 5.19
    m.failcnt = read_flat_keyed(dir, "memory.events")["max"];
    // As runc: report swap as memory+swap, the v1 meaning.
    m.swap_usage = read_u64(dir, "memory.swap.current") + m.usage;
    uint64_t swap_max = read_u64(dir, "memory.swap.max", kMax);
    m.swap_limit = (swap_max == kMax || m.limit == kMax) ? kMax : swap_max + m.limit;
}

uint64_t oom_kills(const std::string& dir) {
    return read_flat_keyed(dir, "memory.events")["oom_kill"];
}

}  // namespace wb::cgroups::v2
