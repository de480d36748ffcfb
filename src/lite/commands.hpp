// One function per whalebox-lite command; main.cpp parses flags and calls exactly one.
// Each returns the exit status; failures throw (wb::Error -> 125, ExitError -> its code).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "lite/lifecycle.hpp"
#include "lite/log_query.hpp"
#include "lite/run_options.hpp"
#include "lite/table.hpp"

namespace wb::lite {

// Images.
int cmd_import(const LiteContext& c, const std::string& tarball, const std::string& name);
int cmd_load(const LiteContext& c, const std::string& archive, const std::string& tag);
int cmd_images(const LiteContext& c, bool quiet, const std::string& format = "");
int cmd_rmi(const LiteContext& c, const std::vector<std::string>& refs, bool force);
// docker's shape (container_view.hpp); format: a Go template per object; type: "",
// "container" or "image".
int cmd_inspect(const LiteContext& c, const std::vector<std::string>& refs, const std::string& format = "",
                const std::string& type = "");

// Containers.
int cmd_run(const LiteContext& c, RunOptions opts);
struct PsOptions {
    bool all = false, quiet = false, no_trunc = false, size = false, latest = false;
    int64_t last = -1;                 // -n: the last N created (-1: no limit)
    std::vector<std::string> filters;  // --filter KEY=VALUE
    std::string format;                // --format
};
int cmd_ps(const LiteContext& c, const PsOptions& o);
int cmd_logs(const LiteContext& c, const std::string& ref, const LogQuery& query);
struct ExecRequest {
    std::string ref;
    std::vector<std::string> command;
    bool tty = false;
    bool interactive = false;
    bool detach = false;
    std::vector<std::string> env;
    std::string workdir;
    std::string user;
};
int cmd_exec(const LiteContext& c, const ExecRequest& req);
int cmd_stop(const LiteContext& c, const std::vector<std::string>& refs, std::optional<int> timeout);
int cmd_start(const LiteContext& c, const std::vector<std::string>& refs);
int cmd_restart(const LiteContext& c, const std::vector<std::string>& refs, std::optional<int> timeout);
int cmd_kill(const LiteContext& c, const std::vector<std::string>& refs, const std::string& signal);
int cmd_rm(const LiteContext& c, const std::vector<std::string>& refs, bool force, bool volumes = false);
int cmd_commit(const LiteContext& c, const std::string& ref, const std::string& image);
int cmd_export(const LiteContext& c, const std::string& ref, const std::string& file);

}  // namespace wb::lite
