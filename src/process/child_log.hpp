// A child of the runtime (the init, an exec'd process) cannot use the runtime's log: its
// log fd is closed with the other runtime fds before the last setup steps. Its records go
// to the parent over the sync channel instead, which logs them with the runtime's logger.
#pragma once
#include "process/sync.hpp"

namespace wb::process {

// In the child: every record from now on (debug when enabled) is sent over `sync` as a
// SyncType::log message; once the channel is closed they are dropped.
void log_through_sync(const SyncChannel& sync);

// In the parent: logs a record received from the child.
void log_child_record(const SyncMessage& m);

}  // namespace wb::process
