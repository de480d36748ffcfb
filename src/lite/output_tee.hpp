// A foreground run without a terminal: the container's stdout and stderr go through
// pipes to a small copier process that writes them to ours and to container.log, so
// `logs` shows a foreground run as docker's does. (A process, not a thread: the runtime
// clones its init with clone3, which runs no atfork handlers.)
#pragma once
#include <sys/types.h>

#include "util/unique_fd.hpp"

namespace wb::lite {

class OutputTee {
public:
    // Starts the copier and points our stdout and stderr at its pipes.
    explicit OutputTee(int log_fd);
    ~OutputTee() { finish(); }
    OutputTee(const OutputTee&) = delete;
    OutputTee& operator=(const OutputTee&) = delete;

    // Gives our stdout and stderr back and waits for the copier to drain the pipes (it
    // ends when the container's last writer is gone).
    void finish();

private:
    static void copy(UniqueFd& out, UniqueFd& err, int log_fd);

    pid_t copier_ = -1;
    UniqueFd saved_out_, saved_err_;
};

}  // namespace wb::lite
