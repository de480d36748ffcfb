// network create/ls/inspect/rm and port.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "lite/background_removal.hpp"
#include "lite/bridge_device.hpp"
#include "lite/container_store.hpp"
#include "lite/format.hpp"
#include "lite/network_attach.hpp"
#include "lite/network_spares.hpp"
#include "lite/network_cli.hpp"
#include "lite/network_config.hpp"
#include "lite/network_masquerade.hpp"
#include "lite/table.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {

using nlohmann::json;

namespace {

// The containers attached to network now: id -> endpoint.
std::vector<std::pair<ContainerRecord, NetworkEndpoint>> endpoints_on(const LiteContext& c, const std::string& network) {
    std::vector<std::pair<ContainerRecord, NetworkEndpoint>> out;
    for (const auto& r : ContainerStore(c.layout).list())
        for (const auto& e : network_endpoints(c.layout, r.id))
            if (e.network == network) out.emplace_back(r, e);
    return out;
}

int cmd_network_create(const LiteContext& c, const NetworkCreateOptions& opts) {
    c.layout.ensure();
    NetworkStore store(c.layout);
    NetworkRecord n = store.create(opts);
    try {
        ensure_network_masquerade(n);
    } catch (const Error&) {
        store.remove(n);
        throw;
    }
    std::cout << n.id << "\n";
    return 0;
}

int cmd_network_ls(const LiteContext& c, bool quiet, const std::string& format) {
    c.layout.ensure();
    release_stale_networks(c);
    std::vector<json> objects;
    for (const auto& n : NetworkStore(c.layout).list()) {
        if (quiet) {
            std::cout << n.id.substr(0, 12) << "\n";
            continue;
        }
        objects.push_back({{"ID", n.id.substr(0, 12)}, {"Name", n.name}, {"Driver", n.driver}, {"Scope", "local"},
                           {"Subnet", n.subnet}, {"Gateway", n.gateway}});
    }
    if (quiet) return 0;
    const std::string table = "{{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Subnet}}\t{{.Gateway}}";
    std::cout << format_list(format.empty() ? "table " + table : format, objects, {{"ID", "NETWORK ID"}}, table);
    return 0;
}

int cmd_network_inspect(const LiteContext& c, const std::vector<std::string>& refs) {
    c.layout.ensure();
    release_stale_networks(c);
    NetworkStore store(c.layout);
    json out = json::array();
    for (const auto& ref : refs) {
        NetworkRecord n = store.resolve(ref);
        json containers = json::object();
        for (const auto& [r, e] : endpoints_on(c, n.name)) {
            json ports = json::array();
            for (const auto& p : e.ports) ports.push_back(port_line(p));
            containers[r.id] = {{"Name", r.name}, {"IPv4Address", e.ip + "/" + n.subnet.substr(n.subnet.find('/') + 1)},
                                {"Ports", ports}};
        }
        out.push_back({{"Name", n.name},
                       {"Id", n.id},
                       {"Created", n.created},
                       {"Driver", n.driver},
                       {"IPAM", {{"Driver", "host-local"}, {"Config", json::array({{{"Subnet", n.subnet}, {"Gateway", n.gateway}}})}}},
                       {"Containers", containers},
                       {"Options", {{"bridge", n.bridge}}},
                       {"ConfigFile", store.conflist_path(n.name)}});
    }
    std::cout << out.dump(4) << "\n";
    return 0;
}

int cmd_network_rm(const LiteContext& c, const std::vector<std::string>& refs) {
    c.layout.ensure();
    finish_interrupted_removals(c, true);  // a run --rm's DEL still under way ends first
    release_stale_networks(c);
    NetworkStore store(c.layout);
    int rc = 0;
    for (const auto& ref : refs) {
        try {
            if (ref == "host" || ref == "none" || ref == kDefaultNetwork)
                throw Error(ref + " is a pre-defined network and cannot be removed");
            NetworkRecord n = store.resolve(ref);
            if (n.name == kDefaultNetwork) throw Error(n.name + " is a pre-defined network and cannot be removed");
            if (!endpoints_on(c, n.name).empty())
                throw Error("error while removing network: network " + n.name + " id " + n.id + " has active endpoints");
            UniqueFd spares = release_spares(c, n.name);  // no refiller starts until it is gone
            // The bridge and the network's masquerade rule go with the network (CNI's DEL
            // leaves the bridge; docker removes both too). Port and firewall rules were each
            // container's, gone with it.
            if (network_masquerade_present(n)) remove_network_masquerade(n);
            delete_bridge_device(n.bridge);
            store.remove(n);
            fs::remove_all(store.ipam_dir() + "/" + n.name);
            std::cout << ref << "\n";
        } catch (const Error& e) {
            std::cerr << "Error: " << e.what() << "\n";
            rc = 1;
        }
    }
    return rc;
}

int cmd_network_connect(const LiteContext& c, const std::string& network, const std::string& ref, const std::string& ip) {
    release_stale_networks(c);
    connect_network(c, ContainerStore(c.layout).resolve(ref), network, ip);
    return 0;
}

int cmd_network_disconnect(const LiteContext& c, const std::string& network, const std::string& ref) {
    disconnect_network(c, ContainerStore(c.layout).resolve(ref), network);
    return 0;
}

int cmd_port(const LiteContext& c, const std::string& ref, const std::string& which) {
    ContainerRecord r = ContainerStore(c.layout).resolve(ref);
    bool any = false;
    for (const auto& e : network_endpoints(c.layout, r.id))
        for (const auto& p : e.ports) {
            std::string key = std::to_string(p.container_port) + "/" + p.protocol;
            if (which.empty()) {
                std::cout << port_line(p) << "\n";
            } else if (which == key || which == std::to_string(p.container_port)) {
                std::cout << (p.host_ip.empty() ? "0.0.0.0" : p.host_ip) << ":" << p.host_port << "\n";
                any = true;
            }
        }
    if (!which.empty() && !any) throw Error("No public port '" + (which.find('/') == std::string::npos ? which + "/tcp" : which) +
                                            "' published for " + ref);
    return 0;
}

}  // namespace

void add_network_commands(CLI::App& app, std::function<int()>& action, LiteContext& ctx) {
    // The values the callbacks read live as long as the program (main's app does).
    struct Values {
        NetworkCreateOptions create;
        std::vector<std::string> refs;
        bool quiet = false;
        std::string ref, which, network, ip, format;
    };
    static Values v;
    auto* network = app.add_subcommand("network", "Manage networks (CNI bridge networks)");
    network->require_subcommand(1);
    auto* create = network->add_subcommand("create", "Create a network");
    create->add_option("-d,--driver", v.create.driver, "Driver (bridge)")->capture_default_str();
    create->add_option("--subnet", v.create.subnet, "Subnet in CIDR format (IPv4)");
    create->add_option("--gateway", v.create.gateway, "IPv4 gateway of the subnet");
    create->add_option("name", v.create.name, "Network name")->required();
    create->callback([&] { action = [&] { return cmd_network_create(ctx, v.create); }; });

    auto* ls = network->add_subcommand("ls", "List networks");
    ls->alias("list");
    ls->add_flag("-q,--quiet", v.quiet, "Only display network IDs");
    ls->add_option("--format", v.format, "Format output using a Go template ({{.Name}}, table, json)");
    ls->callback([&] { action = [&] { return cmd_network_ls(ctx, v.quiet, v.format); }; });

    auto* inspect = network->add_subcommand("inspect", "Display detailed information on networks");
    inspect->add_option("network", v.refs, "Network names or ids")->required();
    inspect->callback([&] { action = [&] { return cmd_network_inspect(ctx, v.refs); }; });

    auto* rm = network->add_subcommand("rm", "Remove networks (refused while containers use them)");
    rm->alias("remove");
    rm->add_option("network", v.refs, "Network names or ids")->required();
    rm->callback([&] { action = [&] { return cmd_network_rm(ctx, v.refs); }; });

    auto* connect = network->add_subcommand("connect", "Connect a running container to a network (one more interface)");
    connect->add_option("--ip", v.ip, "IPv4 address");
    connect->add_option("network", v.network, "Network name or id")->required();
    connect->add_option("container", v.ref, "Container name or id")->required();
    connect->callback([&] { action = [&] { return cmd_network_connect(ctx, v.network, v.ref, v.ip); }; });

    auto* disconnect = network->add_subcommand("disconnect", "Disconnect a container from a network");
    disconnect->add_option("network", v.network, "Network name or id")->required();
    disconnect->add_option("container", v.ref, "Container name or id")->required();
    disconnect->callback([&] { action = [&] { return cmd_network_disconnect(ctx, v.network, v.ref); }; });

    auto* port = app.add_subcommand("port", "List port mappings of a container");
    port->add_option("container", v.ref, "Container name or id")->required();
    port->add_option("port", v.which, "PORT[/PROTO]");
    port->callback([&] { action = [&] { return cmd_port(ctx, v.ref, v.which); }; });
}

}  // namespace wb::lite
