#include <pwd.h>
#include <sys/stat.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "util/error.hpp"

namespace wb::cli {
namespace {

struct ListOptions {
    std::string format = "table";
    bool quiet = false;
};

// The owner as runc lists it: the user owning the container's state directory, by name
// ("#UID" when it has none).
std::string owner_of(const std::string& root, const std::string& id) {
    struct stat st {};
    if (::stat((root + "/" + id).c_str(), &st) < 0) return "";
    struct passwd pw {};
    struct passwd* found = nullptr;
    char buf[4096];
    if (::getpwuid_r(st.st_uid, &pw, buf, sizeof buf, &found) == 0 && found) return found->pw_name;
    return "#" + std::to_string(st.st_uid);
}

// Left-aligned columns padded like Go's tabwriter (minwidth 12, padding 1).
std::string table(const std::vector<state::State>& states) {
    std::vector<std::vector<std::string>> rows = {{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
    for (const auto& s : states)
        rows.push_back({s.id, std::to_string(s.status == state::Status::stopped ? 0 : s.pid),
                        state::to_string(s.status), s.bundle, s.created, s.owner});
    std::vector<size_t> width(rows[0].size(), 12);
    for (const auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size() + 1);
    std::string out;
    for (const auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) line += std::string(width[i] - r[i].size(), ' ');
        }
        out += line + "\n";
    }
    return out;
}

std::string json_list(const std::vector<state::State>& states) {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& s : states) {
        // ordered_json keeps runc's key order (ociVersion, id, pid, status, ...).
        arr.push_back(nlohmann::ordered_json::parse(state::to_oci_json(s)));
    }
    return arr.dump() + "\n";
}

void add_list_command(Command& app, Globals& g) {
    auto o = std::make_shared<ListOptions>();
    Command sub = app.add_subcommand("list", "list the containers under --root");
    sub.alias("ls");
    sub.add_option("-f,--format", o->format, "table or json (runc's choices)");
    sub.add_flag("-q,--quiet", o->quiet, "print only the container ids");
    sub.callback([&g, o] {
        auto states = runtime::list(g.runtime);
        for (auto& s : states) s.owner = owner_of(g.runtime.root, s.id);
        std::string out;
        if (o->quiet) {
            for (const auto& s : states) out += s.id + "\n";
        } else if (o->format == "json") {
            out = json_list(states);
        } else if (o->format == "table") {
            out = table(states);
        } else {
            throw Error("invalid format option");  // runc's words
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
    });
}

}  // namespace

WHALEBOX_COMMAND("list", add_list_command);

}  // namespace wb::cli
