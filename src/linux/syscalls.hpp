// The kernel edge: every system call that linux/, process/ and cgroups/ make to set up a
// container goes through one Syscalls object, so unit tests can replace the kernel with a
// recording double (tests/linux/recording_syscalls.hpp) that also injects errors. The
// model is youki's `Syscall` trait and its `TestHelperSyscall`.
//
// The methods keep the system calls' own contract: they return what the call returns
// (-1 with errno set on failure), so callers read exactly as with the libc wrappers.
// Plain file I/O (read, write, close, the util/fs helpers) is not routed here: the
// cgroup drivers take a root directory and are tested against a temporary one instead.
#pragma once
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>

#include <cstdint>

struct clone_args;
struct open_how;
struct mount_attr;
struct __user_cap_header_struct;
struct __user_cap_data_struct;

namespace wb::linux {

class Syscalls {
public:
    virtual ~Syscalls() = default;

    // Mounts.
    virtual int mount(const char* source, const char* target, const char* fstype, unsigned long flags,
                      const void* data) = 0;
    virtual int umount2(const char* target, int flags) = 0;
    virtual int mount_setattr(int dirfd, const char* path, unsigned flags, mount_attr* attr, size_t size) = 0;
    virtual int open_tree(int dirfd, const char* path, unsigned flags) = 0;
    virtual int move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path,
                           unsigned flags) = 0;
    virtual int pivot_root(const char* new_root, const char* put_old) = 0;
    virtual int chroot(const char* path) = 0;

    // Paths and files the setup makes.
    virtual int open(const char* path, int flags, mode_t mode = 0) = 0;
    virtual int openat(int dirfd, const char* path, int flags, mode_t mode = 0) = 0;
    virtual int openat2(int dirfd, const char* path, open_how* how, size_t size) = 0;
    virtual int chdir(const char* path) = 0;
    virtual int fchdir(int fd) = 0;
    virtual int mkdir(const char* path, mode_t mode) = 0;
    virtual int mkdirat(int dirfd, const char* path, mode_t mode) = 0;
    virtual int mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) = 0;
    virtual int symlinkat(const char* target, int dirfd, const char* linkpath) = 0;
    virtual ssize_t readlinkat(int dirfd, const char* path, char* buf, size_t size) = 0;
    virtual int unlinkat(int dirfd, const char* path, int flags) = 0;
    virtual int fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) = 0;
    virtual int fchmodat(int dirfd, const char* path, mode_t mode, int flags) = 0;
    virtual int fstatat(int dirfd, const char* path, struct stat* st, int flags) = 0;
    virtual int statfs(const char* path, struct statfs* buf) = 0;
    virtual int fstatfs(int fd, struct statfs* buf) = 0;
    virtual int memfd_create(const char* name, unsigned flags) = 0;
    // fcntl(2) with an int argument (F_ADD_SEALS, F_GET_SEALS ...).
    virtual int fcntl(int fd, int cmd, int arg) = 0;
    virtual mode_t umask(mode_t mask) = 0;

    // Namespaces and processes.
    virtual int setns(int fd, int nstype) = 0;
    virtual int unshare(int flags) = 0;
    // clone3(2) and clone(2) used as fork(2): 0 in the child, the pid in the parent.
    virtual long clone3(clone_args* args, size_t size) = 0;
    virtual long clone_fork(unsigned long flags, int* pidfd) = 0;
    virtual int pidfd_open(pid_t pid, unsigned flags) = 0;
    virtual int pidfd_send_signal(int pidfd, int sig, siginfo_t* info, unsigned flags) = 0;
    virtual int kill(pid_t pid, int sig) = 0;
    virtual pid_t waitpid(pid_t pid, int* status, int options) = 0;
    virtual int setsid() = 0;
    virtual int execve(const char* path, char* const argv[], char* const envp[]) = 0;
    virtual int fexecve(int fd, char* const argv[], char* const envp[]) = 0;
    virtual int execveat(int dirfd, const char* path, char* const argv[], char* const envp[], int flags) = 0;

    // The process's identity and attributes.
    virtual uid_t geteuid() = 0;
    virtual gid_t getegid() = 0;
    virtual int sethostname(const char* name, size_t len) = 0;
    virtual int setdomainname(const char* name, size_t len) = 0;
    virtual int prctl(int option, unsigned long a2 = 0, unsigned long a3 = 0, unsigned long a4 = 0,
                      unsigned long a5 = 0) = 0;
    virtual int capget(__user_cap_header_struct* header, __user_cap_data_struct* data) = 0;
    virtual int capset(__user_cap_header_struct* header, const __user_cap_data_struct* data) = 0;
    virtual int setresuid(uid_t r, uid_t e, uid_t s) = 0;
    virtual int setresgid(gid_t r, gid_t e, gid_t s) = 0;
    virtual int setgroups(size_t n, const gid_t* groups) = 0;
    virtual long keyctl(int op, unsigned long a2 = 0, unsigned long a3 = 0, unsigned long a4 = 0,
                        unsigned long a5 = 0) = 0;
    virtual int personality(unsigned long persona) = 0;
    virtual int sched_setattr(pid_t pid, void* attr, unsigned flags) = 0;
    virtual int ioprio_set(int which, int who, int ioprio) = 0;
    virtual long set_mempolicy(int mode, const unsigned long* nodemask, unsigned long maxnode) = 0;
    virtual int prlimit(pid_t pid, int resource, const struct rlimit* limit, struct rlimit* old) = 0;
    virtual int seccomp(unsigned op, unsigned flags, void* args) = 0;
    virtual int close_range(unsigned first, unsigned last, unsigned flags) = 0;
    virtual int ioctl(int fd, unsigned long request, void* arg) = 0;

    // cgroups.
    virtual long bpf(int cmd, void* attr, unsigned size) = 0;
};

// The process's current Syscalls: the real kernel unless a test installed a double.
Syscalls& sys();

// The real kernel.
Syscalls& real_syscalls();

// Installs a double for its lifetime (tests only); the previous one comes back after.
class ScopedSyscalls {
public:
    explicit ScopedSyscalls(Syscalls& replacement);
    ~ScopedSyscalls();
    ScopedSyscalls(const ScopedSyscalls&) = delete;
    ScopedSyscalls& operator=(const ScopedSyscalls&) = delete;

private:
    Syscalls* previous_;
};

}  // namespace wb::linux
