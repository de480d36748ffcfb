// Published ports (-p): parsing docker's syntax, docker's texts for ps and `port`, and
// the CNI portmap plugin's runtimeConfig entry.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace wb::lite {

struct PortMapping {
    std::string host_ip;     // "" = every address
    int host_port = 0;       // 0 = a free port, chosen at start
    int container_port = 0;
    std::string protocol = "tcp";  // tcp | udp
    bool operator==(const PortMapping&) const = default;
};

// "[IP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp]" (also "IP::CONTAINERPORT"). Throws
// Error("invalid port specification ...").
PortMapping parse_publish(const std::string& spec);

// "0.0.0.0:8080->80/tcp" (ps's PORTS column).
std::string port_text(const PortMapping& p);
// "80/tcp -> 0.0.0.0:8080" (`port NAME`).
std::string port_line(const PortMapping& p);

nlohmann::json port_to_json(const PortMapping& p);
PortMapping port_from_json(const nlohmann::json& j);
// The portmap plugin's entry: {"hostPort","containerPort","protocol","hostIP"}.
nlohmann::json portmap_entry(const PortMapping& p);

// run -P: the mappings of -p, then one to a free host port (host_port 0, all addresses) for
// each exposed port of the image ("80/tcp", "53/udp", "8080" meaning tcp) that -p does not
// publish already. Protocols other than tcp and udp are left out.
std::vector<PortMapping> publish_exposed(const std::vector<std::string>& exposed, std::vector<PortMapping> publish);

// run --expose PORT[/PROTO] or a range FIRST-LAST[/PROTO] (docker's syntax): the ports as
// "80/tcp" (protocol tcp, udp or sctp; tcp when none). Throws Error("invalid range format
// for --expose: ...") as docker.
std::vector<std::string> parse_expose(const std::string& spec);

// The container's ExposedPorts as docker keeps them: the image's, --expose's and the
// container ports -p publishes, each once, in "PORT/PROTO" form ("8080" becomes "8080/tcp").
std::vector<std::string> merge_exposed_ports(const std::vector<std::string>& image, const std::vector<std::string>& expose,
                                             const std::vector<PortMapping>& publish);

// Tries to bind the host socket a mapping needs and picks a free port for host_port 0;
// throws docker's "Error starting userland proxy: listen tcp4 ...: bind: ..." for endpoint.
void reserve_host_port(PortMapping& p, const std::string& endpoint);

// Whether two mappings want the same host socket (same protocol and port, addresses
// equal or one of them every address).
bool ports_clash(const PortMapping& a, const PortMapping& b);

}  // namespace wb::lite
