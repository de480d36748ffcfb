#include "oci/json_path.hpp"

namespace wb::oci {
namespace {

// Keys such as sysctl names ("net.ipv4.ip_forward") are quoted so the path stays readable.
bool is_plain_key(std::string_view key) {
    if (key.empty()) return false;
    for (char c : key) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '-';
        if (!plain) return false;
    }
    return true;
}

}  // namespace

std::string JsonPath::str() const {
    if (!parent_) return std::string(label_);
    std::string out;
    append_to(out);
    return out;
}

void JsonPath::append_to(std::string& out) const {
    if (!parent_) return;
    parent_->append_to(out);
    if (is_index_) {
        out += '[';
        out += std::to_string(index_);
        out += ']';
    } else if (is_plain_key(key_)) {
        if (!out.empty()) out += '.';
        out += key_;
    } else {
        out += "[\"";
        out += key_;
        out += "\"]";
    }
}

}  // namespace wb::oci
