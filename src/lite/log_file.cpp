#include "lite/log_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <deque>
#include <nlohmann/json.hpp>

#include "lite/common.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

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

namespace {

void emit(const std::string& line) {
    if (auto e = parse_log_entry(line)) fs::write_all(e->stream == "stderr" ? 2 : 1, e->text);
}

}  // namespace

void print_log_impl(const std::string& path, int64_t tail, bool follow, bool (*still_running)(void*), void* arg) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    std::string partial;
    std::deque<std::string> last;
    bool first = true;
    for (;;) {
        bool running = follow && still_running(arg);
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
                    if (first && tail >= 0) {
                        last.push_back(std::move(line));
                        if (static_cast<int64_t>(last.size()) > tail) last.pop_front();
                    } else {
                        emit(line);
                    }
                }
                partial.erase(0, start);
            }
        }
        if (first) {
            for (const auto& l : last) emit(l);
            last.clear();
            first = false;
        }
        if (!running) return;
        ::usleep(100000);
    }
}

}  // namespace wb::lite
