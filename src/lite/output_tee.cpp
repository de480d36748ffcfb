#include "lite/output_tee.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

#include "lite/log_file.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {

OutputTee::OutputTee(int log_fd) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) < 0) throw_errno("pipe");
    if (::pipe2(err, O_CLOEXEC) < 0) {
        ::close(out[0]);
        ::close(out[1]);
        throw_errno("pipe");
    }
    UniqueFd out_r(out[0]), out_w(out[1]), err_r(err[0]), err_w(err[1]);
    copier_ = ::fork();
    if (copier_ < 0) throw_errno("fork");
    if (copier_ == 0) {
        out_w.reset();
        err_w.reset();
        copy(out_r, err_r, log_fd);
        _exit(0);
    }
    saved_out_.reset(::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3));
    saved_err_.reset(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3));
    ::dup2(out_w.get(), STDOUT_FILENO);
    ::dup2(err_w.get(), STDERR_FILENO);
}

void OutputTee::finish() {
    if (copier_ <= 0) return;
    if (saved_out_) ::dup2(saved_out_.get(), STDOUT_FILENO);
    if (saved_err_) ::dup2(saved_err_.get(), STDERR_FILENO);
    saved_out_.reset();
    saved_err_.reset();
    while (::waitpid(copier_, nullptr, 0) < 0 && errno == EINTR) {
    }
    copier_ = -1;
}

void OutputTee::copy(UniqueFd& out, UniqueFd& err, int log_fd) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    LogWriter log(log_fd);
    char buf[65536];
    while (out || err) {
        struct pollfd p[2] = {{out ? out.get() : -1, POLLIN, 0}, {err ? err.get() : -1, POLLIN, 0}};
        if (::poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            UniqueFd& fd = i == 0 ? out : err;
            if (!p[i].revents) continue;
            ssize_t n = ::read(fd.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                fd.reset();
                continue;
            }
            log.feed(i, buf, static_cast<size_t>(n));
            fs::write_all(i == 0 ? STDOUT_FILENO : STDERR_FILENO, std::string_view(buf, static_cast<size_t>(n)));
        }
    }
    log.flush();
}

}  // namespace wb::lite
