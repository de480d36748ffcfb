#include "lite/reference.hpp"

#include <cctype>
#include <vector>

#include "util/error.hpp"

namespace wb::lite {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// alpha-numeric (separator alpha-numeric)*, separator := [_.] | __ | -+
bool path_component(const std::string& s) {
    size_t i = 0;
    auto run = [&] {
        size_t start = i;
        while (i < s.size() && lower_alnum(s[i])) ++i;
        return i > start;
    };
    if (!run()) return false;
    while (i < s.size()) {
        if (s.compare(i, 2, "__") == 0) i += 2;
        else if (s[i] == '_' || s[i] == '.') ++i;
        else if (s[i] == '-')
            while (i < s.size() && s[i] == '-') ++i;
        else return false;
        if (!run()) return false;
    }
    return true;
}

// host[:port], host being dot-separated [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
bool domain(const std::string& s) {
    std::string host = s, port;
    if (auto colon = s.find(':'); colon != std::string::npos) {
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
        if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) return false;
    }
    size_t pos = 0;
    for (;;) {
        size_t dot = host.find('.', pos);
        std::string part = host.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        if (part.empty() || part.front() == '-' || part.back() == '-') return false;
        for (char c : part)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
        if (dot == std::string::npos) return true;
        pos = dot + 1;
    }
}

bool tag_ok(const std::string& t) {
    if (t.empty() || t.size() > 128 || !word_char(t[0])) return false;
    for (char c : t)
        if (!word_char(c) && c != '.' && c != '-') return false;
    return true;
}

bool digest_ok(const std::string& d) {
    auto colon = d.find(':');
    if (colon == std::string::npos || colon == 0) return false;
    std::string hex = d.substr(colon + 1);
    return hex.size() >= 32 && hex.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

std::string lowercase(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

void check_reference(const std::string& ref) {
    const Error bad("invalid reference format");
    std::string name = ref;
    if (auto at = name.find('@'); at != std::string::npos) {
        if (!digest_ok(name.substr(at + 1))) throw bad;
        name.resize(at);
    }
    auto slash = name.rfind('/');
    auto colon = name.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        if (!tag_ok(name.substr(colon + 1))) throw bad;
        name.resize(colon);
    }
    if (name.empty() || name.size() > 255) throw bad;
    std::vector<std::string> parts;
    size_t pos = 0;
    for (;;) {
        size_t s = name.find('/', pos);
        parts.push_back(name.substr(pos, s == std::string::npos ? std::string::npos : s - pos));
        if (s == std::string::npos) break;
        pos = s + 1;
    }
    bool uppercase = false;
    for (size_t i = 0; i < parts.size(); ++i) {
        const auto& p = parts[i];
        if (i == 0 && parts.size() > 1 && !path_component(p) && domain(p)) continue;
        if (path_component(p)) continue;
        if (path_component(lowercase(p))) {
            uppercase = true;
            continue;
        }
        throw bad;
    }
    if (uppercase) throw Error("invalid reference format: repository name (" + name + ") must be lowercase");
}

bool valid_reference(const std::string& ref) {
    try {
        check_reference(ref);
        return true;
    } catch (const Error&) {
        return false;
    }
}

}  // namespace wb::lite
