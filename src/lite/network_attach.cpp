#include "lite/network_attach.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "lite/background_removal.hpp"
#include "lite/bridge_device.hpp"
#include "lite/cni.hpp"
#include "lite/container_store.hpp"
#include "lite/forward_policy.hpp"
#include "lite/network_config.hpp"
#include "lite/network_masquerade.hpp"
#include "lite/network_spares.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::lite {

using nlohmann::json;

namespace {

constexpr const char* kRequestFile = "/network-request.json";
constexpr const char* kStateFile = "/network-state.json";

std::string cni_dir(const Layout& l) { return l.state_root + "/cni"; }

json read_state(const std::string& dir) { return read_network_state(dir); }
void write_state(const std::string& dir, const json& state) { write_network_state(dir, state); }

std::string strip_prefix(const std::string& cidr) { return cidr.substr(0, cidr.find('/')); }

const char* kHostsHeader =
    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
    "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";

struct Peer {
    std::string id, ip, hostname, name, network;
};

std::vector<Peer> attached_peers(const Layout& l) {
    std::vector<Peer> out;
    for (const auto& r : ContainerStore(l).list()) {
        json st = read_state(l.container_dir(r.id));
        if (st.is_null()) continue;
        for (const auto& a : st.value("attachments", json::array()))
            if (!a.value("ip", "").empty())
                out.push_back({r.id, a.value("ip", ""), st.value("hostname", ""), st.value("name", ""), a.value("network", "")});
    }
    return out;
}

std::string own_names(const Peer& p) {
    std::string names = p.hostname;
    if (!p.name.empty() && p.name != p.hostname) names += " " + p.name;
    return names;
}

// A container's hosts: its own address on each network it is on and, on user-defined
// networks (not the default one, as docker), every other container there by name.
std::string hosts_text(const std::string& id, const std::vector<Peer>& all) {
    std::string text = kHostsHeader;
    for (const auto& self : all)
        if (self.id == id) text += self.ip + "\t" + own_names(self) + "\n";
    for (const auto& self : all) {
        if (self.id != id || self.network == kDefaultNetwork) continue;
        for (const auto& p : all) {
            if (p.id == id || p.network != self.network) continue;
            std::string pn = p.name;
            if (!p.hostname.empty() && p.hostname != p.name) pn += " " + p.hostname;
            text += p.ip + "\t" + pn + "\n";
        }
    }
    return text;
}

// Rewrites (in place: they are bind-mounted) the hosts files of the containers on network
// and of container `also` (which may just have left it).
void refresh_hosts(const Layout& l, const std::string& network, const std::string& also = "") {
    UniqueFd lock = lock_path(cni_dir(l) + "/hosts.lock");
    auto peers = attached_peers(l);
    std::vector<std::string> ids;
    if (!also.empty()) ids.push_back(also);
    for (const auto& p : peers)
        if (p.network == network && std::find(ids.begin(), ids.end(), p.id) == ids.end()) ids.push_back(p.id);
    for (const auto& id : ids) {
        try {
            if (fs::exists(l.container_dir(id) + kStateFile))
                fs::write_file(l.container_dir(id) + "/hosts", hosts_text(id, peers));
        } catch (const Error& e) {
            log::debug("hosts of {}: {}", id, e.what());
        }
    }
}

CniTarget target_of(const json& state, const json& a, const std::string& id) {
    return {a.value("cniContainerId", id), state.value("netns", ""), a.value("ifname", "eth0"), a.value("args", "")};
}

}  // namespace

std::string netns_path(const Layout& layout, const std::string& id) { return layout.state_root + "/netns/" + id; }

NetworkRequest make_network_request(const LiteContext& c, const RunOptions& opts, const std::string& name,
                                    const std::string& hostname, const std::vector<std::string>& exposed_ports) {
    NetworkRequest req;
    req.hostname = hostname;
    req.name = name;
    req.ip = opts.ip;
    req.ports = opts.publish_all ? publish_exposed(exposed_ports, opts.publish) : opts.publish;
    const std::string& net = opts.net;
    if (net == "none" || net == "host") {
        req.mode = net;
        if (!req.ip.empty()) throw Error("user specified IP address is supported on user defined networks only");
        if (net == "host" && !req.ports.empty()) {
            log::warn("Published ports are discarded when using host network mode");
            req.ports.clear();
        }
        if (net == "none" && !req.ports.empty()) req.ports.clear();  // docker publishes nothing either
        return req;
    }
    if (net.rfind("container:", 0) == 0) {
        req.mode = "container";
        if (!req.ports.empty()) throw Error("conflicting options: port publishing and the container type network mode");
        if (!req.ip.empty()) throw Error("conflicting options: ip and the container type network mode");
        ContainerRecord other = ContainerStore(c.layout).resolve(net.substr(10));
        if (!container_running(c, other))
            throw Error("cannot join network of a non running container: " + net.substr(10));
        req.network = other.id;
        return req;
    }
    req.mode = "cni";
    NetworkRecord n = NetworkStore(c.layout).resolve(net);
    req.network = n.name;
    if (!req.ip.empty()) {
        if (n.name == kDefaultNetwork) throw Error("user specified IP address is supported on user defined networks only");
        auto ip = parse_ipv4(req.ip);
        if (!ip) throw Error("invalid IPv4 address: " + req.ip);
        Subnet s = parse_subnet(n.subnet);
        if (!s.contains(*ip) || *ip == s.address || req.ip == n.gateway)
            throw Error("no configured subnet or ip-range contain the IP address " + req.ip);
    }
    return req;
}

void save_network_request(const std::string& dir, const NetworkRequest& req) {
    json ports = json::array();
    for (const auto& p : req.ports) ports.push_back(port_to_json(p));
    json j = {{"mode", req.mode}, {"network", req.network}, {"ip", req.ip},
              {"ports", ports},   {"hostname", req.hostname}, {"name", req.name}};
    fs::write_file_atomic(dir + kRequestFile, j.dump(2) + "\n", 0600, fs::Sync::no_fsync);
}

NetworkRequest load_network_request(const std::string& dir) {
    NetworkRequest req;
    std::string text;
    if (!fs::try_read_file(dir + kRequestFile, text)) return req;  // older containers: none
    json j = json::parse(text);
    req.mode = j.value("mode", "none");
    req.network = j.value("network", "");
    req.ip = j.value("ip", "");
    for (const auto& p : j.value("ports", json::array())) req.ports.push_back(port_from_json(p));
    req.hostname = j.value("hostname", "");
    req.name = j.value("name", "");
    return req;
}

void apply_network_request(const LiteContext& c, const NetworkRequest& req, const std::string& dir, oci::Spec& spec) {
    std::string path;
    if (req.mode == "cni") path = netns_path(c.layout, fs::base_of(dir));
    if (req.mode == "container") {
        std::string other_dir = c.layout.container_dir(req.network);
        path = netns_path(c.layout, req.network);
        if (read_state(other_dir).is_null()) {
            pid_t pid = container_pid(c, ContainerStore(c.layout).load(req.network));
            path = "/proc/" + std::to_string(pid) + "/ns/net";
        }
        for (const char* f : {"/hosts", "/hostname", "/resolv.conf"}) {
            std::string text;
            if (fs::try_read_file(other_dir + f, text)) fs::write_file(dir + f, text);
        }
    }
    if (req.mode == "cni") {
        std::string host;
        fs::try_read_file("/etc/resolv.conf", host);
        fs::write_file(dir + "/resolv.conf", bridged_resolv_conf(host));
    }
    for (auto& ns : spec.linux->namespaces)
        if (ns.type == "network") ns.path = path;
}

PendingNetwork begin_attach_network(const LiteContext& c, const std::string& id) {
    PendingNetwork pending;
    std::string dir = c.layout.container_dir(id);
    NetworkRequest req = load_network_request(dir);
    if (req.mode != "cni") return pending;
    NetworkStore networks(c.layout);
    NetworkRecord n = networks.resolve(req.network);
    std::string ns = netns_path(c.layout, id);
    if (!req.ip.empty()) release_spares(c, n.name, req.ip);  // a spare may hold the address asked for
    std::optional<json> spare;
    if (req.ip.empty() && req.ports.empty()) spare = claim_spare(c, n.name, id, ns);
    // run --rm's teardown refills (background_removal.cpp), after the command; others now
    // (or once their own ADD is done).
    bool refill = spares_wanted() > 0 && !ContainerStore(c.layout).load(id).auto_remove;
    if (spare && refill) refill_spares_in_background(c, n.name);
    if (spare) {
        write_state(dir, {{"netns", ns}, {"hostname", req.hostname}, {"name", req.name}, {"attachments", json::array({*spare})}});
        finish_claim(c, n.name, id);
        refresh_hosts(c.layout, n.name);
        return pending;
    }

    json conflist = plugins_needed(networks.conflist(n), !req.ports.empty());
    json attachment = {{"network", n.name}, {"ifname", "eth0"}, {"conflist", conflist}, {"ip", ""}};
    attachment["args"] = req.ip.empty() ? "" : "IgnoreUnknown=1;IP=" + req.ip;
    json state = {{"netns", ns}, {"hostname", req.hostname}, {"name", req.name}};
    {
        // Ports are checked and recorded under one lock, so two starts never take the same.
        UniqueFd lock = lock_path(cni_dir(c.layout) + "/ports.lock");
        std::vector<PortMapping> taken;
        for (const auto& r : ContainerStore(c.layout).list())
            if (r.id != id)
                for (const auto& e : network_endpoints(c.layout, r.id)) taken.insert(taken.end(), e.ports.begin(), e.ports.end());
        json ports = json::array(), mappings = json::array();
        for (PortMapping p : req.ports) {
            for (const auto& t : taken)
                if (p.host_port != 0 && ports_clash(p, t))
                    throw Error("driver failed programming external connectivity on endpoint " + req.name +
                                ": Bind for " + (p.host_ip.empty() ? "0.0.0.0" : p.host_ip) + ":" +
                                std::to_string(p.host_port) + " failed: port is already allocated");
            reserve_host_port(p, req.name);
            ports.push_back(port_to_json(p));
            mappings.push_back(portmap_entry(p));
        }
        attachment["ports"] = ports;
        attachment["runtimeConfig"] = {{"portMappings", mappings}};
        attachment["result"] = nullptr;
        create_netns(ns);
        state["attachments"] = json::array({attachment});
        write_state(dir, state);
    }
    int verdict[2];
    if (::pipe2(verdict, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd verdict_r(verdict[0]), verdict_w(verdict[1]);
    pid_t job = ::fork();
    if (job < 0) throw_errno("fork");
    if (job == 0) {
        verdict_r.reset();
        std::string answer = "ok";
        try {
            // lo up by our own netlink call (the loopback plugin's job, without its Go
            // start), the network's masquerade rule made sure of, then eth0 (the conflist).
            bring_up_loopback(ns);
            ensure_network_masquerade(n);
            json result = cni_add_list(conflist, target_of(state, attachment, id), attachment["runtimeConfig"]);
            attachment["result"] = result;
            if (result.contains("ips") && !result["ips"].empty())
                attachment["ip"] = strip_prefix(result["ips"][0].value("address", ""));
            state["attachments"] = json::array({attachment});
            write_state(dir, state);
            refresh_hosts(c.layout, n.name);
        } catch (const std::exception& e) {
            release_network(c, id);
            answer = "failed to set up the network of the container: " + std::string(e.what());
        }
        try {
            fs::write_all(verdict_w.get(), answer);
        } catch (const std::exception&) {
        }
        verdict_w.reset();
        if (refill) refill_spares_in_background(c, n.name);
        _exit(answer == "ok" ? 0 : 1);
    }
    pending.job = job;
    pending.verdict = std::move(verdict_r);
    return pending;
}

void finish_attach_network(PendingNetwork& p) {
    if (!p.verdict) return;
    std::string answer = fs::read_all(p.verdict.get());
    p.verdict.reset();
    if (answer != "ok")
        throw Error(answer.empty() ? "failed to set up the network of the container: the CNI job died" : answer);
}

void PendingNetwork::reap() noexcept {
    if (job <= 0) return;
    int st = 0;
    while (::waitpid(job, &st, 0) < 0 && errno == EINTR) {
    }
    job = -1;
}

void attach_network(const LiteContext& c, const std::string& id) {
    PendingNetwork p = begin_attach_network(c, id);
    finish_attach_network(p);
}

void release_network(const LiteContext& c, const std::string& id) noexcept {
    release_network_at(c, id, c.layout.container_dir(id));
}

void release_network_at(const LiteContext& c, const std::string& id, const std::string& dir) noexcept {
    try {
        json state = read_state(dir);
        NetworkRequest req = load_network_request(dir);
        if (req.mode == "cni") {  // a claim of a spare that did not end (network_spares.hpp)
            std::string held;
            if (!state.is_null() && !state.value("attachments", json::array()).empty())
                held = state["attachments"][0].value("cniContainerId", "");
            release_unfinished_claim(c, req.network, id, held);
        }
        if (state.is_null()) return;
        std::vector<std::string> networks;
        for (const auto& a : state.value("attachments", json::array())) {
            networks.push_back(a.value("network", ""));
            try {
                del_attachment(state, a, id);
            } catch (const std::exception& e) {
                log::warn("network of {}: {}", id.substr(0, 12), e.what());
            }
        }
        remove_netns(state.value("netns", netns_path(c.layout, id)));
        ::unlink((dir + kStateFile).c_str());
        for (const auto& n : networks) refresh_hosts(c.layout, n);
    } catch (const std::exception& e) {
        log::warn("network of {}: {}", id.substr(0, 12), e.what());
    }
}

void release_stale_networks(const LiteContext& c) {
    finish_interrupted_removals(c);
    release_stale_spares(c);
    ContainerStore store(c.layout);
    for (const auto& r : store.list()) {
        if (!fs::exists(store.dir(r.id) + kStateFile) || container_alive(c, r)) continue;
        try {
            UniqueFd lock = store.lock(r.id);
            if (!store.exists(r.id) || container_alive(c, store.load(r.id))) continue;
            release_network(c, r.id);
        } catch (const Error& e) {
            log::debug("network of {}: {}", r.id, e.what());  // removed meanwhile
        }
    }
}

std::vector<NetworkEndpoint> network_endpoints(const Layout& layout, const std::string& id) {
    std::vector<NetworkEndpoint> out;
    json state = read_state(layout.container_dir(id));
    if (state.is_null()) return out;
    for (const auto& a : state.value("attachments", json::array())) {
        NetworkEndpoint e{a.value("network", ""), a.value("ip", ""), {}};
        for (const auto& p : a.value("ports", json::array())) e.ports.push_back(port_from_json(p));
        out.push_back(e);
    }
    return out;
}

std::string ports_cell(const Layout& layout, const std::string& id) {
    std::string out;
    for (const auto& e : network_endpoints(layout, id))
        for (const auto& p : e.ports) out += (out.empty() ? "" : ", ") + port_text(p);
    return out;
}

void connect_network(const LiteContext& c, const ContainerRecord& r, const std::string& network, const std::string& ip) {
    ContainerStore store(c.layout);
    UniqueFd lock = store.lock(r.id);
    std::string dir = store.dir(r.id);
    json state = read_state(dir);
    if (!container_running(c, r) || state.is_null())
        throw Error("container " + r.name + " is not running on a CNI network: only those can be connected to another");
    NetworkStore networks(c.layout);
    NetworkRecord n = networks.resolve(network);
    json& attachments = state["attachments"];
    std::vector<std::string> used;
    for (const auto& a : attachments) {
        if (a.value("network", "") == n.name)
            throw Error("endpoint with name " + r.name + " already exists in network " + n.name);
        used.push_back(a.value("ifname", ""));
    }
    if (!ip.empty()) {
        auto addr = parse_ipv4(ip);
        if (!addr || !parse_subnet(n.subnet).contains(*addr) || ip == n.gateway)
            throw Error("no configured subnet or ip-range contain the IP address " + ip);
        release_spares(c, n.name, ip);  // a spare may hold it
    }
    std::string ifname;
    for (int i = 0; ifname.empty(); ++i)
        if (std::find(used.begin(), used.end(), "eth" + std::to_string(i)) == used.end()) ifname = "eth" + std::to_string(i);
    json conflist = plugins_needed(networks.conflist(n), false);
    json a = {{"network", n.name},    {"ifname", ifname},           {"conflist", conflist}, {"ip", ""},
              {"ports", json::array()}, {"runtimeConfig", json::object()}, {"result", nullptr},
              {"args", ip.empty() ? "" : "IgnoreUnknown=1;IP=" + ip}};
    attachments.push_back(a);
    write_state(dir, state);  // before ADD: a crash in the middle is undone too
    try {
        ensure_network_masquerade(n);
        json result = cni_add_list(conflist, target_of(state, a, r.id), json::object());
        attachments.back()["result"] = result;
        if (result.contains("ips") && !result["ips"].empty())
            attachments.back()["ip"] = strip_prefix(result["ips"][0].value("address", ""));
    } catch (const Error&) {
        attachments.erase(attachments.size() - 1);
        write_state(dir, state);
        throw;
    }
    write_state(dir, state);
    refresh_hosts(c.layout, n.name, r.id);
}

void disconnect_network(const LiteContext& c, const ContainerRecord& r, const std::string& network) {
    ContainerStore store(c.layout);
    UniqueFd lock = store.lock(r.id);
    std::string dir = store.dir(r.id);
    json state = read_state(dir);
    NetworkRecord n = NetworkStore(c.layout).resolve(network);
    json& attachments = state["attachments"];
    for (size_t i = 0; !state.is_null() && i < attachments.size(); ++i) {
        json a = attachments[i];
        if (a.value("network", "") != n.name) continue;
        cni_del_list(a.at("conflist"), target_of(state, a, r.id), a.value("runtimeConfig", json::object()),
                     a.value("result", json(nullptr)));
        attachments.erase(i);
        write_state(dir, state);
        refresh_hosts(c.layout, n.name, r.id);
        return;
    }
    throw Error("container " + r.id + " is not connected to network " + n.name);
}

}  // namespace wb::lite
