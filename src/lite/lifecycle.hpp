// A lite container's life: the overlay workspace, running attached or under a detached
// monitor, and recording how it ended; stop and rm.
#pragma once
#include <optional>
#include <string>

#include "lite/common.hpp"
#include "lite/container_store.hpp"
#include "runtime/runtime.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

struct LiteContext {
    Layout layout;
    runtime::Context runtime;  // root = layout.state_root
};

// True while the container's init lives (the runtime's view).
bool container_running(const LiteContext& c, const ContainerRecord& r);
// Running, or about to be: the monitor of a started container is alive.
bool container_alive(const LiteContext& c, const ContainerRecord& r);
// The init's pid, 0 when not running.
pid_t container_pid(const LiteContext& c, const ContainerRecord& r);

// Mounts upper/work/merged over the image's layers (no-op when mounted).
void mount_workspace(const LiteContext& c, const ContainerRecord& r);
// The bundle's runtime options for this container.
runtime::CreateOptions create_options(const LiteContext& c, const ContainerRecord& r);

struct PendingNetwork;  // network_attach.hpp

// Runs the container in this process with our stdio (a pty proxied to our terminal with
// -t); records start and exit. Returns the container's exit status. network: the network's
// job when the caller began it already (run does, before the workspace is mounted, with the
// start recorded first); otherwise it begins here.
int run_attached(const LiteContext& c, const std::string& id, bool interactive, PendingNetwork* network = nullptr);
// Starts the container under a detached monitor (monitor.cpp: double fork, setsid) that
// logs its output to container.log, records its exit and restarts it as its --restart
// policy says; returns once it runs. Throws ExitError when it could not start. `attach`,
// when given, is one end of a socket pair: the monitor serves it as an attach client
// (attach_protocol.hpp) from before the start, so it misses none of the output.
void start_detached(const LiteContext& c, const std::string& id, UniqueFd attach = {});

// Records the end of a run, unmounts the workspace, and removes an --rm container.
void record_exit(const LiteContext& c, const std::string& id, int status, const std::string& error);

// Records that the container was stopped by hand: its monitor does not restart it.
void mark_manually_stopped(const LiteContext& c, const std::string& id);
// Records that the container started under monitor `monitor` (its state "running").
void record_start(const LiteContext& c, const std::string& id, pid_t monitor);

// Marks the container stopped by hand (its restart policy no longer applies), sends its
// stop signal (--stop-signal, the image's StopSignal, else SIGTERM), then SIGKILL after
// timeout seconds (nullopt: its --stop-timeout, else 10; negative: no SIGKILL); returns
// once the exit is recorded.
void stop_container(const LiteContext& c, const ContainerRecord& r, std::optional<int> timeout);
// Removes the container (force: kills a running one first). Never deletes below a mount.
void remove_container(const LiteContext& c, const ContainerRecord& r, bool force);

}  // namespace wb::lite
