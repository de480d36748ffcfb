// Named and anonymous volumes, as docker's local driver keeps them:
//   ROOT/volumes/<name>/_data         the data, bind-mounted into containers
//   ROOT/volumes/<name>/volume.json   {"Name","CreatedAt","Labels","Anonymous","Container"}
// and the --mount syntax (type=bind|volume|tmpfs,...).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lite/common.hpp"
#include "lite/run_options.hpp"

namespace wb::lite {

struct VolumeRecord {
    std::string name;
    std::string created;  // RFC 3339
    std::map<std::string, std::string> labels;
    bool anonymous = false;
    std::string container;  // an anonymous volume's container (rm -v, --rm remove it)
};

// docker's rule for a local volume name: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (two characters at least).
bool valid_volume_name(const std::string& name);

class VolumeStore {
public:
    explicit VolumeStore(Layout layout) : layout_(std::move(layout)) {}
    std::string dir() const { return layout_.root + "/volumes"; }
    std::string data_dir(const std::string& name) const { return dir() + "/" + name + "/_data"; }
    std::vector<VolumeRecord> list() const;  // by name
    std::optional<VolumeRecord> find(const std::string& name) const;
    // Creates the volume (an existing one is returned as it is).
    VolumeRecord create(const std::string& name, const std::map<std::string, std::string>& labels,
                        bool anonymous = false, const std::string& container = "") const;
    // Deletes its directory (the data too).
    void remove(const std::string& name) const;
    // Names of the volumes a container record uses (by their _data paths in its -v list).
    std::vector<std::string> used_by(const std::vector<std::string>& container_volumes) const;
    // The whole directory size in bytes (for ls/system df).
    uint64_t size(const std::string& name) const;

private:
    Layout layout_;
};

// Gives every volume-typed spec its host path: a named volume is created on first use, an
// anonymous one (-v /path) gets a random name and belongs to container `id`; a missing bind
// source directory is created (a file is mounted as a file).
void resolve_volumes(const Layout& layout, std::vector<VolumeSpec>& volumes, const std::string& id);

// Removes the anonymous volumes of container `id` (rm -v, --rm).
void remove_anonymous_volumes(const Layout& layout, const std::string& id);

// --mount type=bind|volume|tmpfs,source=...,target=...[,readonly][,tmpfs-size=N][,tmpfs-mode=O]
VolumeSpec parse_mount(const std::string& spec);

}  // namespace wb::lite
