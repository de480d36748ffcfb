// run -t: the console socket the runtime sends the pty master to, and the copy loop
// between our own terminal and that master (raw mode, window size).
#pragma once
#include <termios.h>

#include <optional>
#include <string>

#include "util/unique_fd.hpp"

namespace wb::lite {

// A listening unix socket at path (removed first if stale).
UniqueFd listen_unix(const std::string& path);
// Accepts one connection and receives the fd sent over it.
UniqueFd accept_console_master(int listen_fd);

// Puts fd's terminal in raw mode; restores it when destroyed. No-op for a non-terminal.
class RawMode {
public:
    explicit RawMode(int fd);
    ~RawMode();
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;

private:
    int fd_;
    std::optional<struct termios> saved_;
};

// Copies master -> stdout and (with forward_stdin) stdin -> master until the master side
// closes (every slave fd gone); follows SIGWINCH with the window size. With a log_fd,
// what the container prints is also appended there as container.log entries.
void proxy_terminal(int master, bool forward_stdin, int log_fd = -1);

// Copies our window size (stdin, else stdout) to the pty master.
void copy_window_size(int master);

}  // namespace wb::lite

namespace wb::lite {

// A foreground command on a terminal (run -t, exec -t): a console socket to hand to the
// runtime and a child process that proxies the pty master to our terminal meanwhile.
class ForegroundConsole {
public:
    // log_fd: container.log for `run` (docker logs shows a foreground run too), or -1.
    explicit ForegroundConsole(bool forward_stdin, int log_fd = -1);
    ~ForegroundConsole();
    ForegroundConsole(const ForegroundConsole&) = delete;
    ForegroundConsole& operator=(const ForegroundConsole&) = delete;
    // The --console-socket path.
    const std::string& socket_path() const { return path_; }
    // Waits for the proxy to finish copying (it ends when the pty closes); with
    // `failed` (the process never started) it is stopped right away.
    void finish(bool failed);

private:
    std::string dir_;
    std::string path_;
    pid_t proxy_ = -1;
    std::optional<struct termios> saved_;
};

}  // namespace wb::lite
