// util/time: RFC 3339 in UTC, as runc writes a container's "created".
#include "util/time.hpp"

#include <gtest/gtest.h>

namespace {

TEST(Time, FormatsUtcWithNanoseconds) {
    EXPECT_EQ(wb::format_rfc3339(0, 0), "1970-01-01T00:00:00.000000000Z");
    EXPECT_EQ(wb::format_rfc3339(1700000000, 5), "2023-11-14T22:13:20.000000005Z");
    EXPECT_EQ(wb::format_rfc3339(951782400, 123456789), "2000-02-29T00:00:00.123456789Z");  // a leap day
    EXPECT_EQ(wb::format_rfc3339(4102444799, 999999999), "2099-12-31T23:59:59.999999999Z");
}

TEST(Time, ParsesWhatItFormats) {
    for (int64_t t : {0L, 951782400L, 1700000000L, 4102444799L})
        EXPECT_EQ(wb::parse_rfc3339(wb::format_rfc3339(t, 42)), t) << t;
    EXPECT_EQ(wb::parse_rfc3339("not a time"), 0);
}

}  // namespace
