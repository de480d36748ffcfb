#include "lite/attach_client.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <optional>

#include "lite/attach_protocol.hpp"
#include "lite/tty_proxy.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::lite {
namespace {

constexpr int kProxiedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

// To the monitor; MSG_NOSIGNAL: a monitor that went away is seen by the read side.
bool send_all(int sock, const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::send(sock, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        off += static_cast<size_t>(n);
    }
    return true;
}

bool send_frame(int sock, Frame type, std::string_view payload) { return send_all(sock, encode_frame(type, payload)); }

void send_window(int sock) {
    struct winsize ws {};
    if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
        send_all(sock, encode_window(ws.ws_row, ws.ws_col));
    }
}

// Holds back a prefix of the detach sequence until it is whole (detach) or broken (the
// held bytes go on).
class DetachMatcher {
public:
    explicit DetachMatcher(std::string keys) : keys_(std::move(keys)) {}
    // Appends to `out` what goes to the container; true when the sequence is complete.
    bool feed(const char* data, size_t len, std::string& out) {
        for (size_t i = 0; i < len; ++i) {
            char ch = data[i];
            if (keys_.empty()) {
                out.push_back(ch);
                continue;
            }
            if (ch == keys_[held_.size()]) {
                held_.push_back(ch);
                if (held_.size() == keys_.size()) return true;
                continue;
            }
            out += held_;
            held_.clear();
            if (ch == keys_[0] && keys_.size() > 1) held_.push_back(ch);
            else if (ch == keys_[0]) return true;
            else out.push_back(ch);
        }
        return false;
    }

private:
    std::string keys_;
    std::string held_;
};

}  // namespace

std::string parse_detach_keys(const std::string& spec) {
    std::string out;
    size_t pos = 0;
    while (pos <= spec.size()) {
        size_t comma = spec.find(',', pos);
        std::string key = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        std::string lower = key;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (lower.size() == 6 && lower.rfind("ctrl-", 0) == 0) {
            char k = lower[5];
            if (k >= 'a' && k <= 'z') out.push_back(static_cast<char>(k - 'a' + 1));
            else if (k == '@') out.push_back('\0');
            else if (k >= '[' && k <= '_') out.push_back(static_cast<char>(k - '[' + 27));
            else throw Error("Invalid detach keys (" + spec + "): unknown character: '" + key + "'");
        } else if (key.size() == 1) {
            out.push_back(key[0]);
        } else {
            throw Error("Invalid detach keys (" + spec + "): unknown character: '" + key + "'");
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return out;
}

AttachResult attach_session(const LiteContext& c, const std::string& id, UniqueFd sock, const AttachSettings& s) {
    sigset_t mask, old;
    sigemptyset(&mask);
    if (s.tty) sigaddset(&mask, SIGWINCH);
    const bool proxy_signals = s.sig_proxy && !s.tty;  // docker: a terminal passes ^C itself
    if (proxy_signals)
        for (int sig : kProxiedSignals) sigaddset(&mask, sig);
    ::sigprocmask(SIG_BLOCK, &mask, &old);
    UniqueFd sfd(::signalfd(-1, &mask, SFD_CLOEXEC));
    struct RestoreMask {
        sigset_t set;
        ~RestoreMask() { ::sigprocmask(SIG_SETMASK, &set, nullptr); }
    } restore{old};

    AttachHello hello{s.forward_input, s.input_once};
    send_frame(sock.get(), Frame::hello, hello.encode());
    if (s.tty) send_window(sock.get());
    std::optional<RawMode> raw;
    if (s.tty && s.forward_input && ::isatty(STDIN_FILENO)) raw.emplace(STDIN_FILENO);
    DetachMatcher detach(s.tty ? s.detach_keys : std::string());

    bool input_open = s.forward_input;
    FrameReader reader;
    char buf[16384];
    for (;;) {
        struct pollfd p[3] = {{sock.get(), POLLIN, 0}, {input_open ? STDIN_FILENO : -1, POLLIN, 0}, {sfd.get(), POLLIN, 0}};
        if (::poll(p, 3, -1) < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (p[0].revents) {
            ssize_t n = ::read(sock.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return {};  // the monitor went away without a status
            reader.feed(buf, static_cast<size_t>(n));
            while (auto f = reader.next()) {
                if (f->type == Frame::out) fs::write_all(STDOUT_FILENO, f->payload);
                else if (f->type == Frame::err) fs::write_all(STDERR_FILENO, f->payload);
                else if (f->type == Frame::exit_status)
                    return {AttachResult::End::exited, std::atoi(f->payload.c_str())};
            }
        }
        if (p[1].revents) {
            ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n <= 0) {
                input_open = false;
                send_frame(sock.get(), Frame::input_end, "");
            } else {
                std::string out;
                bool detached = detach.feed(buf, static_cast<size_t>(n), out);
                if (!out.empty()) send_frame(sock.get(), Frame::input, out);
                if (detached) return {AttachResult::End::detached, 0};
            }
        }
        if (p[2].revents) {
            struct signalfd_siginfo si {};
            if (::read(sfd.get(), &si, sizeof si) != sizeof si) continue;
            int sig = static_cast<int>(si.ssi_signo);
            if (sig == SIGWINCH) {
                send_window(sock.get());
                continue;
            }
            try {
                runtime::kill(c.runtime, id, sig, false);
            } catch (const Error& e) {
                log::debug("sig-proxy {}: {}", sig, e.what());
            }
        }
    }
}

}  // namespace wb::lite
