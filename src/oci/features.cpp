#include "oci/features.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <string_view>

namespace wb::oci {
namespace {

using ojson = nlohmann::ordered_json;

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

// The mount options the rootfs code understands: runc's list (config.md's MUST/SHOULD
// options plus the recursive "r*" ones and tmpcopyup), and idmap/ridmap (idmapped bind
// mounts, runtime-spec 1.2; see mountExtensions below).
constexpr std::string_view kMountOptions[] = {
    "acl",       "async",      "atime",      "bind",        "defaults",    "dev",          "diratime",
    "dirsync",   "exec",       "idmap",      "iversion",   "lazytime",    "loud",        "mand",         "noacl",
    "noatime",   "nodev",      "nodiratime", "noexec",      "noiversion",  "nolazytime",   "nomand",
    "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private",     "ratime",       "rbind",
    "rdev",      "rdiratime",  "relatime",   "remount",     "rexec",     "ridmap",       "rnoatime",     "rnodev",
    "rnodiratime", "rnoexec",  "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "ro",
    "rprivate",  "rrelatime",  "rro",        "rrw",         "rshared",     "rslave",       "rstrictatime",
    "rsuid",     "rsymfollow", "runbindable", "rw",         "shared",      "silent",       "slave",
    "strictatime", "suid",     "symfollow",  "sync",        "tmpcopyup",   "unbindable"};

constexpr std::string_view kHooks[] = {"prestart",  "createRuntime", "createContainer",
                                       "startContainer", "poststart", "poststop"};

constexpr std::string_view kNamespaces[] = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"};

constexpr std::string_view kSeccompActions[] = {
    "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_LOG",   "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"};

constexpr std::string_view kSeccompOperators[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                                                  "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"};

// Every architecture name of the runtime-spec; the list printed is the part libseccomp knows.
constexpr std::string_view kSeccompArchs[] = {
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",      "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
    "SCMP_ARCH_MIPS",    "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64",
    "SCMP_ARCH_PPC",     "SCMP_ARCH_PPC64",    "SCMP_ARCH_PPC64LE",     "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_S390",    "SCMP_ARCH_S390X",    "SCMP_ARCH_SH",          "SCMP_ARCH_SHEB",
    "SCMP_ARCH_X32",     "SCMP_ARCH_X86",      "SCMP_ARCH_X86_64"};

struct SeccompFlag {
    std::string_view name;
    unsigned long bits;  // what to pass to probe it
};
constexpr SeccompFlag kSeccompFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    // The kernel takes WAIT_KILLABLE_RECV only together with NEW_LISTENER.
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
     SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER},
};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

ojson string_array(const auto& list) {
    ojson a = ojson::array();
    for (std::string_view s : list) a.push_back(std::string(s));
    return a;
}

ojson seccomp_features() {
    ojson archs = ojson::array();
    for (std::string_view arch : kSeccompArchs) {
        std::string name = lower(arch.substr(std::string_view("SCMP_ARCH_").size()));
        if (seccomp_arch_resolve_name(name.c_str()) != 0) archs.push_back(std::string(arch));
    }
    ojson known = ojson::array();
    for (const auto& flag : kSeccompFlags) known.push_back(std::string(flag.name));
    return ojson{{"enabled", true},
                 {"actions", string_array(kSeccompActions)},
                 {"operators", string_array(kSeccompOperators)},
                 {"archs", archs},
                 {"knownFlags", known},
                 {"supportedFlags", string_array(supported_seccomp_flags())}};
}

std::string libseccomp_version() {
    const scmp_version* v = seccomp_version();
    if (!v) return "unknown";
    return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
}

}  // namespace

std::vector<std::string> known_capabilities() {
    std::vector<std::string> out;
    for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
        char* name = cap_to_name(static_cast<cap_value_t>(cap));
        if (!name) continue;
        std::string upper = name;
        cap_free(name);
        if (upper.rfind("cap_", 0) != 0) continue;  // a bare number: libcap has no name for it
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out.push_back(std::move(upper));
    }
    return out;
}

std::vector<std::string> supported_seccomp_flags() {
    // seccomp(SET_MODE_FILTER, flags, NULL) checks the flags before it reads the filter:
    // EFAULT means the flags are known, EINVAL that they are not. Nothing is installed.
    std::vector<std::string> out;
    for (const auto& flag : kSeccompFlags) {
        long r = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag.bits, nullptr);
        if (r < 0 && errno == EFAULT) out.emplace_back(flag.name);
    }
    return out;
}

std::string features_json() {
    ojson linux_features{
        {"namespaces", string_array(kNamespaces)},
        {"capabilities", string_array(known_capabilities())},
        {"cgroup", {{"v1", true}, {"v2", true}, {"systemd", false}, {"systemdUser", false}, {"rdma", true}}},
        {"seccomp", seccomp_features()},
        {"apparmor", {{"enabled", false}}},
        {"selinux", {{"enabled", false}}},
        {"intelRdt", {{"enabled", false}}},
        {"mountExtensions", {{"idmap", {{"enabled", true}}}}},
        {"netDevices", {{"enabled", false}}},
    };
    ojson doc{
        {"ociVersionMin", kOciVersionMin},
        {"ociVersionMax", kOciVersionMax},
        {"hooks", string_array(kHooks)},
        {"mountOptions", string_array(kMountOptions)},
        {"linux", linux_features},
        {"annotations",
         {{"io.github.seccomp.libseccomp.version", libseccomp_version()},
          {"whalebox.commit", WHALEBOX_COMMIT},
          {"whalebox.version", WHALEBOX_VERSION}}},
    };
    return doc.dump(4) + "\n";
}

}  // namespace wb::oci
