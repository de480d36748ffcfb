// /dev inside the container: the default devices, linux.devices, the standard symlinks,
// /dev/ptmx and /dev/console.
#pragma once
#include <vector>

#include "oci/spec.hpp"

namespace wb::linux {

// The devices every container gets (null, zero, full, random, urandom, tty), as runc.
const std::vector<oci::Device>& default_devices();

// Creates the default devices and `devices` under root_fd's /dev (mknod, or a bind mount of
// the host's device in a user namespace), plus /dev/fd, /dev/std*, /dev/ptmx links.
void setup_dev(int root_fd, const std::vector<oci::Device>& devices, bool in_user_namespace);

// Bind-mounts the pty slave `console_fd` on /dev/console.
void bind_console(int root_fd, int console_fd);

}  // namespace wb::linux
