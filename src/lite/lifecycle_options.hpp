// The lifecycle settings of a lite container (issue 17): its restart policy, --init,
// --stop-signal, --stop-timeout and --userns, kept in its record as "lifecycle", with the
// monitor's bookkeeping (restart count, stopped by hand).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace wb::lite {

// docker's --restart: no | on-failure[:N] | always | unless-stopped.
struct RestartPolicy {
    std::string name = "no";
    int max_retries = 0;  // on-failure:N (0 = no limit)
};
RestartPolicy parse_restart_policy(const std::string& text);
std::string restart_policy_text(const RestartPolicy& p);

// The subordinate range root in the container is mapped to (--userns remap).
struct IdRange {
    uint32_t uid_start = 0, gid_start = 0, size = 0;
};

struct LifecycleSettings {
    RestartPolicy restart;
    bool init = false;                // --init: /sbin/docker-init (whalebox-lite-init) is PID 1
    std::string stop_signal;          // --stop-signal, else the image's StopSignal ("" = SIGTERM)
    std::optional<int> stop_timeout;  // --stop-timeout seconds (nullopt = 10; -1 = wait forever)
    std::string userns;               // "" / "host": none; "remap:NAME": /etc/subuid's NAME range
    IdRange userns_range;             // resolved at run
    // The monitor's bookkeeping.
    int restart_count = 0;
    bool manually_stopped = false;    // stop, kill with the stop signal or KILL, rm -f
};

nlohmann::json lifecycle_to_json(const LifecycleSettings& s);
LifecycleSettings lifecycle_from_json(const nlohmann::json& j);

// Whether the monitor starts the container again after it exited with exit_code.
bool should_restart(const LifecycleSettings& s, int exit_code);
// docker's back-off: 100 ms, doubled for each restart in a row, at most a minute.
int restart_delay_ms(int restart_count);

// A signal by name ("TERM", "SIGTERM", "sigusr1") or number; throws wb::Error.
int parse_signal_name(const std::string& text);
// The signal `stop` sends first.
int stop_signal_of(const LifecycleSettings& s);
// The seconds `stop` waits before SIGKILL: the flag's when given (>= 0), else the
// container's --stop-timeout, else 10; negative = forever.
int stop_timeout_of(const LifecycleSettings& s, std::optional<int> flag);

}  // namespace wb::lite
