// The command lines of `criu dump`, `criu pre-dump` and `criu restore` for a container,
// built from what whalebox knows of it (runc's checkpoint and restore flags, the config's
// mounts, its tty). Pure functions: src/criu/run.hpp executes them.
#pragma once
#include <sys/types.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace wb::criu {

// Flags runc's checkpoint and restore share.
struct CommonFlags {
    std::string image_path;  // -D
    std::string work_path;   // -W (criu: the image dir when empty)
    bool tcp_established = false;
    bool ext_unix_sk = false;
    bool shell_job = false;
    bool file_locks = false;
    bool lazy_pages = false;
    bool auto_dedup = false;
    std::string manage_cgroups_mode;  // soft|full|strict|ignore; "" = criu's default (soft)
    std::vector<std::string> empty_ns;  // namespace types ("network" as runc, or "net")
    std::string config_file;  // --config; "" = none
};

struct DumpRequest {
    CommonFlags flags;
    pid_t pid = 0;
    std::string rootfs;
    bool pre_dump = false;
    bool leave_running = false;
    std::string parent_path;    // --prev-images-dir (relative to the image dir, as runc)
    int status_fd = -1;         // --status-fd
    std::string page_server;    // ADDRESS:PORT
    std::string freeze_cgroup;  // the container's cgroup directory (absolute)
    // Mount points (container paths) whose source lies outside the container: bind
    // mounts, masked files, /dev/console.
    std::vector<std::string> external_mounts;
    std::vector<std::string> external_keys;  // tty[RDEV:DEV], net[INODE]:extRootNetNS
};

struct RestoreRequest {
    CommonFlags flags;
    std::string root;      // the rootfs (a mount point)
    std::string pid_file;  // where criu writes the restored init's pid
    // Container path -> host path, for every external mount of the dump.
    std::vector<std::pair<std::string, std::string>> external_mounts;
    // Our fd -> the criu key it stands for (tty[...], pipe:[...]).
    std::vector<std::pair<int, std::string>> inherit_fds;
    std::string cgroup_root;  // path below the cgroup hierarchy's root ("/a/b")
    std::string lsm_profile;
    std::string lsm_mount_context;
    std::string action_script;  // --action-script (criu/notify.hpp); "" = none
};

// Throws wb::Error for a mode criu does not know.
void validate_manage_cgroups_mode(const std::string& mode);

std::vector<std::string> dump_args(const DumpRequest& r);
std::vector<std::string> restore_args(const RestoreRequest& r);

// criu's --cgroup-root arguments for a process just moved into the container's cgroup,
// from its /proc/self/cgroup, one per controller as runc's: the controllers of every v1
// hierarchy the manager drives (`managed`: the keys of Manager::controller_paths(), a key
// may name co-mounted controllers "cpu,cpuacct" or a named hierarchy "name=systemd") as
// "--cgroup-root CONTROLLER:PATH", and the cgroup2 path, when `managed` has "", as the
// default root "--cgroup-root PATH". Lines of hierarchies not managed are left out.
std::vector<std::string> cgroup_root_args(const std::string& proc_self_cgroup, const std::set<std::string>& managed);

// The criu config file for a container, as runc chooses it: the org.criu.config
// annotation when present (empty: none), else /etc/criu/runc.conf when it exists.
std::string config_file(const std::map<std::string, std::string>& annotations, bool runc_conf_exists);

// "Version: 3.17.1" (criu --version) -> 31701; nullopt when the text has no version.
std::optional<int> parse_version(const std::string& text);
// The oldest criu whalebox drives: 3.15 (cgroup v2 freezer and mounts).
inline constexpr int min_version = 31500;

// The criu key of an external file: file[MNT_ID:INODE] in hex.
std::string external_file_key(unsigned long mount_id, ino_t inode);

// The criu key of a tty: tty[RDEV:DEV] in hex.
std::string tty_key(dev_t rdev, dev_t dev);

}  // namespace wb::criu
