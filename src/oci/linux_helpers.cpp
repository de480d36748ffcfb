#include "oci/spec.hpp"

namespace wb::oci {

const Namespace* Linux::find_namespace(const std::string& type) const {
    for (const auto& ns : namespaces)
        if (ns.type == type) return &ns;
    return nullptr;
}

}  // namespace wb::oci
