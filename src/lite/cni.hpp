// The CNI exec protocol (github.com/containernetworking/cni SPEC.md): a plugin is a binary
// found in CNI_PATH, run with CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS
// and CNI_PATH in its environment and its network configuration on stdin; it answers with
// a result (or an error object) as JSON on stdout. A network configuration list
// ("conflist") chains plugins: ADD runs them in order, each given the previous one's
// result as prevResult; DEL runs them in reverse, each given the result ADD returned, so it
// undoes exactly what ADD did. Plugins are started with fork+execve, never a shell.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace wb::lite {

// Where a plugin runs and on what.
struct CniTarget {
    std::string container_id;
    std::string netns;   // the path of the network namespace
    std::string ifname;  // the interface in it ("eth0", "lo")
    std::string args;    // CNI_ARGS: "K=V;K=V" (e.g. "IgnoreUnknown=1;IP=10.0.0.5")
};

// The directories searched for plugins (CNI_PATH): Debian's /usr/lib/cni, then /opt/cni/bin.
const std::vector<std::string>& cni_plugin_dirs();

// Runs one plugin of type conf["type"] with command ADD/DEL/CHECK/VERSION; returns its
// stdout parsed (null when empty). A failure throws Error with the plugin's msg/details.
nlohmann::json cni_invoke(const std::string& command, const nlohmann::json& conf, const CniTarget& target);

// The configuration one plugin of a list gets: the plugin's own object with the list's
// name and cniVersion, prevResult when given, and runtimeConfig holding the entries of
// runtime_config for which the plugin declares a capability (libcni's rule).
nlohmann::json cni_plugin_conf(const nlohmann::json& conflist, const nlohmann::json& plugin,
                               const nlohmann::json& runtime_config, const nlohmann::json& prev_result);

// ADD over the whole list; returns the last plugin's result. When a plugin fails, the
// plugins before it are undone with DEL (best effort) and the error is thrown.
nlohmann::json cni_add_list(const nlohmann::json& conflist, const CniTarget& target,
                            const nlohmann::json& runtime_config);
// DEL over the list in reverse with the result ADD returned. Every plugin is called even
// when one fails; the first error is thrown at the end.
void cni_del_list(const nlohmann::json& conflist, const CniTarget& target, const nlohmann::json& runtime_config,
                  const nlohmann::json& prev_result);
// CHECK over the list in order with the result ADD returned (CNI >= 0.4.0).
void cni_check_list(const nlohmann::json& conflist, const CniTarget& target, const nlohmann::json& runtime_config,
                    const nlohmann::json& prev_result);

}  // namespace wb::lite
