// process.terminal: a pty allocated inside the container, its master sent to the caller
// over --console-socket (SCM_RIGHTS, as runc and recvtty expect).
#pragma once
#include <optional>
#include <string>

#include "oci/spec.hpp"
#include "util/unique_fd.hpp"

namespace wb::linux {

// Connects to the unix socket at `path` (the --console-socket flag).
UniqueFd connect_console_socket(const std::string& path);

// After pivot_root: opens /dev/ptmx, binds the slave on /dev/console, sends the master
// over `console_socket`, and makes the slave the caller's stdio and controlling terminal.
// Returns -1 (nothing extra to keep open).
// exec passes bind_dev_console=false: /dev/console belongs to the init.
int setup_console(int console_socket, const std::optional<oci::ConsoleSize>& size, bool bind_dev_console = true);

// Sends `fd` over a unix socket with SCM_RIGHTS, with `name` as the message.
void send_fd(int socket, int fd, const std::string& name);
// Receives one fd sent with send_fd; returns it (O_CLOEXEC).
UniqueFd receive_fd(int socket);

}  // namespace wb::linux
