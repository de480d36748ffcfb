#include "state/state.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace {

using wb::state::from_record_json;

TEST(StateRecordFields, RoundTrip) {
    wb::state::State s;
    s.id = "c1";
    s.pid = 4242;
    s.init_start_time = 18446744073709551615u;
    s.status = wb::state::Status::created;
    auto back = from_record_json(wb::state::to_record_json(s));
    EXPECT_EQ(back.id, "c1");
    EXPECT_EQ(back.pid, 4242);
    EXPECT_EQ(back.init_start_time, 18446744073709551615u);
}

// Found by tests/fuzz (fuzz_state): a pid that is a float beyond int was converted with
// an undefined cast; out-of-range integers were cut silently.
TEST(StateRecordFields, IntegersAreRangeChecked) {
    EXPECT_THROW(from_record_json(R"({"id": "c", "pid": 944445032522638.0})"), wb::Error);
    EXPECT_THROW(from_record_json(R"({"id": "c", "pid": 1.5})"), wb::Error);
    EXPECT_THROW(from_record_json(R"({"id": "c", "pid": 4294967296})"), wb::Error);
    EXPECT_THROW(from_record_json(R"({"id": "c", "pid": "12"})"), wb::Error);
    EXPECT_THROW(from_record_json(R"({"id": "c", "initStartTime": -1})"), wb::Error);
    EXPECT_EQ(from_record_json(R"({"id": "c", "pid": -1})").pid, -1);
    EXPECT_EQ(from_record_json(R"({"id": "c"})").pid, 0);
}

}  // namespace
