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

#include "lite/child_wait.hpp"
#include "lite/idmapped_overlay.hpp"
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

// runtime::run in the foreground. With keep the runtime's record of the stopped container
// (its state dir and cgroups, whose removal waits on the kernel) is left for run --rm's
// removal behind the command (background_removal.hpp).
int run_in_foreground(const runtime::Context& ctx, const runtime::CreateOptions& opts, bool keep) {
    return runtime::run(ctx, opts, false, keep);
}

}  // namespace

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

namespace {

void destroy_files(const LiteContext& c, const std::string& id) {
    release_network(c, id);
    unmount_if_mounted(merged_dir(c, id));
    remove_tree_same_fs(c.layout.container_dir(id));
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
    return container_running(c, r) || ((r.state == "running" || r.state == "restarting") && monitor_alive(r));
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
    if (r.lifecycle.userns_range.size > 0) mount_overlay_idmapped(d, r.lifecycle.userns_range);  // --userns
    else mount_overlay(d);
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

int run_attached(const LiteContext& c, const std::string& id, bool interactive, PendingNetwork* started) {
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
        PendingNetwork network = started ? std::move(*started) : begin_attach_network(c, id);
        opts.before_start = [&network, &tee] {
            if (tee) tee->release_ours();  // the init holds its copies of the pipes now
            finish_attach_network(network);
        };
        if (tee) opts.output = tee->streams();
        status = run_in_foreground(c.runtime, opts, rec.auto_remove);
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

void mark_manually_stopped(const LiteContext& c, const std::string& id) {
    ContainerStore store(c.layout);
    if (!store.exists(id)) return;
    UniqueFd lock = store.lock(id);
    if (!store.exists(id)) return;
    ContainerRecord r = store.load(id);
    r.lifecycle.manually_stopped = true;
    store.save(r);
}

void stop_container(const LiteContext& c, const ContainerRecord& r, std::optional<int> timeout) {
    ContainerStore store(c.layout);
    auto alive = [&] { return container_alive(c, store.exists(r.id) ? store.load(r.id) : r); };
    if (!alive()) return;
    mark_manually_stopped(c, r.id);
    auto signal = [&](int sig) {
        try {
            runtime::kill(c.runtime, r.id, sig, false);
        } catch (const Error& e) {
            log::debug("kill {}: {}", r.id, e.what());
        }
    };
    signal(stop_signal_of(r.lifecycle));  // --stop-signal, the image's StopSignal, or SIGTERM
    int seconds = stop_timeout_of(r.lifecycle, timeout);
    bool killed = false;
    if (!wait_until_not([&] { return container_running(c, r); }, seconds < 0 ? -1 : seconds * 1000)) {
        signal(SIGKILL);
        killed = true;
        wait_until_not([&] { return container_running(c, r); }, 10000);
    }
    // The monitor records the exit; wait for it so `ps -a` shows it right away.
    if (!wait_until_not(alive, 10000)) throw Error("container " + r.name + " did not stop");
    if (!store.exists(r.id)) return;
    ContainerRecord cur = store.load(r.id);
    if (cur.state == "running" || cur.state == "restarting") {
        // Nobody was waiting for it (its monitor died): clean up after it ourselves.
        try {
            runtime::remove(c.runtime, r.id, true);
        } catch (const Error& e) {
            log::debug("remove {}: {}", r.id, e.what());
        }
        record_exit(c, r.id, killed ? 128 + SIGKILL : 128 + stop_signal_of(r.lifecycle), "");
    }
}

void remove_container(const LiteContext& c, const ContainerRecord& r, bool force) {
    if (container_alive(c, r) && !force)
        throw Error("You cannot remove a running container " + r.id +
                    ". Stop the container before attempting removal or force remove");
    mark_manually_stopped(c, r.id);  // its monitor must not start it again
    try {
        runtime::remove(c.runtime, r.id, true);
    } catch (const Error& e) {
        log::debug("remove {}: {}", r.id, e.what());
    }
    if ((r.state == "running" || r.state == "restarting") && !wait_until_not([&] { return monitor_alive(r); }, 5000)) {
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
