// freezer: freezer.state FROZEN / THAWED, waiting until the state is reached.
#include <chrono>
#include <thread>

#include "cgroups/v1/controllers.hpp"
#include "util/error.hpp"

namespace wb::cgroups::v1 {

void freeze(const Files& f, const std::string& dir) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (int i = 0;; ++i) {
        // Writing FROZEN again nudges tasks that were mid-fork when freezing started.
        if (i % 50 == 0) f.write(dir, "freezer.state", "FROZEN");
        if (read_opt(dir, "freezer.state").value_or("") == "FROZEN") return;
        if (std::chrono::steady_clock::now() > deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    f.try_write(dir, "freezer.state", "THAWED");
    throw Error("freeze " + dir + ": timed out waiting for freezer.state FROZEN");
}

void thaw(const Files& f, const std::string& dir) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    f.write(dir, "freezer.state", "THAWED");
    while (read_opt(dir, "freezer.state").value_or("THAWED") != "THAWED") {
        if (std::chrono::steady_clock::now() > deadline)
            throw Error("thaw " + dir + ": timed out waiting for freezer.state THAWED");
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

bool is_frozen(const std::string& dir) {
    auto s = read_opt(dir, "freezer.state").value_or("");
    return s == "FROZEN";
}

}  // namespace wb::cgroups::v1
