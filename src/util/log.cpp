#include "util/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>

#include "util/error.hpp"
#include "util/time.hpp"
#include "util/unique_fd.hpp"

namespace wb::log {
namespace {

bool g_to_file = false;

std::string_view level_name(spdlog::level::level_enum level) {
    switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warning";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "fatal";
    default: return "info";
    }
}

// Writes whole records to one fd with a single write(2), so concurrent writers
// (create and the shim, say) never interleave within a line.
class FdSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    FdSink(UniqueFd fd, Format format) : fd_(std::move(fd)), format_(format) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        std::string line = format_record(format_, msg.level,
                                         std::string_view(msg.payload.data(), msg.payload.size()),
                                         now_rfc3339());
        line += '\n';
        ssize_t r = ::write(fd_.get(), line.data(), line.size());
        (void)r;
    }
    void flush_() override {}

private:
    UniqueFd fd_;
    Format format_;
};

}  // namespace

Format parse_format(const std::string& name) {
    if (name == "text") return Format::text;
    if (name == "json") return Format::json;
    throw Error("invalid log-format: " + name);
}

std::string format_record(Format format, spdlog::level::level_enum level, std::string_view msg,
                          std::string_view time) {
    if (format == Format::json) {
        nlohmann::json j = {{"level", level_name(level)}, {"msg", msg}, {"time", time}};
        return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::string quoted = nlohmann::json(msg).dump(-1, ' ', false,
                                                  nlohmann::json::error_handler_t::replace);
    std::string out = "time=\"";
    out += time;
    out += "\" level=";
    out += level_name(level);
    out += " msg=";
    out += quoted;
    return out;
}

void setup(const std::string& path, Format format, bool debug) {
    UniqueFd fd;
    if (path.empty()) {
        fd.reset(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3));
        g_to_file = false;
    } else {
        fd.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
        if (!fd) throw_errno("open log file " + path);
        g_to_file = true;
    }
    auto sink = std::make_shared<FdSink>(std::move(fd), format);
    auto logger = std::make_shared<spdlog::logger>("whalebox", std::move(sink));
    logger->set_level(debug ? spdlog::level::debug : spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
}

bool to_file() { return g_to_file; }

}  // namespace wb::log
