#include "lite/volumes.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "lite/container_store.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {

using nlohmann::json;

namespace {

std::string record_path(const VolumeStore& s, const std::string& name) { return s.dir() + "/" + name + "/volume.json"; }

VolumeRecord from_json(const std::string& text) {
    json j = json::parse(text);
    VolumeRecord v;
    v.name = j.value("Name", "");
    v.created = j.value("CreatedAt", "");
    if (j.contains("Labels") && j["Labels"].is_object())
        for (auto& [k, val] : j["Labels"].items())
            if (val.is_string()) v.labels[k] = val.get<std::string>();
    v.anonymous = j.value("Anonymous", false);
    v.container = j.value("Container", "");
    return v;
}

std::string to_json(const VolumeRecord& v) {
    json labels = json::object();
    for (const auto& [k, val] : v.labels) labels[k] = val;
    return json{{"Name", v.name}, {"CreatedAt", v.created}, {"Labels", labels}, {"Anonymous", v.anonymous},
                {"Container", v.container}}
               .dump(2) +
           "\n";
}

}  // namespace

bool valid_volume_name(const std::string& name) {
    if (name.size() < 2 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
    return std::all_of(name.begin(), name.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-';
    });
}

std::vector<VolumeRecord> VolumeStore::list() const {
    std::vector<VolumeRecord> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir(), ec)) {
        std::string text;
        if (!fs::try_read_file(e.path().string() + "/volume.json", text)) continue;
        try {
            out.push_back(from_json(text));
        } catch (const std::exception&) {
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

std::optional<VolumeRecord> VolumeStore::find(const std::string& name) const {
    if (!valid_volume_name(name)) return std::nullopt;
    std::string text;
    if (!fs::try_read_file(record_path(*this, name), text)) return std::nullopt;
    return from_json(text);
}

VolumeRecord VolumeStore::create(const std::string& name, const std::map<std::string, std::string>& labels,
                                 bool anonymous, const std::string& container) const {
    if (!valid_volume_name(name))
        throw Error("create " + name + ": \"" + name +
                    "\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are "
                    "allowed. If you intended to pass a host directory, use absolute path");
    if (auto v = find(name)) return *v;
    fs::mkdir_all(dir(), 0701);
    fs::mkdir_all(data_dir(name), 0755);
    VolumeRecord v{name, now_rfc3339(), labels, anonymous, container};
    fs::write_file_atomic(record_path(*this, name), to_json(v), 0600, fs::Sync::no_fsync);
    return v;
}

void VolumeStore::remove(const std::string& name) const {
    if (!find(name)) throw Error("get " + name + ": no such volume");
    remove_tree_same_fs(dir() + "/" + name);
}

std::vector<std::string> VolumeStore::used_by(const std::vector<std::string>& container_volumes) const {
    std::vector<std::string> names;
    std::string prefix = dir() + "/";
    for (const auto& spec : container_volumes) {
        if (spec.rfind(prefix, 0) != 0) continue;
        std::string rest = spec.substr(prefix.size());
        auto slash = rest.find('/');
        if (slash != std::string::npos && rest.compare(slash, 7, "/_data:") == 0) names.push_back(rest.substr(0, slash));
    }
    return names;
}

uint64_t VolumeStore::size(const std::string& name) const {
    uint64_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(data_dir(name), ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) total += static_cast<uint64_t>(st.st_size);
    }
    return total;
}

void resolve_volumes(const Layout& layout, std::vector<VolumeSpec>& volumes, const std::string& id) {
    VolumeStore store(layout);
    for (auto& v : volumes) {
        if (v.type == "tmpfs") continue;
        if (v.type == "volume") {
            bool anonymous = v.volume.empty();
            if (anonymous) v.volume = random_hex_id();
            store.create(v.volume, {}, anonymous, anonymous ? id : "");
            v.host = store.data_dir(v.volume);
            continue;
        }
        struct stat st {};
        if (::stat(v.host.c_str(), &st) < 0) {
            if (v.from_mount_flag) throw Error("invalid mount config for type \"bind\": bind source path does not exist: " + v.host);
            fs::mkdir_all(v.host, 0755);  // docker creates a missing host dir for -v
        }
    }
}

void remove_anonymous_volumes(const Layout& layout, const std::string& id) {
    VolumeStore store(layout);
    for (const auto& v : store.list())
        if (v.anonymous && v.container == id) store.remove(v.name);
}

VolumeSpec parse_mount(const std::string& spec) {
    auto bad = [&](const std::string& why) { return Error("invalid argument \"" + spec + "\" for \"--mount\" flag: " + why); };
    VolumeSpec v;
    v.type = "volume";  // docker's default type
    v.from_mount_flag = true;
    std::string source, size, mode;
    size_t pos = 0;
    while (pos <= spec.size()) {
        size_t comma = spec.find(',', pos);
        std::string field = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        pos = comma == std::string::npos ? spec.size() + 1 : comma + 1;
        if (field.empty()) continue;
        auto eq = field.find('=');
        std::string key = field.substr(0, eq), value = eq == std::string::npos ? "" : field.substr(eq + 1);
        for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (key == "type") v.type = value;
        else if (key == "source" || key == "src") source = value;
        else if (key == "target" || key == "destination" || key == "dst") v.container = value;
        else if (key == "readonly" || key == "ro") v.readonly = eq == std::string::npos || value == "true" || value == "1";
        else if (key == "tmpfs-size") size = value;
        else if (key == "tmpfs-mode") mode = value;
        else if (key == "bind-propagation" || key == "volume-nocopy" || key == "consistency") continue;
        else throw bad("unexpected key '" + key + "' in '" + field + "'");
    }
    if (v.container.empty()) throw bad("target is required");
    if (v.container.front() != '/') throw bad("target must be an absolute path");
    if (v.type == "bind") {
        if (source.empty()) throw bad("source is required when specifying bind mounts");
        if (source.front() != '/') throw bad("invalid mount path: '" + source + "' mount path must be absolute");
        v.host = source;
    } else if (v.type == "volume") {
        if (!source.empty() && !valid_volume_name(source)) throw bad("invalid volume name '" + source + "'");
        v.volume = source;
    } else if (v.type == "tmpfs") {
        if (!source.empty()) throw bad("source must not be specified for tmpfs mounts");
        std::string opts = "nosuid,nodev";
        if (!size.empty()) opts += ",size=" + std::to_string(parse_memory_size(size));
        if (!mode.empty()) opts += ",mode=" + mode;
        v.tmpfs_options = opts;
    } else {
        throw bad("mount type '" + v.type + "' is not supported (bind, volume, tmpfs)");
    }
    return v;
}

}  // namespace wb::lite
