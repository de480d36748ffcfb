#include "lite/bundle.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <cstdlib>

#include "lite/common.hpp"
#include "linux/path_in_root.hpp"
#include "oci/default_spec.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {
namespace {

constexpr const char* kDefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool all_digits(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

uint32_t to_id(const std::string& s) {
    unsigned long v = std::strtoul(s.c_str(), nullptr, 10);
    if (v > UINT32_MAX) throw Error("invalid user id: " + s);
    return static_cast<uint32_t>(v);
}

std::vector<std::vector<std::string>> colon_lines(const std::string& text) {
    std::vector<std::vector<std::string>> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? text.size() : nl + 1;
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> f;
        size_t p = 0;
        for (;;) {
            size_t c = line.find(':', p);
            f.push_back(line.substr(p, c == std::string::npos ? std::string::npos : c - p));
            if (c == std::string::npos) break;
            p = c + 1;
        }
        out.push_back(std::move(f));
    }
    return out;
}

// Reads ROOTFS/rel with every symlink resolved inside the rootfs; "" when missing.
std::string read_in_root(const std::string& rootfs, const std::string& rel) {
    UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open " + rootfs);
    UniqueFd f(linux::openat2_in_root(root.get(), rel, O_RDONLY));
    if (!f) return "";
    std::string out;
    char buf[8192];
    ssize_t n;
    while ((n = ::read(f.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
}

// What path names inside rootfs: 0 = an executable file, else an errno.
int probe_executable(const std::string& rootfs, const std::string& path) {
    UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) return errno;
    UniqueFd f(linux::openat2_in_root(root.get(), path, O_PATH));
    if (!f) return errno;
    struct stat st {};
    if (::fstat(f.get(), &st) < 0) return errno;
    if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)) return EACCES;
    return 0;
}

oci::Mount bind_mount(const std::string& dest, const std::string& source, bool readonly) {
    oci::Mount m;
    m.destination = dest;
    m.type = "bind";
    m.source = source;
    m.options = {"rbind", "rprivate"};
    if (readonly) m.options.push_back("ro");
    return m;
}

}  // namespace

std::vector<std::string> container_args(const ImageConfig& image, const RunOptions& opts) {
    std::vector<std::string> args = image.entrypoint;
    const auto& cmd = opts.command.empty() ? image.cmd : opts.command;
    args.insert(args.end(), cmd.begin(), cmd.end());
    if (args.empty()) throw Error("no command specified");
    return args;
}

std::string container_hostname(const RunOptions& opts, const std::string& id) {
    if (!opts.hostname.empty()) return opts.hostname;
    if (opts.net == "host") {
        char buf[HOST_NAME_MAX + 1] = {};
        if (::gethostname(buf, sizeof buf - 1) == 0) return buf;
    }
    return id.substr(0, 12);
}

std::vector<std::string> container_env(const ImageConfig& image, const RunOptions& opts, const std::string& hostname) {
    std::vector<std::string> env = {kDefaultPath, "HOSTNAME=" + hostname};
    for (const auto& e : image.env) set_env(env, e);
    if (opts.tty) set_env(env, "TERM=xterm");
    for (const auto& e : opts.env) set_env(env, e);
    return env;
}

ResolvedUser resolve_user_in(const std::string& user, const std::string& passwd, const std::string& group) {
    ResolvedUser r;
    if (user.empty()) return r;
    std::string u = user.substr(0, user.find(':'));
    std::string g = user.find(':') == std::string::npos ? "" : user.substr(user.find(':') + 1);
    bool found = false;
    std::string name;
    for (const auto& f : colon_lines(passwd)) {
        if (f.size() < 4) continue;
        if ((all_digits(u) && f[2] == u) || (!all_digits(u) && f[0] == u)) {
            r.uid = to_id(f[2]);
            r.gid = to_id(f[3]);
            name = f[0];
            found = true;
            break;
        }
    }
    if (!found) {
        if (!all_digits(u)) throw Error("unable to find user " + u + ": no matching entries in passwd file");
        r.uid = to_id(u);
        r.gid = 0;
    }
    if (!g.empty()) {
        bool gfound = false;
        for (const auto& f : colon_lines(group)) {
            if (f.size() < 3) continue;
            if ((all_digits(g) && f[2] == g) || (!all_digits(g) && f[0] == g)) {
                r.gid = to_id(f[2]);
                gfound = true;
                break;
            }
        }
        if (!gfound) {
            if (!all_digits(g)) throw Error("unable to find group " + g + ": no matching entries in group file");
            r.gid = to_id(g);
        }
    } else if (!name.empty()) {
        // Supplementary groups listing the user by name.
        for (const auto& f : colon_lines(group)) {
            if (f.size() < 4 || f[3].empty()) continue;
            std::string members = "," + f[3] + ",";
            if (members.find("," + name + ",") != std::string::npos) {
                uint32_t gid = to_id(f[2]);
                if (gid != r.gid) r.additional_gids.push_back(gid);
            }
        }
    }
    return r;
}

ResolvedUser resolve_user(const std::string& user, const std::string& rootfs) {
    if (user.empty()) return {};
    return resolve_user_in(user, read_in_root(rootfs, "etc/passwd"), read_in_root(rootfs, "etc/group"));
}

void check_executable(const std::string& rootfs, const std::string& name, const std::vector<std::string>& env) {
    std::string quoted = "exec: \"";
    quoted.append(name).append("\": ");
    auto fail = [&](const std::string& why, int code) {
        std::string msg = quoted;
        msg.append(why);
        throw ExitError(msg, code);
    };
    if (name.empty()) fail("executable file not found in $PATH", kExitNotFound);
    if (name.find('/') != std::string::npos) {
        int err = probe_executable(rootfs, name);
        if (err == 0) return;
        std::string why = "stat ";
        why.append(name).append(": ").append(std::strerror(err));
        fail(why, err == EACCES ? kExitCannotInvoke : kExitNotFound);
    }
    std::string path = kDefaultPath + 5;
    for (const auto& e : env)
        if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
    bool denied = false;
    size_t pos = 0;
    while (pos <= path.size()) {
        size_t colon = path.find(':', pos);
        if (colon == std::string::npos) colon = path.size();
        std::string dir = colon == pos ? std::string(".") : path.substr(pos, colon - pos);
        pos = colon + 1;
        std::string candidate = fs::join(dir, name);
        int err = probe_executable(rootfs, candidate);
        if (err == 0) return;
        if (err == EACCES) denied = true;
    }
    if (denied) fail("permission denied", kExitCannotInvoke);
    fail("executable file not found in $PATH", kExitNotFound);
}

std::vector<std::string> default_capabilities() {
    return {"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",  "CAP_FOWNER",       "CAP_MKNOD",
            "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID",  "CAP_SETFCAP",      "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};
}

oci::Spec build_spec(const ImageConfig& image, const RunOptions& opts, const BundlePaths& paths,
                     const ResolvedUser& user) {
    oci::Spec spec = oci::default_spec();
    std::string hostname = container_hostname(opts, paths.id);

    oci::Process& p = *spec.process;
    p.terminal = opts.tty;
    p.args = container_args(image, opts);
    p.env = container_env(image, opts, hostname);
    p.cwd = !opts.workdir.empty() ? opts.workdir : !image.working_dir.empty() ? image.working_dir : "/";
    if (p.cwd.front() != '/') throw Error("the working directory '" + p.cwd + "' is invalid, it needs to be an absolute path");
    p.user.uid = user.uid;
    p.user.gid = user.gid;
    p.user.additional_gids = user.additional_gids;
    auto caps = default_capabilities();
    p.capabilities = oci::Capabilities{caps, caps, caps, std::nullopt, std::nullopt};
    p.rlimits.clear();
    p.no_new_privileges = false;

    spec.root = oci::Root{paths.rootfs, opts.read_only};
    spec.hostname = hostname;
    spec.annotations["org.whalebox.lite.id"] = paths.id;

    spec.mounts.push_back(bind_mount("/etc/resolv.conf", paths.container_dir + "/resolv.conf", false));
    spec.mounts.push_back(bind_mount("/etc/hostname", paths.container_dir + "/hostname", false));
    spec.mounts.push_back(bind_mount("/etc/hosts", paths.container_dir + "/hosts", false));
    for (const auto& v : opts.volumes) {
        if (v.type != "tmpfs") {
            spec.mounts.push_back(bind_mount(v.container, v.host, v.readonly));
            // --userns: a volume is mounted idmapped with the container's mappings (runc 1.2's
            // "idmap"), so its root, owned by 0 on disk, is the container root's and what
            // that root writes stays owned by 0 on disk, as the write layer (bind mounts of
            // host paths are not shifted, as docker's).
            if (v.type == "volume" && opts.lifecycle.userns.rfind("remap:", 0) == 0)
                spec.mounts.back().options.push_back("idmap");
            continue;
        }
        oci::Mount m;
        m.destination = v.container;
        m.source = m.type = "tmpfs";
        for (size_t pos = 0; pos < v.tmpfs_options.size();) {
            size_t comma = std::min(v.tmpfs_options.find(',', pos), v.tmpfs_options.size());
            m.options.push_back(v.tmpfs_options.substr(pos, comma - pos));
            pos = comma + 1;
        }
        if (v.readonly) m.options.push_back("ro");
        spec.mounts.push_back(m);
    }

    oci::Linux& lx = *spec.linux;
    lx.cgroups_path = "whalebox-lite/" + paths.id;
    lx.namespaces.clear();
    for (const char* type : {"pid", "ipc", "uts", "mount"}) lx.namespaces.push_back(oci::Namespace{type, ""});
    if (opts.net != "host") lx.namespaces.push_back(oci::Namespace{"network", ""});

    oci::Resources& r = *lx.resources;
    if (opts.memory) r.memory.emplace().limit = *opts.memory;
    if (opts.cpus || !opts.cpuset_cpus.empty() || opts.cpu_shares) {
        oci::Cpu& cpu = r.cpu.emplace();
        if (opts.cpus) {
            CpuQuota q = cpus_to_quota(*opts.cpus);
            cpu.quota = q.quota;
            cpu.period = q.period;
        }
        cpu.cpus = opts.cpuset_cpus;
        cpu.shares = opts.cpu_shares;
    }
    if (opts.pids_limit) r.pids.emplace().limit = *opts.pids_limit;
    apply_run_extras(spec, opts.extra);
    return spec;
}

void write_etc_files(const std::string& dir, const std::string& hostname, const std::string& net) {
    std::string hosts, resolv;
    if (net == "host") {
        fs::try_read_file("/etc/hosts", hosts);
    } else {
        hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\n"
                "ff02::2\tip6-allrouters\n127.0.1.1\t" + hostname + "\n";
    }
    fs::try_read_file("/etc/resolv.conf", resolv);
    fs::write_file_atomic(dir + "/hosts", hosts, 0644, fs::Sync::no_fsync);
    fs::write_file_atomic(dir + "/hostname", hostname + "\n", 0644, fs::Sync::no_fsync);
    fs::write_file_atomic(dir + "/resolv.conf", resolv, 0644, fs::Sync::no_fsync);
}

}  // namespace wb::lite
