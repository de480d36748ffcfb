#include "lite/lifecycle.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lite/background_removal.hpp"
#include "lite/image_store.hpp"
#include "lite/log_file.hpp"
#include "lite/network_attach.hpp"
#include "lite/output_tee.hpp"
#include "lite/overlay.hpp"
#include "lite/tty_proxy.hpp"
#include "lite/volumes.hpp"
#include "state/state.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::lite {
namespace {

std::string merged_dir(const LiteContext& c, const std::string& id) { return c.layout.container_dir(id) + "/merged"; }

int status_code(int wstatus) {
    if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
    return 255;
}

int wait_child(pid_t pid) {
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return 255;
    return status_code(st);
}

UniqueFd pidfd_open(pid_t pid) { return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))); }

// Waits until pred() is false or timeout_ms passes; true when it turned false.
template <typename F>
bool wait_until_not(F pred, int timeout_ms) {
    for (int waited = 0;; waited += 20) {
        if (!pred()) return true;
        if (waited >= timeout_ms) return false;
        ::usleep(20000);
    }
}

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

// runtime::run in the foreground.
int run_in_foreground(const runtime::Context& ctx, const runtime::CreateOptions& opts) {
    return runtime::run(ctx, opts, false);
}

void redirect_stdio_to_null() {
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0) return;
    for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
    if (null > 2) ::close(null);
}

// Records that the container started under monitor `pid`.
void record_start(const LiteContext& c, const std::string& id, pid_t monitor) {
    ContainerStore store(c.layout);
    UniqueFd lock = store.lock(id);
    ContainerRecord r = store.load(id);
    r.state = "running";
    r.started_at = now_rfc3339();
    r.finished_at.clear();
    r.exit_code = 0;
    r.error.clear();
    r.monitor_pid = monitor;
    r.monitor_start_time = state::process_start_time(monitor);
    store.save(r);
}

void destroy_files(const LiteContext& c, const std::string& id) {
    release_network(c, id);
    unmount_if_mounted(merged_dir(c, id));
    remove_tree_same_fs(c.layout.container_dir(id));
}

// The monitor: runs the container through runtime::run in a child ("runner") whose stdio
// are pipes into container.log, tells the starting command (ready_fd) whether the start
// worked, and records the exit.
int monitor_main(const LiteContext& c, const std::string& id, int ready_fd) {
    ContainerStore store(c.layout);
    ContainerRecord rec = store.load(id);
    std::string dir = store.dir(id);
    UniqueFd log(::open((dir + "/container.log").c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
    if (!log) throw_errno("open " + dir + "/container.log");
    LogWriter writer(log.get());

    int out[2], err[2], msg[2], in[2] = {-1, -1};
    if (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0 || ::pipe2(msg, O_CLOEXEC) < 0)
        throw_errno("pipe");
    // docker run -di: the container's stdin stays open (nothing is ever written, there is
    // no attach) until the container exits, so `sh` waits instead of reading EOF.
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
        fs::write_all(ready_fd, std::string("error 125 ") + e.what());
        ::close(ready_fd);
        record_exit(c, id, kExitLiteError, e.what());
        return 0;
    }
    // The runner creates the container while the network's job runs and waits for its
    // verdict before the start; the monitor reports "ok" only once the job succeeded.
    opts.before_start = [&network] { finish_attach_network(network); };
    UniqueFd network_job = network.job > 0 ? pidfd_open(network.job) : UniqueFd();
    bool network_ready = network.job <= 0;
    pid_t runner = ::fork();
    if (runner < 0) throw_errno("fork");
    if (runner == 0) {
        ::close(ready_fd);
        stdin_hold.reset();
        int null = in[0] >= 0 ? in[0] : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        ::dup2(null, 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        try {
            _exit(run_in_foreground(c.runtime, opts));
        } catch (const std::exception& e) {
            fs::write_all(msg[1], e.what());
            _exit(exit_code_for_start_error(e.what()));
        }
    }
    ::close(out[1]);
    ::close(err[1]);
    ::close(msg[1]);
    if (in[0] >= 0) ::close(in[0]);
    network.verdict.reset();
    UniqueFd out_r(out[0]), err_r(err[0]), msg_r(msg[0]);
    UniqueFd runner_fd = pidfd_open(runner);
    UniqueFd master;
    bool reported = false;
    auto report = [&](const std::string& line) {
        if (reported) return;
        fs::write_all(ready_fd, line);
        ::close(ready_fd);
        reported = true;
    };

    char buf[65536];
    auto pump = [&](UniqueFd& fd, int stream) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
        if (n <= 0) {
            fd.reset();
            return;
        }
        writer.feed(stream, buf, static_cast<size_t>(n));
    };
    for (;;) {
        struct pollfd p[6] = {{out_r.get(), POLLIN, 0},
                              {err_r.get(), POLLIN, 0},
                              {listener.get(), POLLIN, 0},
                              {master.get(), POLLIN, 0},
                              {runner_fd.get(), POLLIN, 0},
                              {network_job.get(), POLLIN, 0}};
        int n = ::poll(p, 6, reported ? -1 : 10);
        if (n < 0 && errno != EINTR) break;
        if (p[0].revents) pump(out_r, 0);
        if (p[1].revents) pump(err_r, 1);
        if (p[2].revents) {
            try {
                master = accept_console_master(listener.get());
                listener.reset();
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
        if (!reported && network_ready && fs::exists(pid_file)) report("ok\n");
        if (p[4].revents) break;
    }
    int status = wait_child(runner);
    // Whatever the container wrote before it exited; processes it left behind that still
    // hold the pipes are not waited for.
    for (UniqueFd* fd : {&out_r, &err_r, &master}) {
        if (!*fd) continue;
        ::fcntl(fd->get(), F_SETFL, O_NONBLOCK);
        while (*fd) {
            ssize_t n = ::read(fd->get(), buf, sizeof buf);
            if (n <= 0) break;
            writer.feed(fd == &err_r ? 1 : 0, buf, static_cast<size_t>(n));
        }
    }
    writer.flush();
    std::string error = fs::read_all(msg_r.get());
    if (!error.empty()) report("error " + std::to_string(status) + " " + error);
    else report("ok\n");
    ::unlink(pid_file.c_str());
    network.reap();  // a create that failed early: the job ends before its DEL
    record_exit(c, id, status, error);
    return 0;
}

}  // namespace

bool container_running(const LiteContext& c, const ContainerRecord& r) {
    try {
        state::State s = runtime::state(c.runtime, r.id);
        return s.status != state::Status::stopped;
    } catch (const Error&) {
        return false;
    }
}

bool container_alive(const LiteContext& c, const ContainerRecord& r) {
    return container_running(c, r) || (r.state == "running" && monitor_alive(r));
}

pid_t container_pid(const LiteContext& c, const ContainerRecord& r) {
    try {
        state::State s = runtime::state(c.runtime, r.id);
        return s.status == state::Status::stopped ? 0 : s.pid;
    } catch (const Error&) {
        return 0;
    }
}

void mount_workspace(const LiteContext& c, const ContainerRecord& r) {
    ImageStore images(c.layout);
    ImageRecord image = images.resolve(r.image_id);
    std::string dir = c.layout.container_dir(r.id);
    OverlayDirs d;
    for (auto it = image.layers.rbegin(); it != image.layers.rend(); ++it) d.lower.push_back(c.layout.layer_dir(*it));
    d.upper = dir + "/upper";
    d.work = dir + "/work";
    d.merged = dir + "/merged";
    for (const auto& p : {d.upper, d.work, d.merged}) fs::mkdir_all(p, 0755);
    mount_overlay(d);
}

runtime::CreateOptions create_options(const LiteContext& c, const ContainerRecord& r) {
    runtime::CreateOptions o;
    o.id = r.id;
    o.bundle = c.layout.container_dir(r.id);
    return o;
}

void record_exit(const LiteContext& c, const std::string& id, int status, const std::string& error) {
    ContainerStore store(c.layout);
    if (!store.exists(id)) return;  // removed meanwhile (rm -f)
    {
        UniqueFd lock = store.lock(id);
        if (!store.exists(id)) return;
        ContainerRecord r = store.load(id);
        r.state = "exited";
        r.exit_code = status;
        r.finished_at = now_rfc3339();
        r.monitor_pid = 0;
        r.monitor_start_time = 0;
        r.error = error;
        store.save(r);
        if (r.auto_remove) {
            // run --rm: the caller does not wait for the network's teardown.
            remove_anonymous_volumes(c.layout, id);  // docker run --rm takes them along
            remove_in_background(c, id, std::move(lock));
            return;
        }
        release_network(c, id);
        try {
            unmount_if_mounted(merged_dir(c, id));
        } catch (const Error& e) {
            log::warn("{}", e.what());
        }
    }
}

int run_attached(const LiteContext& c, const std::string& id, bool interactive) {
    ContainerStore store(c.layout);
    ContainerRecord rec = store.load(id);
    runtime::CreateOptions opts = create_options(c, rec);
    opts.pid_file = c.layout.container_dir(id) + "/init.pid";
    ::unlink(opts.pid_file.c_str());
    std::string log_path = c.layout.container_dir(id) + "/container.log";
    UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
    if (!log) throw_errno("open " + log_path);
    std::optional<ForegroundConsole> console;
    std::optional<OutputTee> tee;
    if (rec.tty) {
        console.emplace(interactive, log.get());
        opts.console_socket = console->socket_path();
    } else {
        if (!interactive) {
            int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (null >= 0) {
                ::dup2(null, STDIN_FILENO);
                ::close(null);
            }
        }
        tee.emplace(log.get());
    }

    record_start(c, id, ::getpid());
    int status = 0;
    std::string error;
    try {
        // The network's job runs while the runtime creates the container.
        PendingNetwork network = begin_attach_network(c, id);
        opts.before_start = [&network] { finish_attach_network(network); };
        status = run_in_foreground(c.runtime, opts);
    } catch (const std::exception& e) {
        error = e.what();
        status = exit_code_for_start_error(error);
    }
    if (console) console->finish(!error.empty());
    if (tee) tee->finish();
    record_exit(c, id, status, error);
    if (!error.empty()) throw ExitError(error, status);
    return status;
}

void start_detached(const LiteContext& c, const std::string& id) {
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
        if (ready[1] != 3) {
            ::dup3(ready[1], 3, O_CLOEXEC);
            ready[1] = 3;
        }
        ::close_range(4, ~0U, 0);
        ::umask(022);
        int code = 0;
        try {
            code = monitor_main(c, id, ready[1]);
        } catch (const std::exception& e) {
            fs::write_all(ready[1], std::string("error 125 ") + e.what());
            code = kExitLiteError;
        }
        _exit(code);
    }
    ::close(ready[1]);
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

void stop_container(const LiteContext& c, const ContainerRecord& r, int timeout) {
    ContainerStore store(c.layout);
    auto alive = [&] {
        ContainerRecord cur = store.exists(r.id) ? store.load(r.id) : r;
        return container_running(c, cur) || (cur.state == "running" && monitor_alive(cur));
    };
    if (!alive()) return;
    auto signal = [&](int sig) {
        try {
            runtime::kill(c.runtime, r.id, sig, false);
        } catch (const Error& e) {
            log::debug("kill {}: {}", r.id, e.what());
        }
    };
    signal(SIGTERM);
    bool killed = false;
    if (!wait_until_not([&] { return container_running(c, r); }, timeout * 1000)) {
        signal(SIGKILL);
        killed = true;
        wait_until_not([&] { return container_running(c, r); }, 10000);
    }
    // The monitor records the exit; wait for it so `ps -a` shows it right away.
    if (!wait_until_not(alive, 10000)) throw Error("container " + r.name + " did not stop");
    if (!store.exists(r.id)) return;
    ContainerRecord cur = store.load(r.id);
    if (cur.state == "running") {
        // Nobody was waiting for it (its monitor died): clean up after it ourselves.
        try {
            runtime::remove(c.runtime, r.id, true);
        } catch (const Error& e) {
            log::debug("remove {}: {}", r.id, e.what());
        }
        record_exit(c, r.id, killed ? 128 + SIGKILL : 128 + SIGTERM, "");
    }
}

void remove_container(const LiteContext& c, const ContainerRecord& r, bool force) {
    if (container_alive(c, r) && !force)
        throw Error("You cannot remove a running container " + r.id +
                    ". Stop the container before attempting removal or force remove");
    try {
        runtime::remove(c.runtime, r.id, true);
    } catch (const Error& e) {
        log::debug("remove {}: {}", r.id, e.what());
    }
    if (r.state == "running" && !wait_until_not([&] { return monitor_alive(r); }, 5000)) {
        UniqueFd pfd = pidfd_open(r.monitor_pid);
        if (pfd && monitor_alive(r)) ::syscall(SYS_pidfd_send_signal, pfd.get(), SIGKILL, nullptr, 0);
        wait_until_not([&] { return monitor_alive(r); }, 2000);
    }
    ContainerStore store(c.layout);
    if (!fs::exists(store.dir(r.id))) return;  // the monitor removed an --rm container
    UniqueFd lock = store.lock(r.id);
    destroy_files(c, r.id);
}

}  // namespace wb::lite
