#include "lite/network_spares.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "lite/bridge_device.hpp"
#include "lite/cni.hpp"
#include "lite/forward_policy.hpp"
#include "lite/network_config.hpp"
#include "lite/network_masquerade.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::lite {

using nlohmann::json;

namespace {

constexpr const char* kStateFile = "/network-state.json";
constexpr const char* kClaimedPrefix = "claimed-";

std::string spares_dir(const LiteContext& c, const std::string& network) {
    return c.layout.state_root + "/spares/" + network;
}
std::string spares_lock(const LiteContext& c, const std::string& network) { return spares_dir(c, network) + ".lock"; }

bool is_netns(const std::string& path) {
    struct statfs st {};
    return ::statfs(path.c_str(), &st) == 0 && static_cast<unsigned long>(st.f_type) == NSFS_MAGIC;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> entries_of(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (struct dirent* e = ::readdir(d)) {
            std::string n = e->d_name;
            if (n != "." && n != "..") out.push_back(n);
        }
        ::closedir(d);
    }
    return out;
}

// DEL with the kept result, then the namespace and the directory. The caller owns dir
// (holds the network's lock, or renamed it to a name of its own).
void release_spare_dir(const std::string& dir) noexcept {
    try {
        json state = read_network_state(dir);
        if (!state.is_null()) {
            state["netns"] = dir + "/netns";  // where it is now (the directory was renamed)
            for (const auto& a : state.value("attachments", json::array())) {
                try {
                    del_attachment(state, a, a.value("cniContainerId", ""));
                } catch (const std::exception& e) {
                    log::warn("spare {}: {}", dir, e.what());
                }
            }
        }
        remove_netns(dir + "/netns");
        fs::remove_all(dir);
    } catch (const std::exception& e) {
        log::warn("spare {}: {}", dir, e.what());
    }
}

// A container whose claim is still open: its directory exists (also as ID.removing).
bool container_exists(const LiteContext& c, const std::string& id) {
    std::string dir = c.layout.container_dir(id);
    return ::access(dir.c_str(), F_OK) == 0 || ::access((dir + ".removing").c_str(), F_OK) == 0;
}

// Under the network's lock: whether entry (of dir) is left over by a process that died.
bool is_leftover(const LiteContext& c, const std::string& dir, const std::string& entry) {
    switch (spare_entry_kind(entry)) {
        case SpareEntry::ready: return !is_netns(dir + "/" + entry + "/netns");
        case SpareEntry::making:
        case SpareEntry::releasing: return true;
        case SpareEntry::claimed: return !container_exists(c, entry.substr(std::strlen(kClaimedPrefix)));
        case SpareEntry::other: return false;
    }
    return false;
}

// One new spare: its directory and namespace first, network-state.json before ADD (so a
// refiller that dies is undone), ready under its final name once ADD answered.
void make_spare(const LiteContext& c, const NetworkRecord& n, const std::string& dir) {
    std::string sid = random_hex_id();
    std::string making = dir + "/" + sid + ".new", ns = making + "/netns";
    fs::mkdir_all(making, 0700);
    json conflist = plugins_needed(NetworkStore(c.layout).conflist(n), false);
    json a = {{"network", n.name}, {"ifname", "eth0"},          {"conflist", conflist},
              {"ip", ""},          {"args", ""},                {"ports", json::array()},
              {"result", nullptr}, {"cniContainerId", sid},      {"runtimeConfig", {{"portMappings", json::array()}}}};
    json state = {{"netns", ns}, {"hostname", ""}, {"name", ""}, {"attachments", json::array({a})}};
    try {
        create_netns(ns);
        write_network_state(making, state);
        bring_up_loopback(ns);
        ensure_network_masquerade(n);
        json result = cni_add_list(conflist, {sid, ns, "eth0", ""}, a["runtimeConfig"]);
        a["result"] = result;
        if (result.contains("ips") && !result["ips"].empty()) {
            std::string cidr = result["ips"][0].value("address", "");
            a["ip"] = cidr.substr(0, cidr.find('/'));
        }
        state["attachments"] = json::array({a});
        write_network_state(making, state);
        if (::rename(making.c_str(), (dir + "/" + sid).c_str()) < 0) throw_errno("rename " + making);
    } catch (...) {
        release_spare_dir(making);
        throw;
    }
}

}  // namespace

int spares_wanted(const char* v) {
    if (v == nullptr || *v == '\0') return 0;
    char* end = nullptr;
    long n = std::strtol(v, &end, 10);
    if (*end != '\0' || n < 0) return 0;
    return n > 16 ? 16 : static_cast<int>(n);
}

int spares_wanted() { return spares_wanted(std::getenv("WHALEBOX_LITE_NETWORK_SPARES")); }

SpareEntry spare_entry_kind(const std::string& name) {
    auto hex64 = [](const std::string& s) {
        return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
    };
    if (hex64(name)) return SpareEntry::ready;
    if (ends_with(name, ".new") && hex64(name.substr(0, name.size() - 4))) return SpareEntry::making;
    if (ends_with(name, ".releasing") && hex64(name.substr(0, name.size() - 10))) return SpareEntry::releasing;
    if (name.rfind(kClaimedPrefix, 0) == 0 && hex64(name.substr(std::strlen(kClaimedPrefix)))) return SpareEntry::claimed;
    return SpareEntry::other;
}

std::optional<json> claim_spare(const LiteContext& c, const std::string& network, const std::string& id,
                                const std::string& netns) {
    if (spares_wanted() == 0) return std::nullopt;
    std::string dir = spares_dir(c, network), claimed = dir + "/" + kClaimedPrefix + id;
    for (const auto& name : entries_of(dir)) {
        if (spare_entry_kind(name) != SpareEntry::ready) continue;
        if (::rename((dir + "/" + name).c_str(), claimed.c_str()) < 0) continue;  // another claimer won
        json state = read_network_state(claimed);
        if (!is_netns(claimed + "/netns") || state.is_null() || state.value("attachments", json::array()).size() != 1) {
            // Its namespace is gone (a reboot): the stale release gives it back.
            ::rename(claimed.c_str(), (dir + "/" + name + ".releasing").c_str());
            continue;
        }
        fs::mkdir_all(fs::parent_of(netns), 0700);
        ::umount2(netns.c_str(), MNT_DETACH);  // a stale one (a crashed start)
        UniqueFd f(::open(netns.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0444));
        if (!f || ::mount((claimed + "/netns").c_str(), netns.c_str(), nullptr, MS_BIND, nullptr) < 0) {
            log::debug("claim of spare {}: bind-mount on {}: {}", name, netns, std::strerror(errno));
            ::rename(claimed.c_str(), (dir + "/" + name).c_str());  // back for the next one
            return std::nullopt;
        }
        return state["attachments"][0];
    }
    return std::nullopt;
}

void finish_claim(const LiteContext& c, const std::string& network, const std::string& id) noexcept {
    std::string claimed = spares_dir(c, network) + "/" + kClaimedPrefix + id;
    remove_netns(claimed + "/netns");
    ::unlink((claimed + kStateFile).c_str());
    ::rmdir(claimed.c_str());
}

void release_unfinished_claim(const LiteContext& c, const std::string& network, const std::string& id,
                              const std::string& held_cni_id) noexcept {
    std::string claimed = spares_dir(c, network) + "/" + kClaimedPrefix + id;
    if (network.empty() || ::access(claimed.c_str(), F_OK) < 0) return;
    try {
        UniqueFd lock = lock_path(spares_lock(c, network));
        json state = read_network_state(claimed);
        bool held = !state.is_null() && !held_cni_id.empty() &&
                    state.value("attachments", json::array()).size() == 1 &&
                    state["attachments"][0].value("cniContainerId", "") == held_cni_id;
        if (held) finish_claim(c, network, id);  // the container's own DEL gives it back
        else release_spare_dir(claimed);
    } catch (const std::exception& e) {
        log::warn("claim of {}: {}", id.substr(0, 12), e.what());
    }
}

void refill_spares(const LiteContext& c, const std::string& network) noexcept {
    int want = spares_wanted();
    if (want == 0 || network.empty()) return;
    try {
        std::string dir = spares_dir(c, network);
        UniqueFd lock = lock_path(spares_lock(c, network));
        NetworkRecord n = NetworkStore(c.layout).resolve(network);  // removed meanwhile: throws
        if (n.name != network) return;
        fs::mkdir_all(dir, 0700);
        for (;;) {
            int ready = 0;
            for (const auto& e : entries_of(dir)) ready += spare_entry_kind(e) == SpareEntry::ready;
            if (ready >= want) break;
            make_spare(c, n, dir);
        }
    } catch (const std::exception& e) {
        log::debug("spares of {}: {}", network, e.what());
    }
}

void refill_spares_in_background(const LiteContext& c, const std::string& network) noexcept {
    if (spares_wanted() == 0 || network.empty()) return;
    pid_t child = ::fork();
    if (child < 0) return;
    if (child == 0) {
        ::setsid();
        if (::fork() != 0) _exit(0);
        // Hold nothing of the caller's: not its output (a shell reading it must not wait
        // for us), not its locks.
        int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        for (int fd = 0; fd < 3 && null >= 0; ++fd) ::dup2(null, fd);
        ::close_range(3, ~0U, 0);
        ::setpriority(PRIO_PROCESS, 0, 10);  // behind the commands that run meanwhile
        refill_spares(c, network);
        _exit(0);
    }
    int st = 0;
    while (::waitpid(child, &st, 0) < 0 && errno == EINTR) {
    }
}

UniqueFd release_spares(const LiteContext& c, const std::string& network, const std::string& holding_ip) {
    std::string dir = spares_dir(c, network);
    UniqueFd lock = lock_path(spares_lock(c, network));  // a refiller at work ends first
    for (const auto& name : entries_of(dir)) {
        std::string path = dir + "/" + name;
        SpareEntry kind = spare_entry_kind(name);
        if (kind == SpareEntry::ready) {
            if (!holding_ip.empty()) {
                json st = read_network_state(path);
                if (st.is_null() || st.value("attachments", json::array()).empty() ||
                    st["attachments"][0].value("ip", "") != holding_ip)
                    continue;
            }
            std::string mine = path + ".releasing";  // taken from the claimers first
            if (::rename(path.c_str(), mine.c_str()) == 0) release_spare_dir(mine);
        } else if (holding_ip.empty() && is_leftover(c, dir, name)) {
            release_spare_dir(path);
        }
    }
    if (holding_ip.empty()) ::rmdir(dir.c_str());
    return lock;
}

void release_stale_spares(const LiteContext& c) noexcept {
    std::string root = c.layout.state_root + "/spares";
    for (const auto& network : entries_of(root)) {
        if (ends_with(network, ".lock")) continue;
        try {
            std::string dir = root + "/" + network;
            bool any = false;
            for (const auto& e : entries_of(dir)) any = any || is_leftover(c, dir, e);
            if (!any) continue;
            UniqueFd lock = lock_path(spares_lock(c, network), false);
            if (!lock) continue;  // a refiller or releaser at work: the next command
            for (const auto& e : entries_of(dir)) {
                if (!is_leftover(c, dir, e)) continue;
                std::string path = dir + "/" + e;
                if (spare_entry_kind(e) == SpareEntry::ready) {  // taken from the claimers first
                    std::string mine = path + ".releasing";
                    if (::rename(path.c_str(), mine.c_str()) < 0) continue;
                    path = mine;
                }
                release_spare_dir(path);
            }
        } catch (const std::exception& e) {
            log::debug("spares of {}: {}", network, e.what());
        }
    }
}

UniqueFd lock_path(const std::string& path, bool wait) {
    fs::mkdir_all(fs::parent_of(path), 0700);
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) throw_errno("open " + path);
    while (::flock(fd.get(), wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0) {
        if (!wait && errno == EWOULDBLOCK) return UniqueFd();
        if (errno != EINTR) throw_errno("lock " + path);
    }
    return fd;
}

void create_netns(const std::string& path) {
    fs::mkdir_all(fs::parent_of(path), 0700);
    ::umount2(path.c_str(), MNT_DETACH);  // a stale one (a crashed start)
    {
        UniqueFd f(::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0444));
        if (!f) throw_errno("create " + path);
    }
    UniqueFd home(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!home) throw_errno("open /proc/thread-self/ns/net");
    if (::unshare(CLONE_NEWNET) < 0) throw_errno("unshare network namespace");
    int rc = ::mount("/proc/thread-self/ns/net", path.c_str(), nullptr, MS_BIND, nullptr);
    int err = errno;
    if (::setns(home.get(), CLONE_NEWNET) < 0) throw_errno("return to our network namespace");
    if (rc < 0) throw_errno("bind-mount the network namespace on " + path, err);
}

void remove_netns(const std::string& path) {
    if (::umount2(path.c_str(), MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
        log::warn("unmount {}: {}", path, std::strerror(errno));
    ::unlink(path.c_str());
}

// The plugins a start needs of a network's conflist: portmap only with ports to publish,
// firewall only when the FORWARD policy could drop the container's traffic
// (forward_policy.hpp). Each costs iptables runs at the start and at the end. The bridge's
// ipMasq is off, also in conflists written before the network's own masquerade rule
// (network_masquerade.hpp) replaced it. The conflist kept with the ADD result is this one,
// so DEL undoes exactly what ADD did (an older container's kept one still has ipMasq on,
// and its DEL removes its per-container chain).
json plugins_needed(json conflist, bool publishes) {
    bool firewall = forward_policy_may_drop();
    json& plugins = conflist["plugins"];
    for (size_t i = plugins.size(); i-- > 0;) {
        std::string type = plugins[i].value("type", "");
        if ((type == "portmap" && !publishes) || (type == "firewall" && !firewall)) plugins.erase(i);
        if (type == "bridge") plugins[i]["ipMasq"] = false;
    }
    return conflist;
}

// DEL after the namespace is gone (a reboot, an unmounted netns): CNI_NETNS empty, as the
// spec allows, so the plugins still give back what lives outside it (the address).
void del_attachment(const json& state, const json& a, const std::string& id) {
    CniTarget t{a.value("cniContainerId", id), state.value("netns", ""), a.value("ifname", "eth0"), a.value("args", "")};
    if (!is_netns(t.netns)) t.netns.clear();
    cni_del_list(a.at("conflist"), t, a.value("runtimeConfig", json::object()), a.value("result", json(nullptr)));
}

json read_network_state(const std::string& dir) {
    std::string text;
    if (!fs::try_read_file(dir + kStateFile, text)) return nullptr;
    try {
        return json::parse(text);
    } catch (const json::exception&) {
        return nullptr;
    }
}

void write_network_state(const std::string& dir, const json& state) {
    fs::write_file_atomic(dir + kStateFile, state.dump(2) + "\n", 0600, fs::Sync::no_fsync);
}

}  // namespace wb::lite
