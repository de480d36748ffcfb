#include "lite/container_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "state/state.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {

using nlohmann::json;

std::string container_to_json(const ContainerRecord& r) {
    json j = {{"id", r.id},
              {"name", r.name},
              {"image", r.image},
              {"imageId", r.image_id},
              {"command", r.command},
              {"config", image_config_to_json(r.config)},
              {"state", r.state},
              {"exitCode", r.exit_code},
              {"created", r.created},
              {"startedAt", r.started_at},
              {"finishedAt", r.finished_at},
              {"monitorPid", r.monitor_pid},
              {"monitorStartTime", r.monitor_start_time},
              {"autoRemove", r.auto_remove},
              {"tty", r.tty},
              {"interactive", r.interactive},
              {"volumes", r.volumes},
              {"error", r.error},
              {"lifecycle", lifecycle_to_json(r.lifecycle)}};
    return j.dump(2) + "\n";
}

ContainerRecord container_from_json(const std::string& text) {
    try {
        json j = json::parse(text);
        ContainerRecord r;
        r.id = j.at("id").get<std::string>();
        r.name = j.value("name", "");
        r.image = j.value("image", "");
        r.image_id = j.value("imageId", "");
        r.command = json_strings(j, "command");
        if (auto c = j.find("config"); c != j.end()) r.config = image_config_from_json(*c);
        r.state = j.value("state", "created");
        r.exit_code = j.value("exitCode", 0);
        r.created = j.value("created", "");
        r.started_at = j.value("startedAt", "");
        r.finished_at = j.value("finishedAt", "");
        r.monitor_pid = j.value("monitorPid", 0);
        r.monitor_start_time = j.value("monitorStartTime", uint64_t{0});
        r.auto_remove = j.value("autoRemove", false);
        r.tty = j.value("tty", false);
        r.interactive = j.value("interactive", false);
        r.volumes = json_strings(j, "volumes");
        r.error = j.value("error", "");
        if (auto l = j.find("lifecycle"); l != j.end()) r.lifecycle = lifecycle_from_json(*l);
        return r;
    } catch (const json::exception& e) {
        throw Error(std::string("invalid container record: ") + e.what());
    }
}

std::optional<size_t> resolve_reference(const std::vector<std::pair<std::string, std::string>>& id_name,
                                        const std::string& ref) {
    if (ref.empty()) return std::nullopt;
    for (size_t i = 0; i < id_name.size(); ++i)
        if (id_name[i].first == ref) return i;
    std::string name = ref.front() == '/' ? ref.substr(1) : ref;
    for (size_t i = 0; i < id_name.size(); ++i)
        if (id_name[i].second == name) return i;
    std::optional<size_t> match;
    for (size_t i = 0; i < id_name.size(); ++i) {
        if (id_name[i].first.compare(0, ref.size(), ref) != 0) continue;
        if (match) throw Error("Multiple IDs found with provided prefix: " + ref);
        match = i;
    }
    return match;
}

std::string status_text(const ContainerRecord& r, bool alive, int64_t now) {
    if (alive && r.state == "restarting")  // its monitor waits before starting it again
        return "Restarting (" + std::to_string(r.exit_code) + ") " +
               human_duration(now - parse_rfc3339(r.finished_at)) + " ago";
    if (alive) return "Up " + human_duration(now - parse_rfc3339(r.started_at));
    if (r.state == "created") return "Created";
    if (r.state == "running") {
        // Nobody recorded the end (the monitor died with it): docker shows 255 then.
        return "Exited (255) " + human_duration(now - parse_rfc3339(r.started_at)) + " ago";
    }
    return "Exited (" + std::to_string(r.exit_code) + ") " + human_duration(now - parse_rfc3339(r.finished_at)) +
           " ago";
}

bool monitor_alive(const ContainerRecord& r) {
    if (r.monitor_pid <= 0) return false;
    uint64_t t = state::process_start_time(r.monitor_pid);
    return t != 0 && t == r.monitor_start_time;
}

std::vector<ContainerRecord> ContainerStore::list() const {
    std::vector<ContainerRecord> out;
    DIR* d = ::opendir(layout_.containers_dir().c_str());
    if (!d) return out;
    while (struct dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n.size() != 64) continue;
        std::string text;
        if (!fs::try_read_file(dir(n) + "/container.json", text)) continue;
        try {
            out.push_back(container_from_json(text));
        } catch (const Error&) {
        }
    }
    ::closedir(d);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created > b.created; });
    return out;
}

std::optional<ContainerRecord> ContainerStore::find(const std::string& ref) const {
    auto all = list();
    std::vector<std::pair<std::string, std::string>> id_name;
    for (const auto& r : all) id_name.emplace_back(r.id, r.name);
    auto i = resolve_reference(id_name, ref);
    if (!i) return std::nullopt;
    return all[*i];
}

ContainerRecord ContainerStore::resolve(const std::string& ref) const {
    auto r = find(ref);
    if (!r) throw Error("No such container: " + ref);
    return *r;
}

ContainerRecord ContainerStore::load(const std::string& id) const {
    std::string text;
    if (!fs::try_read_file(dir(id) + "/container.json", text)) throw Error("No such container: " + id);
    return container_from_json(text);
}

bool ContainerStore::exists(const std::string& id) const { return fs::exists(dir(id) + "/container.json"); }

void ContainerStore::save(const ContainerRecord& r) const {
    // Rewritten at every state change; atomic rename is what `ps` after a crash needs.
    fs::write_file_atomic(dir(r.id) + "/container.json", container_to_json(r), 0600, fs::Sync::no_fsync);
}

UniqueFd ContainerStore::lock(const std::string& id) const {
    std::string path = dir(id) + "/lock";
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) throw_errno("open " + path);
    while (::flock(fd.get(), LOCK_EX) < 0)
        if (errno != EINTR) throw_errno("lock " + path);
    return fd;
}

}  // namespace wb::lite
