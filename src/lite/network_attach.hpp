// A container's place on the network. `run` turns --network/--ip/-p into a request kept in
// the container directory (network-request.json). Each start of a container on a CNI
// network makes its network namespace — a bind mount of an nsfs file at
// STATE_ROOT/netns/<id>, the path config.json names, so the runtime joins it — brings lo
// up (own netlink call), makes sure of the network's masquerade rule
// (network_masquerade.hpp), runs the network's conflist with ADD and keeps what ADD returned in
// network-state.json (written before ADD, so a crash mid-way is still undone). Its end
// (record_exit, rm, rm -f, or the next command finding a container whose monitor died)
// runs DEL with that very result, then unmounts the namespace. Peers on a user-defined
// network find each other by name through /etc/hosts, rewritten in place.
// With spare attachments on (WHALEBOX_LITE_NETWORK_SPARES, off by default) and no --ip
// and no published port, a start first takes a spare attachment of the network
// (network_spares.hpp: a fresh namespace whose ADD was done ahead of time by a
// detached refiller or run --rm's teardown): its namespace is bind-mounted on the
// container's path and its attachment, with the CNI container id its ADD used (DEL uses
// it), becomes the container's; no ADD runs on the command's path.
#pragma once
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "lite/lifecycle.hpp"
#include "lite/ports.hpp"
#include "lite/run_options.hpp"
#include "oci/spec.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

struct NetworkRequest {
    std::string mode = "none";  // cni | none | host | container
    std::string network;        // cni: the network's name; container: the other container's id
    std::string ip;             // --ip
    std::vector<PortMapping> ports;
    std::string hostname;
    std::string name;
};

// The live side of one container on one network.
struct NetworkEndpoint {
    std::string network;
    std::string ip;  // without the prefix length
    std::vector<PortMapping> ports;
};

// STATE_ROOT/netns/<id>.
std::string netns_path(const Layout& layout, const std::string& id);

// Resolves run's flags: the network must exist (the default one is made when needed),
// container:NAME must be running, --ip only on user-defined networks and inside their
// subnet. Throws Error with docker's messages.
// -P publishes exposed_ports (the image's ExposedPorts) too.
NetworkRequest make_network_request(const LiteContext& c, const RunOptions& opts, const std::string& name,
                                    const std::string& hostname, const std::vector<std::string>& exposed_ports);
void save_network_request(const std::string& container_dir, const NetworkRequest& req);
NetworkRequest load_network_request(const std::string& container_dir);

// Points the spec's network namespace at the container's netns (cni), the other
// container's (container:), or leaves the runtime's new one (none) / none at all (host);
// for container: copies the other container's hosts, hostname and resolv.conf.
void apply_network_request(const LiteContext& c, const NetworkRequest& req, const std::string& container_dir,
                           oci::Spec& spec);

// A network being set up beside the container's create (the container's init waits on its
// exec fifo meanwhile, so its namespace can be filled in parallel): a child process brings
// lo up, makes sure of the masquerade rule, runs CNI ADD and writes its verdict into a pipe.
struct PendingNetwork {
    pid_t job = -1;    // the child; reaped by the destructor
    UniqueFd verdict;  // "ok" or the error; none outside the cni mode
    PendingNetwork() = default;
    PendingNetwork(PendingNetwork&& o) noexcept : job(std::exchange(o.job, -1)), verdict(std::move(o.verdict)) {}
    PendingNetwork& operator=(PendingNetwork&& o) noexcept {
        reap();
        job = std::exchange(o.job, -1);
        verdict = std::move(o.verdict);
        return *this;
    }
    ~PendingNetwork() { reap(); }
    // Waits for the job to end (before anything may undo what it does).
    void reap() noexcept;
};
// Checks and reserves the ports, makes the netns, records the attachment (so it is undone
// even if we crash) and starts the job. Throws (docker's messages) before any job starts.
PendingNetwork begin_attach_network(const LiteContext& c, const std::string& id);
// Waits for the job's verdict (a process forked after begin may wait too); throws Error
// when ADD failed (the job has undone it already).
void finish_attach_network(PendingNetwork& p);
// Both in one (no-op outside the cni mode).
void attach_network(const LiteContext& c, const std::string& id);
// Runs CNI DEL with the kept result and removes the netns; no-op when not attached.
// Never throws: failures are logged.
void release_network(const LiteContext& c, const std::string& id) noexcept;
// The same for a container whose directory is dir (one being removed: ID.removing).
void release_network_at(const LiteContext& c, const std::string& id, const std::string& dir) noexcept;
// Releases the network of every container that is no longer alive (its monitor died, or
// the machine rebooted) but still holds one.
void release_stale_networks(const LiteContext& c);

// network connect: a running container on a CNI network gets one more interface (eth1,
// ...) on network, by CNI ADD into its netns; disconnect runs DEL with the kept result.
// Both last until the container stops (a start attaches only the network of `run`).
void connect_network(const LiteContext& c, const ContainerRecord& r, const std::string& network, const std::string& ip);
void disconnect_network(const LiteContext& c, const ContainerRecord& r, const std::string& network);

// What a running container holds now (empty when it is not attached).
std::vector<NetworkEndpoint> network_endpoints(const Layout& layout, const std::string& id);
// ps's PORTS cell: "0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp".
std::string ports_cell(const Layout& layout, const std::string& id);

}  // namespace wb::lite
