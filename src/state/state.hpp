// Container state on disk: ROOT/ID/state.json (written atomically), a per-container lock,
// the exec fifo, and the status computed from the live process.
//
// ROOT/ID never exists without a record: create writes a first record (status "creating",
// the cgroups it is about to make) before it makes anything, and ROOT/ID appears with it
// in one rename. So a create killed at any moment leaves a container that `list` shows
// and `delete` removes (docs/architecture.md, "A create killed midway").
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "state/oci_state.hpp"
#include "util/unique_fd.hpp"

namespace wb::state {

struct State {
    // OCI state fields.
    std::string oci_version;
    std::string id;
    Status status = Status::stopped;
    pid_t pid = 0;
    std::string bundle;
    std::map<std::string, std::string> annotations;
    // runc's extra fields.
    std::string rootfs;
    std::string created;  // RFC 3339
    std::string owner;
    // Private fields.
    uint64_t init_start_time = 0;  // /proc/PID/stat field 22, to tell a reused pid apart
    std::string cgroup_path;       // as returned by cgroups::Manager::path()
    std::map<std::string, std::string> cgroup_paths;  // cgroups::Manager::controller_paths()
    std::vector<std::string> cgroup_created;  // cgroups::Manager::created_dirs()
    bool systemd_cgroup = false;
    std::string config_path;       // BUNDLE/config.json as read at create time
    // The create (or run) process, while status is "creating": a record still "creating"
    // whose creator is gone is a create that was killed (status stopped).
    pid_t creator_pid = 0;
    uint64_t creator_start_time = 0;
};

// The OCI state of `s` with `status` and `pid` as given (hooks, the seccomp agent).
OciState oci_state(const State& s, Status status, pid_t pid);

// `state` output as runc prints it (indented JSON, OCI fields + rootfs/created/owner).
std::string to_oci_json(const State& s);
// Full record kept in state.json.
std::string to_record_json(const State& s);
State from_record_json(const std::string& text);

// Only the cgroup fields of a record (cgroupPath, cgroupPaths, cgroupCreated,
// systemdCgroup): create keeps them in ROOT/ID/cgroup.json too, for `delete --force`
// when state.json is damaged.
std::string to_cgroup_record_json(const State& s);

// Rejects ids that are empty, too long, contain '/' or are "." / "..", or use characters
// outside [A-Za-z0-9_+.-] as runc does ("invalid container id format: ...").
void validate_id(const std::string& id);

class Lock;

// The on-disk layout of one container under --root.
class Store {
public:
    // A relative root is taken from the current directory now (create changes directory).
    explicit Store(std::string root);
    const std::string& root() const { return root_; }
    std::string dir(const std::string& id) const;
    std::string fifo_path(const std::string& id) const;
    // ROOT/ID is there (with a readable state.json or not).
    bool exists(const std::string& id) const;
    // The ids of every directory under ROOT, sorted.
    std::vector<std::string> ids() const;
    // Claims ROOT/ID for first_record.id: ROOT/ID appears (renameat2 RENAME_NOREPLACE of a
    // directory prepared beside it) already holding first_record as state.json and its
    // cgroup fields as cgroup.json, and locked. "container with id exists: ID" when taken.
    Lock create_dir(const State& first_record) const;
    // Loads ROOT/ID/state.json: "container does not exist" (ENOENT) when ROOT/ID is not
    // there, "state of container ID is unreadable: ..." when state.json is missing or
    // damaged.
    State load(const std::string& id) const;
    // The cgroup fields create recorded in ROOT/ID/cgroup.json; throws when unreadable.
    State load_cgroup_record(const std::string& id) const;
    void save(const State& s) const;
    void remove(const std::string& id) const;

private:
    std::string root_;
};

// An exclusive flock on ROOT/ID (concurrent commands on one id serialise).
class Lock {
public:
    static Lock acquire(const std::string& dir);
    Lock() = default;

private:
    friend class Store;
    explicit Lock(UniqueFd fd) : fd_(std::move(fd)) {}
    UniqueFd fd_;
};

// Start time of a pid (field 22 of /proc/PID/stat), 0 when the pid is gone or a zombie.
uint64_t process_start_time(pid_t pid);
// The status from the live process: stopped unless pid is alive with the same start time;
// created while the exec fifo exists; paused when `frozen`. A "creating" record is
// creating while its creator runs and stopped once it is gone (a killed create).
Status compute_status(const State& s, bool fifo_exists, bool frozen);

}  // namespace wb::state
