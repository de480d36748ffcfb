#include "process/child_log.hpp"

#include <spdlog/sinks/base_sink.h>

#include <memory>

#include "util/log.hpp"

namespace wb::process {
namespace {

class SyncSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    explicit SyncSink(const SyncChannel& sync) : sync_(sync) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        if (sync_.fd() < 0) return;
        std::string payload(1, static_cast<char>(msg.level));
        payload.append(msg.payload.data(), msg.payload.size());
        try {
            sync_.send(SyncType::log, payload);
        } catch (...) {
            // The parent is gone or no longer listening: nothing to log to.
        }
    }
    void flush_() override {}

private:
    const SyncChannel& sync_;
};

}  // namespace

void log_through_sync(const SyncChannel& sync) {
    auto old = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>("whalebox-child", std::make_shared<SyncSink>(sync));
    logger->set_level(old ? old->level() : spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
}

void log_child_record(const SyncMessage& m) {
    if (m.payload.empty()) return;
    auto level = static_cast<spdlog::level::level_enum>(m.payload[0]);
    if (level < spdlog::level::trace || level > spdlog::level::critical) level = spdlog::level::warn;
    spdlog::default_logger_raw()->log(level, "{}", std::string_view(m.payload).substr(1));
}

}  // namespace wb::process
