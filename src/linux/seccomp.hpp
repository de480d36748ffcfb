// linux.seccomp: translate the spec's filter into libseccomp rules, compile it to BPF
// before pivot_root, load it with seccomp(2) just before execve, and hand the notify fd
// (SCMP_ACT_NOTIFY) to the seccomp agent at listenerPath.
//
// The translation follows runc (libcontainer/seccomp):
//  - syscall names unknown to libseccomp are skipped (debug log), as are rules whose
//    action equals the default action;
//  - errnoRet / defaultErrnoRet only with SCMP_ACT_ERRNO and SCMP_ACT_TRACE (default
//    EPERM); with any other action it is an error, as the spec requires;
//  - args: when no argument index repeats, all conditions go into ONE rule (AND); when
//    some index appears more than once, runc falls back to one rule per condition (every
//    condition OR-ed), and so do we;
//  - SCMP_ACT_NOTIFY is refused as the default action and for `write`;
//  - the filter never sets no_new_privs itself (SCMP_FLTATR_CTL_NNP = 0): the init
//    decides (process.noNewPrivileges).
#pragma once
#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/spec.hpp"

namespace wb::linux {

// Name tables (also what `features` reports). nullopt when the name is unknown.
std::optional<uint32_t> seccomp_arch_from_name(std::string_view name);  // SCMP_ARCH_* token
std::optional<int> seccomp_op_from_name(std::string_view name);         // enum scmp_compare
std::optional<unsigned> seccomp_flag_from_name(std::string_view name);  // SECCOMP_FILTER_FLAG_*
bool seccomp_action_known(std::string_view name);
std::vector<std::string> known_seccomp_actions();
std::vector<std::string> known_seccomp_architectures();  // the ones this libseccomp supports
std::vector<std::string> known_seccomp_operators();
std::vector<std::string> known_seccomp_flags();

struct SeccompCondition {
    uint32_t index = 0;
    int op = 0;  // enum scmp_compare
    uint64_t value = 0;
    uint64_t value_two = 0;
};

struct SeccompRule {
    std::string syscall;
    int nr = 0;           // native number (or libseccomp pseudo-number for other arches)
    uint32_t action = 0;  // SCMP_ACT_* value, errno included
    std::vector<SeccompCondition> conditions;  // all AND-ed
};

// The translated filter: exactly what compile_seccomp() hands to libseccomp.
struct SeccompPlan {
    uint32_t default_action = 0;
    std::vector<uint32_t> architectures;  // SCMP_ARCH_* tokens, in config order
    unsigned flags = 0;                   // SECCOMP_FILTER_FLAG_* from seccomp.flags
    std::vector<SeccompRule> rules;
    std::vector<std::string> skipped_syscalls;  // unknown to libseccomp
    bool uses_notify = false;
};

// Validates and translates. Throws wb::Error naming the bad entry:
// `seccomp: syscalls[3]: unknown action "X"`, `seccomp: architectures[0]: unknown
// architecture "X"`, `seccomp: syscalls[1].args[0]: unknown operator "X"`, ...
SeccompPlan plan_seccomp(const oci::Seccomp& seccomp);

// One line per rule, for tests and --debug:
// "default SCMP_ACT_ERRNO(1)", "getcwd SCMP_ACT_ERRNO(38)",
// "personality SCMP_ACT_ALLOW arg0 SCMP_CMP_EQ 8",
// "clone SCMP_ACT_ALLOW arg0 SCMP_CMP_MASKED_EQ 2114060288 0".
std::vector<std::string> describe_rules(const SeccompPlan& plan);

// A compiled filter: the BPF program plus the seccomp(2) flags to load it with.
// Move-only; owns the libseccomp context it was built from.
class SeccompFilter {
public:
    SeccompFilter() = default;
    SeccompFilter(SeccompFilter&& other) noexcept;
    SeccompFilter& operator=(SeccompFilter&& other) noexcept;
    SeccompFilter(const SeccompFilter&) = delete;
    SeccompFilter& operator=(const SeccompFilter&) = delete;
    ~SeccompFilter();

    // False for a default-constructed filter (nothing to load).
    explicit operator bool() const noexcept { return !program_.empty(); }
    // Compiled and not loaded yet.
    bool pending() const noexcept { return !program_.empty() && !loaded_; }
    const std::vector<sock_filter>& program() const noexcept { return program_; }
    // SECCOMP_FILTER_FLAG_* from seccomp.flags (without NEW_LISTENER).
    unsigned flags() const noexcept { return plan_.flags; }
    bool uses_notify() const noexcept { return plan_.uses_notify; }
    const SeccompPlan& plan() const noexcept { return plan_; }
    // The scmp_filter_ctx (libseccomp), e.g. for seccomp_export_pfc when debugging.
    void* context() const noexcept { return ctx_; }

private:
    friend SeccompFilter compile_seccomp(const oci::Seccomp& seccomp);
    friend int load_seccomp(SeccompFilter& filter);
    void* ctx_ = nullptr;
    SeccompPlan plan_;
    std::vector<sock_filter> program_;
    bool loaded_ = false;
};

// plan_seccomp() + libseccomp + export to BPF. Call it BEFORE pivot_root (libseccomp
// probes the kernel; nothing is read from the container). Throws wb::Error.
SeccompFilter compile_seccomp(const oci::Seccomp& seccomp);

// seccomp(SECCOMP_SET_MODE_FILTER, flags, program). Adds NEW_LISTENER when the filter uses
// SCMP_ACT_NOTIFY (and TSYNC_ESRCH when TSYNC is asked too). Without no_new_privs the
// caller needs CAP_SYS_ADMIN. Returns the notify fd (O_CLOEXEC, caller owns it) or -1.
int load_seccomp(SeccompFilter& filter);

// Connects to the AF_UNIX SOCK_STREAM socket at listener_path, sends `message` (the
// agent's ContainerProcessState JSON, built by process/seccomp_agent.hpp) with notify_fd
// as SCM_RIGHTS fds[0], and closes the connection (one state per connection, as the spec
// asks). Throws wb::Error with runc's wording on failure.
void send_seccomp_notify_fd(const std::string& listener_path, int notify_fd, const std::string& message);

}  // namespace wb::linux
