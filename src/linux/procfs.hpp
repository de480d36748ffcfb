// Writing under /proc safely (CVE-2019-16884, CVE-2019-19921, CVE-2025-52881): a path
// under /proc is opened from a /proc fd verified to be the root of a procfs, with
// openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV),
// and the file reached is verified to be on procfs (fstatfs: PROC_SUPER_MAGIC). So a
// symlink planted in the rootfs, a bind mount over /proc or over a file inside it, or a
// non-proc filesystem at /proc cannot redirect the runtime's write to another file.
//
// "self" is a symlink: pass the pid ("1/attr/exec", std::to_string(getpid()) + "/...").
#pragma once
#include <string>
#include <string_view>

#include "util/unique_fd.hpp"

namespace wb::linux {

// /proc, checked to be a procfs's root directory (not a bind of a directory inside one).
UniqueFd open_proc_root();

// Opens /proc/<relpath> ("sys/net/ipv4/ip_forward") with `flags` (O_CLOEXEC is added).
// Throws wb::Error naming the path when it is not reached as described above.
UniqueFd open_proc_file(const std::string& relpath, int flags);

// Writes `value` to /proc/<relpath> through open_proc_file(relpath, O_WRONLY).
void write_proc_file(const std::string& relpath, std::string_view value);

}  // namespace wb::linux
