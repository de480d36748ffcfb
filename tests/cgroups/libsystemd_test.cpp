// libsystemd is opened on first use (cgroups/systemd/libsystemd.hpp): either every sd-bus
// function the driver calls resolves, or the error is the driver's "not available" line.
#include <gtest/gtest.h>

#include <string>

#include "cgroups/systemd/libsystemd.hpp"
#include "util/error.hpp"

TEST(Libsystemd, LoadsEveryFunctionOrSaysSystemdIsNotAvailable) {
    try {
        const auto& l = wb::cgroups::systemd::libsystemd();
        EXPECT_NE(l.sd_bus_open_system, nullptr);
        EXPECT_NE(l.sd_bus_call_method, nullptr);
        EXPECT_NE(l.sd_bus_message_read, nullptr);
        EXPECT_NE(l.sd_bus_error_free, nullptr);
    } catch (const wb::Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind(
                      "systemd cgroup flag passed, but systemd support for managing cgroups is not available: ", 0),
                  0u)
            << e.what();
    }
}
