#include "lite/network_config.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

using nlohmann::json;

namespace {

uint32_t mask_of(int prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

void check_network_name(const std::string& name) {
    bool ok = !name.empty() && std::isalnum(static_cast<unsigned char>(name[0])) && name.size() <= 64;
    for (char ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '.' && ch != '-') ok = false;
    if (!ok) throw Error("invalid network name \"" + name + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
}

UniqueFd lock_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) throw_errno("open " + path);
    while (::flock(fd.get(), LOCK_EX) < 0)
        if (errno != EINTR) throw_errno("lock " + path);
    return fd;
}

}  // namespace

bool Subnet::contains(uint32_t ip) const { return (ip & mask_of(prefix)) == address; }

bool Subnet::overlaps(const Subnet& o) const {
    int p = std::min(prefix, o.prefix);
    return (address & mask_of(p)) == (o.address & mask_of(p));
}

std::string Subnet::to_string() const { return format_ipv4(address) + "/" + std::to_string(prefix); }

std::optional<uint32_t> parse_ipv4(const std::string& text) {
    struct in_addr a {};
    if (::inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
    return ntohl(a.s_addr);
}

std::string format_ipv4(uint32_t ip) {
    struct in_addr a {};
    a.s_addr = htonl(ip);
    char buf[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

Subnet parse_subnet(const std::string& text) {
    auto bad = [&](const std::string& why) { return Error("invalid subnet " + text + ": " + why); };
    size_t slash = text.find('/');
    if (slash == std::string::npos) throw bad("expected an IPv4 CIDR such as 172.20.0.0/16");
    auto ip = parse_ipv4(text.substr(0, slash));
    if (!ip) throw bad("not an IPv4 address (IPv6 is not supported)");
    std::string bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 2 || bits.find_first_not_of("0123456789") != std::string::npos)
        throw bad("bad prefix length");
    int prefix = std::stoi(bits);
    if (prefix > 30 || prefix < 8) throw bad("the prefix length must be between 8 and 30");
    Subnet s{*ip & mask_of(prefix), prefix};
    if (s.address != *ip) throw bad("it should be " + s.to_string());
    return s;
}

json network_to_json(const NetworkRecord& n) {
    return {{"name", n.name},     {"id", n.id},         {"driver", n.driver}, {"subnet", n.subnet},
            {"gateway", n.gateway}, {"bridge", n.bridge}, {"created", n.created}};
}

NetworkRecord network_from_json(const json& j) {
    NetworkRecord n;
    n.name = j.at("name").get<std::string>();
    n.id = j.at("id").get<std::string>();
    n.driver = j.value("driver", "bridge");
    n.subnet = j.at("subnet").get<std::string>();
    n.gateway = j.at("gateway").get<std::string>();
    n.bridge = j.at("bridge").get<std::string>();
    n.created = j.value("created", "");
    return n;
}

json network_conflist(const NetworkRecord& n, const std::string& ipam_dir) {
    json ipam = {{"type", "host-local"},
                 {"ranges", json::array({json::array({{{"subnet", n.subnet}, {"gateway", n.gateway}}})})},
                 {"routes", json::array({{{"dst", "0.0.0.0/0"}}})},
                 {"dataDir", ipam_dir}};
    json bridge = {{"type", "bridge"},     {"bridge", n.bridge}, {"isGateway", true},
                   {"ipMasq", false},      {"hairpinMode", true}, {"ipam", ipam}};
    return {{"cniVersion", "1.0.0"},
            {"name", n.name},
            {"plugins", json::array({bridge,
                                     {{"type", "portmap"}, {"capabilities", {{"portMappings", true}}}},
                                     {{"type", "firewall"}, {"backend", "iptables"}}})}};
}

std::string bridged_resolv_conf(const std::string& host) {
    std::string out;
    bool has_ns = false;
    size_t pos = 0;
    while (pos < host.size()) {
        size_t nl = host.find('\n', pos);
        std::string line = host.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? host.size() : nl + 1;
        if (line.rfind("nameserver", 0) == 0) {
            std::string addr = line.substr(10);
            addr.erase(0, addr.find_first_not_of(" \t"));
            if (addr.rfind("127.", 0) == 0 || addr == "::1") continue;
            has_ns = true;
        }
        out += line + "\n";
    }
    if (!has_ns) out += "nameserver 8.8.8.8\nnameserver 8.8.4.4\n";
    return out;
}

std::vector<NetworkRecord> NetworkStore::list_files() const {
    std::vector<NetworkRecord> out;
    DIR* d = ::opendir(dir().c_str());
    if (!d) return out;
    while (struct dirent* e = ::readdir(d)) {
        std::string f = e->d_name;
        if (f.size() < 6 || f.compare(f.size() - 5, 5, ".json") != 0) continue;
        std::string text;
        if (!fs::try_read_file(dir() + "/" + f, text)) continue;
        try {
            out.push_back(network_from_json(json::parse(text)));
        } catch (const std::exception&) {
        }
    }
    ::closedir(d);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

std::vector<NetworkRecord> NetworkStore::list() const {
    ensure_default();
    return list_files();
}

NetworkRecord NetworkStore::resolve(const std::string& ref) const {
    if (ref == kDefaultNetwork) ensure_default();
    auto all = list_files();
    for (const auto& n : all)
        if (n.name == ref || n.id == ref) return n;
    std::optional<NetworkRecord> match;
    for (const auto& n : all)
        if (!ref.empty() && n.id.compare(0, ref.size(), ref) == 0) {
            if (match) throw Error("network " + ref + " is ambiguous (more than one network id starts with it)");
            match = n;
        }
    if (!match) throw Error("network " + ref + " not found");
    return *match;
}

json NetworkStore::conflist(const NetworkRecord& n) const { return json::parse(fs::read_file(conflist_path(n.name))); }

NetworkRecord NetworkStore::create_locked(const NetworkCreateOptions& opts, const std::vector<NetworkRecord>& existing) const {
    if (opts.driver != "bridge") throw Error("plugin \"" + opts.driver + "\" not found (only the bridge driver is supported)");
    check_network_name(opts.name);
    if (opts.name == "host" || opts.name == "none")
        throw Error("network with name " + opts.name + " already exists (it is pre-defined)");
    for (const auto& n : existing)
        if (n.name == opts.name) throw Error("network with name " + opts.name + " already exists");
    auto overlapping = [&](const Subnet& s) -> const NetworkRecord* {
        for (const auto& n : existing)
            if (parse_subnet(n.subnet).overlaps(s)) return &n;
        return nullptr;
    };
    Subnet subnet;
    if (!opts.subnet.empty()) {
        subnet = parse_subnet(opts.subnet);
        if (const NetworkRecord* other = overlapping(subnet))
            throw Error("Pool overlaps with other one on this address space: " + subnet.to_string() +
                        " overlaps network " + other->name + " (" + other->subnet + ")");
    } else {
        if (!opts.gateway.empty()) throw Error("--gateway needs --subnet");
        std::vector<Subnet> candidates;
        for (uint32_t b = 18; b <= 31; ++b) candidates.push_back({(172u << 24) | (b << 16), 16});
        for (uint32_t c = 0; c < 256; c += 16) candidates.push_back({(192u << 24) | (168u << 16) | (c << 8), 20});
        auto it = std::find_if(candidates.begin(), candidates.end(), [&](const Subnet& s) { return !overlapping(s); });
        if (it == candidates.end()) throw Error("could not find an available, non-overlapping IPv4 address pool");
        subnet = *it;
    }
    uint32_t gateway = subnet.address + 1;
    if (!opts.gateway.empty()) {
        auto gw = parse_ipv4(opts.gateway);
        if (!gw) throw Error("invalid gateway " + opts.gateway + ": not an IPv4 address");
        uint32_t broadcast = subnet.address | ~mask_of(subnet.prefix);
        if (!subnet.contains(*gw) || *gw == subnet.address || *gw == broadcast)
            throw Error("no matching subnet for gateway " + opts.gateway + " (subnet " + subnet.to_string() + ")");
        gateway = *gw;
    }
    NetworkRecord n;
    n.name = opts.name;
    n.id = random_hex_id();
    n.driver = "bridge";
    n.subnet = subnet.to_string();
    n.gateway = format_ipv4(gateway);
    n.bridge = n.name == kDefaultNetwork ? "wblite0" : "wbl-" + n.id.substr(0, 11);
    n.created = now_rfc3339();
    fs::write_file_atomic(conflist_path(n.name), network_conflist(n, ipam_dir()).dump(2) + "\n", 0644,
                          fs::Sync::no_fsync);
    fs::write_file_atomic(dir() + "/" + n.name + ".json", network_to_json(n).dump(2) + "\n", 0644, fs::Sync::no_fsync);
    return n;
}

NetworkRecord NetworkStore::create(const NetworkCreateOptions& opts) const {
    if (opts.name == kDefaultNetwork) throw Error("network with name bridge already exists (it is pre-defined)");
    ensure_default();
    UniqueFd lock = lock_file(dir() + "/.lock");
    return create_locked(opts, list_files());
}

void NetworkStore::remove(const NetworkRecord& n) const {
    UniqueFd lock = lock_file(dir() + "/.lock");
    ::unlink(conflist_path(n.name).c_str());
    ::unlink((dir() + "/" + n.name + ".json").c_str());
}

void NetworkStore::ensure_default() const {
    if (fs::exists(dir() + "/" + kDefaultNetwork + ".json")) return;
    fs::mkdir_all(dir(), 0700);
    UniqueFd lock = lock_file(dir() + "/.lock");
    auto existing = list_files();
    for (const auto& n : existing)
        if (n.name == kDefaultNetwork) return;
    create_locked({kDefaultNetwork, "bridge", "172.17.0.0/16", "172.17.0.1"}, existing);
}

}  // namespace wb::lite
