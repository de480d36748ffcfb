// Helpers shared by the lifecycle commands (not part of the library's interface).
#pragma once
#include <sys/types.h>

#include <memory>
#include <string>

#include "cgroups/manager.hpp"
#include "oci/spec.hpp"
#include "process/child.hpp"
#include "runtime/runtime.hpp"
#include "state/state.hpp"
#include "util/unique_fd.hpp"

namespace wb::runtime {

// A loaded container: its record with the status refreshed from the live process.
struct Loaded {
    state::State state;
    std::unique_ptr<cgroups::Manager> cgroup;  // null when the record has none
};

// The manager of the cgroups a record names (with the directories its create made), or
// null when it names none or they cannot be opened.
std::unique_ptr<cgroups::Manager> open_recorded_cgroup(const state::State& s);

// Loads ROOT/ID; throws "container does not exist".
Loaded load_container(const state::Store& store, const std::string& id);

// The status from the live process (reused pids read as stopped).
state::Status refresh_status(const state::Store& store, const state::State& s, const cgroups::Manager* cg);

// pidfd of the init, checked to be the same process as recorded; invalid when it is gone.
UniqueFd open_init_pidfd(const state::State& s);

// Waits (up to timeout_ms, -1 = forever) until the process behind pidfd has exited.
bool wait_pidfd(int pidfd, int timeout_ms);

// Opens the exec fifo and releases the init, waits until it has exec'd the user process
// (throws with the init's message when it failed first), then runs the poststart hooks (a
// failing one kills the init, destroys the container and throws). Both start and run go through here (start.cpp).
// `hooks`: the config's hooks as create read them (run: runc too runs the hooks of the
// config as created); null: read config.json again (start).
void start_created(const state::Store& store, const state::State& s, const oci::Hooks* hooks = nullptr);

// Devices every container may use whatever linux.resources.devices says (runc's list).
void add_default_device_rules(oci::Resources& r);

struct Created {
    state::State state;
    process::Child init;      // killed when dropped: release() to leave it parked
    UniqueFd console_master;  // with CreateOptions::proxy_tty
    oci::Hooks hooks;         // the config's, for run's start and delete (none: empty)
    std::unique_ptr<cgroups::Manager> cgroup;  // the container's (null: none), for run's removal
};
// create() without forgetting the init: run keeps it as its child.
Created create_container(const Context& ctx, const CreateOptions& opts);

// Thaws the cgroup if frozen, SIGKILLs every process in it, waits (up to 5 s) until they
// are gone, and removes its directories with the parents its create made.
void kill_and_remove_cgroup(cgroups::Manager& cg);

// Tears down a container whose processes are gone or killed: cgroup, poststop hooks, state.
// The poststop hooks are `hooks`' when given, else config.json's as read again now.
void destroy_container(const state::Store& store, Loaded& c, const oci::Hooks* hooks = nullptr);

// remove() (delete), with the hooks create read when the caller has them (run).
void remove_container(const Context& ctx, const std::string& id, bool force, const oci::Hooks* hooks);

// The first record of a create or restore (status "creating"; create.cpp).
state::State first_record(const oci::Spec& spec, const std::string& id, const std::string& bundle,
                          const std::string& rootfs, const std::string& config_path,
                          const cgroups::Manager& cgroup, bool systemd_cgroup);

}  // namespace wb::runtime
