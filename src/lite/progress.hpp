// A progress line on stderr for long image work (save, commit, export): "\rLABEL: 4.2MB"
// at most five times a second, ended with a newline; nothing when stderr is not a terminal.
#pragma once
#include <cstdint>
#include <string>

namespace wb::lite {

class ProgressLine {
public:
    // An empty label, or stderr not a terminal: quiet.
    explicit ProgressLine(std::string label);
    ~ProgressLine();  // ends the line when one was shown
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;
    void add(uint64_t bytes);

private:
    void show(bool final);
    std::string label_;
    uint64_t bytes_ = 0;
    int64_t last_ms_ = 0;
    bool shown_ = false;
};

}  // namespace wb::lite
