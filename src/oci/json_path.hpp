// The place of a value in a JSON document ("linux.resources.memory.limit", "mounts[2]"),
// kept as a chain of stack frames while a document is walked and turned into text only
// when an error names it. Used by the parser and the validator. Also how those errors show
// a value from the document.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace wb::oci {

class JsonPath {
public:
    // The document itself; label names it in errors about the whole document
    // ("config.json: expected object, got array"). An empty label makes paths unprefixed.
    explicit JsonPath(std::string_view label) : label_(label) {}
    // A member of an object.
    JsonPath(const JsonPath& parent, std::string_view key) : parent_(&parent), key_(key) {}
    // An element of an array.
    JsonPath(const JsonPath& parent, std::size_t index)
        : parent_(&parent), index_(index), is_index_(true) {}

    JsonPath(const JsonPath&) = delete;
    JsonPath& operator=(const JsonPath&) = delete;

    // "process.user.uid", "mounts[2].destination"; the label for the document itself.
    std::string str() const;

private:
    void append_to(std::string& out) const;

    const JsonPath* parent_ = nullptr;
    std::string_view label_;
    std::string_view key_;
    std::size_t index_ = 0;
    bool is_index_ = false;
};

// How a value from a document is shown in an error message: control characters escaped
// as in JSON ("\n", "\u0000") so the message stays one line, and cut after about
// kShownValueBytes bytes (at a UTF-8 character boundary) with "…".
inline constexpr std::size_t kShownValueBytes = 100;
std::string printable(std::string_view value);
// printable(value) in double quotes: "\"/mnt\"".
std::string quoted_value(std::string_view value);

}  // namespace wb::oci
