#include "lite/format.hpp"

#include <cctype>
#include <cstdlib>

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

// obj's field at path (".A.B"; "." is obj itself).
json lookup(const json& obj, const std::string& path) {
    if (path == ".") return obj;
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
    return *cur;
}

std::string plain(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "<no value>";
    if (v.is_object() && v.empty()) return "map[]";
    return v.dump();
}

// The part of Go's template language people type in docker's --format: an action is a
// command, a function (json, upper, lower, index) with its arguments or one operand; an
// operand is .Field.Path, ".", a "string", an integer, or a parenthesised command with
// an optional .Field.Path after it ({{(index .NetworkSettings.Ports "80/tcp" 0).HostPort}}).
class ActionParser {
public:
    ActionParser(const std::string& action, const json& dot) : s_(action), dot_(dot) {}

    json parse() {
        json v = command();
        skip_spaces();
        if (pos_ != s_.size()) throw unexpected();
        return v;
    }

private:
    Error unexpected() const { return Error("template parsing error: unexpected \"" + s_ + "\""); }
    void skip_spaces() {
        while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
    }
    bool at_end_of_command() {
        skip_spaces();
        return pos_ == s_.size() || s_[pos_] == ')';
    }
    std::string word() {
        size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] != ' ' && s_[pos_] != ')' && s_[pos_] != '(') ++pos_;
        return s_.substr(start, pos_ - start);
    }

    json command() {
        skip_spaces();
        if (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) {
            std::string fn = word();
            std::vector<json> args;
            while (!at_end_of_command()) args.push_back(operand());
            return call(fn, args);
        }
        json v = operand();
        if (!at_end_of_command()) throw unexpected();
        return v;
    }

    json operand() {
        skip_spaces();
        if (pos_ >= s_.size()) throw unexpected();
        char c = s_[pos_];
        if (c == '(') {
            ++pos_;
            json v = command();
            if (pos_ >= s_.size() || s_[pos_] != ')') throw Error("template parsing error: unclosed left paren");
            ++pos_;
            if (pos_ < s_.size() && s_[pos_] == '.') {
                std::string path = word();
                if (v.is_null()) throw Error("template: :1: executing \"\" at <" + path + ">: nil pointer evaluating " + path);
                return lookup(v, path);
            }
            return v;
        }
        if (c == '"') {
            std::string out;
            for (++pos_; pos_ < s_.size() && s_[pos_] != '"'; ++pos_) {
                if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
                out += s_[pos_];
            }
            if (pos_ >= s_.size()) throw Error("template parsing error: unterminated quoted string");
            ++pos_;
            return out;
        }
        std::string w = word();
        if (c == '.') return lookup(dot_, w);
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
            char* end = nullptr;
            long long n = std::strtoll(w.c_str(), &end, 10);
            if (*end) throw unexpected();
            return n;
        }
        throw Error("template parsing error: template: :1: function \"" + w + "\" not defined");
    }

    static json call(const std::string& fn, const std::vector<json>& args) {
        auto arity = [&](size_t n) {
            if (args.size() != n)
                throw Error("template: :1: wrong number of args for " + fn + ": want " + std::to_string(n) + " got " +
                            std::to_string(args.size()));
        };
        if (fn == "json") {
            arity(1);
            return args[0].dump();
        }
        if (fn == "upper" || fn == "lower") {
            arity(1);
            std::string s = plain(args[0]);
            for (auto& c : s)
                c = static_cast<char>(fn == "upper" ? std::toupper(static_cast<unsigned char>(c))
                                                    : std::tolower(static_cast<unsigned char>(c)));
            return s;
        }
        if (fn == "index") {
            if (args.empty()) arity(1);
            json v = args[0];
            for (size_t i = 1; i < args.size(); ++i) {
                const json& key = args[i];
                if (v.is_object() && key.is_string()) {
                    auto it = v.find(key.get<std::string>());
                    v = it == v.end() ? json(nullptr) : *it;  // a missing map key: the zero value
                } else if (v.is_array() && key.is_number_integer()) {
                    long long k = key.get<long long>();
                    if (k < 0 || static_cast<size_t>(k) >= v.size())
                        throw Error("template: :1: error calling index: index out of range: " + std::to_string(k));
                    json item = v[static_cast<size_t>(k)];
                    v = std::move(item);
                } else {
                    throw Error("template: :1: error calling index: cannot index " + plain(v) + " with " + key.dump());
                }
            }
            return v;
        }
        throw Error("template parsing error: template: :1: function \"" + fn + "\" not defined");
    }

    const std::string& s_;
    const json& dot_;
    size_t pos_ = 0;
};

std::string evaluate(const std::string& raw, const json& obj) {
    std::string action = trim(raw);
    if (action.empty()) throw Error("template parsing error: missing value for command");
    return plain(ActionParser(action, obj).parse());
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
