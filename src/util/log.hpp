// Logging as runc does it: --log FILE (default stderr), --log-format text|json, --debug.
// Built on spdlog; the log fd is O_CLOEXEC so it never reaches a container.
#pragma once
#include <spdlog/spdlog.h>

#include <string>

namespace wb::log {

enum class Format { text, json };

// Parses "text" / "json"; throws wb::Error for anything else.
Format parse_format(const std::string& name);

// Sends records to `path` (appending; empty = stderr) in `format`; debug enables debug level.
// Throws wb::Error when the file cannot be opened.
void setup(const std::string& path, Format format, bool debug);

// True when records go to a file rather than stderr.
bool to_file();

// Formats one record as runc does: JSON {"level","msg","time"} or logrus text.
std::string format_record(Format format, spdlog::level::level_enum level, std::string_view msg,
                          std::string_view time);

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::warn;

}  // namespace wb::log
