// tag, rename, wait, version.
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "lite/commands_habits.hpp"
#include "lite/container_store.hpp"
#include "lite/image_store.hpp"
#include "lite/volumes.hpp"
#include "util/error.hpp"

namespace wb::lite {

int cmd_tag(const LiteContext& c, const std::string& source, const std::string& target) {
    ImageStore images(c.layout);
    ImageRecord r = images.resolve(source);
    std::string tag = normalize_tag(target);
    if (std::find(r.tags.begin(), r.tags.end(), tag) == r.tags.end()) r.tags.push_back(tag);
    images.save(r);  // takes the tag away from any other image
    return 0;
}

int cmd_rename(const LiteContext& c, const std::string& ref, const std::string& name) {
    ContainerStore store(c.layout);
    ContainerRecord r = store.resolve(ref);
    // Container names follow the same rule as volume names.
    if (!valid_volume_name(name))
        throw Error("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    if (name == r.name) throw Error("Renaming a container with the same name as its current name");
    for (const auto& other : store.list())
        if (other.name == name)
            throw Error("Error when allocating new name: Conflict. The container name \"/" + name +
                        "\" is already in use by container \"" + other.id + "\".");
    UniqueFd lock = store.lock(r.id);
    ContainerRecord cur = store.load(r.id);
    cur.name = name;
    store.save(cur);
    return 0;
}

int cmd_wait(const LiteContext& c, const std::vector<std::string>& refs) {
    ContainerStore store(c.layout);
    int rc = 0;
    for (const auto& ref : refs) {
        try {
            ContainerRecord r = store.resolve(ref);
            while (store.exists(r.id) && container_alive(c, store.load(r.id))) ::usleep(100000);
            if (!store.exists(r.id)) throw Error("No such container: " + ref);
            std::cout << store.load(r.id).exit_code << std::endl;
        } catch (const Error& e) {
            std::cerr << "Error: " << e.what() << "\n";
            rc = 1;
        }
    }
    return rc;
}

int cmd_version(const LiteContext&) {
    std::cout << "Client:\n Version:           " WHALEBOX_VERSION "\n OS/Arch:           linux/"
#if defined(__x86_64__)
                 "amd64"
#elif defined(__aarch64__)
                 "arm64"
#else
                 "unknown"
#endif
                 "\n\nServer: whalebox-lite (no daemon)\n Engine:\n  Version:          " WHALEBOX_VERSION
                 "\n  Runtime:          whalebox (in-process)\n";
    return 0;
}

}  // namespace wb::lite
