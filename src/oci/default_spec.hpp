// The starter config.json of `whalebox spec`: the same document `runc spec` writes
// (runc 1.1.5), except ociVersion, which is the runtime-spec version whalebox implements.
#pragma once
#include <cstdint>
#include <string>

#include "oci/spec.hpp"

namespace wb::oci {

// The runtime-spec version whalebox writes into new documents.
inline constexpr const char* kSpecVersion = "1.2.0";

// runc's example spec: sh on a terminal in a read-only rootfs, with pid, network, ipc, uts
// and mount namespaces, the default mounts, masked and read-only paths, three capabilities.
Spec default_spec();

// Makes a spec runnable by an unprivileged user, as `runc spec --rootless` does: a user
// namespace mapping container root to host_uid/host_gid, no network namespace, /sys bound
// from the host, no uid=/gid= mount options, no cgroup resources.
void make_rootless(Spec& spec, uint32_t host_uid, uint32_t host_gid);

// Writes BUNDLE/config.json (bundle_dir "" = the current directory) with the default spec,
// made rootless for the caller's effective uid and gid when `rootless`. Never overwrites:
// throws "File config.json exists. Remove it first" as runc does.
void write_default_spec(const std::string& bundle_dir, bool rootless);

}  // namespace wb::oci
