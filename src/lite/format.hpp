// docker's --format: a Go template over each listed object, with the subset people type:
// {{.Field}}, {{.A.B}}, {{json .}}, {{json .Field}}, {{upper .F}}, {{lower .F}},
// {{index .Map "key" 0}} and parentheses ({{(index .P "80/tcp" 0).HostPort}}), and a
// leading "table" for a header row and aligned columns. \t and \n escapes as docker's.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace wb::lite {

// One object through the template (no trailing newline added). Throws wb::Error
// ("template parsing error: ...") for an action it does not know.
std::string render_template(const std::string& tmpl, const nlohmann::json& obj);

// What every inspect prints: the array of objects as indented JSON, or each object
// through `format` (-f/--format) on a line of its own.
std::string inspect_output(const nlohmann::json& objects, const std::string& format);

// Every object through `format`, one line each; "table FMT" adds a header (headers maps
// a field name to its title, else the name in capitals) and aligns columns split by tabs.
// "json" alone is {{json .}}; "table" alone uses default_table.
std::string format_list(const std::string& format, const std::vector<nlohmann::json>& objects,
                        const std::map<std::string, std::string>& headers, const std::string& default_table);

}  // namespace wb::lite
