#include "lite/cli_lifecycle.hpp"

#include <time.h>

#include "util/error.hpp"

namespace wb::lite {

void add_log_flags(CLI::App* logs, LogFlags& f) {
    logs->add_flag("-f,--follow", f.follow, "Follow log output (until the container stops)");
    logs->add_flag("-t,--timestamps", f.timestamps, "Show timestamps (RFC 3339 with nanoseconds)");
    logs->add_option("-n,--tail", f.tail, "Number of lines to show from the end of the logs")->capture_default_str();
    logs->add_option("--since", f.since,
                     "Show logs since timestamp (2013-01-02T13:23:37Z) or relative (42m for 42 minutes)");
    logs->add_option("--until", f.until,
                     "Show logs before a timestamp (2013-01-02T13:23:37Z) or relative (42m for 42 minutes)");
}

LogQuery to_log_query(const LogFlags& f) {
    LogQuery q;
    q.follow = f.follow;
    q.timestamps = f.timestamps;
    q.tail = parse_tail(f.tail);
    struct timespec ts {};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    try {
        if (!f.since.empty()) q.since = parse_log_time(f.since, now);
    } catch (const Error& e) {
        throw Error(std::string("invalid value for \"since\": ") + e.what());
    }
    try {
        if (!f.until.empty()) q.until = parse_log_time(f.until, now);
    } catch (const Error& e) {
        throw Error(std::string("invalid value for \"until\": ") + e.what());
    }
    return q;
}

void add_run_lifecycle_flags(CLI::App* run, RunLifecycleFlags& f) {
    run->add_option("--restart", f.restart,
                    "Restart policy to apply when a container exits (no, on-failure[:N], always, unless-stopped)");
    run->add_flag("--init", f.init, "Run an init inside the container that forwards signals and reaps processes");
    run->add_option("--stop-signal", f.stop_signal, "Signal to stop the container (default: the image's, or SIGTERM)");
    run->add_option("--stop-timeout", f.stop_timeout, "Timeout (in seconds) to stop a container (default 10)");
    run->add_option("--userns", f.userns,
                    "User namespace: host (none), or remap[:NAME] (root mapped to /etc/subuid's NAME range, "
                    "default NAME whalebox-lite)");
}

void apply_run_lifecycle_flags(const RunLifecycleFlags& f, RunOptions& opts) {
    LifecycleSettings& l = opts.lifecycle;
    if (!f.restart.empty()) l.restart = parse_restart_policy(f.restart);
    if (l.restart.name != "no" && opts.auto_remove) throw Error("Conflicting options: --restart and --rm");
    l.init = f.init;
    if (!f.stop_signal.empty()) {
        parse_signal_name(f.stop_signal);  // refuses a bad one now
        l.stop_signal = f.stop_signal;
    }
    l.stop_timeout = f.stop_timeout;
    if (f.userns.empty() || f.userns == "host") {
        l.userns.clear();
    } else if (f.userns == "remap") {
        l.userns = "remap:whalebox-lite";
    } else if (f.userns.rfind("remap:", 0) == 0 && f.userns.size() > 6) {
        l.userns = f.userns;
    } else {
        throw Error("invalid --userns: \"" + f.userns + "\" (host, remap or remap:NAME)");
    }
}

const std::set<std::string>& run_lifecycle_value_flags() {
    static const std::set<std::string> flags{"--restart", "--stop-signal", "--stop-timeout", "--userns"};
    return flags;
}

}  // namespace wb::lite
