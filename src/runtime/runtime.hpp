// The container lifecycle as a library: one function per runc command.
// The CLI layer (src/cli) parses flags and calls exactly one of these.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "oci/spec.hpp"
#include "state/state.hpp"

namespace wb::runtime {

// A pipe read beside the process while we wait for it (whalebox-lite copies a container's
// stdout and stderr to its log and to its own stdio without a copier process): each
// chunk read goes to consume, until the pipe's last writer is gone.
struct OutputStream {
    int fd;
    std::function<void(std::string_view chunk)> consume;
};
// Reads each stream until its end.
void read_to_end(const std::vector<OutputStream>& streams);

// What every command gets from the global flags.
struct Context {
    std::string root = "/run/whalebox";  // --root
    bool systemd_cgroup = false;         // --systemd-cgroup
    // --rootless (auto: not root, or root in a user namespace): cgroups it cannot write
    // are done without, as runc (runtime/rootless.hpp).
    bool rootless = false;
    std::string criu = "criu";           // --criu: checkpoint and restore run it
};

struct CreateOptions {
    std::string id;
    std::string bundle = ".";
    std::string pid_file;
    std::string console_socket;
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    // run in the foreground with process.terminal and no console socket: whalebox keeps
    // the pty master itself and proxies it to its own stdio (as runc).
    bool proxy_tty = false;
    // The command may be replayed from the start in a sealed copy of the binary
    // (linux/sealed_exe.hpp) when the config calls for one: nothing was done before it.
    bool may_reexec = false;
    // run only: called between create and start, while the init waits on the exec fifo
    // (whalebox-lite finishes the container's network there, set up beside the create).
    // An exception from it removes the container and is rethrown.
    std::function<void()> before_start;
    // run in the foreground: pipes read while it waits, to their end (whalebox-lite's copy
    // of the container's output to its log; runtime/foreground.hpp).
    std::vector<OutputStream> output;
};

// Sets up the container and parks its init on the exec fifo. Rolls back on failure.
void create(const Context& ctx, const CreateOptions& opts);
// Releases a created container's init into the user process.
void start(const Context& ctx, const std::string& id);
// create + start. Without detach it waits and returns the exit status (128+N for a
// signal), then deletes the container unless keep (it stays stopped, cgroup and all,
// until delete); with detach it returns 0 once started.
int run(const Context& ctx, const CreateOptions& opts, bool detach, bool keep = false);
// The OCI state of a container (status computed from the live process).
state::State state(const Context& ctx, const std::string& id);
// Sends a signal to the init (or, with all, to every process in its cgroup).
void kill(const Context& ctx, const std::string& id, int signal, bool all);
// Deletes a stopped or created container; force kills a running one first.
void remove(const Context& ctx, const std::string& id, bool force);
// Every container under the root, sorted by id.
std::vector<state::State> list(const Context& ctx);

}  // namespace wb::runtime

namespace wb::runtime {

struct ExecOptions {
    std::string id;
    oci::Process process;  // complete: from --process, or built by build_exec_process()
    bool detach = false;
    std::string pid_file;
    std::string console_socket;
    int preserve_fds = 0;
    bool ignore_paused = false;  // --ignore-paused: exec in a paused container too
    // --cgroup [CONTROLLER:]PATH: a sub-cgroup of the container's, by controller ("" = all).
    std::map<std::string, std::string> sub_cgroups;
    // CVE-2019-5736: exec through the exec trampoline, or re-exec from a sealed copy of the
    // binary when it does not suffice (linux/exec_trampoline.hpp). The CLI sets it; the
    // in-process caller (whalebox-lite) cannot re-exec.
    bool protect_runtime_binary = false;
    // The container's config.json as build_exec_process parsed it; exec reads it itself
    // when there is none (exec --process).
    std::optional<oci::Spec> spec;
};

// Parses exec's --cgroup values as runc: "PATH" (alone), or "CTRL[,CTRL]:PATH" each.
std::map<std::string, std::string> parse_sub_cgroups(const std::vector<std::string>& args);

// The process `exec ID ARGS...` runs: the container's process from config.json with the
// args replaced and the flags applied (env appended, cwd, user, caps, tty, NNP).
struct ExecFlags {
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string cwd;
    std::string user;  // "uid[:gid]"
    std::vector<uint32_t> additional_gids;
    std::vector<std::string> caps;
    bool tty = false;
    bool no_new_privs = false;
    std::string process_label;
    std::string apparmor;
};
// With spec, the container's parsed config is handed on there (for ExecOptions::spec, so
// that exec does not read and parse it a second time).
oci::Process build_exec_process(const Context& ctx, const std::string& id, const ExecFlags& flags,
                                std::optional<oci::Spec>* spec = nullptr);
// Reads a process.json for `exec --process`.
oci::Process load_exec_process(const std::string& path);

// Runs a new process in a running container: every namespace of its init, its cgroup,
// and the process's own capabilities, user, rlimits, seccomp and no_new_privs. In the
// foreground it waits and returns the exit status (128+N for a signal).
int exec(const Context& ctx, const ExecOptions& opts);

}  // namespace wb::runtime

namespace wb::runtime {

// Freezes / thaws every process of a running container (status paused / running).
void pause(const Context& ctx, const std::string& id);
void resume(const Context& ctx, const std::string& id);

// Writes new resource limits to the container's cgroup (`update`).
void update(const Context& ctx, const std::string& id, const oci::Resources& resources);

// The pids in the container's cgroup, host view.
std::vector<pid_t> pids(const Context& ctx, const std::string& id);

// One `events` record as runc prints it: {"type":"stats","id":...,"data":{...}}.
std::string stats_event_json(const Context& ctx, const std::string& id);
// Prints stats every interval and "oom" events as they happen until the container stops.
void watch_events(const Context& ctx, const std::string& id, int interval_ms,
                  const std::function<void(const std::string& json_line)>& emit);

}  // namespace wb::runtime

#include "criu/args.hpp"

namespace wb::runtime {

// checkpoint's flags (runc's).
struct CheckpointOptions {
    std::string id;
    criu::CommonFlags criu;  // image path "" = ./checkpoint
    bool leave_running = false;
    bool pre_dump = false;
    std::string parent_path;
    std::string page_server;
    int status_fd = -1;
};

// Dumps a running container with criu into the image path. Unless leave_running or
// pre_dump, the container is then gone (as runc: its processes end with the dump and
// its record and cgroup are removed). A failed dump leaves it running as it was.
void checkpoint(const Context& ctx, const CheckpointOptions& opts);

// restore's flags (runc's).
struct RestoreOptions {
    std::string id;
    std::string bundle = ".";
    std::string console_socket;
    std::string pid_file;
    criu::CommonFlags criu;  // image path "" = ./checkpoint
    bool detach = false;
    bool no_subreaper = false;  // don't become a child subreaper (PR_SET_CHILD_SUBREAPER)
    // runc's Restore does not read it either: criu always pivots into the restored root
    // (it has no other way). Accepted and ignored, as runc.
    bool no_pivot = false;
    std::string lsm_profile;
    std::string lsm_mount_context;
};

// Restores a container from the image path under a new record ROOT/ID, in a new cgroup
// from the bundle's config. Detached it returns 0 once the container runs; otherwise it
// waits for the init and returns its exit status (128+N for a signal), then deletes the
// container. A failed restore leaves nothing behind.
int restore(const Context& ctx, const RestoreOptions& opts);

}  // namespace wb::runtime
