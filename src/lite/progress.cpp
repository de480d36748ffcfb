#include "lite/progress.hpp"

#include <time.h>
#include <unistd.h>

#include "lite/common.hpp"

namespace wb::lite {
namespace {

int64_t monotonic_ms() {
    struct timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

ProgressLine::ProgressLine(std::string label) {
    if (!label.empty() && ::isatty(STDERR_FILENO)) label_ = std::move(label);
}

ProgressLine::~ProgressLine() {
    if (shown_) show(true);
}

void ProgressLine::add(uint64_t bytes) {
    bytes_ += bytes;
    if (label_.empty()) return;
    int64_t now = monotonic_ms();
    if (now - last_ms_ < 200) return;
    last_ms_ = now;
    show(false);
}

void ProgressLine::show(bool final) {
    std::string line = "\r" + label_ + ": " + human_size(bytes_) + (final ? "\n" : "");
    ssize_t r = ::write(STDERR_FILENO, line.data(), line.size());
    (void)r;
    shown_ = true;
}

}  // namespace wb::lite
