#include "linux/capabilities.hpp"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "child_process.hpp"
#include "error_of.hpp"
#include "linux/identity.hpp"
#include "linux/syscalls.hpp"
#include "recording_syscalls.hpp"

namespace wb::linux {
namespace {

using wb::testing::error_of;
using wb::testing::RecordingSyscalls;
using wb::testing::run_in_child;
using wb::testing::with_errno;

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

TEST(LinuxCapabilities, UnavailableCapabilityIsAnError) {
    int code = run_in_child([] {
        // Lose CAP_KILL from the permitted set first; asking for it again is an error (as
        // runc's capset: "unable to apply caps: operation not permitted"), never dropped.
        // (What this process holds, less CAP_KILL: the host's root may lack some already.)
        CapabilitySets first;
        first.permitted = first.effective = status_mask("CapPrm") & ~bit(CAP_KILL);
        apply_capabilities(first);
        if (status_mask("CapPrm") & bit(CAP_KILL)) return 1;
        CapabilitySets second;
        second.permitted = second.effective = bit(CAP_KILL) | bit(CAP_CHOWN);
        try {
            apply_capabilities(second);
        } catch (const Error& e) {
            if (e.code() != EPERM) return 2;
            if (std::string(e.what()).find("unable to apply caps: [CAP_KILL]") == std::string::npos) return 3;
            return status_mask("CapPrm") & bit(CAP_KILL) ? 4 : 0;
        }
        return 5;
    });
    EXPECT_EQ(code, 0);
}

// ---- the kernel calls, with the recording double --------------------------------------

std::string hex(uint64_t v) {
    char b[32];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}
std::string prctl_line(int option, uint64_t a2 = 0) {
    return "prctl(" + std::to_string(option) + ", " + hex(a2) + ", 0x0, 0x0, 0x0)";
}
// The calls without the PR_CAPBSET_READ probes.
std::vector<std::string> without_reads(const std::vector<std::string>& calls) {
    std::vector<std::string> out;
    const std::string read = "prctl(" + std::to_string(PR_CAPBSET_READ) + ",";
    for (const auto& c : calls)
        if (!c.starts_with(read)) out.push_back(c);
    return out;
}

TEST(LinuxCapabilities, BoundingDropsEveryOtherCapabilityInNumberOrder) {
    RecordingSyscalls rec;
    rec.cap_bounding = ~bit(CAP_SYS_MODULE);  // already gone: not dropped again
    ScopedSyscalls scoped(rec);
    CapabilitySets sets;
    sets.bounding = bit(CAP_CHOWN) | bit(CAP_KILL) | bit(CAP_AUDIT_READ);
    drop_bounding_set(sets);
    std::vector<std::string> expected;
    for (int cap = 0; cap <= last_capability(); ++cap)
        if (!(sets.bounding & bit(cap)) && cap != CAP_SYS_MODULE) expected.push_back(prctl_line(PR_CAPBSET_DROP, cap));
    EXPECT_EQ(without_reads(rec.calls), expected);
    EXPECT_EQ(rec.cap_bounding & ((uint64_t{2} << last_capability()) - 1), sets.bounding);
}

TEST(LinuxCapabilities, BoundingDropFailureNamesTheCapability) {
    RecordingSyscalls rec;
    rec.fail("prctl", EPERM, prctl_line(PR_CAPBSET_DROP, CAP_SYS_ADMIN));
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(error_of([] { drop_bounding_set(CapabilitySets{}); }),
              with_errno("drop CAP_SYS_ADMIN from bounding set", EPERM));
}

TEST(LinuxCapabilities, CapsetThenAmbientClearThenRaise) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    CapabilitySets sets;
    sets.permitted = bit(CAP_CHOWN) | bit(CAP_KILL) | bit(CAP_NET_BIND_SERVICE) | bit(CAP_AUDIT_READ);
    sets.effective = bit(CAP_CHOWN) | bit(CAP_NET_BIND_SERVICE) | bit(CAP_AUDIT_READ);
    sets.inheritable = bit(CAP_NET_BIND_SERVICE);
    sets.ambient = bit(CAP_NET_BIND_SERVICE);
    apply_capabilities(sets);
    // capset's halves: bits 0-31, then 32-63 (CAP_AUDIT_READ is 37).
    EXPECT_EQ(without_reads(rec.calls),
              (std::vector<std::string>{"capget()", "capset(0x401,0x20, 0x421,0x20, 0x400,0x0)",
                                        prctl_line(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL),
                                        "prctl(" + std::to_string(PR_CAP_AMBIENT) + ", " +
                                            hex(PR_CAP_AMBIENT_RAISE) + ", " + hex(CAP_NET_BIND_SERVICE) +
                                            ", 0x0, 0x0)"}));
}

TEST(LinuxCapabilities, WhatTheProcessLacksIsAnErrorBeforeCapset) {
    RecordingSyscalls rec;
    rec.cap_permitted = ~bit(CAP_KILL);
    rec.cap_bounding = ~bit(CAP_NET_RAW);
    ScopedSyscalls scoped(rec);
    CapabilitySets sets;
    sets.permitted = sets.effective = bit(CAP_CHOWN) | bit(CAP_KILL);
    sets.inheritable = bit(CAP_NET_RAW) | bit(CAP_CHOWN);  // not in bounding, not inheritable
    sets.ambient = bit(CAP_KILL);                            // not permitted
    EXPECT_EQ(error_of([&] { apply_capabilities(sets); }),
              with_errno("unable to apply caps: [CAP_KILL CAP_NET_RAW] not in the runtime's own permitted or "
                         "bounding set",
                         EPERM));
    EXPECT_TRUE(rec.named("capset").empty());
}

TEST(LinuxCapabilities, AmbientLeftOutOfInheritableIsNotAnError) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    CapabilitySets sets;
    sets.permitted = sets.effective = sets.ambient = bit(CAP_KILL);  // inheritable not asked for
    apply_capabilities(sets);
    EXPECT_EQ(rec.named("capset"), (std::vector<std::string>{"capset(0x20,0x0, 0x20,0x0, 0x0,0x0)"}));
}

TEST(LinuxCapabilities, CapsetAndAmbientErrors) {
    CapabilitySets sets;
    sets.permitted = sets.effective = sets.inheritable = sets.ambient = bit(CAP_NET_BIND_SERVICE);
    {
        RecordingSyscalls rec;
        rec.fail("capget", EFAULT);
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([&] { apply_capabilities(sets); }), with_errno("capget", EFAULT));
    }
    {
        RecordingSyscalls rec;
        rec.fail("capset", EPERM);
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([&] { apply_capabilities(sets); }), with_errno("capset", EPERM));
        EXPECT_TRUE(rec.named("prctl").size() == static_cast<size_t>(last_capability() + 1));  // reads only
    }
    const std::string ambient = "prctl(" + std::to_string(PR_CAP_AMBIENT) + ", ";
    {
        RecordingSyscalls rec;
        rec.fail("prctl", EPERM, ambient + hex(PR_CAP_AMBIENT_RAISE));
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([&] { apply_capabilities(sets); }),
                  with_errno("raise ambient capability [CAP_NET_BIND_SERVICE]", EPERM));
    }
    {
        RecordingSyscalls rec;
        rec.fail("prctl", EPERM, ambient + hex(PR_CAP_AMBIENT_CLEAR_ALL));
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([&] { apply_capabilities(sets); }), with_errno("clear ambient capabilities", EPERM));
    }
    {
        // EINVAL: a kernel without ambient capabilities; neither step is an error then.
        RecordingSyscalls rec;
        rec.fail("prctl", EINVAL, ambient, -1);
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([&] { apply_capabilities(sets); }), "");
    }
}

// The identity part of the init, in runc's order (process/process_setup.cpp's
// enter_identity): bounding set while still root, then the user, then capset and ambient.
TEST(LinuxCapabilities, IdentityOrderBoundingUserCapsetAmbient) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    oci::Capabilities caps;
    caps.bounding = caps.permitted = caps.effective = caps.inheritable = caps.ambient =
        std::vector<std::string>{"CAP_NET_BIND_SERVICE"};
    const auto sets = resolve_capabilities(caps);
    oci::User user;
    user.uid = user.gid = 1000;
    drop_bounding_set(sets);
    switch_user(user);
    apply_capabilities(sets);
    auto calls = without_reads(rec.calls);
    auto name = [](const std::string& line) { return line.substr(0, line.find('(')); };
    std::vector<std::string> steps;
    const std::string drop = prctl_line(PR_CAPBSET_DROP).substr(0, 9);
    for (const auto& c : calls) {
        std::string step = c.starts_with(drop) ? "drop-bounding" : name(c);
        if (step == "prctl") step = c.starts_with("prctl(" + std::to_string(PR_SET_KEEPCAPS) + ",") ? "keepcaps" : "ambient";
        if (steps.empty() || steps.back() != step) steps.push_back(step);
    }
    EXPECT_EQ(steps, (std::vector<std::string>{"drop-bounding", "setgroups", "keepcaps", "setresgid", "setresuid",
                                               "keepcaps", "capget", "capset", "ambient"}));
}

}  // namespace
}  // namespace wb::linux
