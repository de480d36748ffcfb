// Image records (ROOT/images/<hex>.json) and the layers they share (ROOT/layers/sha256/<hex>).
#pragma once
#include <cstdint>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lite/common.hpp"

namespace wb::lite {

// The part of a docker/OCI image config that decides how a container runs.
struct ImageConfig {
    std::vector<std::string> cmd;
    std::vector<std::string> entrypoint;
    std::vector<std::string> env;
    std::string working_dir;
    std::string user;
    std::string stop_signal;  // "StopSignal" ("" = none)
    std::vector<std::string> exposed_ports;  // ExposedPorts: "80/tcp", "53/udp" (run -P)
};

// The record form of an ImageConfig ({"Cmd": [...], "Entrypoint": ..., "Env", "WorkingDir",
// "User"}, and "ExposedPorts" in docker's form {"80/tcp": {}} when there are some), shared by
// image and container records.
nlohmann::json image_config_to_json(const ImageConfig& c);
ImageConfig image_config_from_json(const nlohmann::json& j);
// The strings at j[key]: an array of strings, one string, or none when absent or null.
std::vector<std::string> json_strings(const nlohmann::json& j, const char* key);
// j[key] when it is a string, "" otherwise.
std::string json_string_or_empty(const nlohmann::json& j, const char* key);

struct ImageRecord {
    std::string id;                  // "sha256:<hex>" of the config document
    std::vector<std::string> tags;   // "name:tag"
    std::vector<std::string> layers;  // layer digests, bottom -> top
    ImageConfig config;
    std::string created;  // RFC 3339
    std::string source;   // "import", "load", "commit"
    uint64_t size = 0;    // bytes unpacked
    // The config's "history" as docker writes it ([{created, created_by, empty_layer,
    // comment}], bottom first); empty when unknown.
    nlohmann::json history = nlohmann::json::array();
};

std::string image_to_json(const ImageRecord& r);
ImageRecord image_from_json(const std::string& text);

// The canonical config document an image id is the digest of (docker's image config shape).
std::string image_config_document(const ImageRecord& r);

// "busybox" -> "busybox:latest"; "reg:5000/a/b:1" keeps its tag.
std::string normalize_tag(const std::string& name);

class ImageStore {
public:
    explicit ImageStore(Layout layout) : layout_(std::move(layout)) {}
    std::vector<ImageRecord> list() const;
    // By name[:tag], full id, or a unique id prefix; throws "No such image: REF".
    ImageRecord resolve(const std::string& ref) const;
    std::optional<ImageRecord> find(const std::string& ref) const;
    // Saves the record; a tag it carries is taken away from any other image.
    void save(const ImageRecord& r) const;
    // Removes the record and every layer no other image uses.
    void remove(const ImageRecord& r) const;
    bool has_layer(const std::string& digest) const;
    // The bytes of a layer's tar as stored (ROOT/layers/sizes/<hex>), so an image that
    // shares a layer already there still counts it in its SIZE; 0 when unknown.
    void set_layer_size(const std::string& digest, uint64_t bytes) const;
    uint64_t layer_size(const std::string& digest) const;
    const Layout& layout() const { return layout_; }

private:
    std::string path(const std::string& id) const;
    Layout layout_;
};

}  // namespace wb::lite
