// The rest of docker's everyday commands (issue 17, item 5): create, top, stats, pause,
// unpause, attach, cp, history, save, info, container/image prune, system df.
// cli_commands.cpp registers them; main.cpp calls add_lite_commands once.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "lite/lifecycle.hpp"

namespace wb::lite {

// commands_process.cpp
int cmd_top(const LiteContext& c, const std::string& ref);
// CPU %, MEM USAGE / LIMIT, MEM %, PIDS: one sample over half a second with no_stream,
// else a new one each second (the table redrawn on a terminal) until the listed
// containers are gone.
int cmd_stats(const LiteContext& c, const std::vector<std::string>& refs, bool all, bool no_stream,
              const std::string& format);
// pause (true) or unpause (false) each container.
int cmd_pause(const LiteContext& c, const std::vector<std::string>& refs, bool pause);

// commands_attach.cpp
struct AttachFlags {
    bool no_stdin = false;    // --no-stdin
    bool sig_proxy = true;    // --sig-proxy (without a terminal)
    std::string detach_keys;  // --detach-keys, default ctrl-p,ctrl-q (with a terminal)
};
// docker attach: the container's output from now on, and our stdin to its stdin when it
// was run with -i, through its monitor's attach socket; returns the run's exit status (0
// after a detach).
int cmd_attach(const LiteContext& c, const std::string& ref, const AttachFlags& f);
// start -a (-i): starts one container attached from the start, as run does.
int cmd_start_attached(const LiteContext& c, const std::vector<std::string>& refs, bool interactive,
                       const std::string& detach_keys);
// run --restart without -d: the monitor runs the container (and restarts it) while we are
// attached to its first run; returns that run's exit status.
int run_under_monitor(const LiteContext& c, const std::string& id, bool interactive);

// commands_cp.cpp: SRC and DST, one of them CONTAINER:PATH; "-" a tar stream.
struct CpOptions {
    bool archive = false;      // -a: the source's owners
    bool follow_link = false;  // -L: a symlink SRC_PATH is followed
};
int cmd_cp(const LiteContext& c, const std::string& src, const std::string& dst, const CpOptions& o);

// commands_system.cpp
int cmd_history(const LiteContext& c, const std::string& ref, bool quiet, bool no_trunc, const std::string& format);
int cmd_info(const LiteContext& c, const std::string& format);
int cmd_container_prune(const LiteContext& c, bool force);
int cmd_image_prune(const LiteContext& c, bool all, bool force);
int cmd_system_df(const LiteContext& c);

// image_save.cpp: a docker-save archive of the images to output ("" = stdout).
int cmd_save(const LiteContext& c, const std::vector<std::string>& refs, const std::string& output);

// What the commands above parse into; lives as long as main's CLI::App.
struct LiteCli {
    std::string ref, target, format, output;
    std::vector<std::string> refs;
    bool all = false, quiet = false, force = false, no_trunc = false, no_stream = false;
    CpOptions cp;
    AttachFlags attach;
};

void add_lite_commands(CLI::App& app, LiteCli& l, std::function<int()>& action, LiteContext& ctx);

}  // namespace wb::lite
