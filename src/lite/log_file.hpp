// container.log: docker's json-file format, one {"log","stream","time"} object a line.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace wb::lite {

struct LogEntry {
    std::string stream;  // "stdout" | "stderr"
    std::string text;    // with its trailing newline, when it had one
    std::string time;    // RFC 3339
};

std::string format_log_entry(const LogEntry& e);
std::optional<LogEntry> parse_log_entry(const std::string& line);

// Splits a stream's bytes into lines and appends them to the log file.
class LogWriter {
public:
    explicit LogWriter(int fd) : fd_(fd) {}
    // stream: 0 stdout, 1 stderr.
    void feed(int stream, const char* data, size_t len);
    // Writes out partial lines (at exit).
    void flush();

private:
    void write_entry(int stream, const std::string& text);
    int fd_;
    std::string pending_[2];
};

}  // namespace wb::lite
