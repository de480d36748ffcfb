#include "lite/output_tee.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string_view>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {

OutputTee::OutputTee(int log_fd) : log_(log_fd) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) < 0) throw_errno("pipe");
    if (::pipe2(err, O_CLOEXEC) < 0) {
        ::close(out[0]);
        ::close(out[1]);
        throw_errno("pipe");
    }
    out_r_.reset(out[0]);
    err_r_.reset(err[0]);
    UniqueFd out_w(out[1]), err_w(err[1]);
    saved_out_.reset(::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3));
    saved_err_.reset(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3));
    ::dup2(out_w.get(), STDOUT_FILENO);
    ::dup2(err_w.get(), STDERR_FILENO);
}

std::vector<runtime::OutputStream> OutputTee::streams() {
    return {{out_r_.get(), [this](std::string_view chunk) { copy(0, chunk); }},
            {err_r_.get(), [this](std::string_view chunk) { copy(1, chunk); }}};
}

void OutputTee::copy(int stream, std::string_view chunk) {
    log_.feed(stream, chunk.data(), chunk.size());
    fs::write_all(stream == 0 ? STDOUT_FILENO : STDERR_FILENO, chunk);
}

void OutputTee::release_ours() {
    if (saved_out_) ::dup2(saved_out_.get(), STDOUT_FILENO);
    if (saved_err_) ::dup2(saved_err_.get(), STDERR_FILENO);
    saved_out_.reset();
    saved_err_.reset();
}

void OutputTee::finish() {
    if (finished_) return;
    finished_ = true;
    release_ours();
    runtime::read_to_end(streams());
    log_.flush();
}

}  // namespace wb::lite
