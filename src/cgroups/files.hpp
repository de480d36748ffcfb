// The one place that reads and writes cgroupfs files. Every write goes through Files so
// the error names the file and value (`write memory.max "100": Device or resource busy`)
// and tests can journal the writes in order.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wb::cgroups {

using Journal = std::vector<std::pair<std::string, std::string>>;

class Files {
public:
    explicit Files(Journal* journal = nullptr) : journal_(journal) {}
    // Writes `value` to dir/name; throws wb::Error `write name "value": strerror`.
    void write(const std::string& dir, const std::string& name, const std::string& value) const;
    // The same, returning 0 or the errno instead of throwing.
    int try_write(const std::string& dir, const std::string& name,
                  const std::string& value) const;
    // Each (name, value) in order, as write() would, each file opened once for all its
    // writes (a list of device rules: one write(2) a rule, one open a file).
    void write_each(const std::string& dir, const Journal& writes) const;

private:
    Journal* journal_;
};

bool has_file(const std::string& dir, const std::string& name);
// The file's content without trailing whitespace; nullopt when it cannot be read.
std::optional<std::string> read_opt(const std::string& dir, const std::string& name);
// The same; throws wb::Error `read name: strerror`.
std::string read_str(const std::string& dir, const std::string& name);
// A single number; "max" reads as `max_value`. Missing or bad: 0.
uint64_t read_u64(const std::string& dir, const std::string& name, uint64_t max_value = 0);
// "key value" lines (memory.stat, cpu.stat, memory.events ...). Missing file: empty.
std::map<std::string, uint64_t> read_flat_keyed(const std::string& dir, const std::string& name);
// The pids listed in dir/cgroup.procs and in every sub-cgroup below it.
std::vector<pid_t> read_procs_recursive(const std::string& dir);
// Names of the sub-directories of dir (sub-cgroups).
std::vector<std::string> list_subdirs(const std::string& dir);
// Names of everything else in dir (the interface files).
std::vector<std::string> list_files(const std::string& dir);
// rmdir, retrying on EBUSY for a short while (exiting tasks); ENOENT is success.
// Returns 0 or errno.
int remove_cgroup_dir(const std::string& dir);
// Removes dir and every sub-cgroup below it, deepest first (remove_cgroup_dir each); 0 or
// the first errno.
int remove_cgroup_tree(const std::string& dir);
// Creates each missing component of `dir` below `root` (which must exist); appends the
// ones it made, top-down, to `created`. Throws wb::Error naming the directory.
void make_cgroup_dirs(const std::string& root, const std::string& rel,
                      std::vector<std::string>& created);
// Removes the given dirs bottom-up (reverse order), ignoring errors.
void remove_created_dirs(const std::vector<std::string>& created);
// The same for parents a container shares with others: a directory that still has
// sub-cgroups is left alone at once (no EBUSY retries).
// `removed`: directories the caller has just removed itself (no need to look again).
void remove_unused_dirs(const std::vector<std::string>& created, const std::set<std::string>& removed = {});

// "a/b/../c" -> "a/c", "/x//y/" -> "/x/y", as Go's filepath.Clean.
std::string clean_path(const std::string& path);
// "/a/b" -> "/a", "/a" -> "/", "/" -> "/".
std::string parent_path(const std::string& path);
// Splits on any of the separator characters, dropping empty pieces.
std::vector<std::string> split(const std::string& s, const std::string& seps);
// The same as views into s (which must outlive them): no copy of each piece.
std::vector<std::string_view> split_views(std::string_view s, std::string_view seps);

}  // namespace wb::cgroups
