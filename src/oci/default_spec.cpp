#include "oci/default_spec.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "oci/serialize.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::oci {

Spec default_spec() {
    Spec spec;
    spec.oci_version = kSpecVersion;

    Process& p = spec.process.emplace();
    p.terminal = true;
    p.args = {"sh"};
    p.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
    p.cwd = "/";
    const std::vector<std::string> caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    Capabilities& c = p.capabilities.emplace();
    c.bounding = caps;
    c.effective = caps;
    c.permitted = caps;
    c.ambient = caps;
    p.rlimits = {Rlimit{"RLIMIT_NOFILE", 1024, 1024}};
    p.no_new_privileges = true;

    spec.root = Root{"rootfs", true};
    spec.hostname = "runc";  // runc's value, kept so the two documents are the same

    auto mount = [](std::string dest, std::string type, std::string source, std::vector<std::string> options) {
        Mount m;
        m.destination = std::move(dest);
        m.type = std::move(type);
        m.source = std::move(source);
        m.options = std::move(options);
        return m;
    };
    spec.mounts = {
        mount("/proc", "proc", "proc", {}),
        mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
        mount("/dev/pts", "devpts", "devpts",
              {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
        mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
        mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
        mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
        mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}),
    };

    Linux& l = spec.linux.emplace();
    Resources& r = l.resources.emplace();
    DeviceRule deny_all;
    deny_all.allow = false;
    deny_all.access = "rwm";
    r.devices = {deny_all};
    for (const char* type : {"pid", "network", "ipc", "uts", "mount"}) l.namespaces.push_back(Namespace{type, ""});
    l.masked_paths = {"/proc/acpi",         "/proc/asound",     "/proc/kcore",       "/proc/keys",
                      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                      "/sys/firmware",      "/proc/scsi"};
    l.readonly_paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    return spec;
}

void make_rootless(Spec& spec, uint32_t host_uid, uint32_t host_gid) {
    Linux& l = spec.linux ? *spec.linux : spec.linux.emplace();
    l.uid_mappings = {IdMapping{0, host_uid, 1}};
    l.gid_mappings = {IdMapping{0, host_gid, 1}};

    // No network namespace (an unprivileged user could not set one up), a new user one last.
    std::vector<Namespace> namespaces;
    for (auto& ns : l.namespaces)
        if (ns.type != "network" && ns.type != "user") namespaces.push_back(std::move(ns));
    namespaces.push_back(Namespace{"user", ""});
    l.namespaces = std::move(namespaces);

    for (Mount& m : spec.mounts) {
        // sysfs cannot be mounted without a network namespace of our own: bind the host's.
        if (m.destination == "/sys" || m.destination == "/sys/") {
            m.source = "/sys";
            m.type = "none";
            m.options = {"rbind", "nosuid", "noexec", "nodev", "ro"};
            continue;
        }
        // Only the mapped ids exist in the container.
        std::erase_if(m.options, [](const std::string& o) { return o.rfind("gid=", 0) == 0 || o.rfind("uid=", 0) == 0; });
    }

    // Cgroups are not writable by an unprivileged user.
    l.resources.reset();
}

void write_default_spec(const std::string& bundle_dir, bool rootless) {
    Spec spec = default_spec();
    if (rootless) make_rootless(spec, static_cast<uint32_t>(::geteuid()), static_cast<uint32_t>(::getegid()));
    std::string text = serialize_spec(spec);

    std::string path = bundle_dir.empty() ? "config.json" : fs::join(bundle_dir, "config.json");
    // O_EXCL: never overwrite, and no window between the check and the write.
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (!fd) {
        if (errno == EEXIST) throw Error("File config.json exists. Remove it first", EEXIST);
        throw_errno("open " + path);
    }
    std::string_view data = text;
    while (!data.empty()) {
        ssize_t n = ::write(fd.get(), data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::unlink(path.c_str());
            throw_errno("write " + path, err);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace wb::oci
