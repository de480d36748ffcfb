// JSON text -> nlohmann::json for the documents of oci/ (config.json, process.json, the
// resources of `update -r`), with errors that say where: a syntax error names the document
// and the line and column, a number too large for any type names the key path of the value
// ("linux.resources.memory.limit: value 1e400 out of range"), as the type errors of the
// parser do. No exception of the JSON library gets out.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace wb::oci {

// Deeper nesting is refused (as Go's encoding/json does), so that nothing that walks a
// document recursively can run out of stack.
inline constexpr std::size_t kMaxJsonDepth = 10000;

// Parses `text`; `label` names the document in errors ("config.json: invalid JSON: ...").
nlohmann::json parse_json_text(const std::string& text, std::string_view label);

}  // namespace wb::oci
