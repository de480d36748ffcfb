#include "state/oci_state.hpp"

#include <gtest/gtest.h>

#include "state/state.hpp"
#include "util/error.hpp"

namespace wb::state {
namespace {

OciState sample() {
    OciState s;
    s.oci_version = "1.2.0";
    s.id = "c1";
    s.status = Status::creating;
    s.pid = 42;
    s.bundle = "/bundles/c1";
    s.annotations = {{"org.example.key", "value"}};
    return s;
}

TEST(OciState, JsonAsHooksReadIt) {
    // Compact, keys in order: what the hooks got before the state was typed.
    EXPECT_EQ(sample().to_json(),
              R"({"annotations":{"org.example.key":"value"},"bundle":"/bundles/c1","id":"c1",)"
              R"("ociVersion":"1.2.0","pid":42,"status":"creating"})");
}

TEST(OciState, JsonRoundTrip) {
    for (Status st : {Status::creating, Status::created, Status::running, Status::paused, Status::stopped}) {
        OciState s = sample();
        s.status = st;
        EXPECT_EQ(OciState::from_json(s.to_json()), s) << to_string(st);
    }
    OciState empty;
    EXPECT_EQ(OciState::from_json(empty.to_json()), empty);
}

TEST(OciState, InvalidJsonIsAnError) {
    EXPECT_THROW(OciState::from_json("not json"), Error);
    EXPECT_THROW(OciState::from_json("[1]"), Error);
    EXPECT_THROW(OciState::from_json(R"({"pid": "forty-two"})"), Error);
}

// GCC 12 -O2 takes State's short strings for uninitialised here (a false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
TEST(OciState, FromTheRecordWithStatusAndPid) {
    State record;
    record.oci_version = "1.2.0";
    record.id = "c1";
    record.status = Status::running;
    record.pid = 7;
    record.bundle = "/bundles/c1";
    record.annotations = {{"a", "b"}};
    record.rootfs = "/bundles/c1/rootfs";
    OciState s = oci_state(record, Status::stopped, 0);
    EXPECT_EQ(s.id, "c1");
    EXPECT_EQ(s.oci_version, "1.2.0");
    EXPECT_EQ(s.status, Status::stopped);
    EXPECT_EQ(s.pid, 0);
    EXPECT_EQ(s.bundle, "/bundles/c1");
    EXPECT_EQ(s.annotations, record.annotations);
}
#pragma GCC diagnostic pop

}  // namespace
}  // namespace wb::state
