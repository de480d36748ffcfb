// history, info, container prune, image prune, system df.
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "lite/commands_lite.hpp"
#include "lite/format.hpp"
#include "lite/image_store.hpp"
#include "lite/table.hpp"
#include "lite/volumes.hpp"
#include "state/state.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {
namespace {

using nlohmann::json;

// Bytes of the regular files below path (an overlay upper dir, a volume).
uint64_t tree_bytes(const std::string& path) {
    uint64_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) total += static_cast<uint64_t>(st.st_size);
    }
    return total;
}

bool confirmed(const std::string& warning) {
    std::cout << warning << "\nAre you sure you want to continue? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
}

std::string percent_of(uint64_t part, uint64_t whole) {
    return human_size(part) + " (" + std::to_string(whole ? part * 100 / whole : 0) + "%)";
}

// The distinct layers of images and their stored size.
uint64_t layers_bytes(const ImageStore& store, const std::vector<ImageRecord>& images) {
    std::set<std::string> layers;
    for (const auto& r : images) layers.insert(r.layers.begin(), r.layers.end());
    uint64_t total = 0;
    for (const auto& l : layers) total += store.layer_size(l);
    return total;
}

std::set<std::string> images_in_use(const LiteContext& c) {
    std::set<std::string> used;
    for (const auto& r : ContainerStore(c.layout).list()) used.insert(r.image_id);
    return used;
}

std::string os_name() {
    std::string text;
    if (fs::try_read_file("/etc/os-release", text)) {
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);)
            if (line.rfind("PRETTY_NAME=", 0) == 0) {
                std::string v = line.substr(12);
                if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
                return v;
            }
    }
    return "Linux";
}

}  // namespace

int cmd_history(const LiteContext& c, const std::string& ref, bool quiet, bool no_trunc, const std::string& format) {
    ImageStore store(c.layout);
    ImageRecord r = store.resolve(ref);
    int64_t now = time(nullptr);
    json history = r.history;
    if (history.empty())
        for (size_t i = 0; i < r.layers.size(); ++i) history.push_back({{"created", r.created}});
    // Newest first; each entry that is not an empty layer takes the next layer from the top.
    std::vector<json> rows;
    size_t layer = r.layers.size();
    for (size_t i = history.size(); i-- > 0;) {
        const json& h = history[i];
        bool empty = h.value("empty_layer", false);
        uint64_t size = 0;
        if (!empty && layer > 0) size = store.layer_size(r.layers[--layer]);
        std::string created = h.value("created", r.created);
        std::string by = h.value("created_by", "");
        if (!no_trunc && by.size() > 45) by = by.substr(0, 44) + "…";
        rows.push_back({{"ID", rows.empty() ? (no_trunc ? r.id : r.id.substr(7, 12)) : "<missing>"},
                        {"CreatedAt", created},
                        {"CreatedSince", human_duration(now - parse_rfc3339(created)) + " ago"},
                        {"CreatedBy", by},
                        {"Size", human_size(size)},
                        {"Comment", h.value("comment", "")}});
    }
    if (quiet) {
        for (const auto& row : rows) std::cout << row["ID"].get<std::string>() << "\n";
        return 0;
    }
    std::string f = format.empty() ? "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}" : format;
    std::cout << format_list(f, rows, {{"ID", "IMAGE"}, {"CreatedSince", "CREATED"}, {"CreatedBy", "CREATED BY"}}, "");
    return 0;
}

int cmd_info(const LiteContext& c, const std::string& format) {
    int running = 0, paused = 0, stopped = 0;
    auto containers = ContainerStore(c.layout).list();
    for (const auto& r : containers) {
        if (!container_running(c, r)) {
            ++stopped;
            continue;
        }
        try {
            if (runtime::state(c.runtime, r.id).status == state::Status::paused) {
                ++paused;
                continue;
            }
        } catch (const Error&) {
        }
        ++running;
    }
    struct utsname u {};
    ::uname(&u);
    struct statfs sfs {};
    bool v2 = ::statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == 0x63677270;  // CGROUP2_SUPER_MAGIC
    char host[256] = "";
    ::gethostname(host, sizeof host - 1);
    uint64_t mem = static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    json info = {{"Containers", containers.size()},
                 {"ContainersRunning", running},
                 {"ContainersPaused", paused},
                 {"ContainersStopped", stopped},
                 {"Images", ImageStore(c.layout).list().size()},
                 {"Driver", "overlay2"},
                 {"LoggingDriver", "json-file"},
                 {"CgroupDriver", "cgroupfs"},
                 {"CgroupVersion", v2 ? "2" : "1"},
                 {"DefaultRuntime", "whalebox"},
                 {"KernelVersion", u.release},
                 {"OperatingSystem", os_name()},
                 {"OSType", "linux"},
                 {"Architecture", u.machine},
                 {"NCPU", ::sysconf(_SC_NPROCESSORS_ONLN)},
                 {"MemTotal", mem},
                 {"Name", host},
                 {"DockerRootDir", c.layout.root},
                 {"ServerVersion", WHALEBOX_VERSION}};
    if (!format.empty()) {
        std::cout << render_template(format, info) << "\n";
        return 0;
    }
    auto v = [&](const char* k) { return info[k].is_string() ? info[k].get<std::string>() : info[k].dump(); };
    std::cout << "Client:\n Version:    " WHALEBOX_VERSION "\n Context:    default\n\nServer:\n"
              << " Containers: " << v("Containers") << "\n  Running: " << running << "\n  Paused: " << paused
              << "\n  Stopped: " << stopped << "\n Images: " << v("Images") << "\n Server Version: " WHALEBOX_VERSION
              << "\n Storage Driver: overlay2 (overlayfs over the image layers)\n Logging Driver: json-file"
              << "\n Cgroup Driver: cgroupfs\n Cgroup Version: " << v("CgroupVersion")
              << "\n Runtimes: whalebox (in-process)\n Default Runtime: whalebox\n Kernel Version: "
              << v("KernelVersion") << "\n Operating System: " << v("OperatingSystem") << "\n OSType: linux"
              << "\n Architecture: " << v("Architecture") << "\n CPUs: " << v("NCPU")
              << "\n Total Memory: " << human_size(mem) << "\n Name: " << v("Name")
              << "\n Docker Root Dir: " << c.layout.root << "\n";
    return 0;
}

int cmd_container_prune(const LiteContext& c, bool force) {
    if (!force && !confirmed("WARNING! This will remove all stopped containers.")) return 0;
    ContainerStore store(c.layout);
    uint64_t reclaimed = 0;
    std::vector<std::string> deleted;
    for (const auto& r : store.list()) {
        if (container_alive(c, r)) continue;
        uint64_t size = tree_bytes(store.dir(r.id) + "/upper");
        try {
            remove_container(c, r, false);
        } catch (const Error& e) {
            std::cerr << "Error: " << e.what() << "\n";
            continue;
        }
        reclaimed += size;
        deleted.push_back(r.id);
    }
    if (!deleted.empty()) {
        std::cout << "Deleted Containers:\n";
        for (const auto& id : deleted) std::cout << id << "\n";
        std::cout << "\n";
    }
    std::cout << "Total reclaimed space: " << human_size(reclaimed) << "\n";
    return 0;
}

int cmd_image_prune(const LiteContext& c, bool all, bool force) {
    if (!force && !confirmed(all ? "WARNING! This will remove all images without at least one container associated to them."
                                 : "WARNING! This will remove all dangling images."))
        return 0;
    ImageStore store(c.layout);
    auto used = images_in_use(c);
    auto before = store.list();
    uint64_t size_before = layers_bytes(store, before);
    std::vector<ImageRecord> deleted;
    for (const auto& r : before) {
        if (used.count(r.id) || (!all && !r.tags.empty())) continue;
        store.remove(r);
        deleted.push_back(r);
    }
    uint64_t size_after = layers_bytes(store, store.list());
    if (!deleted.empty()) {
        std::cout << "Deleted Images:\n";
        for (const auto& r : deleted) {
            for (const auto& t : r.tags) std::cout << "untagged: " << t << "\n";
            std::cout << "deleted: " << r.id << "\n";
        }
        std::cout << "\n";
    }
    std::cout << "Total reclaimed space: " << human_size(size_before - std::min(size_before, size_after)) << "\n";
    return 0;
}

int cmd_system_df(const LiteContext& c) {
    ImageStore images(c.layout);
    ContainerStore containers(c.layout);
    VolumeStore volumes(c.layout);
    auto image_list = images.list();
    auto used = images_in_use(c);
    std::vector<ImageRecord> active, idle;
    for (const auto& r : image_list) (used.count(r.id) ? active : idle).push_back(r);
    uint64_t image_total = layers_bytes(images, image_list);
    uint64_t image_reclaim = image_total - std::min(image_total, layers_bytes(images, active));

    auto container_list = containers.list();
    size_t running = 0;
    uint64_t container_total = 0, container_reclaim = 0;
    for (const auto& r : container_list) {
        uint64_t size = tree_bytes(containers.dir(r.id) + "/upper");
        container_total += size;
        if (container_alive(c, r)) ++running;
        else container_reclaim += size;
    }

    std::set<std::string> used_volumes;
    for (const auto& r : container_list)
        for (const auto& n : volumes.used_by(r.volumes)) used_volumes.insert(n);
    uint64_t volume_total = 0, volume_reclaim = 0;
    auto volume_list = volumes.list();
    for (const auto& v : volume_list) {
        uint64_t size = volumes.size(v.name);
        volume_total += size;
        if (!used_volumes.count(v.name)) volume_reclaim += size;
    }

    std::vector<std::vector<std::string>> rows{{"TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"}};
    rows.push_back({"Images", std::to_string(image_list.size()), std::to_string(active.size()), human_size(image_total),
                    percent_of(image_reclaim, image_total)});
    rows.push_back({"Containers", std::to_string(container_list.size()), std::to_string(running),
                    human_size(container_total), percent_of(container_reclaim, container_total)});
    rows.push_back({"Local Volumes", std::to_string(volume_list.size()), std::to_string(used_volumes.size()),
                    human_size(volume_total), percent_of(volume_reclaim, volume_total)});
    rows.push_back({"Build Cache", "0", "0", "0B", "0B"});
    std::cout << format_table(rows);
    return 0;
}

}  // namespace wb::lite
