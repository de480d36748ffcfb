// Checks of a parsed spec beyond validate(const Spec&) (declared in oci/spec.hpp).
// All throw wb::Error naming the JSON path: "process.rlimits[1].type: duplicate RLIMIT_NOFILE".
#pragma once
#include "oci/spec.hpp"

namespace wb::oci {

// The process of `exec --process FILE` (paths relative to that document: "args").
void validate_process(const Process& process);

// linux.resources as `update -r FILE` takes it (paths relative to it: "memory.swappiness").
void validate_resources(const Resources& resources);

// What `create`/`run` need beyond a valid document: a process with at least one argument,
// and a UTS namespace when hostname or domainname is set (at most 64 bytes each). Call
// after validate().
void validate_for_create(const Spec& spec);

// How create was asked to handle the container's terminal.
struct TerminalOptions {
    bool console_socket = false;  // --console-socket was given
    bool proxy_tty = false;       // the caller stays in the foreground and may keep the terminal itself
};

// Every check `create`/`run` make before they make anything: validate(), the checks above,
// a mount namespace, sysctls only of namespaces the container has of its own, root.path
// (relative to bundle_dir) an existing directory, process.terminal matching the console
// options. Returns the rootfs path. Throws wb::Error.
std::string validate_for_create(const Spec& spec, const std::string& bundle_dir, const TerminalOptions& terminal);

// The version check of validate(): SemVer 2.0.0, major version 0 or 1. Newer 1.x minor
// versions are accepted (their new keys are ignored, as runc and crun do); 2.x is refused.
void validate_oci_version(const std::string& version);

}  // namespace wb::oci
