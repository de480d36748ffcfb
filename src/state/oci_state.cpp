#include "state/oci_state.hpp"

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace wb::state {

const char* to_string(Status s) {
    switch (s) {
    case Status::creating: return "creating";
    case Status::created: return "created";
    case Status::running: return "running";
    case Status::paused: return "paused";
    case Status::stopped: return "stopped";
    }
    return "stopped";
}

Status status_from_string(const std::string& s) {
    if (s == "creating") return Status::creating;
    if (s == "created") return Status::created;
    if (s == "running") return Status::running;
    if (s == "paused") return Status::paused;
    return Status::stopped;
}

void to_json(nlohmann::json& j, const OciState& s) {
    j = nlohmann::json{{"ociVersion", s.oci_version}, {"id", s.id},         {"status", to_string(s.status)},
                       {"pid", s.pid},                {"bundle", s.bundle}, {"annotations", s.annotations}};
}

void from_json(const nlohmann::json& j, OciState& s) {
    s.oci_version = j.value("ociVersion", "");
    s.id = j.value("id", "");
    s.status = status_from_string(j.value("status", "stopped"));
    s.pid = j.value("pid", 0);
    s.bundle = j.value("bundle", "");
    s.annotations = j.value("annotations", std::map<std::string, std::string>{});
}

std::string OciState::to_json() const {
    nlohmann::json j = *this;
    return j.dump();
}

OciState OciState::from_json(const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error("container state: invalid JSON");
    try {
        return j.get<OciState>();
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("container state: ") + e.what());
    }
}

}  // namespace wb::state
