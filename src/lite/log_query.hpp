// What `logs` prints: docker's -n/--tail, --since, --until, -t and -f over container.log
// (json-file lines, each with the time it was written, in nanoseconds).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace wb::lite {

struct LogQuery {
    int64_t tail = -1;               // -n N; -1 = all
    bool follow = false;             // -f: until the container stops (or --until passes)
    bool timestamps = false;         // -t: each line prefixed with its RFC 3339 nano time
    std::optional<int64_t> since;    // ns since the epoch; lines before it are skipped
    std::optional<int64_t> until;    // ns since the epoch; lines after it are skipped
};

// docker's -n value: "all" or a number (a negative one means all, as docker's).
int64_t parse_tail(const std::string& text);

// docker's timestamp forms for --since/--until (api/types/time.GetTimestamp): a Go
// duration before now ("10m", "1h30m", "2.5s"), Unix seconds ("1700000000",
// "1700000000.123456789"), RFC 3339 with or without a zone ("2026-12-06T04:05:06Z",
// "...06.5+01:00", "2026-12-06T04:05:06" in UTC here), "2026-12-06T04:05", "2026-12-06".
// Returns nanoseconds since the epoch; throws wb::Error naming the value otherwise.
int64_t parse_log_time(const std::string& text, int64_t now_ns);

// An RFC 3339 time with an optional fraction and zone ("Z", "+hh:mm", none = UTC) as
// nanoseconds since the epoch; nullopt when it is not one.
std::optional<int64_t> parse_rfc3339_ns(const std::string& text);

// Prints the log at path as the query says (stdout entries to fd 1, stderr ones to fd 2);
// with follow, keeps reading until still_running() turns false.
template <typename F>
void print_log(const std::string& path, const LogQuery& q, F still_running);
void print_log_impl(const std::string& path, const LogQuery& q, bool (*still_running)(void*), void* arg);

template <typename F>
void print_log(const std::string& path, const LogQuery& q, F still_running) {
    print_log_impl(path, q, [](void* a) { return (*static_cast<F*>(a))(); }, &still_running);
}

}  // namespace wb::lite
