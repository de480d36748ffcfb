// The container's state as the runtime spec defines it: what hooks read on stdin and the
// "state" a seccomp agent receives. One typed value, turned into JSON once where it is sent.
#pragma once
#include <sys/types.h>

#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace wb::state {

enum class Status { creating, created, running, paused, stopped };
const char* to_string(Status s);
// The inverse of to_string; anything unknown reads as stopped.
Status status_from_string(const std::string& s);

struct OciState {
    std::string oci_version;
    std::string id;
    Status status = Status::stopped;
    pid_t pid = 0;
    std::string bundle;
    std::map<std::string, std::string> annotations;

    // {"annotations", "bundle", "id", "ociVersion", "pid", "status"}, compact (hooks' stdin).
    std::string to_json() const;
    // Throws wb::Error("container state: ...") on invalid JSON or wrong types.
    static OciState from_json(const std::string& text);

    bool operator==(const OciState&) const = default;
};

// nlohmann's conversions, for embedding the state in a larger document.
void to_json(nlohmann::json& j, const OciState& s);
void from_json(const nlohmann::json& j, OciState& s);

}  // namespace wb::state
