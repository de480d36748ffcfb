// Resolving paths inside a container's rootfs so that no symlink can lead out of it
// (openat2 with RESOLVE_IN_ROOT: an absolute symlink is taken relative to the rootfs).
#pragma once
#include <string>
#include <vector>

#include "util/unique_fd.hpp"

namespace wb::linux {

enum class Create { nothing, directory, file };

// openat2(root_fd, rel, flags | O_CLOEXEC) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS
// ("" is "."). Retried while it fails with EAGAIN: a ".." on the way (in the path or a
// symlink such as busybox's bin/sleep -> ../bin/busybox) meets a mount or rename made
// meanwhile anywhere on the machine, and openat2(2) leaves the retry to the caller.
// Returns the fd, or -1 with errno set.
int openat2_in_root(int root_fd, const std::string& rel, int flags);

// Opens `path` (relative to the root, leading '/' allowed) inside root_fd as O_PATH,
// creating missing directories on the way and, with Create::file, an empty file at the end.
// Throws wb::Error naming the path; never resolves outside root_fd.
UniqueFd open_in_root(int root_fd, const std::string& path, Create create);

// "/proc/self/fd/N": a path that mount(2) and friends can use for an O_PATH fd.
std::string fd_path(int fd);

// Splits "/a//b/./c/" into {"a", "b", "c"}; ".." is kept as is (resolution clamps it).
std::vector<std::string> split_path(const std::string& path);

}  // namespace wb::linux
