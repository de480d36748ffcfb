// The parsers and decisions behind logs --since/--until/-n and run --restart,
// --stop-signal, --stop-timeout (lite/log_query.hpp, lite/lifecycle_options.hpp).
#include <gtest/gtest.h>
#include <signal.h>

#include "lite/lifecycle_options.hpp"
#include "lite/log_query.hpp"
#include "util/error.hpp"

namespace wb::lite {
namespace {

constexpr int64_t kNs = 1000000000;

TEST(LogQuery, RfcTimesWithZonesAndFractions) {
    EXPECT_EQ(parse_rfc3339_ns("1970-01-01T00:00:01Z"), kNs);
    EXPECT_EQ(parse_rfc3339_ns("1970-01-01T00:00:01.5Z"), kNs + kNs / 2);
    EXPECT_EQ(parse_rfc3339_ns("2026-12-06T04:05:06.123456789Z"), int64_t{1796529906} * kNs + 123456789);
    EXPECT_EQ(parse_rfc3339_ns("1970-01-01T01:00:01+01:00"), kNs);
    EXPECT_EQ(parse_rfc3339_ns("1969-12-31T23:00:01-01:00"), kNs);
    EXPECT_FALSE(parse_rfc3339_ns("1970-01-01T00:00Z"));
    EXPECT_FALSE(parse_rfc3339_ns("yesterday"));
}

TEST(LogQuery, DockerTimeForms) {
    const int64_t now = int64_t{1796529906} * kNs;
    EXPECT_EQ(parse_log_time("10m", now), now - 600 * kNs);
    EXPECT_EQ(parse_log_time("1h30m", now), now - 5400 * kNs);
    EXPECT_EQ(parse_log_time("2.5s", now), now - 2500000000);
    EXPECT_EQ(parse_log_time("1796529906", now), now);
    EXPECT_EQ(parse_log_time("1796529906.25", now), now + kNs / 4);
    EXPECT_EQ(parse_log_time("0", now), 0);
    EXPECT_EQ(parse_log_time("2026-12-06T04:05:06Z", now), now);
    EXPECT_EQ(parse_log_time("2026-12-06T05:05:06+01:00", now), now);
    EXPECT_THROW(parse_log_time("yesterday", now), Error);
    EXPECT_THROW(parse_log_time("10x", now), Error);
    EXPECT_THROW(parse_log_time("2026-13-01", now), Error);
}

TEST(LogQuery, Tail) {
    EXPECT_EQ(parse_tail("all"), -1);
    EXPECT_EQ(parse_tail("3"), 3);
    EXPECT_EQ(parse_tail("0"), 0);
    EXPECT_EQ(parse_tail("-1"), -1);
    EXPECT_THROW(parse_tail("x"), Error);
    EXPECT_THROW(parse_tail(""), Error);
}

TEST(Lifecycle, RestartPolicies) {
    EXPECT_EQ(parse_restart_policy("no").name, "no");
    EXPECT_EQ(parse_restart_policy("always").name, "always");
    EXPECT_EQ(parse_restart_policy("unless-stopped").name, "unless-stopped");
    RestartPolicy p = parse_restart_policy("on-failure:3");
    EXPECT_EQ(p.name, "on-failure");
    EXPECT_EQ(p.max_retries, 3);
    EXPECT_EQ(restart_policy_text(p), "on-failure:3");
    EXPECT_EQ(parse_restart_policy("on-failure").max_retries, 0);
    EXPECT_THROW(parse_restart_policy("always:2"), Error);
    EXPECT_THROW(parse_restart_policy("sometimes"), Error);
    EXPECT_THROW(parse_restart_policy("on-failure:x"), Error);
}

TEST(Lifecycle, ShouldRestart) {
    LifecycleSettings s;
    EXPECT_FALSE(should_restart(s, 1));
    s.restart = parse_restart_policy("on-failure:2");
    EXPECT_FALSE(should_restart(s, 0));
    EXPECT_TRUE(should_restart(s, 3));
    s.restart_count = 2;
    EXPECT_FALSE(should_restart(s, 3));
    s.restart = parse_restart_policy("always");
    EXPECT_TRUE(should_restart(s, 0));
    s.manually_stopped = true;
    EXPECT_FALSE(should_restart(s, 0));
}

TEST(Lifecycle, BackOffDoublesUpToAMinute) {
    EXPECT_EQ(restart_delay_ms(0), 100);
    EXPECT_EQ(restart_delay_ms(1), 200);
    EXPECT_EQ(restart_delay_ms(3), 800);
    EXPECT_EQ(restart_delay_ms(20), 60000);
}

TEST(Lifecycle, StopSignalAndTimeout) {
    LifecycleSettings s;
    EXPECT_EQ(stop_signal_of(s), SIGTERM);
    s.stop_signal = "SIGUSR1";
    EXPECT_EQ(stop_signal_of(s), SIGUSR1);
    EXPECT_EQ(parse_signal_name("usr2"), SIGUSR2);
    EXPECT_EQ(parse_signal_name("9"), SIGKILL);
    EXPECT_THROW(parse_signal_name("BOGUS"), Error);
    EXPECT_EQ(stop_timeout_of(s, std::nullopt), 10);
    s.stop_timeout = 3;
    EXPECT_EQ(stop_timeout_of(s, std::nullopt), 3);
    EXPECT_EQ(stop_timeout_of(s, 0), 0);
}

TEST(Lifecycle, RecordRoundTrip) {
    LifecycleSettings s;
    s.restart = parse_restart_policy("on-failure:4");
    s.restart_count = 2;
    s.manually_stopped = true;
    s.init = true;
    s.stop_signal = "SIGINT";
    s.stop_timeout = 7;
    s.userns = "remap:whalebox-lite";
    s.userns_range = {100000, 200000, 65536};
    LifecycleSettings back = lifecycle_from_json(lifecycle_to_json(s));
    EXPECT_EQ(back.restart.name, "on-failure");
    EXPECT_EQ(back.restart.max_retries, 4);
    EXPECT_EQ(back.restart_count, 2);
    EXPECT_TRUE(back.manually_stopped);
    EXPECT_TRUE(back.init);
    EXPECT_EQ(back.stop_signal, "SIGINT");
    EXPECT_EQ(back.stop_timeout, 7);
    EXPECT_EQ(back.userns, "remap:whalebox-lite");
    EXPECT_EQ(back.userns_range.gid_start, 200000u);
    EXPECT_EQ(back.userns_range.size, 65536u);
    // Records written before these settings existed read as the defaults.
    EXPECT_EQ(lifecycle_from_json(nlohmann::json::object()).restart.name, "no");
}

}  // namespace
}  // namespace wb::lite
