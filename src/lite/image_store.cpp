#include "lite/image_store.hpp"

#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "lite/reference.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {

using nlohmann::json;

std::string image_to_json(const ImageRecord& r) {
    json j = {{"id", r.id},
              {"repoTags", r.tags},
              {"layers", r.layers},
              {"config", image_config_to_json(r.config)},
              {"created", r.created},
              {"source", r.source},
              {"size", r.size}};
    if (!r.history.empty()) j["history"] = r.history;
    return j.dump(2) + "\n";
}

std::vector<std::string> json_strings(const json& j, const char* key) {
    std::vector<std::string> out;
    auto it = j.find(key);
    if (it == j.end()) return out;
    if (it->is_string()) return {it->get<std::string>()};
    if (!it->is_array()) return out;
    for (const auto& v : *it)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

std::string json_string_or_empty(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

namespace {
json exposed_ports_json(const std::vector<std::string>& ports) {
    json out = json::object();
    for (const auto& p : ports) out[p] = json::object();
    return out;
}
}  // namespace

json image_config_to_json(const ImageConfig& c) {
    json j = {{"Cmd", c.cmd}, {"Entrypoint", c.entrypoint}, {"Env", c.env}, {"WorkingDir", c.working_dir},
              {"User", c.user}};
    if (!c.stop_signal.empty()) j["StopSignal"] = c.stop_signal;
    if (!c.exposed_ports.empty()) j["ExposedPorts"] = exposed_ports_json(c.exposed_ports);
    return j;
}

ImageConfig image_config_from_json(const json& c) {
    ImageConfig out;
    out.cmd = json_strings(c, "Cmd");
    out.entrypoint = json_strings(c, "Entrypoint");
    out.env = json_strings(c, "Env");
    out.working_dir = json_string_or_empty(c, "WorkingDir");
    out.user = json_string_or_empty(c, "User");
    out.stop_signal = json_string_or_empty(c, "StopSignal");
    if (auto it = c.find("ExposedPorts"); it != c.end() && it->is_object())
        for (const auto& [port, ignored] : it->items()) out.exposed_ports.push_back(port);
    return out;
}

ImageRecord image_from_json(const std::string& text) {
    try {
        json j = json::parse(text);
        ImageRecord r;
        r.id = j.at("id").get<std::string>();
        r.tags = json_strings(j, "repoTags");
        r.layers = json_strings(j, "layers");
        r.config = image_config_from_json(j.at("config"));
        r.created = json_string_or_empty(j, "created");
        r.source = json_string_or_empty(j, "source");
        r.size = j.value("size", uint64_t{0});
        if (auto h = j.find("history"); h != j.end() && h->is_array()) r.history = *h;
        return r;
    } catch (const json::exception& e) {
        throw Error(std::string("invalid image record: ") + e.what());
    }
}

std::string image_config_document(const ImageRecord& r) {
    json cfg = json::object();
    if (!r.config.cmd.empty()) cfg["Cmd"] = r.config.cmd;
    if (!r.config.entrypoint.empty()) cfg["Entrypoint"] = r.config.entrypoint;
    if (!r.config.env.empty()) cfg["Env"] = r.config.env;
    if (!r.config.working_dir.empty()) cfg["WorkingDir"] = r.config.working_dir;
    if (!r.config.stop_signal.empty()) cfg["StopSignal"] = r.config.stop_signal;
    if (!r.config.user.empty()) cfg["User"] = r.config.user;
    if (!r.config.exposed_ports.empty()) cfg["ExposedPorts"] = exposed_ports_json(r.config.exposed_ports);
    json doc = {{"architecture", "amd64"},
                {"os", "linux"},
                {"config", cfg},
                {"created", r.created},
                {"rootfs", {{"type", "layers"}, {"diff_ids", r.layers}}}};
    return doc.dump();
}

namespace {
std::string layer_size_path(const Layout& layout, const std::string& digest) {
    return layout.root + "/layers/sizes/" + digest_hex(digest);
}
}  // namespace

std::string normalize_tag(const std::string& name) {
    check_reference(name);
    auto slash = name.rfind('/');
    auto colon = name.rfind(':');
    if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return name + ":latest";
    return name;
}

std::string ImageStore::path(const std::string& id) const {
    return layout_.images_dir() + "/" + digest_hex(id) + ".json";
}

std::vector<ImageRecord> ImageStore::list() const {
    std::vector<ImageRecord> out;
    DIR* d = ::opendir(layout_.images_dir().c_str());
    if (!d) return out;
    while (struct dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n.size() != 64 + 5 || n.compare(64, 5, ".json") != 0) continue;
        std::string text;
        if (!fs::try_read_file(layout_.images_dir() + "/" + n, text)) continue;
        try {
            out.push_back(image_from_json(text));
        } catch (const Error&) {
            // A damaged record is skipped, not fatal for listing.
        }
    }
    ::closedir(d);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created > b.created; });
    return out;
}

std::optional<ImageRecord> ImageStore::find(const std::string& ref) const {
    auto all = list();
    std::string tag = normalize_tag(ref);
    for (const auto& r : all)
        if (std::find(r.tags.begin(), r.tags.end(), tag) != r.tags.end()) return r;
    std::string hex = ref.rfind("sha256:", 0) == 0 ? ref.substr(7) : ref;
    if (hex.empty() || hex.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
    std::optional<ImageRecord> match;
    for (const auto& r : all) {
        if (r.id.compare(7, hex.size(), hex) != 0) continue;
        if (match) throw Error("Multiple IDs found with provided prefix: " + ref);
        match = r;
    }
    return match;
}

ImageRecord ImageStore::resolve(const std::string& ref) const {
    auto r = find(ref);
    if (!r) throw Error("No such image: " + ref);
    return *r;
}

void ImageStore::save(const ImageRecord& r) const {
    layout_.ensure();
    for (auto other : list()) {
        if (other.id == r.id) continue;
        auto before = other.tags.size();
        std::erase_if(other.tags, [&](const std::string& t) {
            return std::find(r.tags.begin(), r.tags.end(), t) != r.tags.end();
        });
        if (other.tags.size() != before) fs::write_file_atomic(path(other.id), image_to_json(other), 0600);
    }
    fs::write_file_atomic(path(r.id), image_to_json(r), 0600);
}

bool ImageStore::has_layer(const std::string& digest) const { return fs::exists(layout_.layer_dir(digest)); }

void ImageStore::remove(const ImageRecord& r) const {
    std::set<std::string> used;
    for (const auto& other : list())
        if (other.id != r.id) used.insert(other.layers.begin(), other.layers.end());
    if (::unlink(path(r.id).c_str()) < 0 && errno != ENOENT) throw_errno("remove image record " + r.id);
    for (const auto& l : r.layers)
        if (!used.count(l)) {
            remove_tree_same_fs(layout_.layer_dir(l));
            ::unlink(layer_size_path(layout_, l).c_str());
        }
}

void ImageStore::set_layer_size(const std::string& digest, uint64_t bytes) const {
    fs::mkdir_all(layout_.root + "/layers/sizes", 0700);
    fs::write_file_atomic(layer_size_path(layout_, digest), std::to_string(bytes) + "\n", 0600, fs::Sync::no_fsync);
}

uint64_t ImageStore::layer_size(const std::string& digest) const {
    std::string text;
    if (!fs::try_read_file(layer_size_path(layout_, digest), text)) return 0;
    return std::strtoull(text.c_str(), nullptr, 10);
}

}  // namespace wb::lite
