// volume create, ls, inspect, rm, prune.
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "lite/commands_habits.hpp"
#include "lite/container_store.hpp"
#include "lite/format.hpp"
#include "lite/table.hpp"
#include "lite/volumes.hpp"
#include "util/error.hpp"

namespace wb::lite {
namespace {

using nlohmann::json;

json volume_json(const VolumeStore& s, const VolumeRecord& v) {
    json labels = json::object();
    for (const auto& [k, val] : v.labels) labels[k] = val;
    return json{{"CreatedAt", v.created}, {"Driver", "local"},          {"Labels", labels},
                {"Mountpoint", s.data_dir(v.name)}, {"Name", v.name}, {"Options", nullptr},
                {"Scope", "local"}};
}

// Names of the volumes some container (running or not) uses.
std::set<std::string> volumes_in_use(const LiteContext& c) {
    VolumeStore vs(c.layout);
    std::set<std::string> used;
    for (const auto& r : ContainerStore(c.layout).list())
        for (const auto& n : vs.used_by(r.volumes)) used.insert(n);
    return used;
}

bool confirmed(const std::string& warning) {
    std::cout << warning << "\nAre you sure you want to continue? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
}

}  // namespace

std::map<std::string, std::string> parse_labels(const std::vector<std::string>& flags) {
    std::map<std::string, std::string> labels;
    for (const auto& l : flags) {
        auto eq = l.find('=');
        if (l.empty() || eq == 0) throw Error("invalid label '" + l + "'");
        labels[l.substr(0, eq)] = eq == std::string::npos ? "" : l.substr(eq + 1);
    }
    return labels;
}

int cmd_volume_create(const LiteContext& c, const std::string& name, const std::vector<std::string>& labels) {
    c.layout.ensure();
    VolumeRecord v = VolumeStore(c.layout).create(name.empty() ? random_hex_id() : name, parse_labels(labels));
    std::cout << v.name << "\n";
    return 0;
}

int cmd_volume_ls(const LiteContext& c, bool quiet, const std::string& format) {
    VolumeStore s(c.layout);
    std::vector<json> objects;
    for (const auto& v : s.list()) {
        json j = volume_json(s, v);
        std::string labels;
        for (const auto& [k, val] : v.labels) labels += (labels.empty() ? "" : ",") + k + "=" + val;
        j["Labels"] = labels;
        j["Size"] = "N/A";
        j["Links"] = "N/A";
        objects.push_back(j);
    }
    if (quiet) {
        for (const auto& o : objects) std::cout << o["Name"].get<std::string>() << "\n";
        return 0;
    }
    std::cout << format_list(format.empty() ? "table" : format, objects, {{"Name", "VOLUME NAME"}},
                             "{{.Driver}}\t{{.Name}}");
    return 0;
}

int cmd_volume_inspect(const LiteContext& c, const std::vector<std::string>& names, const std::string& format) {
    VolumeStore s(c.layout);
    json out = json::array();
    int rc = 0;
    for (const auto& n : names) {
        if (auto v = s.find(n)) {
            out.push_back(volume_json(s, *v));
        } else {
            std::cerr << "Error: No such volume: " << n << "\n";
            rc = 1;
        }
    }
    std::cout << inspect_output(out, format);
    return rc;
}

int cmd_volume_rm(const LiteContext& c, const std::vector<std::string>& names, bool force) {
    VolumeStore s(c.layout);
    int rc = 0;
    auto used = volumes_in_use(c);
    for (const auto& n : names) {
        try {
            if (!s.find(n)) {
                if (force) continue;
                throw Error("get " + n + ": no such volume");
            }
            if (used.count(n)) {
                std::string who;
                for (const auto& r : ContainerStore(c.layout).list())
                    for (const auto& u : s.used_by(r.volumes))
                        if (u == n) who += (who.empty() ? "" : ", ") + r.id;
                throw Error("remove " + n + ": volume is in use - [" + who + "]");
            }
            s.remove(n);
            std::cout << n << "\n";
        } catch (const Error& e) {
            std::cerr << "Error: " << e.what() << "\n";
            rc = 1;
        }
    }
    return rc;
}

int cmd_volume_prune(const LiteContext& c, bool all, bool force) {
    if (!force && !confirmed(all ? "WARNING! This will remove all local volumes not used by at least one container."
                                 : "WARNING! This will remove anonymous local volumes not used by at least one container."))
        return 0;
    VolumeStore s(c.layout);
    auto used = volumes_in_use(c);
    uint64_t reclaimed = 0;
    std::vector<std::string> deleted;
    for (const auto& v : s.list()) {
        if (used.count(v.name) || (!all && !v.anonymous)) continue;
        reclaimed += s.size(v.name);
        s.remove(v.name);
        deleted.push_back(v.name);
    }
    if (!deleted.empty()) {
        std::cout << "Deleted Volumes:\n";
        for (const auto& n : deleted) std::cout << n << "\n";
        std::cout << "\n";
    }
    std::cout << "Total reclaimed space: " << human_size(reclaimed) << "\n";
    return 0;
}

}  // namespace wb::lite
