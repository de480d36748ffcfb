// Compact JSON written straight into a string, byte for byte as nlohmann's dump() writes
// the same values, without building a document first. For the records written on every
// create (state.json, cgroup.json): through a document each cost about 130 K instructions,
// most of them the document's allocations (docs/performance.md, round 9).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wb::json {

// `s` as a JSON string: quoted, with ", \ and control characters escaped as dump() does.
// A string with non-ASCII bytes goes through nlohmann (its UTF-8 check, its exception).
void append_string(std::string& out, std::string_view s);

// One object: {"key":value,...} in the order the fields are given. Give the keys sorted
// (as std::string compares them) to match the dump() of an nlohmann::json object.
class ObjectWriter {
public:
    explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
    ObjectWriter& field(std::string_view key, std::string_view value);
    ObjectWriter& field_int(std::string_view key, int64_t value);
    ObjectWriter& field_uint(std::string_view key, uint64_t value);
    ObjectWriter& field_bool(std::string_view key, bool value);
    // An object of strings, in the map's (sorted) order.
    ObjectWriter& field(std::string_view key, const std::map<std::string, std::string>& value);
    // An array of strings.
    ObjectWriter& field(std::string_view key, const std::vector<std::string>& value);
    // Closes the object ("}").
    void close() { out_ += '}'; }

private:
    void key(std::string_view k);
    std::string& out_;
    bool first_ = true;
};

}  // namespace wb::json
