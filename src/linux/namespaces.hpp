// Namespaces from linux.namespaces: clone flags for new ones, setns for joined ones,
// id maps and time offsets written by the parent.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "util/unique_fd.hpp"

namespace wb::linux {

// CLONE_NEWTIME, which older kernel headers lack.
inline constexpr int kCloneNewTime = 0x00000080;

// One namespace type: its OCI name, its name under /proc/PID/ns, its CLONE_NEW* flag.
struct NamespaceType {
    const char* oci_name;   // "network"
    const char* proc_name;  // "net"
    int flag;               // CLONE_NEWNET
};

// The one namespace table, in joining order: user first (it owns the others), mount last
// (it changes our root).
inline constexpr NamespaceType kNamespaceTypes[] = {
    {"user", "user", 0x10000000 /* CLONE_NEWUSER */},  {"ipc", "ipc", 0x08000000 /* CLONE_NEWIPC */},
    {"uts", "uts", 0x04000000 /* CLONE_NEWUTS */},     {"network", "net", 0x40000000 /* CLONE_NEWNET */},
    {"pid", "pid", 0x20000000 /* CLONE_NEWPID */},     {"cgroup", "cgroup", 0x02000000 /* CLONE_NEWCGROUP */},
    {"time", "time", kCloneNewTime},                  {"mount", "mnt", 0x00020000 /* CLONE_NEWNS */},
};

// CLONE_NEW* for an OCI namespace type ("network" → CLONE_NEWNET), 0 when unknown.
int namespace_flag(const std::string& type);

// pid and time namespaces apply to a process's children: they are entered by the parent
// just for the clone (ChildNamespaceGuard), never by setns in the child.
bool applies_to_children(int flag);

// A namespace to join: its flag and an fd opened from its path.
struct JoinedNamespace {
    int flag = 0;
    std::string path;
    UniqueFd fd;
};

struct NamespacePlan {
    int clone_flags = 0;                 // CLONE_NEW* to create at clone time
    std::vector<JoinedNamespace> joins;  // user first, then the rest in a fixed order
    bool new_user = false;
    bool new_time = false;
};

// Opens every path namespace (errors name the path) and collects the clone flags.
NamespacePlan plan_namespaces(const oci::Linux& linux);

// "0 1000 65536\n..." as written to /proc/PID/uid_map.
std::string format_id_map(const std::vector<oci::IdMapping>& mappings);
// Writes uid_map / gid_map of a child in a new user namespace, as the caller may
// (linux/rootless.hpp: itself, or newuidmap/newgidmap for an unprivileged caller's ranges).
void write_id_maps(pid_t pid, const oci::Linux& linux);
// "monotonic 10 0\nboottime 5 0\n" as written to /proc/PID/timens_offsets.
std::string format_time_offsets(const oci::Linux& linux);

// Joins one namespace (setns); throws naming the path.
void join_namespace(const JoinedNamespace& ns);

// Restores a namespace "for children" (pid, time) of the calling process when dropped.
class ChildNamespaceGuard {
public:
    ChildNamespaceGuard() = default;
    // Joins ns for the children of this process, remembering what to go back to.
    void enter(const JoinedNamespace& ns);
    // Unshares a new time namespace for the children and writes its offsets.
    void unshare_time(const oci::Linux& linux);
    ~ChildNamespaceGuard();
    ChildNamespaceGuard(const ChildNamespaceGuard&) = delete;
    ChildNamespaceGuard& operator=(const ChildNamespaceGuard&) = delete;

private:
    UniqueFd saved_pid_;
    UniqueFd saved_time_;
};

}  // namespace wb::linux
