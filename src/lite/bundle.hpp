// Image config + run flags -> the container's oci::Spec (its bundle's config.json), and
// the files docker's init layer provides (/etc/hosts, /etc/hostname, /etc/resolv.conf).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "lite/image_store.hpp"
#include "lite/run_options.hpp"
#include "oci/spec.hpp"

namespace wb::lite {

struct ResolvedUser {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::vector<uint32_t> additional_gids;
};

// Where the pieces of one container live.
struct BundlePaths {
    std::string id;
    std::string container_dir;  // holds hosts, hostname, resolv.conf
    std::string rootfs;         // the merged overlay
};

// The process args: Entrypoint + (CMD... or the image's Cmd).
std::vector<std::string> container_args(const ImageConfig& image, const RunOptions& opts);
// Image Env, then --env-file/-e; HOSTNAME first, PATH when missing, TERM with a tty.
std::vector<std::string> container_env(const ImageConfig& image, const RunOptions& opts, const std::string& hostname);
// -h, else the host's name with --net host, else the first 12 characters of the id.
std::string container_hostname(const RunOptions& opts, const std::string& id);

// "uid[:gid]" or "name[:group]" (names looked up in the rootfs's /etc/passwd and
// /etc/group, read without leaving the rootfs). Empty = root.
ResolvedUser resolve_user(const std::string& user, const std::string& rootfs);
// The same over passwd/group texts (for tests).
ResolvedUser resolve_user_in(const std::string& user, const std::string& passwd, const std::string& group);

// Looks the command up in the rootfs (PATH from env) as the init will, so that a missing
// command is reported before the runtime is involved: throws ExitError 127 ("executable
// file not found in $PATH") or 126 (not executable).
void check_executable(const std::string& rootfs, const std::string& name, const std::vector<std::string>& env);

// docker's default capability set.
std::vector<std::string> default_capabilities();

// The whole spec. cgroupsPath is "whalebox-lite/<id>".
oci::Spec build_spec(const ImageConfig& image, const RunOptions& opts, const BundlePaths& paths,
                     const ResolvedUser& user);

// Writes hosts, hostname and resolv.conf into the container directory.
void write_etc_files(const std::string& container_dir, const std::string& hostname, const std::string& net);

}  // namespace wb::lite
