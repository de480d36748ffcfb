// A recording test double for linux::Syscalls: every call is written down as one line
// ("mount(/bundle/rootfs, /bundle/rootfs, null, 0x5000, null)") in order, succeeds without
// touching the kernel, and can be made to fail with an errno. Install it for a test with
// linux::ScopedSyscalls. Calls that return an fd return a real fd (of /dev/null), so the
// code under test can own and close it as usual.
#pragma once
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "linux/syscalls.hpp"

namespace wb::testing {

class RecordingSyscalls : public linux::Syscalls {
public:
    struct Failure {
        std::string name;                           // the call's name ("mount")
        std::function<bool(const std::string&)> match;  // on the recorded line; empty: any
        int err = 0;
        int times = 1;  // how many matching calls fail; -1: all
    };

    std::vector<std::string> calls;  // one line per call, in order
    pid_t next_pid = 4242;           // what clone3/clone_fork "return" in the parent
    long statfs_type = 0;            // f_type that statfs/fstatfs report
    // What readlinkat reads, by the link's path ("thread-self" -> "1/task/1"); EINVAL otherwise.
    std::map<std::string, std::string> links{{"self", "1"}, {"thread-self", "1/task/1"}};
    mode_t stat_mode = S_IFDIR | 0755;  // what fstatat reports: st_mode, st_rdev, st_ino
    dev_t stat_rdev = 0;
    ino_t stat_ino = 1;
    std::vector<ino_t> next_stat_inos;  // when not empty, the st_ino of the next fstatat calls, in order
    std::map<std::string, int> umask_value{{"umask", 022}};
    // What capget reports, and the bounding set PR_CAPBSET_READ reads (PR_CAPBSET_DROP
    // clears a bit of it). Bit N is capability N.
    uint64_t cap_effective = ~uint64_t{0};
    uint64_t cap_permitted = ~uint64_t{0};
    uint64_t cap_inheritable = 0;
    uint64_t cap_bounding = ~uint64_t{0};
    // The ids BPF_PROG_QUERY reports as attached.
    std::vector<uint32_t> bpf_attached;

    // The next `times` calls named `name` whose line contains `substring` fail with err.
    void fail(const std::string& name, int err, const std::string& substring = "", int times = 1) {
        failures_.push_back({name, [substring](const std::string& line) {
                                 return substring.empty() || line.find(substring) != std::string::npos;
                             },
                             err, times});
    }
    // Calls named `name` go to the real kernel too (after being recorded).
    void pass_through(const std::string& name) { pass_.insert(name); }

    // Only the lines of calls named `name`.
    std::vector<std::string> named(const std::string& name) const {
        std::vector<std::string> out;
        for (const auto& c : calls)
            if (c.compare(0, name.size() + 1, name + "(") == 0) out.push_back(c);
        return out;
    }
    // Index of the first call whose line contains `substring`, -1 when none.
    int index_of(const std::string& substring) const {
        for (size_t i = 0; i < calls.size(); ++i)
            if (calls[i].find(substring) != std::string::npos) return static_cast<int>(i);
        return -1;
    }

    int mount(const char* source, const char* target, const char* fstype, unsigned long flags,
              const void* data) override {
        std::string d = data ? static_cast<const char*>(data) : "null";
        if (auto r = record("mount", {s(source), s(target), s(fstype), hex(flags), d})) return *r;
        return pass("mount") ? linux::real_syscalls().mount(source, target, fstype, flags, data) : 0;
    }
    int umount2(const char* target, int flags) override {
        if (auto r = record("umount2", {s(target), hex(flags)})) return *r;
        return pass("umount2") ? linux::real_syscalls().umount2(target, flags) : 0;
    }
    int mount_setattr(int dirfd, const char* path, unsigned flags, mount_attr* attr, size_t size) override {
        std::string a = attr ? hex(attr->attr_set) + "/" + hex(attr->attr_clr) + "/" + hex(attr->propagation)
                             : "null";
        if (auto r = record("mount_setattr", {fd(dirfd), s(path), hex(flags), a})) return *r;
        return pass("mount_setattr") ? linux::real_syscalls().mount_setattr(dirfd, path, flags, attr, size) : 0;
    }
    int open_tree(int dirfd, const char* path, unsigned flags) override {
        if (auto r = record("open_tree", {fd(dirfd), s(path), hex(flags)})) return *r;
        return pass("open_tree") ? linux::real_syscalls().open_tree(dirfd, path, flags) : fake_fd();
    }
    int move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path,
                   unsigned flags) override {
        if (auto r = record("move_mount", {fd(from_dirfd), s(from_path), fd(to_dirfd), s(to_path), hex(flags)}))
            return *r;
        return pass("move_mount")
                   ? linux::real_syscalls().move_mount(from_dirfd, from_path, to_dirfd, to_path, flags)
                   : 0;
    }
    int pivot_root(const char* new_root, const char* put_old) override {
        if (auto r = record("pivot_root", {s(new_root), s(put_old)})) return *r;
        return 0;
    }
    int chroot(const char* path) override {
        if (auto r = record("chroot", {s(path)})) return *r;
        return 0;
    }
    int open(const char* path, int flags, mode_t mode) override {
        if (auto r = record("open", {s(path), hex(flags)})) return *r;
        return pass("open") ? linux::real_syscalls().open(path, flags, mode) : fake_fd();
    }
    int openat(int dirfd, const char* path, int flags, mode_t mode) override {
        if (auto r = record("openat", {fd(dirfd), s(path), hex(flags)})) return *r;
        return pass("openat") ? linux::real_syscalls().openat(dirfd, path, flags, mode) : fake_fd();
    }
    int openat2(int dirfd, const char* path, open_how* how, size_t size) override {
        if (auto r = record("openat2", {fd(dirfd), s(path)})) return *r;
        return pass("openat2") ? linux::real_syscalls().openat2(dirfd, path, how, size) : fake_fd();
    }
    int chdir(const char* path) override {
        if (auto r = record("chdir", {s(path)})) return *r;
        return 0;
    }
    int fchdir(int dirfd) override {
        if (auto r = record("fchdir", {fd(dirfd)})) return *r;
        return 0;
    }
    int mkdir(const char* path, mode_t mode) override {
        if (auto r = record("mkdir", {s(path), oct(mode)})) return *r;
        return pass("mkdir") ? linux::real_syscalls().mkdir(path, mode) : 0;
    }
    int mkdirat(int dirfd, const char* path, mode_t mode) override {
        if (auto r = record("mkdirat", {fd(dirfd), s(path), oct(mode)})) return *r;
        return pass("mkdirat") ? linux::real_syscalls().mkdirat(dirfd, path, mode) : 0;
    }
    int mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) override {
        if (auto r = record("mknodat", {fd(dirfd), s(path), oct(mode), std::to_string(dev)})) return *r;
        return 0;
    }
    int symlinkat(const char* target, int dirfd, const char* linkpath) override {
        if (auto r = record("symlinkat", {s(target), fd(dirfd), s(linkpath)})) return *r;
        return pass("symlinkat") ? linux::real_syscalls().symlinkat(target, dirfd, linkpath) : 0;
    }
    int unlinkat(int dirfd, const char* path, int flags) override {
        if (auto r = record("unlinkat", {fd(dirfd), s(path), hex(flags)})) return *r;
        return pass("unlinkat") ? linux::real_syscalls().unlinkat(dirfd, path, flags) : 0;
    }
    int fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) override {
        if (auto r = record("fchownat", {fd(dirfd), s(path), std::to_string(uid), std::to_string(gid), hex(flags)}))
            return *r;
        return 0;
    }
    int fchmodat(int dirfd, const char* path, mode_t mode, int flags) override {
        if (auto r = record("fchmodat", {fd(dirfd), s(path), oct(mode), hex(flags)})) return *r;
        return 0;
    }
    int fstatat(int dirfd, const char* path, struct stat* st, int flags) override {
        if (auto r = record("fstatat", {fd(dirfd), s(path), hex(flags)})) return *r;
        if (pass("fstatat")) return linux::real_syscalls().fstatat(dirfd, path, st, flags);
        *st = {};
        st->st_mode = stat_mode;
        st->st_rdev = stat_rdev;
        st->st_ino = stat_ino;
        if (!next_stat_inos.empty()) {
            st->st_ino = next_stat_inos.front();
            next_stat_inos.erase(next_stat_inos.begin());
        }
        return 0;
    }
    int statfs(const char* path, struct statfs* buf) override {
        if (auto r = record("statfs", {s(path)})) return *r;
        *buf = {};
        buf->f_type = statfs_type;
        return 0;
    }
    int fstatfs(int dirfd, struct statfs* buf) override {
        if (auto r = record("fstatfs", {fd(dirfd)})) return *r;
        *buf = {};
        buf->f_type = statfs_type;
        return 0;
    }
    ssize_t readlinkat(int dirfd, const char* path, char* buf, size_t size) override {
        if (auto r = record("readlinkat", {fd(dirfd), s(path)})) return *r;
        if (pass("readlinkat")) return linux::real_syscalls().readlinkat(dirfd, path, buf, size);
        auto it = links.find(s(path));
        if (it == links.end()) {
            errno = EINVAL;  // not a symbolic link
            return -1;
        }
        size_t n = std::min(size, it->second.size());
        std::memcpy(buf, it->second.data(), n);
        return static_cast<ssize_t>(n);
    }
    int memfd_create(const char* name, unsigned flags) override {
        if (auto r = record("memfd_create", {s(name), hex(flags)})) return *r;
        return linux::real_syscalls().memfd_create(name, flags);
    }
    int fcntl(int fdv, int cmd, int arg) override {
        if (auto r = record("fcntl", {fd(fdv), std::to_string(cmd), hex(static_cast<unsigned>(arg))})) return *r;
        return pass("fcntl") ? linux::real_syscalls().fcntl(fdv, cmd, arg) : 0;
    }
    mode_t umask(mode_t mask) override {
        record("umask", {oct(mask)});
        mode_t old = static_cast<mode_t>(umask_value["umask"]);
        umask_value["umask"] = static_cast<int>(mask);
        return old;
    }
    int setns(int nsfd, int nstype) override {
        if (auto r = record("setns", {fd(nsfd), hex(nstype)})) return *r;
        return 0;
    }
    int unshare(int flags) override {
        if (auto r = record("unshare", {hex(flags)})) return *r;
        return 0;
    }
    long clone3(clone_args* args, size_t size) override {
        (void)size;
        if (auto r = record("clone3", {hex(args ? args->flags : 0), args ? std::to_string(args->cgroup) : std::string("null")}))
            return *r;
        if (args && (args->flags & CLONE_PIDFD) && args->pidfd)
            *reinterpret_cast<int*>(static_cast<uintptr_t>(args->pidfd)) = fake_fd();
        return next_pid;
    }
    long clone_fork(unsigned long flags, int* pidfd) override {
        if (auto r = record("clone", {hex(flags)})) return *r;
        if ((flags & CLONE_PIDFD) && pidfd) *pidfd = fake_fd();
        return next_pid;
    }
    int pidfd_open(pid_t pid, unsigned flags) override {
        if (auto r = record("pidfd_open", {std::to_string(pid), hex(flags)})) return *r;
        return pass("pidfd_open") ? linux::real_syscalls().pidfd_open(pid, flags) : fake_fd();
    }
    int pidfd_send_signal(int pidfd, int sig, siginfo_t* info, unsigned flags) override {
        if (auto r = record("pidfd_send_signal", {fd(pidfd), std::to_string(sig)})) return *r;
        return pass("pidfd_send_signal") ? linux::real_syscalls().pidfd_send_signal(pidfd, sig, info, flags) : 0;
    }
    int kill(pid_t pid, int sig) override {
        if (auto r = record("kill", {std::to_string(pid), std::to_string(sig)})) return *r;
        return pass("kill") ? linux::real_syscalls().kill(pid, sig) : 0;
    }
    pid_t waitpid(pid_t pid, int* status, int options) override {
        if (auto r = record("waitpid", {std::to_string(pid), hex(options)})) return *r;
        if (pass("waitpid")) return linux::real_syscalls().waitpid(pid, status, options);
        if (status) *status = 0;
        return pid;
    }
    int setsid() override {
        if (auto r = record("setsid", {})) return *r;
        return 1;
    }
    int execve(const char* path, char* const argv[], char* const envp[]) override {
        (void)envp;
        std::vector<std::string> a{s(path)};
        for (size_t i = 0; argv && argv[i]; ++i) a.emplace_back(argv[i]);
        if (auto r = record("execve", a)) return *r;
        errno = ENOEXEC;  // the double never replaces the test process
        return -1;
    }
    int fexecve(int exefd, char* const argv[], char* const envp[]) override {
        (void)argv;
        (void)envp;
        if (auto r = record("fexecve", {fd(exefd)})) return *r;
        errno = ENOEXEC;
        return -1;
    }
    int execveat(int dirfd, const char* path, char* const argv[], char* const envp[], int flags) override {
        (void)envp;
        std::vector<std::string> a{fd(dirfd), s(path)};
        for (size_t i = 0; argv && argv[i]; ++i) a.emplace_back(argv[i]);
        a.push_back(hex(static_cast<unsigned>(flags)));
        if (auto r = record("execveat", a)) return *r;
        errno = ENOEXEC;  // the double never replaces the test process
        return -1;
    }
    // The caller's effective ids (not recorded: reading them changes nothing).
    uid_t euid = 0;
    gid_t egid = 0;
    uid_t geteuid() override { return euid; }
    gid_t getegid() override { return egid; }
    int sethostname(const char* name, size_t len) override {
        if (auto r = record("sethostname", {std::string(name, len)})) return *r;
        return 0;
    }
    int setdomainname(const char* name, size_t len) override {
        if (auto r = record("setdomainname", {std::string(name, len)})) return *r;
        return 0;
    }
    int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5) override {
        if (auto r = record("prctl", {std::to_string(option), hex(a2), hex(a3), hex(a4), hex(a5)})) return *r;
        if (option == PR_CAPBSET_READ) return a2 < 64 ? static_cast<int>((cap_bounding >> a2) & 1) : 0;
        if (option == PR_CAPBSET_DROP && a2 < 64) cap_bounding &= ~(uint64_t{1} << a2);
        return 0;
    }
    int capget(__user_cap_header_struct* header, __user_cap_data_struct* data) override {
        (void)header;
        if (auto r = record("capget", {})) return *r;
        auto split = [&](uint64_t mask, __u32 __user_cap_data_struct::*field) {
            data[0].*field = static_cast<__u32>(mask);
            data[1].*field = static_cast<__u32>(mask >> 32);
        };
        split(cap_effective, &__user_cap_data_struct::effective);
        split(cap_permitted, &__user_cap_data_struct::permitted);
        split(cap_inheritable, &__user_cap_data_struct::inheritable);
        return 0;
    }
    int capset(__user_cap_header_struct* header, const __user_cap_data_struct* data) override {
        (void)header;
        if (auto r = record("capset", {hex(data[0].effective) + "," + hex(data[1].effective),
                                       hex(data[0].permitted) + "," + hex(data[1].permitted),
                                       hex(data[0].inheritable) + "," + hex(data[1].inheritable)}))
            return *r;
        return 0;
    }
    int setresuid(uid_t r_, uid_t e, uid_t s_) override {
        if (auto r = record("setresuid", {std::to_string(r_), std::to_string(e), std::to_string(s_)})) return *r;
        return 0;
    }
    int setresgid(gid_t r_, gid_t e, gid_t s_) override {
        if (auto r = record("setresgid", {std::to_string(r_), std::to_string(e), std::to_string(s_)})) return *r;
        return 0;
    }
    int setgroups(size_t n, const gid_t* groups) override {
        std::string g;
        for (size_t i = 0; i < n; ++i) {
            if (i) g.append(",");
            g.append(std::to_string(groups[i]));
        }
        if (auto r = record("setgroups", {g})) return *r;
        return 0;
    }
    long keyctl(int op, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5) override {
        (void)a3;
        (void)a4;
        (void)a5;
        if (auto r = record("keyctl", {std::to_string(op), hex(a2)})) return *r;
        return 1;
    }
    int personality(unsigned long persona) override {
        if (auto r = record("personality", {hex(persona)})) return *r;
        return 0;
    }
    int sched_setattr(pid_t pid, void* attr, unsigned flags) override {
        // struct sched_attr's leading fields (<linux/sched/types.h>).
        struct Head {
            uint32_t size, policy;
            uint64_t flags;
            int32_t nice;
            uint32_t priority;
            uint64_t runtime, deadline, period;
        } h{};
        if (attr) std::memcpy(&h, attr, sizeof h);
        std::string values = attr ? "policy " + std::to_string(h.policy) + " flags " + hex(h.flags) + " nice " +
                                        std::to_string(h.nice) + " priority " + std::to_string(h.priority) +
                                        " runtime " + std::to_string(h.runtime) + " deadline " +
                                        std::to_string(h.deadline) + " period " + std::to_string(h.period)
                                  : "null";
        if (auto r = record("sched_setattr", {std::to_string(pid), hex(flags), values})) return *r;
        return 0;
    }
    int ioprio_set(int which, int who, int ioprio) override {
        if (auto r = record("ioprio_set", {std::to_string(which), std::to_string(who), hex(ioprio)})) return *r;
        return 0;
    }
    long set_mempolicy(int mode, const unsigned long* nodemask, unsigned long maxnode) override {
        if (auto r = record("set_mempolicy", {std::to_string(mode), nodemask ? hex(*nodemask) : "null",
                                              std::to_string(maxnode)}))
            return *r;
        return 0;
    }
    int prlimit(pid_t pid, int resource, const struct rlimit* limit, struct rlimit* old) override {
        (void)old;
        if (auto r = record("prlimit", {std::to_string(pid), std::to_string(resource),
                                        limit ? std::to_string(limit->rlim_cur) + "/" + std::to_string(limit->rlim_max)
                                              : "null"}))
            return *r;
        return 0;
    }
    int seccomp(unsigned op, unsigned flags, void* args) override {
        (void)args;
        if (auto r = record("seccomp", {std::to_string(op), hex(flags)})) return *r;
        return 0;
    }
    int close_range(unsigned first, unsigned last, unsigned flags) override {
        if (auto r = record("close_range", {std::to_string(first), std::to_string(last), hex(flags)})) return *r;
        return 0;
    }
    int ioctl(int dev, unsigned long request, void* arg) override {
        std::vector<std::string> a{fd(dev), hex(request)};
        if (request == TIOCSWINSZ && arg) {
            const auto* ws = static_cast<const winsize*>(arg);
            a.push_back(std::to_string(ws->ws_row) + "x" + std::to_string(ws->ws_col));
        }
        if (auto r = record("ioctl", a)) return *r;
        if (request == TIOCGPTPEER) return fake_fd();  // the pty's peer: an fd
        return 0;
    }
    long bpf(int cmd, void* attr, unsigned size) override {
        (void)size;
        if (auto r = record("bpf", {std::to_string(cmd)})) return *r;
        auto* a = static_cast<bpf_attr*>(attr);
        if (cmd == BPF_PROG_QUERY && a) {  // reports bpf_attached as the attached programs
            uint32_t n = 0;
            auto* ids = reinterpret_cast<uint32_t*>(static_cast<uintptr_t>(a->query.prog_ids));
            for (; n < bpf_attached.size() && n < a->query.prog_cnt; ++n)
                if (ids) ids[n] = bpf_attached[n];
            a->query.prog_cnt = n;
            return 0;
        }
        return cmd == BPF_PROG_LOAD || cmd == BPF_PROG_GET_FD_BY_ID ? fake_fd() : 0;
    }

private:
    std::vector<Failure> failures_;
    std::set<std::string> pass_;

    static std::string s(const char* p) { return p ? p : "null"; }
    static std::string hex(unsigned long long v) {
        char b[32];
        std::snprintf(b, sizeof b, "0x%llx", v);
        return b;
    }
    static std::string oct(unsigned v) {
        char b[16];
        std::snprintf(b, sizeof b, "0%o", v);
        return b;
    }
    static std::string fd(int v) { return v == AT_FDCWD ? "AT_FDCWD" : "fd"; }
    static int fake_fd() { return ::open("/dev/null", O_RDWR | O_CLOEXEC); }
    bool pass(const std::string& name) const { return pass_.count(name) > 0; }

    // Records the call; returns -1 (with errno set) when an injected failure matches.
    std::optional<int> record(const std::string& name, const std::vector<std::string>& args) {
        // append(), not operator+: GCC 12 warns (-Wrestrict) on `"literal" + string` at -O2.
        std::string line = name;
        line.append("(");
        for (size_t i = 0; i < args.size(); ++i) {
            if (i) line.append(", ");
            line.append(args[i]);
        }
        line.append(")");
        calls.push_back(line);
        for (auto& f : failures_) {
            if (f.name != name || f.times == 0 || (f.match && !f.match(line))) continue;
            if (f.times > 0) --f.times;
            errno = f.err;
            return -1;
        }
        return std::nullopt;
    }
};

}  // namespace wb::testing
