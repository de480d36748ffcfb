#include "linux/seccomp.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

#include "linux/seccomp_enosys.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

namespace wb::linux {
namespace {

constexpr int kMaxSyscallArgs = 6;

// Actions taking an errno; the value goes in the low 16 bits.
constexpr std::string_view kErrno = "SCMP_ACT_ERRNO";
constexpr std::string_view kTrace = "SCMP_ACT_TRACE";
constexpr std::string_view kNotify = "SCMP_ACT_NOTIFY";

constexpr std::array<std::pair<std::string_view, uint32_t>, 9> kActions{{
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
}};

// The spec's architecture list (runtime-spec, libseccomp v2.6.0).
constexpr std::array<std::string_view, 23> kArches{
    "SCMP_ARCH_X86",       "SCMP_ARCH_X86_64",     "SCMP_ARCH_X32",      "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",   "SCMP_ARCH_MIPS",       "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",    "SCMP_ARCH_MIPSEL64",   "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",     "SCMP_ARCH_PPC64LE",    "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",    "SCMP_ARCH_PARISC64",   "SCMP_ARCH_RISCV64",  "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",      "SCMP_ARCH_SH",         "SCMP_ARCH_SHEB",
};

constexpr std::array<std::pair<std::string_view, int>, 7> kOps{{
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
}};

constexpr std::array<std::pair<std::string_view, unsigned>, 4> kFlags{{
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
}};

std::string in_quotes(std::string_view s) {
    std::string out = "\"";
    out.append(s);
    out += '"';
    return out;
}

// The SCMP_ACT_* value for `name`, with errno_ret (default EPERM) for ERRNO and TRACE.
uint32_t resolve_action(std::string_view name, const std::optional<uint32_t>& errno_ret,
                        const std::string& where, const char* errno_key) {
    if (name.empty()) throw Error("seccomp: " + where + ": action is empty");
    std::optional<uint32_t> base;
    for (const auto& [known, value] : kActions)
        if (known == name) base = value;
    if (!base) throw Error("seccomp: " + where + ": unknown action " + in_quotes(name));
    if (name == kErrno || name == kTrace) {
        const uint32_t ret = errno_ret.value_or(EPERM);
        if (ret > 0xffff)
            throw Error("seccomp: " + where + ": " + errno_key + " " + std::to_string(ret) +
                        " is out of range");
        return name == kErrno ? SCMP_ACT_ERRNO(ret) : SCMP_ACT_TRACE(ret);
    }
    if (errno_ret)
        throw Error("seccomp: " + where + ": " + errno_key + " is only valid with " +
                    "SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not " + std::string(name));
    return *base;
}

std::string action_name(uint32_t action) {
    const uint32_t kind = action & SCMP_ACT_KILL_PROCESS ? action : (action & 0xffff0000U);
    for (const auto& [name, value] : kActions) {
        if (name == kErrno || name == kTrace) {
            if ((value & 0xffff0000U) == kind)
                return std::string(name) + "(" + std::to_string(action & 0xffffU) + ")";
        } else if (value == action) {
            return std::string(name);
        }
    }
    return std::to_string(action);
}

std::string op_name(int op) {
    for (const auto& [name, value] : kOps)
        if (value == op) return std::string(name);
    return std::to_string(op);
}

// Reads the BPF program libseccomp exports for ctx.
std::vector<sock_filter> export_program(scmp_filter_ctx ctx) {
    UniqueFd fd(sys().memfd_create("seccomp-bpf", MFD_CLOEXEC));
    if (!fd) throw_errno("seccomp: memfd_create");
    if (int rc = seccomp_export_bpf(ctx, fd.get()); rc < 0)
        throw_errno("seccomp: export filter", -rc);
    off_t size = ::lseek(fd.get(), 0, SEEK_END);
    if (size < 0) throw_errno("seccomp: lseek");
    if (size == 0 || size % static_cast<off_t>(sizeof(sock_filter)) != 0)
        throw Error("seccomp: exported filter has an odd size (" + std::to_string(size) + ")");
    std::vector<sock_filter> program(static_cast<size_t>(size) / sizeof(sock_filter));
    auto* out = reinterpret_cast<char*>(program.data());
    size_t done = 0;
    while (done < static_cast<size_t>(size)) {
        ssize_t n = ::pread(fd.get(), out + done, static_cast<size_t>(size) - done,
                            static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw_errno("seccomp: read exported filter", n < 0 ? errno : EIO);
        done += static_cast<size_t>(n);
    }
    return program;
}

}  // namespace

// ---- name tables --------------------------------------------------------------------

std::optional<uint32_t> seccomp_arch_from_name(std::string_view name) {
    if (!name.starts_with("SCMP_ARCH_")) return std::nullopt;
    std::string lower(name.substr(10));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    uint32_t token = seccomp_arch_resolve_name(lower.c_str());
    if (token == 0) return std::nullopt;
    return token;
}

std::optional<int> seccomp_op_from_name(std::string_view name) {
    for (const auto& [known, value] : kOps)
        if (known == name) return value;
    return std::nullopt;
}

std::optional<unsigned> seccomp_flag_from_name(std::string_view name) {
    for (const auto& [known, value] : kFlags)
        if (known == name) return value;
    return std::nullopt;
}

bool seccomp_action_known(std::string_view name) {
    for (const auto& entry : kActions)
        if (entry.first == name) return true;
    return false;
}

std::vector<std::string> known_seccomp_actions() {
    std::vector<std::string> out;
    for (const auto& entry : kActions) out.emplace_back(entry.first);
    return out;
}

std::vector<std::string> known_seccomp_architectures() {
    std::vector<std::string> out;
    for (auto arch : kArches)
        if (seccomp_arch_from_name(arch)) out.emplace_back(arch);
    return out;
}

std::vector<std::string> known_seccomp_operators() {
    std::vector<std::string> out;
    for (const auto& entry : kOps) out.emplace_back(entry.first);
    return out;
}

std::vector<std::string> known_seccomp_flags() {
    std::vector<std::string> out;
    for (const auto& entry : kFlags) out.emplace_back(entry.first);
    return out;
}

// ---- translation --------------------------------------------------------------------

SeccompPlan plan_seccomp(const oci::Seccomp& seccomp) {
    SeccompPlan plan;
    plan.default_action = resolve_action(seccomp.default_action, seccomp.default_errno_ret,
                                         "defaultAction", "defaultErrnoRet");
    if (seccomp.default_action == kNotify)
        throw Error("seccomp: SCMP_ACT_NOTIFY cannot be used as default action");

    for (size_t i = 0; i < seccomp.architectures.size(); ++i) {
        const auto& name = seccomp.architectures[i];
        auto token = seccomp_arch_from_name(name);
        if (!token) {
            bool in_spec = false;
            for (auto known : kArches) in_spec = in_spec || known == name;
            throw Error("seccomp: architectures[" + std::to_string(i) + "]: " +
                        (in_spec ? "architecture " + in_quotes(name) +
                                       " is not supported by this libseccomp"
                                 : "unknown architecture " + in_quotes(name)));
        }
        plan.architectures.push_back(*token);
    }

    for (size_t i = 0; i < seccomp.flags.size(); ++i) {
        auto flag = seccomp_flag_from_name(seccomp.flags[i]);
        if (!flag)
            throw Error("seccomp: flags[" + std::to_string(i) + "]: unknown flag " +
                        in_quotes(seccomp.flags[i]));
        plan.flags |= *flag;
    }

    for (size_t i = 0; i < seccomp.syscalls.size(); ++i) {
        const auto& entry = seccomp.syscalls[i];
        const std::string where = "syscalls[" + std::to_string(i) + "]";
        const uint32_t action = resolve_action(entry.action, entry.errno_ret, where, "errnoRet");
        if (entry.names.empty()) throw Error("seccomp: " + where + ": names is empty");

        std::vector<SeccompCondition> conditions;
        std::array<int, kMaxSyscallArgs> per_index{};
        bool repeated_index = false;
        for (size_t j = 0; j < entry.args.size(); ++j) {
            const auto& arg = entry.args[j];
            const std::string arg_where = where + ".args[" + std::to_string(j) + "]";
            if (arg.index >= kMaxSyscallArgs)
                throw Error("seccomp: " + arg_where + ": index " + std::to_string(arg.index) +
                            " is out of range (syscalls have at most 6 arguments)");
            auto op = seccomp_op_from_name(arg.op);
            if (!op) throw Error("seccomp: " + arg_where + ": unknown operator " + in_quotes(arg.op));
            repeated_index = repeated_index || ++per_index[arg.index] > 1;
            conditions.push_back({arg.index, *op, arg.value, arg.value_two.value_or(0)});
        }

        for (const auto& name : entry.names) {
            if (name.empty()) throw Error("seccomp: " + where + ": empty syscall name");
            if (entry.action == kNotify && name == "write")
                throw Error("seccomp: " + where +
                            ": SCMP_ACT_NOTIFY cannot be used for the write syscall");
            const int nr = seccomp_syscall_resolve_name(name.c_str());
            if (nr == __NR_SCMP_ERROR) {
                wb::log::debug("seccomp: unknown syscall {} ignored", in_quotes(name));
                plan.skipped_syscalls.push_back(name);
                continue;
            }
            // libseccomp refuses a rule that only repeats the default action.
            if (action == plan.default_action) continue;
            if (entry.action == kNotify) plan.uses_notify = true;
            if (!repeated_index) {
                plan.rules.push_back({name, nr, action, conditions});
            } else {
                // runc: the same argument twice in one rule cannot be AND-ed; add one rule
                // per condition instead.
                for (const auto& condition : conditions)
                    plan.rules.push_back({name, nr, action, {condition}});
            }
        }
    }
    if (!seccomp.listener_metadata.empty() && seccomp.listener_path.empty())
        throw Error("seccomp: listenerMetadata is set but listenerPath is not");
    if (plan.uses_notify && seccomp.listener_path.empty())
        throw Error("seccomp: SCMP_ACT_NOTIFY is used but listenerPath is not set");
    return plan;
}

std::vector<std::string> describe_rules(const SeccompPlan& plan) {
    std::vector<std::string> lines;
    lines.push_back("default " + action_name(plan.default_action));
    for (const auto& rule : plan.rules) {
        std::string line = rule.syscall + " " + action_name(rule.action);
        for (const auto& c : rule.conditions) {
            line += " arg";
            line += std::to_string(c.index);
            line += ' ';
            line += op_name(c.op);
            line += ' ';
            line += std::to_string(c.value);
            if (c.op == SCMP_CMP_MASKED_EQ) {
                line += ' ';
                line += std::to_string(c.value_two);
            }
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

// ---- compile and load -----------------------------------------------------------------

SeccompFilter::SeccompFilter(SeccompFilter&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)),
      plan_(std::move(other.plan_)),
      program_(std::move(other.program_)),
      loaded_(std::exchange(other.loaded_, false)) {}

SeccompFilter& SeccompFilter::operator=(SeccompFilter&& other) noexcept {
    if (this != &other) {
        if (ctx_) seccomp_release(ctx_);
        ctx_ = std::exchange(other.ctx_, nullptr);
        plan_ = std::move(other.plan_);
        program_ = std::move(other.program_);
        loaded_ = std::exchange(other.loaded_, false);
    }
    return *this;
}

SeccompFilter::~SeccompFilter() {
    if (ctx_) seccomp_release(ctx_);
}

SeccompFilter compile_seccomp(const oci::Seccomp& seccomp) {
    SeccompFilter filter;
    filter.plan_ = plan_seccomp(seccomp);
    const SeccompPlan& plan = filter.plan_;

    filter.ctx_ = seccomp_init(plan.default_action);
    if (!filter.ctx_) throw Error("seccomp: cannot create filter (seccomp_init failed)");
    // The init sets no_new_privs itself when the config asks for it.
    if (int rc = seccomp_attr_set(filter.ctx_, SCMP_FLTATR_CTL_NNP, 0); rc < 0)
        throw_errno("seccomp: clear the NNP attribute", -rc);

    for (size_t i = 0; i < plan.architectures.size(); ++i) {
        int rc = seccomp_arch_add(filter.ctx_, plan.architectures[i]);
        if (rc < 0 && rc != -EEXIST)
            throw_errno("seccomp: architectures[" + std::to_string(i) + "]: add " +
                            in_quotes(seccomp.architectures[i]),
                        -rc);
    }

    for (const auto& rule : plan.rules) {
        std::vector<scmp_arg_cmp> cmps;
        for (const auto& c : rule.conditions)
            cmps.push_back({c.index, static_cast<scmp_compare>(c.op), c.value, c.value_two});
        int rc = seccomp_rule_add_array(filter.ctx_, rule.action, rule.nr,
                                        static_cast<unsigned>(cmps.size()),
                                        cmps.empty() ? nullptr : cmps.data());
        if (rc < 0)
            throw_errno("seccomp: add rule " + in_quotes(rule.syscall) + " (" +
                            action_name(rule.action) + ")",
                        -rc);
    }

    filter.program_ = export_program(filter.ctx_);
    if (enosys_stub_applies(plan.default_action)) {
        std::vector<std::string> names;
        for (const auto& rule : seccomp.syscalls) names.insert(names.end(), rule.names.begin(), rule.names.end());
        std::vector<sock_filter> stub = enosys_stub(syscall_bounds(plan.architectures, names));
        filter.program_.insert(filter.program_.begin(), stub.begin(), stub.end());
    }
    return filter;
}

int load_seccomp(SeccompFilter& filter) {
    if (!filter) throw Error("seccomp: no compiled filter to load");
    unsigned flags = filter.flags();
    if (filter.uses_notify()) {
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        // TSYNC and NEW_LISTENER together need TSYNC_ESRCH (a TSYNC failure would
        // otherwise be reported as a thread id where the fd is expected).
        if (flags & SECCOMP_FILTER_FLAG_TSYNC) flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(filter.program().size());
    prog.filter = const_cast<sock_filter*>(filter.program().data());
    if (filter.program().size() > 0xffff) throw Error("seccomp: filter is too long to load");
    int rc = sys().seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (rc < 0) {
        if (errno == EACCES)
            throw_errno("seccomp: load filter (no_new_privileges is off and CAP_SYS_ADMIN is "
                        "missing)");
        throw_errno("seccomp: load filter");
    }
    filter.loaded_ = true;
    return filter.uses_notify() ? rc : -1;
}

// ---- notify agent ---------------------------------------------------------------------

namespace {

void send_message_with_fd(const std::string& listener_path, int notify_fd,
                          const std::string& message) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (listener_path.empty() || listener_path.size() >= sizeof(addr.sun_path))
        throw Error("failed to connect with seccomp agent specified in the seccomp profile: "
                    "invalid listenerPath " + in_quotes(listener_path));
    std::memcpy(addr.sun_path, listener_path.data(), listener_path.size());

    UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) throw_errno("seccomp: socket");
    int rc;
    do {
        rc = ::connect(sock.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
    } while (rc < 0 && errno == EINTR);
    if (rc < 0)
        throw_errno("failed to connect with seccomp agent specified in the seccomp profile");

    const std::string what = "cannot send seccomp fd to " + listener_path;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    iovec iov{const_cast<char*>(message.data()), message.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &notify_fd, sizeof(int));

    ssize_t sent;
    do {
        sent = ::sendmsg(sock.get(), &msg, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) throw_errno(what);
    // A stream socket may take a long message in pieces; the fd went with the first.
    size_t done = static_cast<size_t>(sent);
    while (done < message.size()) {
        ssize_t n = ::send(sock.get(), message.data() + done, message.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno(what);
        done += static_cast<size_t>(n);
    }
}

}  // namespace

void send_seccomp_notify_fd(const std::string& listener_path, int notify_fd, const std::string& message) {
    send_message_with_fd(listener_path, notify_fd, message);
}

}  // namespace wb::linux
