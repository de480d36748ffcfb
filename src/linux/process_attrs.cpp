#include "linux/process_attrs.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <array>
#include <utility>

#include "linux/procfs.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::linux {
namespace {

// struct sched_attr from <linux/sched/types.h> (SCHED_ATTR_SIZE_VER1: 56 bytes).
struct SchedAttr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min;
    uint32_t sched_util_max;
};
static_assert(sizeof(SchedAttr) == 56);

constexpr std::array<std::pair<std::string_view, uint32_t>, 7> kPolicies{{
    {"SCHED_OTHER", 0},
    {"SCHED_FIFO", 1},
    {"SCHED_RR", 2},
    {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},
    {"SCHED_IDLE", 5},
    {"SCHED_DEADLINE", 6},
}};

constexpr std::array<std::pair<std::string_view, uint64_t>, 7> kSchedFlags{{
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},
    {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},
    {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
}};

constexpr int kIoprioClassShift = 13;
constexpr int kIoprioWhoProcess = 1;
#ifndef SELINUX_MAGIC
constexpr long SELINUX_MAGIC = 0xf97cff8c;
#endif

// Writes `value` to a /proc/thread-self/attr file, preferring the LSM's own directory,
// through linux/procfs (a verified procfs, no symlink or mount on the way: CVE-2019-16884).
void write_proc_attr(const std::string& lsm_subpath, const std::string& legacy_subpath,
                     const std::string& value, const std::string& what) {
    try {
        UniqueFd fd;
        std::string used = "attr/" + lsm_subpath;
        if (!lsm_subpath.empty()) {
            try {
                fd = open_proc_self_file(used, O_WRONLY, ProcSelf::thread);
            } catch (const Error& e) {
                if (e.code() != ENOENT) throw;
            }
        }
        if (!fd) {
            used = "attr/" + legacy_subpath;
            fd = open_proc_self_file(used, O_WRONLY, ProcSelf::thread);
        }
        write_all_to(fd.get(), value, "write /proc/thread-self/" + used);
    } catch (const Error& e) {
        throw Error(what + ": " + e.what(), e.code());
    }
}

}  // namespace

void set_no_new_privileges() {
    if (sys().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) throw_errno("prctl(SET_NO_NEW_PRIVS)");
}

void write_oom_score_adj(int value) {
    const std::string text = std::to_string(value);
    UniqueFd fd = open_proc_self_file("oom_score_adj", O_WRONLY);
    write_all_to(fd.get(), text, "write " + text + " to /proc/self/oom_score_adj");
}

std::optional<uint32_t> sched_policy_from_name(std::string_view name) {
    for (const auto& [known, value] : kPolicies)
        if (known == name) return value;
    return std::nullopt;
}

std::optional<uint64_t> sched_flag_from_name(std::string_view name) {
    for (const auto& [known, value] : kSchedFlags)
        if (known == name) return value;
    return std::nullopt;
}

void apply_scheduler(const oci::Scheduler& scheduler) {
    SchedAttr attr{};
    attr.size = sizeof(attr);
    auto policy = sched_policy_from_name(scheduler.policy);
    if (!policy) throw Error("scheduler: invalid policy \"" + scheduler.policy + "\"");
    attr.sched_policy = *policy;
    for (const auto& name : scheduler.flags) {
        auto flag = sched_flag_from_name(name);
        if (!flag) throw Error("scheduler: invalid flag \"" + name + "\"");
        attr.sched_flags |= *flag;
    }
    if (scheduler.nice < -20 || scheduler.nice > 19)
        throw Error("scheduler: invalid nice " + std::to_string(scheduler.nice) +
                    ": must be in [-20, 19]");
    if (scheduler.priority < 0)
        throw Error("scheduler: invalid priority " + std::to_string(scheduler.priority));
    attr.sched_nice = scheduler.nice;
    attr.sched_priority = static_cast<uint32_t>(scheduler.priority);
    attr.sched_runtime = scheduler.runtime;
    attr.sched_deadline = scheduler.deadline;
    attr.sched_period = scheduler.period;
    if (sys().sched_setattr(0, &attr, 0) != 0) throw_errno("error setting scheduler");
}

void apply_io_priority(const oci::IoPriority& io_priority) {
    int io_class = 0;
    if (io_priority.io_class == "IOPRIO_CLASS_RT")
        io_class = 1;
    else if (io_priority.io_class == "IOPRIO_CLASS_BE")
        io_class = 2;
    else if (io_priority.io_class == "IOPRIO_CLASS_IDLE")
        io_class = 3;
    else
        throw Error("invalid io priority class: " + io_priority.io_class);
    if (io_priority.priority < 0 || io_priority.priority > 7)
        throw Error("invalid io priority " + std::to_string(io_priority.priority) +
                    ": must be in [0, 7]");
    const int value = (io_class << kIoprioClassShift) | io_priority.priority;
    if (sys().ioprio_set(kIoprioWhoProcess, 0, value) != 0)
        throw_errno("failed to set io priority");
}

void apply_personality(const oci::Personality& personality) {
    unsigned long persona = 0;
    if (personality.domain == "LINUX")
        persona = PER_LINUX;
    else if (personality.domain == "LINUX32")
        persona = PER_LINUX32;
    else
        throw Error("invalid personality domain \"" + personality.domain + "\"");
    if (!personality.flags.empty()) {
        std::string flags;
        for (const auto& flag : personality.flags) flags += (flags.empty() ? "" : " ") + flag;
        wb::log::warn("ignoring unsupported personality flags: [{}]", flags);
    }
    if (sys().personality(persona) == -1) throw_errno("personality(" + personality.domain + ")");
}

bool selinux_enabled() {
    // Direct statfs, not sys(): the answer is cached for the process, and a test double
    // installed at the first call must not decide it.
    static const bool enabled = [] {
        struct statfs fs;
        if (::statfs("/sys/fs/selinux", &fs) == 0)
            return static_cast<unsigned long>(fs.f_type) ==
                   static_cast<unsigned long>(SELINUX_MAGIC);
        // No selinuxfs in view (e.g. after pivot_root): an SELinux context reads as
        // "user:role:type[:level]"; AppArmor and no-LSM kernels never look like that.
        int fd = ::open("/proc/thread-self/attr/current", O_RDONLY | O_CLOEXEC);
        if (fd < 0) return false;
        char buf[256] = {};
        ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
        ::close(fd);
        if (n <= 0) return false;
        int colons = 0;
        for (ssize_t i = 0; i < n; ++i) colons += buf[i] == ':';
        return colons >= 2;
    }();
    return enabled;
}

void apply_security_labels(const oci::Process& process) {
    if (!process.apparmor_profile.empty())
        write_proc_attr("apparmor/exec", "exec", "exec " + process.apparmor_profile,
                        "apparmor failed to apply profile");
    if (!process.selinux_label.empty()) {
        if (!selinux_enabled())
            throw Error(
                "selinux label is specified in config, but selinux is disabled or not supported");
        write_proc_attr("", "exec", process.selinux_label,
                        "can't set process label \"" + process.selinux_label + "\"");
    }
}

}  // namespace wb::linux
