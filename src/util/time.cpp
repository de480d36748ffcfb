#include "util/time.hpp"

#include <cstdio>
#include <ctime>

namespace wb {

std::string format_rfc3339(int64_t sec, long nsec) {
    time_t t = static_cast<time_t>(sec);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
    return buf;
}

std::string now_rfc3339() {
    struct timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return format_rfc3339(ts.tv_sec, ts.tv_nsec);
}

int64_t parse_rfc3339(const std::string& text) {
    struct tm tm {};
    if (text.size() < 19 || !strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
    return static_cast<int64_t>(timegm(&tm));
}

}  // namespace wb
