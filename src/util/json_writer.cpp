#include "util/json_writer.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace wb::json {

void append_string(std::string& out, std::string_view s) {
    for (unsigned char c : s) {
        if (c >= 0x80) {
            out += nlohmann::json(std::string(s)).dump();  // its UTF-8 check and escapes
            return;
        }
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xf];
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

void ObjectWriter::key(std::string_view k) {
    if (!first_) out_ += ',';
    first_ = false;
    append_string(out_, k);
    out_ += ':';
}

ObjectWriter& ObjectWriter::field(std::string_view k, std::string_view value) {
    key(k);
    append_string(out_, value);
    return *this;
}

namespace {

template <class Integer>
void append_number(std::string& out, Integer value) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, r.ptr);
}

}  // namespace

ObjectWriter& ObjectWriter::field_int(std::string_view k, int64_t value) {
    key(k);
    append_number(out_, value);
    return *this;
}

ObjectWriter& ObjectWriter::field_uint(std::string_view k, uint64_t value) {
    key(k);
    append_number(out_, value);
    return *this;
}

ObjectWriter& ObjectWriter::field_bool(std::string_view k, bool value) {
    key(k);
    out_ += value ? "true" : "false";
    return *this;
}

ObjectWriter& ObjectWriter::field(std::string_view k, const std::map<std::string, std::string>& value) {
    key(k);
    ObjectWriter inner(out_);
    for (const auto& [name, v] : value) inner.field(name, v);
    inner.close();
    return *this;
}

ObjectWriter& ObjectWriter::field(std::string_view k, const std::vector<std::string>& value) {
    key(k);
    out_ += '[';
    for (size_t i = 0; i < value.size(); ++i) {
        if (i) out_ += ',';
        append_string(out_, value[i]);
    }
    out_ += ']';
    return *this;
}

}  // namespace wb::json
