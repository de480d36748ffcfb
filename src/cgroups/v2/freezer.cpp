// freezer: cgroup.freeze, then wait for cgroup.events to say "frozen 1".
#include <chrono>
#include <thread>

#include "cgroups/v2/controllers.hpp"
#include "util/error.hpp"

namespace wb::cgroups::v2 {

static bool wait_frozen(const std::string& dir, bool want) {
    if (!has_file(dir, "cgroup.events")) return true;  // kernel < 5.2: nothing to wait on
    auto delay = std::chrono::microseconds(100);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
        if (read_flat_keyed(dir, "cgroup.events")["frozen"] == (want ? 1u : 0u)) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(delay);
        if (delay < std::chrono::milliseconds(10)) delay *= 2;
    }
}

void freeze(const Files& f, const std::string& dir) {
    f.write(dir, "cgroup.freeze", "1");
    if (!wait_frozen(dir, true)) {
        f.try_write(dir, "cgroup.freeze", "0");
        throw Error("freeze " + dir + ": timed out waiting for cgroup.events \"frozen 1\"");
    }
}

void thaw(const Files& f, const std::string& dir) {
    f.write(dir, "cgroup.freeze", "0");
    if (!wait_frozen(dir, false))
        throw Error("thaw " + dir + ": timed out waiting for cgroup.events \"frozen 0\"");
}

bool is_frozen(const std::string& dir) {
    if (auto v = read_opt(dir, "cgroup.freeze")) return *v == "1";
    return false;
}

}  // namespace wb::cgroups::v2
