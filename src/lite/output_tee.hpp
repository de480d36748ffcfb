// A foreground run without a terminal: the container's stdout and stderr are pipes that
// whalebox-lite reads while the runtime waits for the container (runtime::CreateOptions::
// output), writing each chunk to its own stdout or stderr and to container.log, so `logs`
// shows a foreground run as docker's does. No copier process: on this kind of machine a
// fork costs more than the rest of the copy.
#pragma once
#include <vector>

#include "lite/log_file.hpp"
#include "runtime/runtime.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

class OutputTee {
public:
    // Makes the pipes and points our stdout and stderr at their write ends, for the
    // container's init to inherit.
    explicit OutputTee(int log_fd);
    ~OutputTee() { finish(); }
    OutputTee(const OutputTee&) = delete;
    OutputTee& operator=(const OutputTee&) = delete;

    // The pipes' read ends, for runtime::CreateOptions::output.
    std::vector<runtime::OutputStream> streams();
    // Gives our stdout and stderr back (once the container's init holds its copies).
    void release_ours();
    // release_ours, then copies what is left in the pipes (whatever was written when the
    // runtime did not wait: a failed create or start) until their last writer is gone.
    void finish();

private:
    void copy(int stream, std::string_view chunk);

    LogWriter log_;
    UniqueFd out_r_, err_r_;
    UniqueFd saved_out_, saved_err_;
    bool finished_ = false;
};

}  // namespace wb::lite
