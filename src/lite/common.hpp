// Shared pieces of whalebox-lite: where state lives, time formatting, ids and names, and
// a recursive delete that never crosses into another file system.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "util/time.hpp"

namespace wb::lite {

// whalebox-lite's exit codes, as docker's: its own failures are 125.
inline constexpr int kExitLiteError = 125;
inline constexpr int kExitCannotInvoke = 126;
inline constexpr int kExitNotFound = 127;

// The layout under --root:
//   images/<hex>.json            image records (hex of the image id)
//   layers/sha256/<hex>/         unpacked layers, whiteouts in overlayfs form
//   containers/<id>/             container.json, config.json, upper/ work/ merged/,
//                                hosts hostname resolv.conf, container.log
//   tmp/                         scratch for imports and commits
struct Layout {
    std::string root;        // --root
    std::string state_root;  // --state-root: the runtime's state (runtime::Context::root)

    std::string images_dir() const { return root + "/images"; }
    std::string layers_dir() const { return root + "/layers/sha256"; }
    std::string layer_dir(const std::string& digest) const;  // digest "sha256:<hex>"
    std::string containers_dir() const { return root + "/containers"; }
    std::string container_dir(const std::string& id) const { return containers_dir() + "/" + id; }
    std::string tmp_dir() const { return root + "/tmp"; }
    // Creates the directories above (0700 for the root).
    void ensure() const;
};

// RFC 3339 timestamps: util/time.hpp (wb::now_rfc3339, format_rfc3339, parse_rfc3339).

// docker's units.HumanDuration: "Less than a second", "5 seconds", "About a minute", ...
std::string human_duration(int64_t seconds);
// docker's units.HumanSize (decimal, 3 significant digits): "4.26MB".
std::string human_size(uint64_t bytes);

// 64 random hex characters (a container id).
std::string random_hex_id();
// A random docker-like name: "adjective_surname".
std::string random_name();

// "sha256:<64 hex>" -> "<64 hex>"; throws Error for anything else.
std::string digest_hex(const std::string& digest);

// rm -rf that stays on the file system of `path`: it never descends into a directory on
// another device (a mount point: a bind-mounted volume, an overlay still mounted), never
// follows symlinks, and throws Error naming the first mount point it had to leave alone.
void remove_tree_same_fs(const std::string& path);

}  // namespace wb::lite

#include "util/error.hpp"

namespace wb::lite {

// A failure that ends the command with a given exit status (docker's 125/126/127).
class ExitError : public Error {
public:
    ExitError(const std::string& msg, int exit_code) : Error(msg), exit_code_(exit_code) {}
    int exit_code() const noexcept { return exit_code_; }

private:
    int exit_code_;
};

// docker's status for a container that could not start: 127 when the command was not
// found, 126 when it could not be run, 125 otherwise.
int exit_code_for_start_error(const std::string& msg);

}  // namespace wb::lite
