// ps, images and inspect, with docker's --format (Go templates, format.hpp) and ps's
// filters, -n, -l and -s.
#include <time.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "lite/commands.hpp"
#include "lite/container_view.hpp"
#include "lite/format.hpp"
#include "lite/image_store.hpp"
#include "lite/network_attach.hpp"
#include "util/error.hpp"

namespace wb::lite {

using nlohmann::json;

int cmd_ps(const LiteContext& c, const PsOptions& o) {
    release_stale_networks(c);
    // -n N and -l look at every container (created and exited ones too), newest first; so
    // does a status filter (docker: other filters apply to the running ones without -a).
    bool status_filter = std::any_of(o.filters.begin(), o.filters.end(), [](const std::string& f) {
        return f.rfind("status=", 0) == 0 || f.rfind("exited=", 0) == 0;
    });
    bool all = o.all || o.last >= 0 || o.latest || status_filter;
    int64_t limit = o.latest ? 1 : o.last;
    std::vector<json> objects;
    for (const auto& r : ContainerStore(c.layout).list()) {
        if (limit >= 0 && static_cast<int64_t>(objects.size()) >= limit) break;
        ContainerView v = view_container(c, r);
        if (!all && !v.alive) continue;
        if (!matches_filters(c, v, o.filters)) continue;
        objects.push_back(ps_object(c, v, o.no_trunc, o.size));
    }
    if (o.quiet) {
        for (const auto& obj : objects) std::cout << obj["ID"].get<std::string>() << "\n";
        return 0;
    }
    std::string table = "{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
    if (o.size) table += "\t{{.Size}}";
    std::cout << format_list(o.format.empty() ? "table " + table : o.format, objects,
                             {{"ID", "CONTAINER ID"}, {"RunningFor", "CREATED"}, {"Names", "NAMES"}}, table);
    return 0;
}

int cmd_images(const LiteContext& c, bool quiet, const std::string& format) {
    std::vector<json> objects;
    int64_t now = time(nullptr);
    for (const auto& r : ImageStore(c.layout).list()) {
        std::string short_id = r.id.substr(7, 12);
        if (quiet) {
            std::cout << short_id << "\n";
            continue;
        }
        auto add = [&](const std::string& repo, const std::string& tag) {
            objects.push_back({{"Repository", repo},
                               {"Tag", tag},
                               {"ID", short_id},
                               {"Digest", "<none>"},
                               {"CreatedAt", r.created},
                               {"CreatedSince", human_duration(now - parse_rfc3339(r.created)) + " ago"},
                               {"Size", human_size(r.size)},
                               {"Containers", "N/A"}});
        };
        if (r.tags.empty()) add("<none>", "<none>");
        for (const auto& t : r.tags) {
            auto colon = t.rfind(':');
            add(t.substr(0, colon), t.substr(colon + 1));
        }
    }
    if (quiet) return 0;
    std::string table = "{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
    std::cout << format_list(format.empty() ? "table " + table : format, objects,
                             {{"ID", "IMAGE ID"}, {"CreatedSince", "CREATED"}}, table);
    return 0;
}

int cmd_inspect(const LiteContext& c, const std::vector<std::string>& refs, const std::string& format,
                const std::string& type) {
    json out = json::array();
    int rc = 0;
    ContainerStore containers(c.layout);
    ImageStore images(c.layout);
    for (const auto& ref : refs) {
        std::optional<ContainerRecord> ct;
        std::optional<ImageRecord> im;
        if (type != "image") ct = containers.find(ref);
        if (!ct && type != "container") im = images.find(ref);
        if (ct) {
            out.push_back(inspect_container(c, view_container(c, *ct)));
        } else if (im) {
            out.push_back(inspect_image(c, *im));
        } else {
            std::cerr << "Error: No such object: " << ref << "\n";
            rc = 1;
        }
    }
    std::cout << inspect_output(out, format);
    return rc;
}

}  // namespace wb::lite
