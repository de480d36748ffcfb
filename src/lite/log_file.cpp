#include "lite/log_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "lite/common.hpp"

namespace wb::lite {

using nlohmann::json;

std::string format_log_entry(const LogEntry& e) {
    // Container output need not be UTF-8: replace what is not, rather than fail.
    return json{{"log", e.text}, {"stream", e.stream}, {"time", e.time}}.dump(-1, ' ', false,
                                                                               json::error_handler_t::replace) +
           "\n";
}

std::optional<LogEntry> parse_log_entry(const std::string& line) {
    try {
        json j = json::parse(line);
        return LogEntry{j.value("stream", "stdout"), j.value("log", ""), j.value("time", "")};
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

void LogWriter::write_entry(int stream, const std::string& text) {
    std::string line = format_log_entry({stream == 1 ? "stderr" : "stdout", text, now_rfc3339()});
    std::string_view data = line;
    while (!data.empty()) {
        ssize_t n = ::write(fd_, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // a full disk loses log lines, not the container
        data.remove_prefix(static_cast<size_t>(n));
    }
}

void LogWriter::feed(int stream, const char* data, size_t len) {
    std::string& p = pending_[stream];
    p.append(data, len);
    size_t start = 0;
    for (;;) {
        size_t nl = p.find('\n', start);
        if (nl == std::string::npos) break;
        write_entry(stream, p.substr(start, nl + 1 - start));
        start = nl + 1;
    }
    p.erase(0, start);
    // docker splits long lines at 16 KiB.
    if (p.size() >= 16384) {
        write_entry(stream, p);
        p.clear();
    }
}

void LogWriter::flush() {
    for (int s = 0; s < 2; ++s)
        if (!pending_[s].empty()) {
            write_entry(s, pending_[s]);
            pending_[s].clear();
        }
}

}  // namespace wb::lite
