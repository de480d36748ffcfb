#include "lite/tty_proxy.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "lite/log_file.hpp"
#include "linux/console.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {

UniqueFd listen_unix(const std::string& path) {
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw Error("socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    ::unlink(path.c_str());
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw_errno("socket");
    if (::bind(fd.get(), reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) < 0) throw_errno("bind " + path);
    if (::listen(fd.get(), 1) < 0) throw_errno("listen " + path);
    return fd;
}

UniqueFd accept_console_master(int listen_fd) {
    UniqueFd conn;
    for (;;) {
        conn.reset(::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC));
        if (conn || errno != EINTR) break;
    }
    if (!conn) throw_errno("accept console socket");
    return linux::receive_fd(conn.get());
}

RawMode::RawMode(int fd) : fd_(fd) {
    struct termios t {};
    if (::tcgetattr(fd, &t) < 0) return;
    saved_ = t;
    ::cfmakeraw(&t);
    // Keep output processing so our own messages still start at column 0.
    t.c_oflag |= OPOST;
    ::tcsetattr(fd, TCSANOW, &t);
}

RawMode::~RawMode() {
    if (saved_) ::tcsetattr(fd_, TCSANOW, &*saved_);
}

void copy_window_size(int master) {
    struct winsize ws {};
    if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
        ::ioctl(master, TIOCSWINSZ, &ws);
}

void proxy_terminal(int master, bool forward_stdin, int log_fd) {
    std::optional<LogWriter> log;
    if (log_fd >= 0) log.emplace(log_fd);
    sigset_t winch;
    sigemptyset(&winch);
    sigaddset(&winch, SIGWINCH);
    sigprocmask(SIG_BLOCK, &winch, nullptr);
    UniqueFd sfd(::signalfd(-1, &winch, SFD_CLOEXEC));
    copy_window_size(master);
    bool stdin_open = forward_stdin;
    char buf[16384];
    for (;;) {
        struct pollfd p[3] = {{master, POLLIN, 0}, {sfd.get(), POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
        if (::poll(p, 3, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (p[0].revents) {
            ssize_t n = ::read(master, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {  // EIO: the last slave fd closed
                if (log) log->flush();
                return;
            }
            if (log) log->feed(0, buf, static_cast<size_t>(n));
            if (fs::write_all(STDOUT_FILENO, std::string_view(buf, static_cast<size_t>(n))) != 0) return;
        }
        if (p[1].revents) {
            struct signalfd_siginfo si {};
            if (::read(sfd.get(), &si, sizeof si) > 0) copy_window_size(master);
        }
        if (p[2].revents) {
            ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
            if (n <= 0) {
                // End of our input: pass an EOF character on, as docker attach does.
                stdin_open = false;
                char eof = 4;
                fs::write_all(master, std::string_view(&eof, 1));
                continue;
            }
            if (fs::write_all(master, std::string_view(buf, static_cast<size_t>(n))) != 0) return;
        }
    }
}

}  // namespace wb::lite

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

namespace wb::lite {

ForegroundConsole::ForegroundConsole(bool forward_stdin, int log_fd) {
    char tmpl[] = "/tmp/whalebox-lite-XXXXXX";
    if (!::mkdtemp(tmpl)) throw_errno("mkdtemp");
    dir_ = tmpl;
    path_ = dir_ + "/console.sock";
    UniqueFd listener = listen_unix(path_);
    struct termios t {};
    if (::tcgetattr(STDIN_FILENO, &t) == 0) saved_ = t;
    proxy_ = ::fork();
    if (proxy_ < 0) throw_errno("fork");
    if (proxy_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        try {
            UniqueFd master = accept_console_master(listener.get());
            listener.reset();
            RawMode raw(STDIN_FILENO);
            proxy_terminal(master.get(), forward_stdin, log_fd);
        } catch (const std::exception&) {
            _exit(1);
        }
        _exit(0);
    }
}

void ForegroundConsole::finish(bool failed) {
    if (proxy_ > 0) {
        UniqueFd pfd(static_cast<int>(::syscall(SYS_pidfd_open, proxy_, 0)));
        struct pollfd p = {pfd.get(), POLLIN, 0};
        if (failed || !pfd || ::poll(&p, 1, 2000) <= 0) ::kill(proxy_, SIGKILL);
        int st;
        while (::waitpid(proxy_, &st, 0) < 0 && errno == EINTR) {
        }
        proxy_ = -1;
    }
    if (saved_) ::tcsetattr(STDIN_FILENO, TCSANOW, &*saved_);
    saved_.reset();
}

ForegroundConsole::~ForegroundConsole() {
    finish(true);
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
}

}  // namespace wb::lite
