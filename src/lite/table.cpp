#include "lite/table.hpp"

#include <algorithm>

namespace wb::lite {
namespace {

size_t display_width(const std::string& s) {
    size_t n = 0;
    for (unsigned char ch : s)
        if ((ch & 0xc0) != 0x80) ++n;
    return n;
}

}  // namespace

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width;
    for (const auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i) width.push_back(0);
            width[i] = std::max(width[i], display_width(r[i]));
        }
    std::string out;
    for (const auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) line.append(width[i] + 3 - display_width(r[i]), ' ');
        }
        out += line + "\n";
    }
    return out;
}

std::string command_cell(const std::vector<std::string>& args, bool no_trunc) {
    std::string cmd;
    for (const auto& a : args) cmd += (cmd.empty() ? "" : " ") + a;
    if (!no_trunc && display_width(cmd) > 20) {
        // Cut at 19 characters (not bytes) and add an ellipsis.
        size_t chars = 0, i = 0;
        for (; i < cmd.size(); ++i) {
            if ((static_cast<unsigned char>(cmd[i]) & 0xc0) != 0x80) {
                if (chars == 19) break;
                ++chars;
            }
        }
        cmd = cmd.substr(0, i) + "\u2026";
    }
    return "\"" + cmd + "\"";
}

}  // namespace wb::lite
