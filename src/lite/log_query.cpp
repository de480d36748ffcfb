#include "lite/log_query.hpp"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <deque>

#include "lite/log_file.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {
namespace {

constexpr int64_t kNs = 1000000000;

bool digits(const std::string& s, size_t pos, size_t n) {
    if (pos + n > s.size()) return false;
    for (size_t i = pos; i < pos + n; ++i)
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
}

int num(const std::string& s, size_t pos, size_t n) { return std::atoi(s.substr(pos, n).c_str()); }

// Go's time.ParseDuration: [-]{number unit}+, units ns us µs ms s m h. nullopt otherwise.
std::optional<int64_t> parse_go_duration(const std::string& text) {
    size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    if (i >= text.size()) return std::nullopt;
    long double total = 0;
    while (i < text.size()) {
        size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (i == start) return std::nullopt;
        long double value = std::strtold(text.substr(start, i - start).c_str(), nullptr);
        size_t ustart = i;
        while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
        std::string unit = text.substr(ustart, i - ustart);
        long double mult = 0;
        if (unit == "ns") mult = 1;
        else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1e3;
        else if (unit == "ms") mult = 1e6;
        else if (unit == "s") mult = 1e9;
        else if (unit == "m") mult = 60e9;
        else if (unit == "h") mult = 3600e9;
        else return std::nullopt;
        total += value * mult;
    }
    return static_cast<int64_t>(negative ? -total : total);
}

// "1700000000" or "1700000000.123456789" as ns.
std::optional<int64_t> parse_unix(const std::string& text) {
    size_t dot = text.find('.');
    std::string sec = text.substr(0, dot), frac = dot == std::string::npos ? "" : text.substr(dot + 1);
    if (!digits(sec, 0, sec.size()) || sec.empty() || !digits(frac, 0, frac.size())) return std::nullopt;
    if (dot != std::string::npos && frac.empty()) return std::nullopt;
    frac.resize(9, '0');
    return static_cast<int64_t>(std::strtoll(sec.c_str(), nullptr, 10)) * kNs + std::strtoll(frac.c_str(), nullptr, 10);
}

// YYYY-MM-DD[THH[:MM[:SS[.frac]]]][Z|±hh:mm]; a time without a zone is local.
std::optional<int64_t> parse_timestamp(const std::string& s, bool require_seconds) {
    if (!digits(s, 0, 4) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2))
        return std::nullopt;
    struct tm tm {};
    tm.tm_year = num(s, 0, 4) - 1900;
    tm.tm_mon = num(s, 5, 2) - 1;
    tm.tm_mday = num(s, 8, 2);
    size_t i = 10;
    int64_t nanos = 0;
    int parts = 0;
    if (i < s.size() && (s[i] == 'T' || s[i] == 't')) {
        ++i;
        int* fields[] = {&tm.tm_hour, &tm.tm_min, &tm.tm_sec};
        for (int f = 0; f < 3; ++f) {
            if (f > 0) {
                if (i >= s.size() || s[i] != ':' || !digits(s, i + 1, 2)) break;
                ++i;
            }
            if (!digits(s, i, 2)) return std::nullopt;
            *fields[f] = num(s, i, 2);
            i += 2;
            ++parts;
        }
        if (parts == 3 && i < s.size() && s[i] == '.') {
            size_t start = ++i;
            while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
            std::string frac = s.substr(start, i - start);
            if (frac.empty()) return std::nullopt;
            frac.resize(9, '0');
            nanos = std::strtoll(frac.c_str(), nullptr, 10);
        }
    }
    if (require_seconds && parts != 3) return std::nullopt;
    if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return std::nullopt;
    int64_t seconds;
    if (i == s.size()) {
        if (require_seconds) return std::nullopt;  // container.log times carry a zone
        tm.tm_isdst = -1;
        seconds = static_cast<int64_t>(::mktime(&tm));
    } else if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
        seconds = static_cast<int64_t>(::timegm(&tm));
    } else if ((s[i] == '+' || s[i] == '-') && s.size() == i + 6 && digits(s, i + 1, 2) && s[i + 3] == ':' &&
               digits(s, i + 4, 2)) {
        int offset = num(s, i + 1, 2) * 3600 + num(s, i + 4, 2) * 60;
        seconds = static_cast<int64_t>(::timegm(&tm)) - (s[i] == '+' ? offset : -offset);
    } else {
        return std::nullopt;
    }
    return seconds * kNs + nanos;
}

void emit(const LogEntry& e, bool timestamps) {
    int fd = e.stream == "stderr" ? 2 : 1;
    if (timestamps) fs::write_all(fd, e.time + " " + e.text);
    else fs::write_all(fd, e.text);
}

}  // namespace

int64_t parse_tail(const std::string& text) {
    if (text == "all") return -1;
    char* end = nullptr;
    long long n = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end) throw Error("invalid value for \"tail\": " + text + " (a number or all)");
    return n < 0 ? -1 : n;
}

std::optional<int64_t> parse_rfc3339_ns(const std::string& text) { return parse_timestamp(text, true); }

int64_t parse_log_time(const std::string& text, int64_t now_ns) {
    if (text != "0")
        if (auto d = parse_go_duration(text)) return now_ns - *d;
    if (auto t = parse_timestamp(text, false)) return *t;
    if (text.find('-') == std::string::npos)
        if (auto u = parse_unix(text)) return *u;
    throw Error("failed to parse value as time or duration: \"" + text + "\"");
}

void print_log_impl(const std::string& path, const LogQuery& q, bool (*still_running)(void*), void* arg) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    std::string partial;
    std::deque<std::string> last;
    bool first = true;
    auto now_ns = [] {
        struct timespec ts {};
        ::clock_gettime(CLOCK_REALTIME, &ts);
        return static_cast<int64_t>(ts.tv_sec) * kNs + ts.tv_nsec;
    };
    auto show = [&](const std::string& line) {
        auto e = parse_log_entry(line);
        if (!e) return;
        if (q.since || q.until) {
            auto t = parse_rfc3339_ns(e->time);
            if (!t || (q.since && *t < *q.since) || (q.until && *t > *q.until)) return;
        }
        emit(*e, q.timestamps);
    };
    for (;;) {
        // docker: -f stops at --until too.
        bool running = q.follow && (!q.until || now_ns() <= *q.until) && still_running(arg);
        if (!fd) fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (fd) {
            char buf[65536];
            ssize_t n;
            while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) {
                partial.append(buf, static_cast<size_t>(n));
                size_t start = 0, nl;
                while ((nl = partial.find('\n', start)) != std::string::npos) {
                    std::string line = partial.substr(start, nl - start);
                    start = nl + 1;
                    if (first && q.tail >= 0) {  // docker: the tail first, then --since/--until
                        last.push_back(std::move(line));
                        if (static_cast<int64_t>(last.size()) > q.tail) last.pop_front();
                    } else {
                        show(line);
                    }
                }
                partial.erase(0, start);
            }
        }
        if (first) {
            for (const auto& l : last) show(l);
            last.clear();
            first = false;
        }
        if (!running) return;
        ::usleep(100000);
    }
}

}  // namespace wb::lite
