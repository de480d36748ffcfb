#include "criu/args.hpp"

#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <string_view>

#include "util/error.hpp"

namespace wb::criu {
namespace {

void add_common(std::vector<std::string>& a, const CommonFlags& f, const char* log_file) {
    // criu reads /etc/criu/default.conf and ~/.criu/default.conf unless told not to; in
    // RPC mode (runc's) it reads only the container's file: the same here.
    a.push_back("--no-default-config");
    if (!f.config_file.empty()) a.insert(a.end(), {"--config", f.config_file});
    a.insert(a.end(), {"--images-dir", f.image_path});
    if (!f.work_path.empty()) a.insert(a.end(), {"--work-dir", f.work_path});
    a.insert(a.end(), {"--log-file", log_file, "-v4"});
    if (f.tcp_established) a.push_back("--tcp-established");
    if (f.ext_unix_sk) a.push_back("--ext-unix-sk");
    if (f.shell_job) a.push_back("--shell-job");
    if (f.file_locks) a.push_back("--file-locks");
    if (f.lazy_pages) a.push_back("--lazy-pages");
    if (f.auto_dedup) a.push_back("--auto-dedup");
    if (!f.manage_cgroups_mode.empty()) {
        validate_manage_cgroups_mode(f.manage_cgroups_mode);
        a.push_back("--manage-cgroups=" + f.manage_cgroups_mode);
    } else {
        a.push_back("--manage-cgroups");
    }
    for (const auto& ns : f.empty_ns) {
        if (ns != "network" && ns != "net") throw Error("--empty-ns: only the network namespace can be left empty, not \"" + ns + "\"");
        a.insert(a.end(), {"--empty-ns", "net"});
    }
}

}  // namespace

void validate_manage_cgroups_mode(const std::string& mode) {
    if (mode != "soft" && mode != "full" && mode != "strict" && mode != "ignore")
        throw Error("invalid --manage-cgroups-mode \"" + mode + "\": want soft, full, strict or ignore");
}

std::vector<std::string> dump_args(const DumpRequest& r) {
    std::vector<std::string> a{r.pre_dump ? "pre-dump" : "dump"};
    add_common(a, r.flags, r.pre_dump ? "pre-dump.log" : "dump.log");
    a.insert(a.end(), {"--tree", std::to_string(r.pid), "--root", r.rootfs});
    if (!r.freeze_cgroup.empty()) a.insert(a.end(), {"--freeze-cgroup", r.freeze_cgroup});
    if (r.pre_dump) a.push_back("--track-mem");
    if (!r.parent_path.empty()) {
        a.insert(a.end(), {"--prev-images-dir", r.parent_path});
        if (!r.pre_dump) a.push_back("--track-mem");
    }
    if (r.leave_running && !r.pre_dump) a.push_back("--leave-running");
    if (r.status_fd >= 0) a.insert(a.end(), {"--status-fd", std::to_string(r.status_fd)});
    if (!r.page_server.empty()) {
        auto colon = r.page_server.rfind(':');
        if (colon == std::string::npos || colon + 1 == r.page_server.size())
            throw Error("--page-server wants ADDRESS:PORT, not \"" + r.page_server + "\"");
        a.push_back("--page-server");
        if (colon > 0) a.insert(a.end(), {"--address", r.page_server.substr(0, colon)});
        a.insert(a.end(), {"--port", r.page_server.substr(colon + 1)});
    }
    for (const auto& dest : r.external_mounts) a.insert(a.end(), {"--external", "mnt[" + dest + "]:" + dest});
    for (const auto& key : r.external_keys) a.insert(a.end(), {"--external", key});
    return a;
}

std::vector<std::string> restore_args(const RestoreRequest& r) {
    std::vector<std::string> a{"restore"};
    add_common(a, r.flags, "restore.log");
    // The init becomes our child (criu's sibling) and criu exits once it runs.
    a.insert(a.end(), {"--root", r.root, "--restore-detached", "--restore-sibling", "--pidfile", r.pid_file});
    if (!r.cgroup_root.empty()) a.insert(a.end(), {"--cgroup-root", r.cgroup_root});
    for (const auto& [dest, source] : r.external_mounts) a.insert(a.end(), {"--external", "mnt[" + dest + "]:" + source});
    for (const auto& [fd, key] : r.inherit_fds) a.insert(a.end(), {"--inherit-fd", "fd[" + std::to_string(fd) + "]:" + key});
    if (!r.lsm_profile.empty()) a.insert(a.end(), {"--lsm-profile", r.lsm_profile});
    if (!r.lsm_mount_context.empty()) a.insert(a.end(), {"--lsm-mount-context", r.lsm_mount_context});
    if (!r.action_script.empty()) a.insert(a.end(), {"--action-script", r.action_script});
    return a;
}

std::vector<std::string> cgroup_root_args(const std::string& proc_self_cgroup, const std::set<std::string>& managed) {
    std::set<std::string> controllers;  // every single controller the manager drives
    for (const auto& key : managed) {
        size_t start = 0;
        for (;;) {
            size_t comma = key.find(',', start);
            controllers.insert(key.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < proc_self_cgroup.size()) {
        size_t end = proc_self_cgroup.find('\n', pos);
        if (end == std::string::npos) end = proc_self_cgroup.size();
        std::string line = proc_self_cgroup.substr(pos, end - pos);
        pos = end + 1;
        // ID:CONTROLLERS:PATH; the path may hold ':'.
        size_t first = line.find(':');
        size_t second = first == std::string::npos ? first : line.find(':', first + 1);
        if (second == std::string::npos) continue;
        std::string list = line.substr(first + 1, second - first - 1), path = line.substr(second + 1);
        if (path.empty()) continue;
        if (list.empty()) {
            if (managed.count("")) out.insert(out.end(), {"--cgroup-root", path});
            continue;
        }
        std::vector<std::string> names;
        bool ours = false;
        size_t start = 0;
        for (;;) {
            size_t comma = list.find(',', start);
            names.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            ours |= names.back().size() > 0 && controllers.count(names.back()) > 0;
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        if (!ours) continue;
        for (const auto& name : names) out.insert(out.end(), {"--cgroup-root", name + ":" + path});
    }
    return out;
}

std::string config_file(const std::map<std::string, std::string>& annotations, bool runc_conf_exists) {
    if (auto it = annotations.find("org.criu.config"); it != annotations.end()) return it->second;
    return runc_conf_exists ? "/etc/criu/runc.conf" : "";
}

namespace {

// The digits at text[pos...], moving pos past them; empty when there are none.
std::string digits_at(const std::string& text, size_t& pos) {
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    return text.substr(start, pos - start);
}

}  // namespace

// What the regex `Version:\s*(\d+)\.(\d+)(?:\.(\d+))?` finds first, by hand: std::regex
// cost whalebox about 60 KB of code (docs/performance.md).
std::optional<int> parse_version(const std::string& text) {
    static constexpr std::string_view tag = "Version:";
    for (size_t at = text.find(tag); at != std::string::npos; at = text.find(tag, at + 1)) {
        size_t pos = at + tag.size();
        while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
        std::string major = digits_at(text, pos);
        if (major.empty() || pos >= text.size() || text[pos] != '.') continue;
        ++pos;
        std::string minor = digits_at(text, pos);
        if (minor.empty()) continue;
        int sub = 0;
        if (pos + 1 < text.size() && text[pos] == '.') {
            size_t after_dot = pos + 1;
            std::string sub_digits = digits_at(text, after_dot);
            if (!sub_digits.empty()) sub = std::stoi(sub_digits);
        }
        return std::stoi(major) * 10000 + std::stoi(minor) * 100 + sub;
    }
    return std::nullopt;
}

std::string external_file_key(unsigned long mount_id, ino_t inode) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "file[%lx:%" PRIx64 "]", mount_id, static_cast<uint64_t>(inode));
    return buf;
}

std::string tty_key(dev_t rdev, dev_t dev) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "tty[%" PRIx64 ":%" PRIx64 "]", static_cast<uint64_t>(rdev), static_cast<uint64_t>(dev));
    return buf;
}

}  // namespace wb::criu
