// Where a container's cgroup goes, as runc decides it (libcontainer/specconv and the fs/fs2
// path code): see docs/cgroups.md "Placement".
#include "cgroups/files.hpp"
#include "cgroups/internal.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::cgroups {

std::string expand_slice(const std::string& slice) {
    const std::string suffix = ".slice";
    if (slice == "-") return "";
    auto bad = [&] { return Error("invalid slice name: " + slice); };
    if (slice.size() <= suffix.size() || slice.compare(slice.size() - suffix.size(),
                                                       suffix.size(), suffix) != 0)
        throw bad();
    if (slice.find('/') != std::string::npos) throw bad();
    std::string name = slice.substr(0, slice.size() - suffix.size());
    if (name.front() == '-' || name.back() == '-' || name.find("--") != std::string::npos)
        throw bad();
    std::string out, prefix;
    for (const auto& part : split(name, "-")) {
        prefix += prefix.empty() ? part : "-" + part;
        out += "/" + prefix + suffix;
    }
    return out;
}

std::map<std::string, std::string> parse_proc_cgroup(const std::string& text) {
    std::map<std::string, std::string> out;
    for (const auto& line : split(text, "\n")) {
        auto c1 = line.find(':');
        auto c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string::npos) continue;
        std::string ctrls = line.substr(c1 + 1, c2 - c1 - 1);
        std::string path = line.substr(c2 + 1);
        if (ctrls.empty()) {
            out[""] = path;
            continue;
        }
        for (const auto& c : split(ctrls, ",")) out[c] = path;
    }
    return out;
}

// runc's CleanPath: absolute paths are cleaned; relative ones cannot climb out with "..".
static std::string clean_cgroups_path(const std::string& p) {
    if (p.empty()) return "";
    if (p[0] == '/') return clean_path(p);
    std::string c = clean_path("/" + p);
    return c == "/" ? "" : c.substr(1);
}

SystemdUnit systemd_unit_of(const Placement& placement, const Options& options) {
    if (!fs::exists(options.systemd_run_dir))
        throw Error(
            "systemd cgroup flag passed, but systemd support for managing cgroups is not "
            "available");
    std::string slice = "system.slice", prefix = "whalebox", name = placement.id;
    if (!placement.cgroups_path.empty()) {
        // Not split(): empty fields are meaningful ("::name").
        std::vector<std::string> parts(1);
        for (char c : placement.cgroups_path) {
            if (c == ':') parts.emplace_back();
            else parts.back() += c;
        }
        if (parts.size() != 3)
            throw Error(
                "expected cgroupsPath to be of format \"slice:prefix:name\" for systemd "
                "cgroups, got \"" +
                placement.cgroups_path + "\" instead");
        if (!parts[0].empty()) slice = parts[0];
        prefix = parts[1];
        name = parts[2];
    }
    if (name.empty() || name.find('/') != std::string::npos)
        throw Error("invalid systemd unit name \"" + name + "\"");
    SystemdUnit u;
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".slice") == 0) u.unit = name;
    else u.unit = (prefix.empty() ? "" : prefix + "-") + name + ".scope";
    u.slice = slice == "-" ? "-.slice" : slice;
    u.path = expand_slice(slice) + "/" + u.unit;
    return u;
}

std::string resolve_cgroups_path(const Placement& placement, const Options& options) {
    if (placement.systemd) return systemd_unit_of(placement, options).path;
    std::string p = clean_cgroups_path(placement.cgroups_path);
    if (p.empty()) {
        // runc: no cgroupsPath means Name=<id> and no Parent, i.e. the relative path "<id>"
        // below the runtime's own cgroup.
        if (placement.id.empty() || placement.id.find('/') != std::string::npos)
            throw Error("invalid container id for the default cgroup path: \"" + placement.id +
                        "\"");
        return placement.id;
    }
    if (p == "/") throw Error("cgroupsPath \"" + placement.cgroups_path + "\" is the root cgroup");
    return p;
}

uint64_t cpu_shares_to_weight(uint64_t shares) {
    if (shares == 0) return 0;
    if (shares < 2) shares = 2;  // the kernel's MIN_SHARES; keeps the formula unsigned
    return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
    if (weight == 0) return 0;
    if (weight < 10) weight = 10;
    return 1 + (weight - 10) * 9999 / 990;
}

}  // namespace wb::cgroups
