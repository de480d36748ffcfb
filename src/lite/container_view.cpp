#include "lite/container_view.hpp"

#include <sys/stat.h>
#include <time.h>

#include <cstring>
#include <filesystem>

#include "lite/network_attach.hpp"
#include "lite/table.hpp"
#include "state/state.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {
namespace {

using nlohmann::json;

constexpr const char* kLabelPrefix = "org.whalebox.lite.label.";
constexpr const char* kZeroTime = "0001-01-01T00:00:00Z";  // docker's unset time

json config_json(const LiteContext& c, const std::string& id) {
    std::string text;
    if (!fs::try_read_file(c.layout.container_dir(id) + "/config.json", text)) return json::object();
    try {
        return json::parse(text);
    } catch (const json::exception&) {
        return json::object();
    }
}

// docker's "2024-01-02 03:04:05 +0000 UTC".
std::string created_at(const std::string& rfc3339) {
    time_t t = static_cast<time_t>(parse_rfc3339(rfc3339));
    struct tm tm {};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
    return buf;
}

uint64_t upper_bytes(const LiteContext& c, const std::string& id) {
    uint64_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(c.layout.container_dir(id) + "/upper", ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) total += static_cast<uint64_t>(st.st_size);
    }
    return total;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
    return out;
}

struct Mount {
    std::string source, destination;
    bool rw = true;
};

std::vector<Mount> mounts_of(const ContainerRecord& r) {
    std::vector<Mount> out;
    for (const auto& v : r.volumes) {
        Mount m;
        std::string s = v;
        if (s.size() > 3 && s.compare(s.size() - 3, 3, ":ro") == 0) {
            m.rw = false;
            s.resize(s.size() - 3);
        }
        auto colon = s.rfind(':');
        m.source = s.substr(0, colon);
        m.destination = colon == std::string::npos ? "" : s.substr(colon + 1);
        out.push_back(m);
    }
    return out;
}

std::string network_mode(const LiteContext& c, const ContainerRecord& r) {
    try {
        NetworkRequest req = load_network_request(c.layout.container_dir(r.id));
        if (req.mode == "cni") return req.network;
        if (req.mode == "container") return "container:" + req.network;
        return req.mode;
    } catch (const std::exception&) {
        return "none";
    }
}

// docker's port key: "80/tcp".
std::string port_key(const PortMapping& p) { return std::to_string(p.container_port) + "/" + p.protocol; }

json exposed_ports_object(const std::vector<std::string>& ports) {
    if (ports.empty()) return nullptr;  // docker omits it; null keeps {{json .Config.ExposedPorts}} working
    json o = json::object();
    for (const auto& p : ports) o[p] = json::object();
    return o;
}

// HostConfig.PortBindings: what -p (and -P) asked for; HostPort "" for a free port.
json port_bindings(const LiteContext& c, const ContainerRecord& r) {
    json o = json::object();
    try {
        for (const auto& p : load_network_request(c.layout.container_dir(r.id)).ports)
            o[port_key(p)].push_back({{"HostIp", p.host_ip}, {"HostPort", p.host_port ? std::to_string(p.host_port) : ""}});
    } catch (const std::exception&) {
    }
    return o;
}

// NetworkSettings.Ports while the container runs: every exposed port, null when it is not
// published, else the host sockets it is published on ("0.0.0.0" for every address).
json network_ports(const LiteContext& c, const ContainerView& v) {
    json o = json::object();
    if (v.state != "running" && v.state != "paused") return o;
    for (const auto& p : v.record.config.exposed_ports) o[p] = nullptr;
    for (const auto& e : network_endpoints(c.layout, v.record.id))
        for (const auto& p : e.ports)
            o[port_key(p)].push_back(
                {{"HostIp", p.host_ip.empty() ? "0.0.0.0" : p.host_ip}, {"HostPort", std::to_string(p.host_port)}});
    return o;
}

}  // namespace

ContainerView view_container(const LiteContext& c, const ContainerRecord& r) {
    ContainerView v;
    v.record = r;
    v.alive = container_alive(c, r);
    v.state = r.state == "created" ? "created" : "exited";
    try {
        state::State s = runtime::state(c.runtime, r.id);
        if (s.status == state::Status::paused) v.state = "paused";
        else if (s.status != state::Status::stopped) v.state = "running";
        if (s.status != state::Status::stopped) v.pid = s.pid;
    } catch (const Error&) {
    }
    if (v.alive && v.state != "paused") v.state = "running";
    json spec = config_json(c, r.id);
    if (auto a = spec.find("annotations"); a != spec.end() && a->is_object())
        for (const auto& [k, val] : a->items())
            if (k.rfind(kLabelPrefix, 0) == 0 && val.is_string()) v.labels[k.substr(strlen(kLabelPrefix))] = val;
    return v;
}

json ps_object(const LiteContext& c, const ContainerView& v, bool no_trunc, bool with_size) {
    const ContainerRecord& r = v.record;
    int64_t now = time(nullptr);
    std::vector<std::string> labels, mounts;
    for (const auto& [k, val] : v.labels) labels.push_back(k + "=" + val);
    for (const auto& m : mounts_of(r)) mounts.push_back(m.source);
    std::string status = status_text(r, v.alive, now);
    if (v.state == "paused") status += " (Paused)";
    json o = {{"ID", no_trunc ? r.id : r.id.substr(0, 12)},
              {"Image", r.image},
              {"Command", command_cell(r.command, no_trunc)},
              {"CreatedAt", created_at(r.created)},
              {"RunningFor", human_duration(now - parse_rfc3339(r.created)) + " ago"},
              {"Ports", ports_cell(c.layout, r.id)},
              {"State", v.state},
              {"Status", status},
              {"Names", r.name},
              {"Labels", join(labels, ",")},
              {"Mounts", join(mounts, ",")},
              {"Networks", network_mode(c, r)},
              {"Size", ""}};
    if (with_size) {
        uint64_t image_size = 0;
        if (auto im = ImageStore(c.layout).find(r.image_id)) image_size = im->size;
        uint64_t rw = upper_bytes(c, r.id);
        o["Size"] = human_size(rw) + " (virtual " + human_size(rw + image_size) + ")";
    }
    return o;
}

json inspect_container(const LiteContext& c, const ContainerView& v) {
    const ContainerRecord& r = v.record;
    json spec = config_json(c, r.id);
    json labels = json::object();
    for (const auto& [k, val] : v.labels) labels[k] = val;
    const json& res = spec.contains("linux") && spec["linux"].contains("resources") ? spec["linux"]["resources"]
                                                                                      : json::object();
    auto num = [&](const char* group, const char* key) -> int64_t {
        if (!res.contains(group) || !res[group].contains(key) || !res[group][key].is_number()) return 0;
        return res[group][key].get<int64_t>();
    };
    int64_t quota = num("cpu", "quota"), period = num("cpu", "period");
    json mounts = json::array();
    json binds = json::array();
    for (const auto& m : mounts_of(r)) {
        bool volume = m.source.find("/volumes/") != std::string::npos && m.source.ends_with("/_data");
        mounts.push_back({{"Type", volume ? "volume" : "bind"}, {"Source", m.source}, {"Destination", m.destination},
                          {"Mode", m.rw ? "" : "ro"}, {"RW", m.rw}, {"Propagation", "rprivate"}});
        binds.push_back(m.source + ":" + m.destination + (m.rw ? "" : ":ro"));
    }
    json networks = json::object();
    std::string ip;
    for (const auto& e : network_endpoints(c.layout, r.id)) {
        networks[e.network] = {{"IPAddress", e.ip}, {"NetworkID", e.network}};
        if (ip.empty()) ip = e.ip;
    }
    json record = json::parse(container_to_json(r));
    record["running"] = v.state == "running" || v.state == "paused";
    record["pid"] = v.pid;
    record["status"] = status_text(r, v.alive, time(nullptr));
    record["dir"] = c.layout.container_dir(r.id);
    std::string hostname = spec.value("hostname", "");
    bool read_only = spec.contains("root") && spec["root"].value("readonly", false);
    return {{"Id", r.id},
            {"Created", r.created},
            {"Path", r.command.empty() ? "" : r.command.front()},
            {"Args", r.command.size() > 1 ? std::vector<std::string>(r.command.begin() + 1, r.command.end())
                                           : std::vector<std::string>{}},
            {"State",
             {{"Status", v.state},
              {"Running", v.state == "running" || v.state == "paused"},
              {"Paused", v.state == "paused"},
              {"Restarting", false},
              {"OOMKilled", false},
              {"Dead", false},
              {"Pid", v.pid},
              {"ExitCode", r.exit_code},
              {"Error", r.error},
              {"StartedAt", r.started_at.empty() ? kZeroTime : r.started_at},
              {"FinishedAt", r.finished_at.empty() ? kZeroTime : r.finished_at}}},
            {"Image", r.image_id},
            {"Name", "/" + r.name},
            {"RestartCount", 0},
            {"Driver", "overlay2"},
            {"Platform", "linux"},
            {"Config",
             {{"Hostname", hostname},
              {"User", r.config.user},
              {"Tty", r.tty},
              {"OpenStdin", r.interactive},
              {"Env", r.config.env},
              {"Cmd", r.config.cmd},
              {"Image", r.image},
              {"WorkingDir", r.config.working_dir},
              {"Entrypoint", r.config.entrypoint.empty() ? json(nullptr) : json(r.config.entrypoint)},
              {"ExposedPorts", exposed_ports_object(r.config.exposed_ports)},
              {"Labels", labels}}},
            {"HostConfig",
             {{"Binds", binds},
              {"NetworkMode", network_mode(c, r)},
              {"PortBindings", port_bindings(c, r)},
              {"RestartPolicy",
               {{"Name", r.lifecycle.restart.name}, {"MaximumRetryCount", r.lifecycle.restart.max_retries}}},
              {"AutoRemove", r.auto_remove},
              {"ReadonlyRootfs", read_only},
              {"Memory", num("memory", "limit")},
              {"CpuShares", num("cpu", "shares")},
              {"CpuPeriod", period},
              {"CpuQuota", quota},
              {"NanoCpus", quota > 0 && period > 0 ? quota * 1000000000 / period : 0},
              {"CpusetCpus", res.contains("cpu") ? res["cpu"].value("cpus", "") : ""},
              {"PidsLimit", num("pids", "limit")}}},
            {"Mounts", mounts},
            {"NetworkSettings", {{"IPAddress", ip}, {"Ports", network_ports(c, v)}, {"Networks", networks}}},
            {"WhaleboxLite", record}};
}

json inspect_image(const LiteContext& c, const ImageRecord& r) {
    json record = json::parse(image_to_json(r));
    json dirs = json::array();
    for (const auto& l : r.layers) dirs.push_back(c.layout.layer_dir(l));
    record["layerDirs"] = dirs;
    json cfg = image_config_to_json(r.config);
    return {{"Id", r.id},
            {"RepoTags", r.tags},
            {"RepoDigests", json::array()},
            {"Created", r.created},
            {"Config", cfg},
            {"Architecture", "amd64"},
            {"Os", "linux"},
            {"Size", r.size},
            {"RootFS", {{"Type", "layers"}, {"Layers", r.layers}}},
            {"WhaleboxLite", record}};
}

bool matches_filters(const LiteContext& c, const ContainerView& v, const std::vector<std::string>& filters) {
    std::map<std::string, std::vector<std::string>> by_key;
    for (const auto& f : filters) {
        auto eq = f.find('=');
        if (eq == std::string::npos) throw Error("bad format of filter (expected name=value)");
        std::string key = f.substr(0, eq);
        if (key != "name" && key != "status" && key != "ancestor" && key != "label" && key != "id" && key != "exited")
            throw Error("invalid filter '" + key + "'");
        by_key[key].push_back(f.substr(eq + 1));
    }
    const ContainerRecord& r = v.record;
    auto one = [&](const std::string& key, const std::string& val) {
        if (key == "name") return r.name.find(val) != std::string::npos;  // docker: a substring (regexp)
        if (key == "id") return r.id.rfind(val, 0) == 0;
        if (key == "status") return v.state == val;
        if (key == "exited") return v.state == "exited" && std::to_string(r.exit_code) == val;
        if (key == "label") {
            auto eq = val.find('=');
            auto it = v.labels.find(val.substr(0, eq));
            return it != v.labels.end() && (eq == std::string::npos || it->second == val.substr(eq + 1));
        }
        // ancestor: the image by name[:tag] or id.
        if (r.image == val || r.image_id == val) return true;
        if (auto im = ImageStore(c.layout).find(val)) return im->id == r.image_id;
        return false;
    };
    for (const auto& [key, values] : by_key) {
        // docker: label filters must all match; the values of any other key are alternatives.
        bool all = true, any = false;
        for (const auto& val : values) {
            bool m = one(key, val);
            all = all && m;
            any = any || m;
        }
        if (key == "label" ? !all : !any) return false;
    }
    return true;
}

}  // namespace wb::lite
