// attach, start -a/-i, and run --restart without -d: clients of the monitor's attach
// socket (attach_protocol.hpp).
#include <sys/socket.h>
#include <unistd.h>

#include "lite/attach_client.hpp"
#include "lite/attach_protocol.hpp"
#include "lite/child_wait.hpp"
#include "lite/commands_lite.hpp"
#include "lite/log_query.hpp"
#include "util/error.hpp"

namespace wb::lite {
namespace {

const char* const kDefaultDetachKeys = "ctrl-p,ctrl-q";

// The exit code of an attach: the run's status, 0 after a detach; a monitor gone without
// a word leaves it to the record.
int attach_exit_code(const LiteContext& c, const std::string& id, const AttachResult& r) {
    if (r.end == AttachResult::End::exited) return r.status;
    if (r.end == AttachResult::End::detached) return 0;
    ContainerStore store(c.layout);
    wait_until_not([&] { return store.exists(id) && container_alive(c, store.load(id)); }, -1);
    return store.exists(id) ? store.load(id).exit_code : 0;
}

void check_input_terminal(const ContainerRecord& r, bool forward_input) {
    if (r.tty && forward_input && !::isatty(STDIN_FILENO)) throw Error("the input device is not a TTY");
}

// Starts the container under its monitor with us attached from before the start.
int start_with_attach(const LiteContext& c, const ContainerRecord& r, AttachSettings s) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) throw_errno("socketpair");
    UniqueFd ours(pair[0]), monitors(pair[1]);
    start_detached(c, r.id, std::move(monitors));
    return attach_exit_code(c, r.id, attach_session(c, r.id, std::move(ours), s));
}

// The container's output from the log, for a container without an attach socket (one run
// in the foreground by another command): docker attach shows no history.
int follow_log(const LiteContext& c, const ContainerRecord& r) {
    ContainerStore store(c.layout);
    LogQuery from_now;
    from_now.tail = 0;
    from_now.follow = true;
    print_log(store.dir(r.id) + "/container.log", from_now, [&] {
        if (!store.exists(r.id)) return false;
        return container_alive(c, store.load(r.id));
    });
    if (!store.exists(r.id)) return 0;
    return store.load(r.id).exit_code;
}

}  // namespace

int cmd_attach(const LiteContext& c, const std::string& ref, const AttachFlags& f) {
    ContainerStore store(c.layout);
    ContainerRecord r = store.resolve(ref);
    if (r.state == "restarting" && container_alive(c, r))
        throw Error("You cannot attach to a restarting container, wait until it is running");
    if (!container_running(c, r)) throw Error("You cannot attach to a stopped container, start it first");
    AttachSettings s;
    s.forward_input = r.interactive && !f.no_stdin;
    s.tty = r.tty;
    s.sig_proxy = f.sig_proxy;
    s.detach_keys = parse_detach_keys(f.detach_keys.empty() ? kDefaultDetachKeys : f.detach_keys);
    check_input_terminal(r, s.forward_input);
    UniqueFd sock = connect_attach(store.dir(r.id));
    if (!sock) return follow_log(c, r);
    return attach_exit_code(c, r.id, attach_session(c, r.id, std::move(sock), s));
}

int cmd_start_attached(const LiteContext& c, const std::vector<std::string>& refs, bool interactive,
                       const std::string& detach_keys) {
    if (refs.size() != 1) throw Error("you cannot start and attach multiple containers at once");
    ContainerStore store(c.layout);
    ContainerRecord r = store.resolve(refs.front());
    if (container_alive(c, r)) {  // docker start -a of a running container attaches to it
        AttachFlags f;
        f.no_stdin = !interactive;
        f.detach_keys = detach_keys;
        return cmd_attach(c, refs.front(), f);
    }
    AttachSettings s;
    s.forward_input = interactive && r.interactive;
    s.input_once = true;
    s.tty = r.tty;
    s.detach_keys = parse_detach_keys(detach_keys.empty() ? kDefaultDetachKeys : detach_keys);
    check_input_terminal(r, s.forward_input);
    try {  // a runtime record left by a container nobody waited for
        runtime::remove(c.runtime, r.id, true);
    } catch (const Error&) {
    }
    mount_workspace(c, r);
    return start_with_attach(c, r, s);
}

int run_under_monitor(const LiteContext& c, const std::string& id, bool interactive) {
    ContainerRecord r = ContainerStore(c.layout).load(id);
    AttachSettings s;
    s.forward_input = interactive;
    s.input_once = true;  // docker run -i: the end of our input is the container's
    s.tty = r.tty;
    s.detach_keys = parse_detach_keys(kDefaultDetachKeys);
    return start_with_attach(c, r, s);
}

}  // namespace wb::lite
