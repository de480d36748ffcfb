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
inline constexpr const char* descriptors_file = "descriptors.json";  // as runc's

// --image-path as given, or ./checkpoint (runc's default), made absolute.
std::string image_path_or_default(const std::string& given);

void write_string_list(const std::string& path, const std::vector<std::string>& items);
// Empty when the file is missing.
std::vector<std::string> read_string_list(const std::string& path);

}  // namespace wb::runtime
