// The client's side of the attach socket (attach_protocol.hpp): our stdout and stderr get
// the container's output; with input, our stdin goes to the container (raw mode when it
// has a terminal and ours is one, Ctrl-P Ctrl-Q or --detach-keys detaching); without a
// terminal the signals we get go to the container (docker's --sig-proxy).
#pragma once
#include <string>

#include "lite/lifecycle.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

struct AttachSettings {
    bool forward_input = false;  // our stdin goes to the container
    bool input_once = false;     // our end of input closes the container's stdin (run -i, start -ai)
    bool tty = false;            // the container has a terminal
    bool sig_proxy = true;       // SIGINT, SIGTERM, ... go to the container (not with a terminal)
    std::string detach_keys;     // the bytes that detach (with a terminal); empty: none
};

struct AttachResult {
    enum class End { exited, detached, lost } end = End::lost;
    int status = 0;  // with exited
};

// docker's --detach-keys: "ctrl-p,ctrl-q" (the default), "a,ctrl-@", ... as bytes.
std::string parse_detach_keys(const std::string& spec);

// Runs an attach over sock (already connected) until the run ends, we detach, or the
// monitor goes away.
AttachResult attach_session(const LiteContext& c, const std::string& id, UniqueFd sock, const AttachSettings& s);

}  // namespace wb::lite
