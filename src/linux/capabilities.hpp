// Process capabilities (capabilities(7)) for the container init and `exec`: names from
// libcap, the kernel calls (prctl PR_CAPBSET_*, PR_CAP_AMBIENT, capget/capset) through
// linux::sys().
//
// Names follow runc: "CAP_" + the upper-case libcap name, matched exactly. A name the
// host does not know (libcap or kernel) is skipped with one warning for the whole config,
// worded as runc's: `ignoring unknown or unavailable capabilities: [CAP_FOO CAP_BAR]`.
//
// Order in the init (as runc's finalizeNamespace):
//   auto sets = resolve_capabilities(process.capabilities.value_or(oci::Capabilities{}));
//   drop_bounding_set(sets);   // still uid 0 with CAP_SETPCAP
//   switch_user(process.user); // identity.hpp, keeps permitted caps across setresuid
//   apply_capabilities(sets);  // capset E/P/I, then ambient
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/spec.hpp"

namespace wb::linux {

// Capability number for "CAP_SYS_ADMIN" (prefix required, exact case), nullopt when the
// name is unknown to this kernel or to libcap.
std::optional<int> capability_from_name(std::string_view name);

// "CAP_SYS_ADMIN" for 21; nullopt for a number this host does not know.
std::optional<std::string> capability_name(int cap);

// Every capability this host knows ("CAP_..."), sorted by number. Used by `features`.
std::vector<std::string> known_capability_names();

// Highest capability number the running kernel supports (/proc/sys/kernel/cap_last_cap).
int last_capability();

// The five sets as bit masks (bit N = capability N). A missing list in the config is an
// empty set, as in runc (a config without `capabilities` ends with no capabilities at
// all); has_* only record whether the key was present.
struct CapabilitySets {
    uint64_t bounding = 0;
    uint64_t effective = 0;
    uint64_t permitted = 0;
    uint64_t inheritable = 0;
    uint64_t ambient = 0;
    bool has_bounding = false;
    bool has_effective = false;
    bool has_permitted = false;
    bool has_inheritable = false;
    bool has_ambient = false;
};

// Resolves names to masks; unknown names are skipped with one warning (see above).
CapabilitySets resolve_capabilities(const oci::Capabilities& caps);

// Step 1, before switching uid: drops from the bounding set every capability not in
// sets.bounding. Throws wb::Error ("drop CAP_SYS_ADMIN from bounding set: ...").
void drop_bounding_set(const CapabilitySets& sets);

// Step 3, after switch_user(): sets effective/permitted/inheritable with capset(2), then
// clears the ambient set and raises sets.ambient. Capabilities the process cannot be
// granted (not in its permitted set, e.g. a host without CAP_SYS_MODULE) are warned about
// and left out, as the spec asks; other failures throw wb::Error.
void apply_capabilities(const CapabilitySets& sets);

// "[CAP_CHOWN CAP_KILL]": the masks' names, as runc prints a list.
std::string capability_list(uint64_t mask);

}  // namespace wb::linux
