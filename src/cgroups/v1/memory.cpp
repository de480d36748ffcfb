// memory: limit_in_bytes, memsw.limit_in_bytes, soft_limit_in_bytes, swappiness,
// oom_control (runc's fs/memory.go semantics, including the write order).
#include "cgroups/v1/controllers.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::cgroups::v1 {

static void set_limit(const Files& f, const std::string& dir, int64_t limit) {
    if (limit == 0) return;
    std::string v = std::to_string(limit);
    if (int err = f.try_write(dir, "memory.limit_in_bytes", v)) {
        std::string msg = "write memory.limit_in_bytes \"" + v + "\"";
        if (err == EBUSY)  // below current usage: say how much is used
            msg += " (current usage: " + std::to_string(read_u64(dir, "memory.usage_in_bytes")) +
                   ", peak usage: " + std::to_string(read_u64(dir, "memory.max_usage_in_bytes")) + ")";
        throw_errno(msg, err);
    }
}

static void set_swap(const Files& f, const std::string& dir, int64_t swap) {
    if (swap != 0) f.write(dir, "memory.memsw.limit_in_bytes", std::to_string(swap));
}

void apply_memory(const Files& f, const std::string& dir, const oci::Memory& m) {
    if (m.kernel || m.kernel_tcp) wb::log::warn("Kernel memory settings are ignored and will be removed");
    int64_t limit = m.limit.value_or(0), swap = m.swap.value_or(0);
    // Unlimited memory with swap unset means unlimited swap too (when swap is accounted).
    if (limit == -1 && swap == 0 && has_file(dir, "memory.memsw.limit_in_bytes")) swap = -1;
    // The kernel wants memory <= memory+swap at every step: when raising, swap goes first.
    bool swap_first = false;
    if (limit != 0 && swap != 0) {
        uint64_t current = read_u64(dir, "memory.limit_in_bytes");
        swap_first = swap == -1 || current < static_cast<uint64_t>(swap);
    }
    if (swap_first) {
        set_swap(f, dir, swap);
        set_limit(f, dir, limit);
    } else {
        set_limit(f, dir, limit);
        set_swap(f, dir, swap);
    }
    if (m.reservation && *m.reservation != 0)
        f.write(dir, "memory.soft_limit_in_bytes", std::to_string(*m.reservation));
    if (m.disable_oom_killer.value_or(false)) f.write(dir, "memory.oom_control", "1");
    if (m.swappiness) {
        if (*m.swappiness > 100)
            throw Error("invalid value:" + std::to_string(*m.swappiness) +
                        ". valid memory swappiness range is 0-100");
        f.write(dir, "memory.swappiness", std::to_string(*m.swappiness));
    }
}

void stat_memory(const std::string& dir, Stats& s) {
    auto& m = s.memory;
    m.usage = read_u64(dir, "memory.usage_in_bytes");
    m.max_usage = read_u64(dir, "memory.max_usage_in_bytes");
    m.limit = read_u64(dir, "memory.limit_in_bytes");
    m.failcnt = read_u64(dir, "memory.failcnt");
    m.swap_usage = read_u64(dir, "memory.memsw.usage_in_bytes");  // memory+swap, v1 meaning
    m.swap_limit = read_u64(dir, "memory.memsw.limit_in_bytes");
    m.raw = read_flat_keyed(dir, "memory.stat");
}

uint64_t oom_kills(const std::string& dir) {
    return read_flat_keyed(dir, "memory.oom_control")["oom_kill"];
}

}  // namespace wb::cgroups::v1
