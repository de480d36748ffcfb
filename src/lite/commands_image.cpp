// import, load, rmi, commit (images and inspect: commands_list.cpp).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "lite/commands.hpp"
#include "lite/image_ops.hpp"
#include "lite/image_store.hpp"
#include "util/error.hpp"

namespace wb::lite {

using nlohmann::json;

int cmd_import(const LiteContext& c, const std::string& tarball, const std::string& name) {
    ImageRecord r = import_image(c.layout, tarball, name);
    std::cout << r.id << "\n";
    return 0;
}

int cmd_load(const LiteContext& c, const std::string& archive, const std::string& tag) {
    for (const auto& r : load_images(c.layout, archive, tag)) {
        if (r.tags.empty()) std::cout << "Loaded image ID: " << r.id << "\n";
        for (const auto& t : r.tags) std::cout << "Loaded image: " << t << "\n";
    }
    return 0;
}

int cmd_rmi(const LiteContext& c, const std::vector<std::string>& refs, bool force) {
    ImageStore images(c.layout);
    ContainerStore containers(c.layout);
    int rc = 0;
    for (const auto& ref : refs) {
        try {
            ImageRecord r = images.resolve(ref);
            // A tag of an image with several tags: only the tag goes, as in docker.
            std::string tag = normalize_tag(ref);
            if (r.tags.size() > 1 && std::find(r.tags.begin(), r.tags.end(), tag) != r.tags.end()) {
                std::erase(r.tags, tag);
                images.save(r);
                std::cout << "Untagged: " << tag << "\n";
                continue;
            }
            for (const auto& ct : containers.list())
                if (ct.image_id == r.id)
                    throw Error("conflict: unable to remove image " + ref + " (" +
                                (force ? "cannot be forced" : "must be forced") + ") - container " +
                                ct.id.substr(0, 12) + " is using its referenced image " + r.id.substr(7, 12));
            images.remove(r);
            for (const auto& t : r.tags) std::cout << "Untagged: " << t << "\n";
            std::cout << "Deleted: " << r.id << "\n";
        } catch (const Error& e) {
            std::cerr << "Error: " << e.what() << "\n";
            rc = 1;
        }
    }
    return rc;
}

int cmd_commit(const LiteContext& c, const std::string& ref, const std::string& image) {
    ContainerRecord ct = ContainerStore(c.layout).resolve(ref);
    ImageRecord r = commit_container(c.layout, ct, image);
    std::cout << r.id << "\n";
    return 0;
}

}  // namespace wb::lite
