// What --init and --userns change in a lite container's spec, and where the pieces come
// from: the init binary next to whalebox-lite, the subordinate id range in /etc/subuid and
// /etc/subgid.
#pragma once
#include <string>

#include "lite/common.hpp"
#include "lite/lifecycle_options.hpp"
#include "oci/spec.hpp"

namespace wb::lite {

// Where the init is mounted in the container (docker's path for its tini).
inline constexpr const char* kInitPathInContainer = "/sbin/docker-init";

// whalebox-lite-init next to our own binary; throws wb::Error when it is missing.
std::string init_binary_path();

// --userns remap:NAME: the first range /etc/subuid and /etc/subgid give NAME (at most
// 65536 ids, as docker's userns-remap). Throws wb::Error naming the file and entry when
// there is none.
IdRange subordinate_range(const std::string& name);

// Resolves what run needs before the spec is built: the userns range, and search
// permission for others on --root and its containers/ (docker's 0711 under userns-remap),
// which the container's root, an unprivileged id on the host, needs to reach its rootfs.
void prepare_lifecycle(LifecycleSettings& s, const Layout& layout);

// --init: the init binary bind-mounted read-only at /sbin/docker-init and put in front of
// the args ("/sbin/docker-init", "--", ...). --userns remap: a user namespace with root
// mapped to the range, and no cgroup mount that the new namespace may not make.
void apply_lifecycle_to_spec(oci::Spec& spec, const LifecycleSettings& s);

}  // namespace wb::lite
