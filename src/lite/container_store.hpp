// Container records: ROOT/containers/<id>/container.json, written atomically, plus the
// lookup docker does (full id, name, unique id prefix).
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lite/common.hpp"
#include "lite/image_store.hpp"
#include "lite/lifecycle_options.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

struct ContainerRecord {
    std::string id;  // 64 hex
    std::string name;
    std::string image;     // as given on the command line
    std::string image_id;  // "sha256:<hex>"
    std::vector<std::string> command;  // the process args
    ImageConfig config;                // what the container ran with (commit takes it)
    std::string state = "created";     // created | running | restarting (--restart) | exited
    int exit_code = 0;
    std::string created;
    std::string started_at;
    std::string finished_at;
    pid_t monitor_pid = 0;              // the process that waits for the container
    uint64_t monitor_start_time = 0;    // to tell a reused pid apart
    bool auto_remove = false;           // --rm
    bool tty = false;
    bool interactive = false;           // -i: with -d, stdin stays open (a pipe the monitor holds)
    std::vector<std::string> volumes;   // -v specs as given
    std::string error;                  // why the last start failed
    LifecycleSettings lifecycle;        // restart policy, --init, stop signal/timeout, userns
};

std::string container_to_json(const ContainerRecord& r);
ContainerRecord container_from_json(const std::string& text);

// Chooses among candidates as docker does: exact id, then exact name, then a unique id
// prefix. Returns the index, or nullopt; throws for an ambiguous prefix.
std::optional<size_t> resolve_reference(const std::vector<std::pair<std::string, std::string>>& id_name,
                                        const std::string& ref);

// "Up 5 seconds", "Exited (3) 2 minutes ago", "Created" for ps, given whether the
// container's processes are alive now.
std::string status_text(const ContainerRecord& r, bool alive, int64_t now);

// True while the monitor recorded in r is alive.
bool monitor_alive(const ContainerRecord& r);

class ContainerStore {
public:
    explicit ContainerStore(Layout layout) : layout_(std::move(layout)) {}
    std::vector<ContainerRecord> list() const;  // newest first
    // Throws "No such container: REF".
    ContainerRecord resolve(const std::string& ref) const;
    std::optional<ContainerRecord> find(const std::string& ref) const;
    ContainerRecord load(const std::string& id) const;
    bool exists(const std::string& id) const;
    void save(const ContainerRecord& r) const;
    std::string dir(const std::string& id) const { return layout_.container_dir(id); }
    // An exclusive flock on the container's lock file (commands and the monitor serialise).
    UniqueFd lock(const std::string& id) const;
    const Layout& layout() const { return layout_; }

private:
    Layout layout_;
};

}  // namespace wb::lite
