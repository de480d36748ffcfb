// Waiting for a container process in the foreground (run, exec): signals are passed on,
// and with a pty master its I/O is proxied to our own stdio, window size included.
#pragma once
#include <vector>

#include "process/child.hpp"
#include "runtime/runtime.hpp"

namespace wb::runtime {

// Readies a pty whose I/O we proxy: it sends the process's bytes as they are (no \r
// added to \n, as runc's), and it has our terminal's window size (when stdin is one).
// Before the process starts, so that it never sees 0x0.
void prepare_proxied_pty(int pty_master);

// Returns the exit status (128+N when killed by signal N) after reaping the child, which
// must have a pidfd. The streams are read until their end, which comes once the process
// has exited (and, in its PID namespace, every other writer with it).
int wait_foreground(process::Child& child, int pty_master = -1, const std::vector<OutputStream>& streams = {});

}  // namespace wb::runtime
