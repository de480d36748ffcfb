#include <cstdio>

#include "cli/command.hpp"
#include "util/error.hpp"

namespace wb::cli {
namespace {

struct EventsOptions {
    std::string id;
    bool stats = false;
    std::string interval = "5s";
};

// "5s", "500ms", "1m", or plain seconds.
int parse_interval_ms(const std::string& text) {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    std::string unit = end ? end : "";
    double ms;
    if (unit.empty() || unit == "s") ms = v * 1000;
    else if (unit == "ms") ms = v;
    else if (unit == "m") ms = v * 60000;
    else throw Error("invalid interval \"" + text + "\"");
    if (ms <= 0) throw Error("duration interval must be greater than 0");
    return static_cast<int>(ms);
}

void add_events_command(Command& app, Globals& g) {
    auto o = std::make_shared<EventsOptions>();
    Command sub = app.add_subcommand("events", "print container events: stats and OOM notices");
    sub.add_option("container-id", o->id, "the container's id").required();
    sub.add_flag("--stats", o->stats, "print the stats once and exit");
    sub.add_option("--interval", o->interval, "stats interval (default 5s)");
    sub.callback([&g, o] {
        if (o->stats) {
            std::string line = runtime::stats_event_json(g.runtime, o->id) + "\n";
            std::fwrite(line.data(), 1, line.size(), stdout);
            return;
        }
        runtime::watch_events(g.runtime, o->id, parse_interval_ms(o->interval), [](const std::string& json) {
            std::string line = json + "\n";
            std::fwrite(line.data(), 1, line.size(), stdout);
            std::fflush(stdout);
        });
    });
}

}  // namespace

WHALEBOX_COMMAND("events", add_events_command);

}  // namespace wb::cli
