// The detached monitor of a lite container (run -d, start, restart): it runs the container
// through runtime::run in a child ("runner") whose output goes to container.log, tells the
// starting command whether the start worked, records each exit, and starts the container
// again as its --restart policy says, until it is stopped by hand or the policy is done.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "lite/attach_hub.hpp"
#include "lite/child_wait.hpp"
#include "lite/lifecycle.hpp"
#include "lite/log_file.hpp"
#include "lite/network_attach.hpp"
#include "lite/overlay.hpp"
#include "lite/tty_proxy.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::lite {
namespace {

// A short-lived private directory for the console socket (sun_path holds 108 bytes).
struct SocketDir {
    std::string dir;
    std::string path;
    SocketDir() {
        char tmpl[] = "/tmp/whalebox-lite-XXXXXX";
        if (!::mkdtemp(tmpl)) throw_errno("mkdtemp");
        dir = tmpl;
        path = dir + "/console.sock";
    }
    ~SocketDir() {
        ::unlink(path.c_str());
        ::rmdir(dir.c_str());
    }
};

void redirect_stdio_to_null() {
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0) return;
    for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
    if (null > 2) ::close(null);
}

// Tells the starting command, once, how the first start went.
struct ReadyReport {
    int fd;
    void send(const std::string& line) {
        if (fd < 0) return;
        fs::write_all(fd, line);
        ::close(fd);
        fd = -1;
    }
};

struct RunOutcome {
    int status = 0;
    std::string error;  // the runtime's, when the container could not start
};

// One run of the container, from record_start to its exit (not yet recorded).
RunOutcome run_once(const LiteContext& c, const std::string& id, LogWriter& writer, ReadyReport& ready,
                    AttachHub& hub) {
    ContainerStore store(c.layout);
    ContainerRecord rec = store.load(id);
    std::string dir = store.dir(id);
    int out[2], err[2], msg[2], in[2] = {-1, -1};
    if (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0 || ::pipe2(msg, O_CLOEXEC) < 0)
        throw_errno("pipe");
    // docker run -di: the container's stdin is a pipe the monitor holds open (attach
    // clients write to it) until the container exits, so `sh` waits instead of reading EOF.
    if (rec.interactive && !rec.tty && ::pipe2(in, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd stdin_hold(in[1]);
    std::optional<SocketDir> sock;
    UniqueFd listener;
    runtime::CreateOptions opts = create_options(c, rec);
    if (rec.tty) {
        sock.emplace();
        listener = listen_unix(sock->path);
        opts.console_socket = sock->path;
    }
    std::string pid_file = dir + "/init.pid";
    ::unlink(pid_file.c_str());
    opts.pid_file = pid_file;

    record_start(c, id, ::getpid());
    PendingNetwork network;
    try {
        network = begin_attach_network(c, id);
    } catch (const Error& e) {
        for (int fd : {out[0], out[1], err[0], err[1], msg[0], msg[1], in[0]})
            if (fd >= 0) ::close(fd);
        ready.send(std::string("error 125 ") + e.what());
        return {kExitLiteError, e.what()};
    }
    // The runner creates the container while the network's job runs and waits for its
    // verdict before the start; the monitor reports "ok" only once the job succeeded.
    opts.before_start = [&network] { finish_attach_network(network); };
    UniqueFd network_job = network.job > 0 ? pidfd_open(network.job) : UniqueFd();
    bool network_ready = network.job <= 0;
    pid_t runner = ::fork();
    if (runner < 0) throw_errno("fork");
    if (runner == 0) {
        if (ready.fd >= 0) ::close(ready.fd);
        stdin_hold.reset();
        hub.close_in_child();
        int null = in[0] >= 0 ? in[0] : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        ::dup2(null, 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        try {
            _exit(runtime::run(c.runtime, opts, false));
        } catch (const std::exception& e) {
            fs::write_all(msg[1], e.what());
            _exit(exit_code_for_start_error(e.what()));
        }
    }
    ::close(out[1]);
    ::close(err[1]);
    ::close(msg[1]);
    if (in[0] >= 0) ::close(in[0]);
    if (!rec.tty) hub.begin_run(std::move(stdin_hold), false);
    network.verdict.reset();
    UniqueFd out_r(out[0]), err_r(err[0]), msg_r(msg[0]);
    UniqueFd runner_fd = pidfd_open(runner);
    UniqueFd master;

    char buf[65536];
    auto pump = [&](UniqueFd& fd, int stream) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
        if (n <= 0) {
            fd.reset();
            return;
        }
        writer.feed(stream, buf, static_cast<size_t>(n));
        hub.output(stream, buf, static_cast<size_t>(n));
    };
    bool started = false;
    for (;;) {
        std::vector<struct pollfd> p = {{out_r.get(), POLLIN, 0},     {err_r.get(), POLLIN, 0},
                                        {listener.get(), POLLIN, 0},  {master.get(), POLLIN, 0},
                                        {runner_fd.get(), POLLIN, 0}, {network_job.get(), POLLIN, 0}};
        hub.add_poll(p);
        int n = ::poll(p.data(), p.size(), started ? -1 : 10);
        if (n < 0 && errno != EINTR) break;
        if (n > 0) hub.handle(p.data() + 6);
        if (p[0].revents) pump(out_r, 0);
        if (p[1].revents) pump(err_r, 1);
        if (p[2].revents) {
            try {
                master = accept_console_master(listener.get());
                listener.reset();
                hub.begin_run(UniqueFd(::fcntl(master.get(), F_DUPFD_CLOEXEC, 0)), true);
            } catch (const Error& e) {
                writer.feed(1, e.what(), std::strlen(e.what()));
            }
        }
        if (p[3].revents) pump(master, 0);
        if (p[5].revents) {
            int st = 0;
            while (::waitpid(network.job, &st, 0) < 0 && errno == EINTR) {
            }
            network_ready = WIFEXITED(st) && WEXITSTATUS(st) == 0;
            network.job = -1;
            network_job.reset();
        }
        if (!started && network_ready && fs::exists(pid_file)) {
            started = true;
            ready.send("ok\n");
        }
        if (p[4].revents) break;
    }
    RunOutcome o;
    o.status = wait_child(runner);
    // Whatever the container wrote before it exited; processes it left behind that still
    // hold the pipes are not waited for.
    for (UniqueFd* fd : {&out_r, &err_r, &master}) {
        if (!*fd) continue;
        ::fcntl(fd->get(), F_SETFL, O_NONBLOCK);
        while (*fd) {
            ssize_t n = ::read(fd->get(), buf, sizeof buf);
            if (n <= 0) break;
            writer.feed(fd == &err_r ? 1 : 0, buf, static_cast<size_t>(n));
            hub.output(fd == &err_r ? 1 : 0, buf, static_cast<size_t>(n));
        }
    }
    writer.flush();
    o.error = fs::read_all(msg_r.get());
    if (!o.error.empty()) ready.send("error " + std::to_string(o.status) + " " + o.error);
    else ready.send("ok\n");
    ::unlink(pid_file.c_str());
    network.reap();  // a create that failed early: the job ends before its DEL
    return o;
}

// After an exit the policy restarts from: records "restarting" (the workspace unmounted,
// the network released, as after any exit) and counts the restart. False when the
// container was stopped by hand or removed meanwhile.
bool record_restarting(const LiteContext& c, const std::string& id, int status) {
    ContainerStore store(c.layout);
    if (!store.exists(id)) return false;
    UniqueFd lock = store.lock(id);
    if (!store.exists(id)) return false;
    ContainerRecord r = store.load(id);
    if (!should_restart(r.lifecycle, status)) return false;
    r.state = "restarting";
    r.exit_code = status;
    r.finished_at = now_rfc3339();
    r.lifecycle.restart_count++;
    store.save(r);
    release_network(c, id);
    try {
        unmount_if_mounted(c.layout.container_dir(id) + "/merged");
    } catch (const Error& e) {
        log::warn("{}", e.what());
    }
    return true;
}

// Sleeps delay_ms unless the container is stopped by hand or removed first; false then.
bool wait_to_restart(const LiteContext& c, const std::string& id, int delay_ms) {
    ContainerStore store(c.layout);
    for (int waited = 0;; waited += 50) {
        if (!store.exists(id)) return false;
        if (store.load(id).lifecycle.manually_stopped) return false;
        if (waited >= delay_ms) return true;
        ::usleep(50000);
    }
}

int monitor_main(const LiteContext& c, const std::string& id, int ready_fd, UniqueFd first_client) {
    ContainerStore store(c.layout);
    std::string dir = store.dir(id);
    UniqueFd log(::open((dir + "/container.log").c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
    if (!log) throw_errno("open " + dir + "/container.log");
    LogWriter writer(log.get());
    ReadyReport ready{ready_fd};
    AttachHub hub(dir, std::move(first_client));
    int quick_restarts = 0;
    for (;;) {
        struct timespec begin {}, end {};
        ::clock_gettime(CLOCK_MONOTONIC, &begin);
        RunOutcome o = run_once(c, id, writer, ready, hub);
        ::clock_gettime(CLOCK_MONOTONIC, &end);
        // A container that could not start is not started again (docker's first start).
        if (!o.error.empty() || !record_restarting(c, id, o.status)) {
            record_exit(c, id, o.status, o.error);
            hub.end_run(o.status);
            return 0;
        }
        hub.end_run(o.status);  // attach ends with the run it attached to
        // docker: the back-off doubles for each restart in a row, and starts over after a
        // run of 10 seconds or more.
        quick_restarts = end.tv_sec - begin.tv_sec >= 10 ? 0 : quick_restarts + 1;
        if (!wait_to_restart(c, id, restart_delay_ms(quick_restarts - 1))) {
            record_exit(c, id, o.status, "");
            return 0;
        }
        try {
            mount_workspace(c, store.load(id));
        } catch (const Error& e) {
            record_exit(c, id, o.status, e.what());
            return 0;
        }
    }
}

}  // namespace

void start_detached(const LiteContext& c, const std::string& id, UniqueFd attach) {
    {
        // Started by hand: the restart policy applies again (docker's manual stop ends).
        ContainerStore store(c.layout);
        UniqueFd lock = store.lock(id);
        ContainerRecord r = store.load(id);
        if (r.lifecycle.manually_stopped) {
            r.lifecycle.manually_stopped = false;
            store.save(r);
        }
    }
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) < 0) throw_errno("pipe");
    pid_t child = ::fork();
    if (child < 0) throw_errno("fork");
    if (child == 0) {
        ::close(ready[0]);
        ::setsid();
        pid_t monitor = ::fork();
        if (monitor != 0) _exit(monitor < 0 ? 1 : 0);
        // Hold nothing of the caller's: a shell waiting for our stdout (or bats for fd 3)
        // must not wait for the container.
        redirect_stdio_to_null();
        // fd 3: the ready report; fd 4: the attach client connected from the start.
        int ready_high = ::fcntl(ready[1], F_DUPFD_CLOEXEC, 10);
        int attach_high = attach ? ::fcntl(attach.get(), F_DUPFD_CLOEXEC, 10) : -1;
        ::dup3(ready_high, 3, O_CLOEXEC);
        ready[1] = 3;
        if (attach_high >= 0) ::dup3(attach_high, 4, O_CLOEXEC);
        ::close_range(attach_high >= 0 ? 5 : 4, ~0U, 0);
        attach.release();
        ::umask(022);
        int code = 0;
        try {
            code = monitor_main(c, id, ready[1], UniqueFd(attach_high >= 0 ? 4 : -1));
        } catch (const std::exception& e) {
            fs::write_all(ready[1], std::string("error 125 ") + e.what());
            code = kExitLiteError;
        }
        _exit(code);
    }
    ::close(ready[1]);
    attach.reset();  // the monitor holds its end now
    UniqueFd ready_r(ready[0]);
    wait_child(child);
    std::string answer = fs::read_all(ready_r.get());
    if (answer.rfind("ok", 0) == 0) return;
    if (answer.rfind("error ", 0) == 0) {
        std::string rest = answer.substr(6);
        auto sp = rest.find(' ');
        int code = std::atoi(rest.substr(0, sp).c_str());
        throw ExitError(sp == std::string::npos ? "container failed to start" : rest.substr(sp + 1),
                        code ? code : kExitLiteError);
    }
    throw ExitError("the container monitor exited before the container started", kExitLiteError);
}

}  // namespace wb::lite
