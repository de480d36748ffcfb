#include "lite/attach_hub.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::lite {
namespace {

// A client that does not read its output is dropped past this much.
constexpr size_t kMaxPendingOutput = 8u << 20;
constexpr size_t kMaxPendingInput = 1u << 20;

// write() without a SIGPIPE when the container closed its stdin: the signal is blocked
// around it and a pending one taken, so neither the monitor nor its children (which
// inherit its dispositions) change how they take SIGPIPE.
ssize_t write_without_sigpipe(int fd, const char* data, size_t len) {
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    ssize_t n = ::write(fd, data, len);
    int saved = errno;
    if (n < 0 && errno == EPIPE) {
        struct timespec zero {};
        ::sigtimedwait(&pipe_set, nullptr, &zero);
    }
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    errno = saved;
    return n;
}

void set_nonblocking(int fd, bool on) {
    int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

}  // namespace

AttachHub::AttachHub(const std::string& container_dir, UniqueFd first) : container_dir_(container_dir) {
    try {
        listener_ = listen_attach(container_dir);
    } catch (const Error& e) {
        log::warn("attach socket: {}", e.what());  // the container runs, without attach
    }
    if (first) {
        set_nonblocking(first.get(), true);
        auto c = std::make_unique<Client>();
        c->fd = std::move(first);
        clients_.push_back(std::move(c));
    }
}

AttachHub::~AttachHub() {
    if (listener_) ::unlink(attach_socket_path(container_dir_).c_str());
}

void AttachHub::close_in_child() {
    listener_.reset();
    input_.reset();
    for (auto& c : clients_) c->fd.reset();
}

void AttachHub::begin_run(UniqueFd input, bool tty) {
    input_ = std::move(input);
    tty_ = tty;
    input_pending_.clear();
    close_input_when_flushed_ = false;
    if (input_) set_nonblocking(input_.get(), true);
}

void AttachHub::add_poll(std::vector<struct pollfd>& p) {
    p.push_back({listener_.get(), POLLIN, 0});
    p.push_back({input_pending_.empty() ? -1 : input_.get(), POLLOUT, 0});
    polled_clients_ = clients_.size();
    for (size_t i = 0; i < polled_clients_; ++i) {
        const Client& c = *clients_[i];
        p.push_back({c.fd.get(), static_cast<short>(POLLIN | (c.pending.empty() ? 0 : POLLOUT)), 0});
    }
}

void AttachHub::handle(const struct pollfd* p) {
    if (p[1].revents) flush_input();
    for (size_t i = 0; i < polled_clients_ && i < clients_.size(); ++i) {
        short ev = p[2 + i].revents;
        Client& c = *clients_[i];
        if (ev & POLLOUT) flush(c);
        if (ev & (POLLIN | POLLHUP | POLLERR)) read_client(c);
    }
    clients_.erase(std::remove_if(clients_.begin(), clients_.end(), [](const auto& c) { return c->dead; }),
                   clients_.end());
    if (p[0].revents) accept_clients();
}

void AttachHub::accept_clients() {
    for (;;) {
        UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (!fd) return;
        auto c = std::make_unique<Client>();
        c->fd = std::move(fd);
        clients_.push_back(std::move(c));
    }
}

void AttachHub::read_client(Client& c) {
    char buf[16384];
    ssize_t n = ::read(c.fd.get(), buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
        c.dead = true;
        return;
    }
    c.reader.feed(buf, static_cast<size_t>(n));
    try {
        while (auto f = c.reader.next()) {
            switch (f->type) {
            case Frame::hello:
                c.hello = AttachHello::decode(f->payload);
                break;
            case Frame::input:
                if (c.hello.input) queue_input(f->payload);
                break;
            case Frame::input_end:
                if (c.hello.input) input_ended(c);
                break;
            case Frame::window:
                if (tty_ && input_ && f->payload.size() == 4) {
                    auto u16 = [&](size_t i) {
                        return static_cast<unsigned short>(static_cast<unsigned char>(f->payload[i]) |
                                                           static_cast<unsigned char>(f->payload[i + 1]) << 8);
                    };
                    struct winsize ws {};
                    ws.ws_row = u16(0);
                    ws.ws_col = u16(2);
                    ::ioctl(input_.get(), TIOCSWINSZ, &ws);
                }
                break;
            default:
                break;
            }
        }
    } catch (const Error& e) {
        log::debug("attach client: {}", e.what());
        c.dead = true;
    }
}

void AttachHub::queue_input(const std::string& data) {
    if (!input_ || close_input_when_flushed_) return;
    if (input_pending_.size() + data.size() > kMaxPendingInput) return;  // the container does not read
    input_pending_ += data;
    flush_input();
}

void AttachHub::flush_input() {
    while (input_ && !input_pending_.empty()) {
        ssize_t n = write_without_sigpipe(input_.get(), input_pending_.data(), input_pending_.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n <= 0) {  // the container closed its stdin
            input_pending_.clear();
            input_.reset();
            return;
        }
        input_pending_.erase(0, static_cast<size_t>(n));
    }
    if (close_input_when_flushed_ && input_pending_.empty()) input_.reset();
}

void AttachHub::input_ended(const Client& c) {
    if (!c.hello.input_once || !input_) return;  // docker: stdin stays open for the next attach
    if (tty_) {
        queue_input(std::string(1, '\x04'));  // the terminal's end of file, as run -it passes on
        return;
    }
    close_input_when_flushed_ = true;  // docker run -i: the container reads EOF
    flush_input();
}

void AttachHub::output(int stream, const char* data, size_t len) {
    if (clients_.empty()) return;
    std::string frame = encode_frame(stream == 1 ? Frame::err : Frame::out, std::string_view(data, len));
    for (auto& c : clients_) {
        if (c->dead) continue;
        c->pending += frame;
        flush(*c);
        if (c->pending.size() > kMaxPendingOutput) c->dead = true;
    }
}

void AttachHub::flush(Client& c) {
    while (!c.pending.empty() && !c.dead) {
        ssize_t n = ::send(c.fd.get(), c.pending.data(), c.pending.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n <= 0) {
            c.dead = true;
            return;
        }
        c.pending.erase(0, static_cast<size_t>(n));
    }
}

void AttachHub::end_run(int status) {
    std::string frame = encode_frame(Frame::exit_status, std::to_string(status));
    for (auto& c : clients_) {
        if (c->dead) continue;
        // The rest of the output and the status, waiting a little for a slow reader.
        set_nonblocking(c->fd.get(), false);
        struct timeval tv {2, 0};
        ::setsockopt(c->fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        c->pending += frame;
        size_t off = 0;
        while (off < c->pending.size()) {
            ssize_t n = ::send(c->fd.get(), c->pending.data() + off, c->pending.size() - off, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            off += static_cast<size_t>(n);
        }
    }
    clients_.clear();
    input_.reset();
    input_pending_.clear();
}

}  // namespace wb::lite
