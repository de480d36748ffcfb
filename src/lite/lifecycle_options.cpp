#include "lite/lifecycle_options.hpp"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "util/error.hpp"

namespace wb::lite {

using nlohmann::json;

RestartPolicy parse_restart_policy(const std::string& text) {
    RestartPolicy p;
    std::string name = text.substr(0, text.find(':'));
    std::string count = text.find(':') == std::string::npos ? "" : text.substr(text.find(':') + 1);
    if (name.empty() || name == "no" || name == "always" || name == "unless-stopped") {
        if (!count.empty()) throw Error("maximum retry count cannot be used with restart policy '" + name + "'");
        p.name = name.empty() ? "no" : name;
        return p;
    }
    if (name != "on-failure") throw Error("invalid restart policy '" + name + "'");
    p.name = name;
    if (!count.empty()) {
        char* end = nullptr;
        long n = std::strtol(count.c_str(), &end, 10);
        if (*end || n < 0) throw Error("invalid restart policy: maximum retry count must be a positive integer");
        p.max_retries = static_cast<int>(n);
    }
    return p;
}

std::string restart_policy_text(const RestartPolicy& p) {
    if (p.name == "on-failure" && p.max_retries > 0) return p.name + ":" + std::to_string(p.max_retries);
    return p.name;
}

json lifecycle_to_json(const LifecycleSettings& s) {
    json j = {{"restartPolicy", {{"Name", s.restart.name}, {"MaximumRetryCount", s.restart.max_retries}}},
              {"restartCount", s.restart_count},
              {"manuallyStopped", s.manually_stopped},
              {"init", s.init},
              {"stopSignal", s.stop_signal}};
    if (s.stop_timeout) j["stopTimeout"] = *s.stop_timeout;
    if (!s.userns.empty()) {
        j["userns"] = s.userns;
        j["usernsRange"] = {{"uid", s.userns_range.uid_start}, {"gid", s.userns_range.gid_start},
                            {"size", s.userns_range.size}};
    }
    return j;
}

LifecycleSettings lifecycle_from_json(const json& j) {
    LifecycleSettings s;
    if (!j.is_object()) return s;
    if (auto p = j.find("restartPolicy"); p != j.end() && p->is_object()) {
        s.restart.name = p->value("Name", "no");
        s.restart.max_retries = p->value("MaximumRetryCount", 0);
    }
    s.restart_count = j.value("restartCount", 0);
    s.manually_stopped = j.value("manuallyStopped", false);
    s.init = j.value("init", false);
    s.stop_signal = j.value("stopSignal", "");
    if (auto t = j.find("stopTimeout"); t != j.end() && t->is_number_integer()) s.stop_timeout = t->get<int>();
    s.userns = j.value("userns", "");
    if (auto r = j.find("usernsRange"); r != j.end() && r->is_object()) {
        s.userns_range.uid_start = r->value("uid", 0u);
        s.userns_range.gid_start = r->value("gid", 0u);
        s.userns_range.size = r->value("size", 0u);
    }
    return s;
}

bool should_restart(const LifecycleSettings& s, int exit_code) {
    if (s.manually_stopped) return false;
    const RestartPolicy& p = s.restart;
    if (p.name == "always" || p.name == "unless-stopped") return true;
    if (p.name == "on-failure")
        return exit_code != 0 && (p.max_retries == 0 || s.restart_count < p.max_retries);
    return false;
}

int restart_delay_ms(int restart_count) {
    int64_t ms = 100;
    for (int i = 0; i < restart_count && ms < 60000; ++i) ms *= 2;
    return static_cast<int>(std::min<int64_t>(ms, 60000));
}

int parse_signal_name(const std::string& text) {
    if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) {
        char* end = nullptr;
        long n = std::strtol(text.c_str(), &end, 10);
        if (*end || n <= 0 || n >= NSIG) throw Error("invalid signal: " + text);
        return static_cast<int>(n);
    }
    std::string name = text;
    for (auto& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (name.rfind("SIG", 0) == 0) name = name.substr(3);
    for (int s = 1; s < NSIG; ++s)
        if (const char* abbrev = sigabbrev_np(s); abbrev && name == abbrev) return s;
    throw Error("invalid signal: " + text);
}

int stop_signal_of(const LifecycleSettings& s) {
    return s.stop_signal.empty() ? SIGTERM : parse_signal_name(s.stop_signal);
}

int stop_timeout_of(const LifecycleSettings& s, std::optional<int> flag) {
    if (flag) return *flag;
    return s.stop_timeout.value_or(10);
}

}  // namespace wb::lite
