// The flags of `run` as values, and the parsers for the ones with a syntax of their own
// (-m sizes, -v specs, -e and --env-file, --cpus, -u).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lite/lifecycle_options.hpp"
#include "lite/ports.hpp"
#include "lite/run_extras.hpp"

namespace wb::lite {

struct VolumeSpec {
    std::string host;       // absolute (a volume's _data once resolved, see volumes.hpp)
    std::string container;  // absolute
    bool readonly = false;
    std::string type = "bind";   // bind | volume | tmpfs (--mount)
    std::string volume;          // type volume: its name; "" = anonymous (-v /path)
    std::string tmpfs_options;   // type tmpfs: "nosuid,nodev[,size=N][,mode=O]"
    bool from_mount_flag = false;  // --mount: a missing bind source is an error
};

struct RunOptions {
    bool tty = false;          // -t
    bool interactive = false;  // -i
    bool detach = false;       // -d
    bool create_only = false;  // `create`: made, not started (`start` starts it)
    bool auto_remove = false;  // --rm
    std::string name;
    std::optional<int64_t> memory;      // -m, bytes
    std::optional<double> cpus;         // --cpus
    std::string cpuset_cpus;            // --cpuset-cpus
    std::optional<uint64_t> cpu_shares;  // --cpu-shares
    std::optional<int64_t> pids_limit;   // --pids-limit
    std::vector<VolumeSpec> volumes;     // -v
    std::vector<std::string> env;        // --env-file then -e, as K=V
    std::string workdir;                 // -w
    std::string user;                    // -u
    std::string hostname;                // -h
    std::string net = "bridge";          // --network NAME|bridge|none|host|container:NAME
    std::string ip;                      // --ip
    std::vector<PortMapping> publish;    // -p
    bool publish_all = false;            // -P
    std::vector<std::string> expose;     // --expose, as "80/tcp" (ports.hpp's parse_expose)
    bool read_only = false;              // --read-only
    std::string image;
    std::vector<std::string> command;  // CMD... (replaces the image's Cmd)
    RunExtras extra;                   // issue 17's flags (run_extras.hpp)
    LifecycleSettings lifecycle;       // --restart, --init, --stop-*, --userns (lifecycle_options.hpp)
};

// docker's RAMInBytes: "64m", "64MB", "1g", "512k", "1.5g", "1048576" (binary units).
// Throws wb::Error("invalid size: ...").
int64_t parse_memory_size(const std::string& text);

// "HOST:CTR[:ro|rw]" (HOST absolute), "NAME:CTR[:ro|rw]" (a named volume: docker's name
// rules, so a relative path is refused) or "CTR" (an anonymous volume).
// Throws wb::Error("invalid volume spec...").
VolumeSpec parse_volume(const std::string& spec);

// -e K=V as given; -e K (no '=') takes K from our own environment, and is dropped when
// unset, as docker does. Returns nullopt for a dropped variable.
std::optional<std::string> parse_env_flag(const std::string& flag);
// --env-file: one K=V (or K) a line; blank lines and '#' comments skipped.
std::vector<std::string> parse_env_file_text(const std::string& text);

// --cpus 1.5 -> {quota 150000, period 100000}. Throws for values <= 0.
struct CpuQuota {
    int64_t quota = 0;
    uint64_t period = 0;
};
CpuQuota cpus_to_quota(double cpus);
double parse_cpus(const std::string& text);

// Sets env entries K=V into env, replacing an entry with the same K.
void set_env(std::vector<std::string>& env, const std::string& kv);

}  // namespace wb::lite
