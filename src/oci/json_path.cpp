#include "oci/json_path.hpp"

#include <cstdio>

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

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string printable(std::string_view value) {
    bool cut = false;
    if (value.size() > kShownValueBytes) {
        std::size_t end = kShownValueBytes;
        while (end > 0 && is_utf8_continuation(value[end])) --end;
        value = value.substr(0, end);
        cut = true;
    }
    std::string out;
    out.reserve(value.size() + 4);
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '\r') out += "\\r";
        else if (u < 0x20 || u == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
            out += escaped;
        } else {
            out += c;
        }
    }
    if (cut) out += "…";
    return out;
}

std::string quoted_value(std::string_view value) {
    std::string out = "\"";
    out += printable(value);
    out += '"';
    return out;
}

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
        out += printable(key_);
    } else {
        out += "[\"";
        out += printable(key_);
        out += "\"]";
    }
}

}  // namespace wb::oci
