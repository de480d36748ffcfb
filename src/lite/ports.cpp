#include "lite/ports.hpp"

#include <arpa/inet.h>

#include "util/error.hpp"

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

bool ports_clash(const PortMapping& a, const PortMapping& b) {
    return a.protocol == b.protocol && a.host_port == b.host_port &&
           (a.host_ip.empty() || b.host_ip.empty() || a.host_ip == b.host_ip);
}

}  // namespace wb::lite
