#include "util/time.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace wb {

std::string format_rfc3339(int64_t sec, long nsec) {
    // The calendar by arithmetic: glibc's gmtime_r reads /etc/localtime first (tzset), six
    // system calls at every create for a zone UTC does not need.
    using namespace std::chrono;
    const sys_seconds t{seconds{sec}};
    const sys_days day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%09ldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), nsec);
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
