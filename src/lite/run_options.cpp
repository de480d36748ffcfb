#include "lite/run_options.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>

#include "lite/volumes.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {

int64_t parse_memory_size(const std::string& text) {
    auto bad = [&] { return Error("invalid size: '" + text + "'"); };
    size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == 0) throw bad();
    std::string number = text.substr(0, i), unit = text.substr(i);
    if (std::count(number.begin(), number.end(), '.') > 1 || number.back() == '.') throw bad();
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // docker accepts "k", "kb", "kib"...; "b" alone means bytes.
    if (unit.size() == 3 && unit.substr(1) == "ib") unit.resize(1);
    if (unit.size() == 2 && unit[1] == 'b' && unit[0] != 'b') unit.resize(1);
    double mult = 1;
    if (unit.empty() || unit == "b") mult = 1;
    else if (unit == "k") mult = 1024.0;
    else if (unit == "m") mult = 1024.0 * 1024;
    else if (unit == "g") mult = 1024.0 * 1024 * 1024;
    else if (unit == "t") mult = 1024.0 * 1024 * 1024 * 1024;
    else if (unit == "p") mult = 1024.0 * 1024 * 1024 * 1024 * 1024;
    else throw bad();
    double v = std::strtod(number.c_str(), nullptr) * mult;
    if (!(v >= 0) || v > 9.2e18) throw bad();
    return static_cast<int64_t>(v);
}

VolumeSpec parse_volume(const std::string& spec) {
    auto bad = [&](const std::string& why) { return Error("invalid volume spec '" + spec + "': " + why); };
    std::vector<std::string> parts;
    size_t pos = 0;
    for (;;) {
        size_t colon = spec.find(':', pos);
        parts.push_back(spec.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos));
        if (colon == std::string::npos) break;
        pos = colon + 1;
    }
    if (parts.size() == 1 && !parts[0].empty() && parts[0].front() == '/' && parts[0] != "/") {
        VolumeSpec anonymous;
        anonymous.type = "volume";
        anonymous.container = parts[0];
        return anonymous;
    }
    if (parts.size() < 2 || parts.size() > 3) throw bad("expected HOST:CONTAINER[:ro]");
    VolumeSpec v;
    v.host = parts[0];
    v.container = parts[1];
    if (v.host.empty()) throw bad("empty host path");
    if (v.container.empty() || v.container.front() != '/') throw bad("container path must be absolute");
    if (v.container == "/") throw bad("cannot mount over /");
    if (parts.size() == 3) {
        if (parts[2] == "ro") v.readonly = true;
        else if (parts[2] != "rw") throw bad("unknown mode '" + parts[2] + "'");
    }
    if (v.host.front() != '/') {
        // docker takes anything but an absolute path as a volume name (volumes.hpp).
        if (!valid_volume_name(v.host))
            throw Error("create " + v.host + ": \"" + v.host +
                        "\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" "
                        "are allowed. If you intended to pass a host directory, use absolute path");
        v.type = "volume";
        v.volume = v.host;
        v.host.clear();
    }
    return v;
}

std::optional<std::string> parse_env_flag(const std::string& flag) {
    if (flag.empty() || flag.front() == '=') throw Error("invalid environment variable: " + flag);
    if (flag.find('=') != std::string::npos) return flag;
    const char* v = std::getenv(flag.c_str());
    if (!v) return std::nullopt;
    return flag + "=" + v;
}

std::vector<std::string> parse_env_file_text(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? text.size() : nl + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos || line[start] == '#') continue;
        line = line.substr(start);
        if (auto v = parse_env_flag(line)) out.push_back(*v);
    }
    return out;
}

double parse_cpus(const std::string& text) {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(v > 0)) throw Error("invalid argument \"" + text + "\" for --cpus");
    return v;
}

CpuQuota cpus_to_quota(double cpus) {
    if (!(cpus > 0)) throw Error("range of CPUs is from 0.01 to the number of CPUs available");
    CpuQuota q;
    q.period = 100000;
    q.quota = static_cast<int64_t>(cpus * 100000 + 0.5);  // rounded (cpus > 0), without libm
    if (q.quota < 1000) throw Error("range of CPUs is from 0.01 to the number of CPUs available");
    return q;
}

void set_env(std::vector<std::string>& env, const std::string& kv) {
    std::string key = kv.substr(0, kv.find('='));
    for (auto& e : env)
        if (e.compare(0, key.size() + 1, key + "=") == 0 || e == key) {
            e = kv;
            return;
        }
    env.push_back(kv);
}

}  // namespace wb::lite
