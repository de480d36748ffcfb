// Writing under /proc safely (CVE-2019-16884, CVE-2019-19921, CVE-2025-52881): a path
// under /proc is opened from a /proc fd verified to be the root of a procfs, with
// openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV),
// and the file reached is verified to be on procfs (fstatfs: PROC_SUPER_MAGIC). So a
// symlink planted in the rootfs, a bind mount over /proc or over a file inside it, or a
// non-proc filesystem at /proc cannot redirect the runtime's write to another file.
//
// "self" and "thread-self" are symlinks, which the walk refuses: open_proc_self_file reads
// them (readlinkat on the verified /proc fd) and walks the numeric path they name.
#pragma once
#include <sys/types.h>

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

// Whose directory open_proc_self_file opens: /proc/self (the process) or
// /proc/thread-self (the calling thread: attr/*).
enum class ProcSelf { process, thread };

// Opens /proc/self/<name> (or /proc/thread-self/<name>) as open_proc_file does, the link
// read from the verified /proc so the pid is the one that procfs knows (the host's pid
// for a child of a new pid namespace before its own /proc is mounted).
UniqueFd open_proc_self_file(const std::string& name, int flags, ProcSelf whose = ProcSelf::process);

// Writes `value` to /proc/self/<name> through open_proc_self_file(name, O_WRONLY, whose).
void write_proc_self_file(const std::string& name, std::string_view value, ProcSelf whose = ProcSelf::process);

// Opens the file that `fd` (an O_PATH fd: the exec fifo) refers to again with `flags`,
// through the calling thread's fd directory reached as above (/proc/thread-self/fd, the
// link read from the verified /proc); only the last step, the fd's own magic link, is
// followed. The file reached must be the one `fd` refers to (same device and inode).
UniqueFd reopen_fd(int fd, int flags);

// reopen_fd in two steps, for the init, whose reopen (the blocking open of the exec fifo)
// comes after its seccomp filter is in place: the constructor reaches the verified
// /proc/thread-self/fd (openat2, readlinkat, fstatfs) and notes the file's identity;
// reopen() then makes only the calls runc's init makes there, openat of the fd's own link,
// and an fstat of what it reached. A profile that allows those (a filter that answers
// openat2 with ENOSYS, say) does not stop the start.
class FdReopener {
public:
    explicit FdReopener(int fd);
    UniqueFd reopen(int flags) const;

private:
    int fd_;
    UniqueFd fd_dir_;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
};

// Writes all of `value` to `fd`; errors read "<what>: <strerror>".
void write_all_to(int fd, std::string_view value, const std::string& what);

}  // namespace wb::linux
