// Small file helpers used across the runtime. All fds are O_CLOEXEC.
#pragma once
#include <string>
#include <string_view>

#include "util/unique_fd.hpp"

namespace wb::fs {

// Reads a whole file; throws Error naming the path.
std::string read_file(const std::string& path);
// Reads a whole file; returns false (and leaves out untouched) when it cannot.
bool try_read_file(const std::string& path, std::string& out);
// Writes data to an existing file (O_WRONLY|O_TRUNC); throws Error naming the path.
void write_file(const std::string& path, std::string_view data);
// Writes data relative to a directory fd; returns 0 or errno.
int write_file_at(int dirfd, const std::string& name, std::string_view data);
// Writes a file atomically: temp file in the same directory, fsync, rename. A reader (or a
// command after a crash) sees the old content or the new, never a part.
enum class Sync { durable, no_fsync };
// Sync::no_fsync skips the fsync: still atomic against a crashed process, not against a
// power cut. For state rewritten on every command (runc does not fsync its state either):
// each fsync costs about a millisecond on disk.
void write_file_atomic(const std::string& path, std::string_view data, unsigned mode = 0644,
                       Sync sync = Sync::durable);
// mkdir -p; throws on failure other than EEXIST.
void mkdir_all(const std::string& path, unsigned mode = 0755);
// rm -rf without following symlinks; returns 0 or errno of the first failure.
int remove_all(const std::string& path);
bool exists(const std::string& path);
// Copies the contents of directory from_dir into directory to_dir (both fds to open
// directories): directories, regular files, symlinks and device/fifo/socket nodes, with
// their mode and owner, no symlink followed (runc's tmpcopyup). Throws Error naming the
// entry that failed.
void copy_tree(int from_dir, int to_dir);
// Writes all of data to fd, retrying on EINTR; returns 0 or the errno of the first
// failure (callers writing to a pipe whose reader may be gone can ignore it).
int write_all(int fd, std::string_view data);
// Reads fd to EOF (or the first error), retrying on EINTR.
std::string read_all(int fd);
// The directory part of a path ("/a/b" -> "/a", "/a" -> "/", "a" -> "/").
std::string parent_of(const std::string& path);
// The last piece of a path ("/a/b" -> "b").
std::string base_of(const std::string& path);
// Joins two path pieces with exactly one '/'.
std::string join(std::string_view a, std::string_view b);

}  // namespace wb::fs
