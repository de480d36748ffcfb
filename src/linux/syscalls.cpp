#include "linux/syscalls.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace wb::linux {
namespace {

int as_int(long r) { return static_cast<int>(r); }

// Every method is the system call itself, through its libc wrapper where glibc 2.36 has
// one and through syscall(2) where it has none.
class RealSyscalls final : public Syscalls {
public:
    int mount(const char* source, const char* target, const char* fstype, unsigned long flags,
              const void* data) override {
        return ::mount(source, target, fstype, flags, data);
    }
    int umount2(const char* target, int flags) override { return ::umount2(target, flags); }
    int mount_setattr(int dirfd, const char* path, unsigned flags, mount_attr* attr, size_t size) override {
        return as_int(::syscall(SYS_mount_setattr, dirfd, path, flags, attr, size));
    }
    int open_tree(int dirfd, const char* path, unsigned flags) override {
        return as_int(::syscall(SYS_open_tree, dirfd, path, flags));
    }
    int move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path,
                   unsigned flags) override {
        return as_int(::syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags));
    }
    int pivot_root(const char* new_root, const char* put_old) override {
        return as_int(::syscall(SYS_pivot_root, new_root, put_old));
    }
    int chroot(const char* path) override { return ::chroot(path); }

    int open(const char* path, int flags, mode_t mode) override { return ::open(path, flags, mode); }
    int openat(int dirfd, const char* path, int flags, mode_t mode) override {
        return ::openat(dirfd, path, flags, mode);
    }
    int openat2(int dirfd, const char* path, open_how* how, size_t size) override {
        return as_int(::syscall(SYS_openat2, dirfd, path, how, size));
    }
    int chdir(const char* path) override { return ::chdir(path); }
    int fchdir(int fd) override { return ::fchdir(fd); }
    int mkdir(const char* path, mode_t mode) override { return ::mkdir(path, mode); }
    int mkdirat(int dirfd, const char* path, mode_t mode) override { return ::mkdirat(dirfd, path, mode); }
    int mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) override {
        return ::mknodat(dirfd, path, mode, dev);
    }
    int symlinkat(const char* target, int dirfd, const char* linkpath) override {
        return ::symlinkat(target, dirfd, linkpath);
    }
    ssize_t readlinkat(int dirfd, const char* path, char* buf, size_t size) override {
        return ::readlinkat(dirfd, path, buf, size);
    }
    int unlinkat(int dirfd, const char* path, int flags) override { return ::unlinkat(dirfd, path, flags); }
    int fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) override {
        return ::fchownat(dirfd, path, uid, gid, flags);
    }
    int fchmodat(int dirfd, const char* path, mode_t mode, int flags) override {
        return ::fchmodat(dirfd, path, mode, flags);
    }
    int fstatat(int dirfd, const char* path, struct stat* st, int flags) override {
        return ::fstatat(dirfd, path, st, flags);
    }
    int statfs(const char* path, struct statfs* buf) override { return ::statfs(path, buf); }
    int fstatfs(int fd, struct statfs* buf) override { return ::fstatfs(fd, buf); }
    int memfd_create(const char* name, unsigned flags) override {
        return as_int(::syscall(SYS_memfd_create, name, flags));
    }
    int fcntl(int fd, int cmd, int arg) override { return ::fcntl(fd, cmd, arg); }
    mode_t umask(mode_t mask) override { return ::umask(mask); }

    int setns(int fd, int nstype) override { return ::setns(fd, nstype); }
    int unshare(int flags) override { return ::unshare(flags); }
    long clone3(clone_args* args, size_t size) override { return ::syscall(SYS_clone3, args, size); }
    long clone_fork(unsigned long flags, int* pidfd) override {
        // Fork-like: no new stack; the parent tid pointer receives the pidfd with CLONE_PIDFD.
        return ::syscall(SYS_clone, flags, nullptr, pidfd, nullptr, 0);
    }
    int pidfd_open(pid_t pid, unsigned flags) override { return as_int(::syscall(SYS_pidfd_open, pid, flags)); }
    int pidfd_send_signal(int pidfd, int sig, siginfo_t* info, unsigned flags) override {
        return as_int(::syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags));
    }
    int kill(pid_t pid, int sig) override { return ::kill(pid, sig); }
    pid_t waitpid(pid_t pid, int* status, int options) override { return ::waitpid(pid, status, options); }
    int setsid() override { return ::setsid(); }
    int execve(const char* path, char* const argv[], char* const envp[]) override {
        return ::execve(path, argv, envp);
    }
    int fexecve(int fd, char* const argv[], char* const envp[]) override { return ::fexecve(fd, argv, envp); }
    int execveat(int dirfd, const char* path, char* const argv[], char* const envp[], int flags) override {
        return as_int(::syscall(SYS_execveat, dirfd, path, argv, envp, flags));
    }

    uid_t geteuid() override { return ::geteuid(); }
    gid_t getegid() override { return ::getegid(); }
    int sethostname(const char* name, size_t len) override { return ::sethostname(name, len); }
    int setdomainname(const char* name, size_t len) override { return ::setdomainname(name, len); }
    int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5) override {
        return ::prctl(option, a2, a3, a4, a5);
    }
    int capget(__user_cap_header_struct* header, __user_cap_data_struct* data) override {
        return as_int(::syscall(SYS_capget, header, data));
    }
    int capset(__user_cap_header_struct* header, const __user_cap_data_struct* data) override {
        return as_int(::syscall(SYS_capset, header, data));
    }
    int setresuid(uid_t r, uid_t e, uid_t s) override { return ::setresuid(r, e, s); }
    int setresgid(gid_t r, gid_t e, gid_t s) override { return ::setresgid(r, e, s); }
    int setgroups(size_t n, const gid_t* groups) override { return ::setgroups(n, groups); }
    long keyctl(int op, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5) override {
        return ::syscall(SYS_keyctl, op, a2, a3, a4, a5);
    }
    int personality(unsigned long persona) override { return ::personality(persona); }
    int sched_setattr(pid_t pid, void* attr, unsigned flags) override {
        return as_int(::syscall(SYS_sched_setattr, pid, attr, flags));
    }
    int ioprio_set(int which, int who, int ioprio) override {
        return as_int(::syscall(SYS_ioprio_set, which, who, ioprio));
    }
    long set_mempolicy(int mode, const unsigned long* nodemask, unsigned long maxnode) override {
        return ::syscall(SYS_set_mempolicy, mode, nodemask, maxnode);
    }
    int prlimit(pid_t pid, int resource, const struct rlimit* limit, struct rlimit* old) override {
        return ::prlimit(pid, static_cast<__rlimit_resource>(resource), limit, old);
    }
    int seccomp(unsigned op, unsigned flags, void* args) override {
        return as_int(::syscall(SYS_seccomp, op, flags, args));
    }
    int close_range(unsigned first, unsigned last, unsigned flags) override {
        return as_int(::syscall(SYS_close_range, first, last, flags));
    }
    int ioctl(int fd, unsigned long request, void* arg) override { return ::ioctl(fd, request, arg); }

    long bpf(int cmd, void* attr, unsigned size) override { return ::syscall(SYS_bpf, cmd, attr, size); }
};

RealSyscalls g_real;
Syscalls* g_current = &g_real;

}  // namespace

Syscalls& sys() { return *g_current; }
Syscalls& real_syscalls() { return g_real; }

ScopedSyscalls::ScopedSyscalls(Syscalls& replacement) : previous_(g_current) { g_current = &replacement; }
ScopedSyscalls::~ScopedSyscalls() { g_current = previous_; }

}  // namespace wb::linux
