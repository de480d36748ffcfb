// OCI hooks: each runs with the container's state JSON on stdin, its args and env, and an
// optional timeout. Run by the runtime (prestart, createRuntime, poststart, poststop) and
// by the init inside the container (createContainer, startContainer).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "state/oci_state.hpp"

namespace wb::process {

// What a hook gets that its entry does not say, as runc gives it:
//  - env: a hook without `env` (or with an empty one) gets this; nullopt means the
//    runtime's own environment (runc's exec.Cmd with a nil Env). The hooks run in the
//    container get the process's environment instead (createContainer, startContainer).
//  - cwd: the working directory; empty keeps ours (createContainer: the rootfs, as runc).
struct HookDefaults {
    std::optional<std::vector<std::string>> env;
    std::string cwd;
};

// Runs the hooks in order; the first failure throws wb::Error
// ("error running prestart hook #0: exit status 1, output: ...").
void run_hooks(const std::vector<oci::Hook>& hooks, const state::OciState& state, const char* stage,
               const HookDefaults& defaults = {});

// As run_hooks, but a failure is logged as a warning and the next hook still runs
// (poststart and poststop, as the spec says).
void run_hooks_warn(const std::vector<oci::Hook>& hooks, const state::OciState& state, const char* stage);

}  // namespace wb::process
