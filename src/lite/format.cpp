#include "lite/format.hpp"

#include <cctype>

#include "lite/table.hpp"
#include "util/error.hpp"

namespace wb::lite {
namespace {

using nlohmann::json;

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 't' || s[i + 1] == 'n')) {
            out += s[i + 1] == 't' ? '\t' : '\n';
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

const json& lookup(const json& obj, const std::string& path, const std::string& action) {
    static const json null_value;
    if (path == ".") return obj;
    if (path.empty() || path[0] != '.') throw Error("template parsing error: unexpected \"" + action + "\"");
    const json* cur = &obj;
    size_t pos = 1;
    while (pos <= path.size()) {
        size_t dot = path.find('.', pos);
        std::string key = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        pos = dot == std::string::npos ? path.size() + 1 : dot + 1;
        if (!cur->is_object() || !cur->contains(key))
            throw Error("template: :1:" + std::string(" executing \"\" at <") + path + ">: can't evaluate field " + key);
        cur = &(*cur)[key];
    }
    (void)null_value;
    return *cur;
}

std::string plain(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "<no value>";
    if (v.is_object() && v.empty()) return "map[]";
    return v.dump();
}

std::string evaluate(const std::string& raw, const json& obj) {
    std::string action = trim(raw);
    auto space = action.find(' ');
    if (space == std::string::npos) return plain(lookup(obj, action, action));
    std::string fn = action.substr(0, space), arg = trim(action.substr(space + 1));
    const json& v = lookup(obj, arg, action);
    if (fn == "json") return v.dump();
    std::string s = plain(v);
    if (fn == "upper" || fn == "lower") {
        for (auto& c : s)
            c = static_cast<char>(fn == "upper" ? std::toupper(static_cast<unsigned char>(c))
                                                : std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    throw Error("template parsing error: template: :1: function \"" + fn + "\" not defined");
}

std::string title_of(const std::string& action, const std::map<std::string, std::string>& headers) {
    std::string a = trim(action);
    auto space = a.find(' ');
    if (space != std::string::npos) a = trim(a.substr(space + 1));
    if (!a.empty() && a[0] == '.') a = a.substr(1);
    if (auto it = headers.find(a); it != headers.end()) return it->second;
    std::string out;
    for (size_t i = 0; i < a.size(); ++i) {
        if (i > 0 && std::isupper(static_cast<unsigned char>(a[i])) && std::islower(static_cast<unsigned char>(a[i - 1])))
            out += ' ';
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(a[i] == '.' ? ' ' : a[i])));
    }
    return out;
}

// The template with each action replaced by fn(action).
template <typename F>
std::string expand(const std::string& tmpl, F fn) {
    std::string out;
    size_t pos = 0;
    for (;;) {
        size_t open = tmpl.find("{{", pos);
        if (open == std::string::npos) break;
        size_t close = tmpl.find("}}", open + 2);
        if (close == std::string::npos) throw Error("template parsing error: template: :1: unclosed action");
        out += tmpl.substr(pos, open - pos);
        out += fn(tmpl.substr(open + 2, close - open - 2));
        pos = close + 2;
    }
    return out + tmpl.substr(pos);
}

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> cells;
    size_t pos = 0;
    for (;;) {
        size_t tab = line.find('\t', pos);
        cells.push_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
        if (tab == std::string::npos) return cells;
        pos = tab + 1;
    }
}

}  // namespace

std::string render_template(const std::string& tmpl, const json& obj) {
    return expand(unescape(tmpl), [&](const std::string& a) { return evaluate(a, obj); });
}

std::string inspect_output(const json& objects, const std::string& format) {
    if (format.empty()) return objects.dump(4) + "\n";
    std::string out;
    for (const auto& o : objects) out += render_template(format, o) + "\n";
    return out;
}

std::string format_list(const std::string& format, const std::vector<json>& objects,
                        const std::map<std::string, std::string>& headers, const std::string& default_table) {
    std::string f = format;
    if (f == "json") f = "{{json .}}";
    if (f == "table") f = "table " + default_table;
    bool table = f.rfind("table", 0) == 0 && (f.size() == 5 || f[5] == ' ');
    if (!table) {
        std::string out;
        for (const auto& o : objects) out += render_template(f, o) + "\n";
        return out;
    }
    std::string body = unescape(trim(f.substr(5)));
    std::vector<std::vector<std::string>> rows;
    rows.push_back(split_tabs(expand(body, [&](const std::string& a) { return title_of(a, headers); })));
    for (const auto& o : objects) rows.push_back(split_tabs(render_template(body, o)));
    return format_table(rows);
}

}  // namespace wb::lite
