// The monitor's side of the attach socket (attach_protocol.hpp): it accepts attach
// clients, copies the container's output to each (the log gets it as before), passes
// their input to the container's stdin (a pipe with -i, the pty with -t) and sends each
// the exit status when the run ends, which ends their attach (docker's attach ends with
// the run it attached to, even when --restart starts another).
#pragma once
#include <poll.h>

#include <memory>
#include <string>
#include <vector>

#include "lite/attach_protocol.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

class AttachHub {
public:
    // Listens on the container's attach.sock; `first`, when given, is a client connected
    // before the container starts (start -a, run --restart in the foreground).
    AttachHub(const std::string& container_dir, UniqueFd first);
    ~AttachHub();
    AttachHub(const AttachHub&) = delete;
    AttachHub& operator=(const AttachHub&) = delete;

    // The container's stdin for the run that starts: the write end of its pipe (-i) or a
    // duplicate of its pty master (-t); an empty fd without -i.
    void begin_run(UniqueFd input, bool tty);
    // Appends what to poll for; handle() gets back a pointer to the first of those.
    void add_poll(std::vector<struct pollfd>& p);
    void handle(const struct pollfd* p);
    // The container's output (stream 0 stdout or the terminal, 1 stderr).
    void output(int stream, const char* data, size_t len);
    // The run ended with `status`: sends it to every client and closes them.
    void end_run(int status);
    // In a child of the monitor (the runner): closes our copies of the sockets.
    void close_in_child();

private:
    struct Client {
        UniqueFd fd;
        FrameReader reader;
        AttachHello hello;
        std::string pending;  // output not yet taken by the client
        bool dead = false;
    };
    void accept_clients();
    void read_client(Client& c);
    void flush(Client& c);
    void queue_input(const std::string& data);
    void flush_input();
    void input_ended(const Client& c);

    std::string container_dir_;
    UniqueFd listener_;
    std::vector<std::unique_ptr<Client>> clients_;
    size_t polled_clients_ = 0;
    UniqueFd input_;
    bool tty_ = false;
    std::string input_pending_;
    bool close_input_when_flushed_ = false;
};

}  // namespace wb::lite
