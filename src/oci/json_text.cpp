#include "oci/json_text.hpp"

#include <algorithm>
#include <span>
#include <utility>
#include <vector>

#include "oci/json_path.hpp"
#include "util/error.hpp"

namespace wb::oci {
namespace {

using json = nlohmann::json;

// Builds the document from the parser's events (what json::parse does inside) and knows at
// each moment the path of the value being read, for the errors the parser reports.
class DocumentBuilder {
public:
    DocumentBuilder(json& root, std::string_view label) : root_(root), label_(label) {}

    bool null() { return put(nullptr); }
    bool boolean(bool value) { return put(value); }
    bool number_integer(json::number_integer_t value) { return put(value); }
    bool number_unsigned(json::number_unsigned_t value) { return put(value); }
    bool number_float(json::number_float_t value, const std::string&) { return put(value); }
    bool string(std::string& value) { return put(std::move(value)); }
    bool binary(json::binary_t& value) { return put(std::move(value)); }
    bool start_object(std::size_t) { return open(json::object()); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(std::string& key) {
        Level& level = levels_.back();
        level.slot = &(*level.container)[key];  // a repeated key: the last value wins
        level.key = std::move(key);
        return true;
    }

    [[noreturn]] bool parse_error(std::size_t, const std::string& token, const json::exception& e) {
        if (e.id == 406) {  // out_of_range.406: a number beyond double ("1e400", 400 digits)
            std::string problem = "value ";
            problem += printable(token);
            problem += " out of range";
            fail_here(problem);
        }
        // Drop nlohmann's "[json.exception.parse_error.101] " prefix.
        std::string detail = e.what();
        if (auto end = detail.find("] "); detail.rfind("[json.exception.", 0) == 0 && end != std::string::npos)
            detail.erase(0, end + 2);
        throw Error(std::string(label_) + ": invalid JSON: " + detail);
    }

private:
    struct Level {
        json* container = nullptr;
        json* slot = nullptr;  // objects: where the value of the last key goes
        std::string key;       // objects: the last key
    };

    json* place(json&& value) {
        if (levels_.empty()) {
            root_ = std::move(value);
            return &root_;
        }
        Level& level = levels_.back();
        if (level.container->is_array()) {
            level.container->push_back(std::move(value));
            return &level.container->back();
        }
        *level.slot = std::move(value);
        return level.slot;
    }

    bool put(json&& value) {
        place(std::move(value));
        return true;
    }

    bool open(json&& container) {
        if (levels_.size() >= kMaxJsonDepth) {
            // The path of the first few levels names the field; the full one would be
            // kMaxJsonDepth pieces long.
            JsonPath root(label_);
            name_levels(root, std::span<const Level>(levels_).first(std::min<size_t>(levels_.size(), 3)),
                        std::string("nested deeper than ").append(std::to_string(kMaxJsonDepth)).append(" levels"));
        }
        levels_.push_back(Level{place(std::move(container)), nullptr, {}});
        return true;
    }

    bool close() {
        levels_.pop_back();
        return true;
    }

    // Throws "PATH: problem" for the value being read now.
    [[noreturn]] void fail_here(const std::string& problem) const {
        JsonPath root(label_);
        name_levels(root, levels_, problem);
    }

    // Builds the JsonPath chain on the stack, one frame per level, then throws.
    [[noreturn]] static void name_levels(const JsonPath& parent, std::span<const Level> levels,
                                         const std::string& problem) {
        if (levels.empty()) throw Error(parent.str() + ": " + problem);
        const Level& level = levels.front();
        if (level.container->is_array()) {
            // An enclosing array already holds the element being read; the innermost one
            // is about to get it.
            std::size_t size = level.container->size();
            JsonPath element(parent, levels.size() > 1 ? size - 1 : size);
            name_levels(element, levels.subspan(1), problem);
        }
        JsonPath member(parent, level.key);
        name_levels(member, levels.subspan(1), problem);
    }

    json& root_;
    std::string_view label_;
    std::vector<Level> levels_;
};

}  // namespace

nlohmann::json parse_json_text(const std::string& text, std::string_view label) {
    json document;
    DocumentBuilder builder(document, label);
    json::sax_parse(text, &builder, json::input_format_t::json, /*strict=*/true);
    return document;
}

}  // namespace wb::oci
