// linux.resources.unified: raw "file": "value" pairs, written last so they win.
#include "cgroups/v2/controllers.hpp"
#include "util/error.hpp"

namespace wb::cgroups::v2 {

void apply_unified(const Files& f, const std::string& dir,
                   const std::map<std::string, std::string>& unified) {
    auto available_text = read_opt(dir, "cgroup.controllers");
    auto available = split(available_text.value_or(""), " \n");
    for (const auto& [key, value] : unified) {
        if (key.empty() || key.find('/') != std::string::npos || key == "." || key == "..")
            throw Error("unified resource \"" + key + "\" must be a file name (no slashes)");
        std::string controller = key.substr(0, key.find('.'));
        bool ok = controller == "cgroup" || !available_text;
        for (const auto& a : available) ok = ok || a == controller;
        if (!ok)
            throw Error("unified resource \"" + key + "\" can't be set: controller \"" +
                        controller + "\" not available");
        f.write(dir, key, value);
    }
}

}  // namespace wb::cgroups::v2
