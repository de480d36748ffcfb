// `run --rm` without waiting for the teardown: once the container's exit is recorded, its
// directory is renamed to ID.removing (ps, names and ports no longer see it) and a
// detached child, holding the container's lock, makes a spare attachment for the next run
// on the container's network when spares are on (network_spares.hpp), deletes the
// runtime's record of it (a foreground run leaves it: cgroup removal waits on the kernel),
// gives back its network (CNI DEL) and deletes its files. A child that died half-way
// (killed, a reboot) leaves an unlocked ID.removing behind: the next command finishes the job
// (finish_interrupted_removals, called wherever stale networks are released).
#pragma once
#include <string>

#include "lite/lifecycle.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

// lock: the container's lock, held by the caller; the child keeps it until it is done.
void remove_in_background(const LiteContext& c, const std::string& id, UniqueFd lock);
// Gives back the network of, unmounts and deletes every unlocked ID.removing directory;
// with wait, waits for the locked ones' removers too (network rm: no DEL may come after).
void finish_interrupted_removals(const LiteContext& c, bool wait = false);

}  // namespace wb::lite
