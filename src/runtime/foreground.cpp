#include "runtime/foreground.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string_view>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace wb::runtime {
namespace {

// Puts our terminal in raw mode for the proxy and restores it on the way out.
class RawTerminal {
public:
    explicit RawTerminal(int fd) : fd_(fd) {
        if (!::isatty(fd) || ::tcgetattr(fd, &saved_) < 0) return;
        struct termios raw = saved_;
        ::cfmakeraw(&raw);
        // Output processing stays (as runc's): the pty below sends bare \n, and our
        // terminal turns it into \r\n for the screen as it does for any program.
        raw.c_oflag = saved_.c_oflag;
        active_ = ::tcsetattr(fd, TCSANOW, &raw) == 0;
    }
    ~RawTerminal() {
        if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
    }
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

private:
    int fd_;
    struct termios saved_ {};
    bool active_ = false;
};

// The container's pty sends what the process writes as is: no \n -> \r\n there (the
// termios of a pty master's pair is the slave's), so a pipe or file gets runc's bytes.
void clear_onlcr(int pty_master) {
    struct termios t {};
    if (::tcgetattr(pty_master, &t) < 0) return;
    t.c_oflag &= ~static_cast<tcflag_t>(ONLCR);
    ::tcsetattr(pty_master, TCSANOW, &t);
}

void copy_window_size(int from, int to) {
    struct winsize ws {};
    if (::ioctl(from, TIOCGWINSZ, &ws) == 0) ::ioctl(to, TIOCSWINSZ, &ws);
}

// Copies what is readable on `from` to `to`; false on EOF or error.
bool pump(int from, int to) {
    char buf[8192];
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        off += w;
    }
    return true;
}

// Reads one chunk of a stream into its consumer; false at its end (or on an error).
bool read_stream(const OutputStream& s) {
    char buf[65536];
    ssize_t n = ::read(s.fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;
    s.consume(std::string_view(buf, static_cast<size_t>(n)));
    return true;
}

// Reads the streams still open until each one ends.
void drain_streams(const std::vector<OutputStream>& streams, std::vector<bool>& open) {
    std::vector<struct pollfd> p(streams.size());
    for (;;) {
        bool any = false;
        for (size_t i = 0; i < streams.size(); ++i) {
            p[i] = {open[i] ? streams[i].fd : -1, POLLIN, 0};
            any = any || open[i];
        }
        if (!any) return;
        if (::poll(p.data(), p.size(), -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        for (size_t i = 0; i < streams.size(); ++i)
            if (p[i].revents) open[i] = read_stream(streams[i]);
    }
}

}  // namespace

void read_to_end(const std::vector<OutputStream>& streams) {
    std::vector<bool> open(streams.size(), true);
    drain_streams(streams, open);
}

void prepare_proxied_pty(int pty_master) {
    if (pty_master < 0) return;
    clear_onlcr(pty_master);
    if (::isatty(STDIN_FILENO)) copy_window_size(STDIN_FILENO, pty_master);
}

int wait_foreground(process::Child& child, int pty_master, const std::vector<OutputStream>& streams) {
    const int pidfd = child.pidfd();
    sigset_t all, old;
    sigfillset(&all);
    for (int s : {SIGSEGV, SIGBUS, SIGILL, SIGFPE}) sigdelset(&all, s);
    sigprocmask(SIG_BLOCK, &all, &old);
    UniqueFd sfd(::signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!sfd) throw_errno("signalfd");

    std::optional<RawTerminal> raw;
    bool stdin_open = pty_master >= 0;
    if (pty_master >= 0) {
        if (::isatty(STDIN_FILENO)) copy_window_size(STDIN_FILENO, pty_master);
        raw.emplace(STDIN_FILENO);
    }
    bool master_open = pty_master >= 0;
    std::vector<bool> stream_open(streams.size(), true);
    std::vector<struct pollfd> p(4 + streams.size());
    for (;;) {
        p[0] = {sfd.get(), POLLIN, 0};
        p[1] = {pidfd, POLLIN, 0};
        p[2] = {master_open ? pty_master : -1, POLLIN, 0};
        p[3] = {stdin_open ? STDIN_FILENO : -1, POLLIN, 0};
        for (size_t i = 0; i < streams.size(); ++i) p[4 + i] = {stream_open[i] ? streams[i].fd : -1, POLLIN, 0};
        int n = ::poll(p.data(), p.size(), -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("poll");
        if (p[2].revents) master_open = pump(pty_master, STDOUT_FILENO);
        if (p[3].revents) stdin_open = pump(STDIN_FILENO, pty_master);
        for (size_t i = 0; i < streams.size(); ++i)
            if (p[4 + i].revents) stream_open[i] = read_stream(streams[i]);
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo si {};
            while (::read(sfd.get(), &si, sizeof si) == sizeof si) {
                if (si.ssi_signo == SIGWINCH) {
                    if (pty_master >= 0) copy_window_size(STDIN_FILENO, pty_master);
                    continue;
                }
                if (si.ssi_signo == SIGCHLD || si.ssi_signo == SIGURG) continue;
                child.signal(static_cast<int>(si.ssi_signo));
            }
        }
        if (p[1].revents) {
            // Drain what the process wrote before it exited.
            while (master_open) {
                struct pollfd m {pty_master, POLLIN, 0};
                if (::poll(&m, 1, 0) <= 0 || !pump(pty_master, STDOUT_FILENO)) break;
            }
            drain_streams(streams, stream_open);
            break;
        }
    }
    raw.reset();
    int status = child.wait();
    sigprocmask(SIG_SETMASK, &old, nullptr);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

}  // namespace wb::runtime
