#include "linux/capabilities.hpp"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>

#include "child_process.hpp"
#include "linux/identity.hpp"

namespace wb::linux {
namespace {

using wb::testing::run_in_child;

constexpr uint64_t bit(int cap) { return uint64_t{1} << cap; }

// The hex mask of a "CapXxx:" line of /proc/self/status.
uint64_t status_mask(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with(key + ":")) return std::stoull(line.substr(key.size() + 1), nullptr, 16);
    return ~uint64_t{0};
}

// Collects what is logged while it lives.
class LogCapture {
public:
    LogCapture() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64)) {
        spdlog::default_logger()->sinks().push_back(sink_);
    }
    ~LogCapture() {
        auto& sinks = spdlog::default_logger()->sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    }
    std::vector<std::string> lines() { return sink_->last_formatted(); }

private:
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

TEST(LinuxCapabilities, NameTableRoundTrip) {
    const auto names = known_capability_names();
    ASSERT_FALSE(names.empty());
    EXPECT_EQ(static_cast<int>(names.size()), last_capability() + 1);
    for (size_t i = 0; i < names.size(); ++i) {
        EXPECT_TRUE(names[i].starts_with("CAP_")) << names[i];
        auto cap = capability_from_name(names[i]);
        ASSERT_TRUE(cap) << names[i];
        EXPECT_EQ(*cap, static_cast<int>(i)) << names[i];  // sorted by number
        EXPECT_EQ(capability_name(*cap), names[i]);
    }
    EXPECT_EQ(capability_from_name("CAP_CHOWN"), CAP_CHOWN);
    EXPECT_EQ(capability_from_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
    EXPECT_EQ(capability_from_name("CAP_NET_BIND_SERVICE"), CAP_NET_BIND_SERVICE);
    EXPECT_EQ(capability_from_name("CAP_AUDIT_READ"), CAP_AUDIT_READ);
}

TEST(LinuxCapabilities, UnknownNames) {
    EXPECT_FALSE(capability_from_name("CAP_FOO"));
    EXPECT_FALSE(capability_from_name("cap_chown"));  // exact case, as runc
    EXPECT_FALSE(capability_from_name("CHOWN"));
    EXPECT_FALSE(capability_from_name("21"));
    EXPECT_FALSE(capability_from_name(""));
    EXPECT_FALSE(capability_name(63));
    EXPECT_FALSE(capability_name(-1));
}

TEST(LinuxCapabilities, ResolveMasksAndWarnOnce) {
    oci::Capabilities caps;
    caps.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_FOO"};
    caps.effective = {"CAP_KILL", "CAP_BAR"};
    caps.permitted = {"CAP_KILL", "CAP_FOO"};
    caps.ambient = std::vector<std::string>{};
    LogCapture log;
    const auto sets = resolve_capabilities(caps);
    EXPECT_EQ(sets.bounding, bit(CAP_CHOWN) | bit(CAP_KILL));
    EXPECT_EQ(sets.effective, bit(CAP_KILL));
    EXPECT_EQ(sets.permitted, bit(CAP_KILL));
    EXPECT_EQ(sets.inheritable, 0u);
    EXPECT_EQ(sets.ambient, 0u);
    EXPECT_TRUE(sets.has_bounding);
    EXPECT_TRUE(sets.has_ambient);
    EXPECT_FALSE(sets.has_inheritable);
    const auto lines = log.lines();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("ignoring unknown or unavailable capabilities: [CAP_BAR CAP_FOO]"),
              std::string::npos)
        << lines[0];
}

TEST(LinuxCapabilities, CapabilityList) {
    EXPECT_EQ(capability_list(0), "[]");
    EXPECT_EQ(capability_list(bit(CAP_CHOWN) | bit(CAP_KILL)), "[CAP_CHOWN CAP_KILL]");
}

TEST(LinuxCapabilities, DropBoundingSetInChild) {
    const uint64_t host = status_mask("CapBnd");
    int code = run_in_child([host] {
        CapabilitySets sets;
        sets.bounding = bit(CAP_CHOWN) | bit(CAP_KILL) | bit(CAP_NET_BIND_SERVICE) | bit(CAP_SETPCAP);
        sets.has_bounding = true;
        drop_bounding_set(sets);
        if (status_mask("CapBnd") != (sets.bounding & host)) return 1;
        // Dropping again is a no-op.
        drop_bounding_set(sets);
        return status_mask("CapBnd") == (sets.bounding & host) ? 0 : 2;
    });
    EXPECT_EQ(code, 0);
}

TEST(LinuxCapabilities, FullSequenceAsNonRootInChild) {
    int code = run_in_child([] {
        oci::Capabilities caps;
        caps.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
        caps.effective = {"CAP_CHOWN", "CAP_NET_BIND_SERVICE"};
        caps.permitted = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
        caps.inheritable = {"CAP_NET_BIND_SERVICE"};
        caps.ambient = {"CAP_NET_BIND_SERVICE"};
        const auto sets = resolve_capabilities(caps);
        drop_bounding_set(sets);
        oci::User user;
        user.uid = 1000;
        user.gid = 1000;
        switch_user(user);
        apply_capabilities(sets);
        if (getuid() != 1000) return 1;
        if (status_mask("CapBnd") != sets.bounding) return 2;
        if (status_mask("CapPrm") != sets.permitted) return 3;
        if (status_mask("CapEff") != sets.effective) return 4;
        if (status_mask("CapInh") != sets.inheritable) return 5;
        if (status_mask("CapAmb") != bit(CAP_NET_BIND_SERVICE)) return 6;
        return 0;
    });
    EXPECT_EQ(code, 0);
}

TEST(LinuxCapabilities, NoCapabilitiesObjectDropsEverything) {
    int code = run_in_child([] {
        const auto sets = resolve_capabilities(oci::Capabilities{});
        drop_bounding_set(sets);
        apply_capabilities(sets);
        return status_mask("CapBnd") == 0 && status_mask("CapPrm") == 0 &&
                       status_mask("CapEff") == 0
                   ? 0
                   : 1;
    });
    EXPECT_EQ(code, 0);
}

TEST(LinuxCapabilities, UnavailableCapabilityIsWarnedNotFatal) {
    int code = run_in_child([] {
        // Lose CAP_KILL from the permitted set first; asking for it again must not fail.
        CapabilitySets first;
        first.permitted = first.effective = ~bit(CAP_KILL) & ((uint64_t{2} << last_capability()) - 1);
        apply_capabilities(first);
        if (status_mask("CapPrm") & bit(CAP_KILL)) return 1;
        CapabilitySets second;
        second.permitted = second.effective = bit(CAP_KILL) | bit(CAP_CHOWN);
        LogCapture log;
        apply_capabilities(second);
        if (status_mask("CapPrm") != bit(CAP_CHOWN)) return 2;
        for (const auto& line : log.lines())
            if (line.find("ignoring unknown or unavailable capabilities: [CAP_KILL]") !=
                std::string::npos)
                return 0;
        return 3;
    });
    EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace wb::linux
