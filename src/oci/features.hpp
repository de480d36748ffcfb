// The `whalebox features` document (runtime-spec features.md, features-linux.md): what
// this build of whalebox supports, laid out as `runc features` prints it.
#pragma once
#include <string>
#include <vector>

namespace wb::oci {

inline constexpr const char* kOciVersionMin = "1.0.0";
inline constexpr const char* kOciVersionMax = "1.3.0";

// The whole document, 4-space indented, with a trailing newline.
std::string features_json();

// "CAP_CHOWN" ... every capability whalebox knows by name (0 .. CAP_LAST_CAP).
std::vector<std::string> known_capabilities();

// The seccomp filter flags of the runtime-spec that the running kernel accepts.
std::vector<std::string> supported_seccomp_flags();

}  // namespace wb::oci
