// Rootless: whalebox run by a user who is not root (or by root inside a user namespace),
// as runc's rootless mode. The decisions are pure functions of what the caller is, so the
// unit tests can pin them; `current_caller()` reads the live process through sys().
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "oci/spec.hpp"

namespace wb::linux {

// The global --rootless flag (runc's parseBoolOrAuto): "auto" (or empty) detects,
// "true"/"false" and the other spellings of Go's ParseBool force it. Throws wb::Error.
enum class RootlessFlag { auto_detect, on, off };
RootlessFlag parse_rootless_flag(const std::string& text);

// Who runs the runtime.
struct Caller {
    uid_t euid = 0;
    gid_t egid = 0;
    bool in_user_namespace = false;  // /proc/self/uid_map is not the initial identity map
};

// Whether /proc/self/uid_map's text is a nested user namespace's (anything but the initial
// namespace's single "0 0 4294967295").
bool uid_map_is_nested(const std::string& uid_map_text);

// The caller, through sys() (euid, egid) and /proc/self/uid_map.
Caller current_caller();

// Rootless as runc decides it: forced by the flag, else an euid other than 0 or root in a
// user namespace of its own.
bool is_rootless(RootlessFlag flag, const Caller& caller);

// The default --root: "$XDG_RUNTIME_DIR/whalebox" where runc would use
// "$XDG_RUNTIME_DIR/runc" (shouldHonorXDGRuntimeDir: set and not empty, and the caller is
// not root, or is root in a user namespace with $USER other than "root"); "/run/whalebox"
// otherwise. A null pointer is an unset variable.
std::string default_state_root(const Caller& caller, const char* xdg_runtime_dir, const char* user_env);

// A range of subordinate ids from /etc/subuid or /etc/subgid.
struct SubIdRange {
    uint64_t start = 0;
    uint64_t count = 0;
};
// The ranges that file text gives the user, by name or by numeric id ("name:start:count").
std::vector<SubIdRange> subid_ranges(const std::string& file_text, const std::string& user_name, uint64_t id);

// For an unprivileged caller: "" when every mapping's host ids are the caller's own id or
// inside its ranges, else one line naming the first mapping that is not (`field` is
// "uidMappings" or "gidMappings", `file` "/etc/subuid" or "/etc/subgid").
std::string mapping_outside_ranges(const std::vector<oci::IdMapping>& mappings, uint64_t own_id,
                                   const std::vector<SubIdRange>& ranges, const std::string& field,
                                   const std::string& file);

// How the maps of a child's new user namespace are written. Root writes any map itself. An
// unprivileged caller writes a map itself only when it maps just its own id (one entry,
// size 1); the gid map then needs setgroups "deny" first (user_namespaces(7)). Anything
// else goes through the setuid helpers newuidmap/newgidmap, which check /etc/subuid and
// /etc/subgid (and leave setgroups alone, as runc).
enum class MapWriter { direct, helper };
struct IdMapPlan {
    MapWriter uid = MapWriter::direct;
    MapWriter gid = MapWriter::direct;
    bool deny_setgroups = false;
};
IdMapPlan plan_id_map_writes(const oci::Linux& linux, const Caller& caller);

// The first executable `name` in the colon-separated `path_env` ("" when none).
std::string find_in_path(const std::string& name, const char* path_env);

// The helper's argv: "newuidmap PID c1 h1 s1 c2 h2 s2 ...".
std::vector<std::string> id_map_helper_args(const std::string& helper, pid_t pid,
                                            const std::vector<oci::IdMapping>& mappings);

// Writes the uid and gid maps of `pid` (a child in a new user namespace) as planned for
// `caller`: /proc/PID/{setgroups,uid_map,gid_map} opened through sys(), or newuidmap /
// newgidmap from $PATH started through sys(). Throws one line: the helper missing from
// PATH, or failing.
void write_id_maps_as(pid_t pid, const oci::Linux& linux, const Caller& caller);

}  // namespace wb::linux
