#include "lite/ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

using nlohmann::json;

namespace {

int parse_port(const std::string& text, const std::string& spec, bool zero_ok) {
    auto bad = [&] { return Error("invalid port specification: \"" + spec + "\""); };
    if (text.find('-') != std::string::npos) throw Error("invalid port specification: \"" + spec + "\": port ranges are not supported");
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) throw bad();
    int v = std::stoi(text);
    if (v > 65535 || (v == 0 && !zero_ok)) throw bad();
    return v;
}

}  // namespace

PortMapping parse_publish(const std::string& spec) {
    PortMapping p;
    std::string rest = spec;
    if (auto slash = rest.rfind('/'); slash != std::string::npos) {
        p.protocol = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
        if (p.protocol != "tcp" && p.protocol != "udp")
            throw Error("invalid proto: " + p.protocol + " (tcp or udp)");
    }
    std::vector<std::string> parts;
    size_t pos = 0;
    for (;;) {
        size_t colon = rest.find(':', pos);
        parts.push_back(rest.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos));
        if (colon == std::string::npos) break;
        pos = colon + 1;
    }
    if (parts.size() > 3) throw Error("invalid port specification: \"" + spec + "\" (IPv6 host addresses are not supported)");
    p.container_port = parse_port(parts.back(), spec, false);
    if (parts.size() >= 2 && !parts[parts.size() - 2].empty()) p.host_port = parse_port(parts[parts.size() - 2], spec, false);
    if (parts.size() == 3) {
        p.host_ip = parts[0];
        struct in_addr a {};
        if (::inet_pton(AF_INET, p.host_ip.c_str(), &a) != 1)
            throw Error("invalid IP address in port specification \"" + spec + "\": " + p.host_ip);
        if (p.host_ip == "0.0.0.0") p.host_ip.clear();
    }
    return p;
}

std::string port_text(const PortMapping& p) {
    return (p.host_ip.empty() ? "0.0.0.0" : p.host_ip) + ":" + std::to_string(p.host_port) + "->" +
           std::to_string(p.container_port) + "/" + p.protocol;
}

std::string port_line(const PortMapping& p) {
    return std::to_string(p.container_port) + "/" + p.protocol + " -> " + (p.host_ip.empty() ? "0.0.0.0" : p.host_ip) +
           ":" + std::to_string(p.host_port);
}

json port_to_json(const PortMapping& p) {
    return {{"hostIP", p.host_ip}, {"hostPort", p.host_port}, {"containerPort", p.container_port}, {"protocol", p.protocol}};
}

PortMapping port_from_json(const json& j) {
    PortMapping p;
    p.host_ip = j.value("hostIP", "");
    p.host_port = j.value("hostPort", 0);
    p.container_port = j.value("containerPort", 0);
    p.protocol = j.value("protocol", "tcp");
    return p;
}

json portmap_entry(const PortMapping& p) {
    json e = {{"hostPort", p.host_port}, {"containerPort", p.container_port}, {"protocol", p.protocol}};
    if (!p.host_ip.empty()) e["hostIP"] = p.host_ip;
    return e;
}

std::vector<PortMapping> publish_exposed(const std::vector<std::string>& exposed, std::vector<PortMapping> publish) {
    for (const auto& spec : exposed) {
        PortMapping p;
        auto slash = spec.find('/');
        p.protocol = slash == std::string::npos ? "tcp" : spec.substr(slash + 1);
        std::string number = spec.substr(0, slash);
        if ((p.protocol != "tcp" && p.protocol != "udp") || number.empty() || number.size() > 5 ||
            number.find_first_not_of("0123456789") != std::string::npos)
            continue;
        p.container_port = std::stoi(number);
        if (p.container_port < 1 || p.container_port > 65535) continue;
        bool published = false;
        for (const auto& q : publish)
            if (q.container_port == p.container_port && q.protocol == p.protocol) published = true;
        if (!published) publish.push_back(p);
    }
    return publish;
}

std::vector<std::string> parse_expose(const std::string& spec) {
    auto bad = [&] { return Error("invalid range format for --expose: " + spec); };
    auto slash = spec.find('/');
    std::string proto = slash == std::string::npos ? "tcp" : spec.substr(slash + 1);
    std::string range = spec.substr(0, slash);
    if (proto != "tcp" && proto != "udp" && proto != "sctp") throw Error("invalid proto: " + proto);
    auto number = [&](const std::string& s) {
        if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos) throw bad();
        int n = std::stoi(s);
        if (n < 1 || n > 65535) throw bad();
        return n;
    };
    auto dash = range.find('-');
    int first = number(range.substr(0, dash));
    int last = dash == std::string::npos ? first : number(range.substr(dash + 1));
    if (last < first) throw bad();
    std::vector<std::string> out;
    for (int port = first; port <= last; ++port) out.push_back(std::to_string(port) + "/" + proto);
    return out;
}

std::vector<std::string> merge_exposed_ports(const std::vector<std::string>& image, const std::vector<std::string>& expose,
                                             const std::vector<PortMapping>& publish) {
    std::vector<std::string> out;
    auto add = [&](std::string port) {
        if (port.find('/') == std::string::npos) port += "/tcp";
        if (std::find(out.begin(), out.end(), port) == out.end()) out.push_back(port);
    };
    for (const auto& p : image) add(p);
    for (const auto& p : expose) add(p);
    for (const auto& p : publish) add(std::to_string(p.container_port) + "/" + p.protocol);
    return out;
}

void reserve_host_port(PortMapping& p, const std::string& endpoint) {
    int type = p.protocol == "udp" ? SOCK_DGRAM : SOCK_STREAM;
    UniqueFd s(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
    if (!s) throw_errno("socket");
    struct sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(p.host_port));
    if (!p.host_ip.empty() && ::inet_pton(AF_INET, p.host_ip.c_str(), &a.sin_addr) != 1)
        throw Error("invalid host IP " + p.host_ip);
    if (::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) {
        // Go's words, as docker prints them: "address already in use".
        std::string why = std::strerror(errno);
        if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
        std::string where = (p.host_ip.empty() ? "0.0.0.0" : p.host_ip) + ":" + std::to_string(p.host_port);
        throw Error("driver failed programming external connectivity on endpoint " + endpoint +
                    ": Error starting userland proxy: listen " + p.protocol + "4 " + where + ": bind: " + why);
    }
    socklen_t len = sizeof a;
    ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &len);
    p.host_port = ntohs(a.sin_port);
}

bool ports_clash(const PortMapping& a, const PortMapping& b) {
    return a.protocol == b.protocol && a.host_port == b.host_port &&
           (a.host_ip.empty() || b.host_ip.empty() || a.host_ip == b.host_ip);
}

}  // namespace wb::lite
