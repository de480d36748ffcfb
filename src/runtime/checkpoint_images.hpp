// What checkpoint leaves in the image directory beside criu's images for restore: the
// external mounts it described to criu, the tty keys, the init's stdio (runc's
// descriptors.json), and the default image path both commands share.
#pragma once
#include <string>
#include <vector>

namespace wb::runtime {

inline constexpr const char* external_mounts_file = "whalebox-external-mounts.json";
inline constexpr const char* external_keys_file = "whalebox-externals.json";
// In the externals list: the dump was of a shell job (restore with --shell-job).
inline constexpr const char* shell_job_marker = "shell-job";
// In the externals list: "stdio-file N file[MNT:INODE]": the init's fd N was that
// external file (restore passes its own fd N for it).
inline constexpr const char* stdio_file_marker = "stdio-file ";
inline constexpr const char* descriptors_file = "descriptors.json";  // as runc's

// The name a v1 hierarchy's bind mount has below the container's cgroup mount (as the
// rootfs makes it): the controller key without "name=" ("name=systemd" -> "systemd").
inline std::string cgroup_bind_name(const std::string& controller) {
    return controller.rfind("name=", 0) == 0 ? controller.substr(5) : controller;
}

// --image-path as given, or ./checkpoint (runc's default), made absolute.
std::string image_path_or_default(const std::string& given);

void write_string_list(const std::string& path, const std::vector<std::string>& items);
// Empty when the file is missing.
std::vector<std::string> read_string_list(const std::string& path);

}  // namespace wb::runtime
