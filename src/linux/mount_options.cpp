#include "linux/mount_options.hpp"

#include <sys/mount.h>

#include <string_view>
#include <utility>

#include "util/error.hpp"

#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif

namespace wb::linux {
namespace {

struct FlagOption {
    std::string_view name;
    bool clear;  // the option clears the flag instead of setting it
    unsigned long flag;
};

// As runc's mountFlags table (libcontainer/specconv).
constexpr FlagOption kFlags[] = {
    {"acl", false, MS_POSIXACL},       {"async", true, MS_SYNCHRONOUS},
    {"atime", true, MS_NOATIME},       {"bind", false, MS_BIND},
    {"defaults", false, 0},            {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME}, {"dirsync", false, MS_DIRSYNC},
    {"exec", true, MS_NOEXEC},         {"iversion", false, MS_I_VERSION},
    {"lazytime", false, MS_LAZYTIME},  {"loud", true, MS_SILENT},
    {"mand", false, MS_MANDLOCK},      {"noacl", true, MS_POSIXACL},
    {"noatime", false, MS_NOATIME},    {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME}, {"noexec", false, MS_NOEXEC},
    {"noiversion", true, MS_I_VERSION}, {"nolazytime", true, MS_LAZYTIME},
    {"nomand", true, MS_MANDLOCK},     {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME}, {"nosuid", false, MS_NOSUID},
    {"rbind", false, MS_BIND | MS_REC}, {"relatime", false, MS_RELATIME},
    {"remount", false, MS_REMOUNT},    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},           {"silent", false, MS_SILENT},
    {"strictatime", false, MS_STRICTATIME}, {"suid", true, MS_NOSUID},
    {"sync", false, MS_SYNCHRONOUS},
};

struct RecursiveOption {
    std::string_view name;
    bool clear;
    uint64_t attr;
};

// As runc's recAttrFlags: applied with mount_setattr(AT_RECURSIVE). The atime options
// are one field of the attributes: setting one replaces the others.
constexpr RecursiveOption kRecursive[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},           {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},       {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},         {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},       {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME}, {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", false, MOUNT_ATTR_RELATIME},   {"rnorelatime", true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},     {"ratime", true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME}, {"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW}, {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

bool is_atime(uint64_t attr) {
    return attr == MOUNT_ATTR_RELATIME || attr == MOUNT_ATTR_NOATIME || attr == MOUNT_ATTR_STRICTATIME;
}

bool apply_recursive(MountOptions& out, const std::string& opt) {
    for (const auto& r : kRecursive) {
        if (opt != r.name) continue;
        if (is_atime(r.attr)) {
            out.rec_attr_clr |= MOUNT_ATTR__ATIME;
            out.rec_attr_set &= ~static_cast<uint64_t>(MOUNT_ATTR__ATIME);
            // "rnorelatime": atimes updated always (strictatime); the other clearing
            // options go back to the default.
            if (!r.clear) out.rec_attr_set |= r.attr;
            if (r.clear && r.attr == MOUNT_ATTR_RELATIME) out.rec_attr_set |= MOUNT_ATTR_STRICTATIME;
        } else if (r.clear) {
            out.rec_attr_clr |= r.attr;
            out.rec_attr_set &= ~r.attr;
        } else {
            out.rec_attr_set |= r.attr;
            out.rec_attr_clr &= ~r.attr;
        }
        return true;
    }
    return false;
}

struct PropagationOption {
    std::string_view name;
    unsigned long flags;
};

constexpr PropagationOption kPropagation[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

}  // namespace

bool MountOptions::bind() const { return flags & MS_BIND; }

MountAttrs bind_remount_attrs(unsigned long flags) {
    constexpr std::pair<unsigned long, uint64_t> kPerMount[] = {
        {MS_RDONLY, MOUNT_ATTR_RDONLY}, {MS_NOSUID, MOUNT_ATTR_NOSUID},           {MS_NODEV, MOUNT_ATTR_NODEV},
        {MS_NOEXEC, MOUNT_ATTR_NOEXEC}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
    };
    MountAttrs a;
    for (const auto& [ms, attr] : kPerMount) {
        a.clr |= attr;
        if (flags & ms) a.set |= attr;
    }
    if (flags & (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)) {
        // The kernel's order: relatime unless noatime, and strictatime over both.
        a.clr |= MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME;
        if (flags & MS_STRICTATIME) a.set |= MOUNT_ATTR_STRICTATIME;
        else if (flags & MS_NOATIME) a.set |= MOUNT_ATTR_NOATIME;
        else a.set |= MOUNT_ATTR_RELATIME;
        if (flags & MS_NODIRATIME) a.set |= MOUNT_ATTR_NODIRATIME;
    }
    return a;
}

std::string MountOptions::data_string() const {
    std::string out;
    for (const auto& d : data) {
        if (!out.empty()) out += ',';
        out += d;
    }
    return out;
}

MountOptions parse_mount_options(const std::vector<std::string>& options) {
    MountOptions out;
    for (const auto& opt : options) {
        bool matched = false;
        for (const auto& f : kFlags) {
            if (opt != f.name) continue;
            if (f.clear) {
                out.flags &= ~f.flag;
                out.clear_flags |= f.flag;
            } else {
                out.flags |= f.flag;
                out.clear_flags &= ~f.flag;
            }
            matched = true;
            break;
        }
        if (matched) continue;
        if (opt == "tmpcopyup") {  // runc's extension, not a filesystem option
            out.copy_up = true;
            continue;
        }
        if (opt == "idmap" || opt == "ridmap") {  // runtime-spec 1.2: idmapped bind mounts
            out.idmap = true;
            out.idmap_recursive = opt == "ridmap";
            continue;
        }
        if (apply_recursive(out, opt)) continue;
        for (const auto& p : kPropagation) {
            if (opt != p.name) continue;
            out.propagation = p.flags;
            matched = true;
            break;
        }
        if (!matched) out.data.push_back(opt);
    }
    return out;
}

void refuse_unknown_bind_options(const MountOptions& opts) {
    if (!opts.data.empty()) throw Error("mount option \"" + opts.data.front() + "\" is not known", EINVAL);
}

unsigned long parse_propagation(const std::string& value) {
    for (const auto& p : kPropagation)
        if (value == p.name) return p.flags;
    throw Error("rootfsPropagation: invalid value \"" + value + "\"");
}

std::vector<std::string> known_mount_options() {
    std::vector<std::string> out;
    for (const auto& f : kFlags) out.emplace_back(f.name);
    for (const auto& p : kPropagation) out.emplace_back(p.name);
    for (const auto& r : kRecursive) out.emplace_back(r.name);
    out.emplace_back("tmpcopyup");
    out.emplace_back("idmap");
    out.emplace_back("ridmap");
    return out;
}

}  // namespace wb::linux
