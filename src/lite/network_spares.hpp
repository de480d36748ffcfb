// Spare attachments: CNI ADD taken off the path of `run`. A spare is a fresh network
// namespace (nobody has ever run in it) on one CNI network whose ADD is already done, kept
// in STATE_ROOT/spares/<network>/<spare-id>/: the namespace bind-mounted on `netns` and a
// network-state.json of the same shape as a container's, whose attachment names the CNI
// container id of the ADD (cniContainerId: host-local keys its lease on it), so DEL undoes
// exactly that ADD whoever runs it.
//
// A start on the network with no --ip and no published port claims one by rename(2) (of
// two claimers one wins, the other takes the usual path): the spare's namespace is
// bind-mounted on the container's STATE_ROOT/netns/<id> (the path its config.json names)
// and its attachment becomes the container's. A detached refiller (setsid, holding none of
// the caller's fds, under the network's spares.lock so two never overfill) makes new ones up
// to WHALEBOX_LITE_NETWORK_SPARES per network. Off by default (0): a spare is a veth, a
// lease and a namespace held while no container runs, which docker never leaves behind,
// and back to back its refill competes with the next run (docs/whalebox-lite.md).
// The names of a network's spares directory:
//   <spare-id>            a spare, ready
//   <spare-id>.new        one being made (its refiller holds the lock)
//   <spare-id>.releasing  one being given back (its releaser holds the lock)
//   claimed-<container>   one being claimed by that container
// Anything but a ready spare with a live namespace or a claim of an existing container,
// found with the lock free, belongs to a process that died, and is given back (DEL with the
// kept result) by the next command's stale release.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "lite/lifecycle.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

// WHALEBOX_LITE_NETWORK_SPARES parsed: a count from 0 (off) to 16; unset or malformed: 0.
int spares_wanted(const char* env_value);
int spares_wanted();

enum class SpareEntry { ready, making, releasing, claimed, other };
SpareEntry spare_entry_kind(const std::string& name);

// Takes a ready spare of network for container id: on success its namespace is
// bind-mounted on netns and the spare's attachment (ip, result, cniContainerId) returned;
// the caller records it in the container's network-state.json, then calls finish_claim.
std::optional<nlohmann::json> claim_spare(const LiteContext& c, const std::string& network, const std::string& id,
                                          const std::string& netns);
// Removes what is left of the claim (the spare's own mount of the namespace).
void finish_claim(const LiteContext& c, const std::string& network, const std::string& id) noexcept;
// A container whose claim did not end (a crash between the claim and finish_claim): gives
// the spare back unless the container's record holds it (then only finish_claim).
void release_unfinished_claim(const LiteContext& c, const std::string& network, const std::string& id,
                              const std::string& held_cni_id) noexcept;

// Makes spares of network until it has spares_wanted() (waits for another refiller).
void refill_spares(const LiteContext& c, const std::string& network) noexcept;
// The same in a detached process; the caller does not wait for it.
void refill_spares_in_background(const LiteContext& c, const std::string& network) noexcept;
// Gives back every spare of network (network rm; waits for a refiller at work); with
// holding_ip, only the one holding that address (a run with --ip asking for it). Returns
// the network's spares lock: no refiller starts while the caller holds it.
UniqueFd release_spares(const LiteContext& c, const std::string& network, const std::string& holding_ip = "");
// Gives back spares whose namespace is gone (a reboot) and what dead refillers, releasers
// and claimers left behind.
void release_stale_spares(const LiteContext& c) noexcept;

// Shared with network_attach.cpp.
UniqueFd lock_path(const std::string& path, bool wait = true);
// A network namespace that outlives us, bind-mounted on path.
void create_netns(const std::string& path);
void remove_netns(const std::string& path);
// The plugins of a network's conflist a start needs (network_spares.cpp says which).
nlohmann::json plugins_needed(nlohmann::json conflist, bool publishes);
// DEL of one attachment of a network-state.json; CNI_NETNS empty when the namespace is gone.
void del_attachment(const nlohmann::json& state, const nlohmann::json& attachment, const std::string& id);
nlohmann::json read_network_state(const std::string& dir);
void write_network_state(const std::string& dir, const nlohmann::json& state);

}  // namespace wb::lite
