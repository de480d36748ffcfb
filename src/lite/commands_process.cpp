// The commands that look at or act on a running container's processes: top, stats,
// pause, unpause (attach: commands_attach.cpp).
#include <pwd.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <optional>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "lite/commands_lite.hpp"
#include "lite/format.hpp"
#include "lite/table.hpp"
#include "state/state.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {
namespace {

using nlohmann::json;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

ContainerRecord running_container(const LiteContext& c, const std::string& ref) {
    ContainerRecord r = ContainerStore(c.layout).resolve(ref);
    if (!container_running(c, r)) throw Error("Container " + r.id + " is not running");
    return r;
}

// One process as `ps -ef` shows it: UID PID PPID C STIME TTY TIME CMD.
std::vector<std::string> ps_row(pid_t pid) {
    std::string dir = "/proc/" + std::to_string(pid);
    std::string stat = fs::read_file(dir + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) throw Error("unexpected " + dir + "/stat");
    std::string comm = stat.substr(stat.find('(') + 1, close - stat.find('(') - 1);
    std::vector<std::string> f;  // fields from 3 (state) on
    for (size_t pos = close + 2; pos < stat.size();) {
        size_t sp = stat.find(' ', pos);
        f.push_back(stat.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
        if (sp == std::string::npos) break;
        pos = sp + 1;
    }
    if (f.size() < 20) throw Error("unexpected " + dir + "/stat");
    const long hz = ::sysconf(_SC_CLK_TCK);
    uint64_t cpu = (std::stoull(f[11]) + std::stoull(f[12])) / static_cast<uint64_t>(hz);  // utime + stime
    uint64_t start_ticks = std::stoull(f[19]);
    struct timespec boot {};
    ::clock_gettime(CLOCK_BOOTTIME, &boot);
    time_t started = time(nullptr) - boot.tv_sec + static_cast<time_t>(start_ticks / static_cast<uint64_t>(hz));
    struct tm tm {};
    ::localtime_r(&started, &tm);
    char stime[16], cputime[32];
    std::strftime(stime, sizeof stime, "%H:%M", &tm);
    std::snprintf(cputime, sizeof cputime, "%02llu:%02llu:%02llu", static_cast<unsigned long long>(cpu / 3600),
                  static_cast<unsigned long long>(cpu / 60 % 60), static_cast<unsigned long long>(cpu % 60));
    std::string uid = "?";
    for (const auto& line : lines_of(fs::read_file(dir + "/status")))
        if (line.rfind("Uid:", 0) == 0) uid = std::to_string(std::stoul(line.substr(4)));
    if (uid != "?") {
        struct passwd pw {}, *res = nullptr;
        char buf[1024];
        if (::getpwuid_r(static_cast<uid_t>(std::stoul(uid)), &pw, buf, sizeof buf, &res) == 0 && res) uid = pw.pw_name;
    }
    std::string cmd = fs::read_file(dir + "/cmdline");
    while (!cmd.empty() && cmd.back() == '\0') cmd.pop_back();
    for (auto& ch : cmd)
        if (ch == '\0') ch = ' ';
    if (cmd.empty()) cmd = "[" + comm + "]";
    return {uid, std::to_string(pid), f[1], "0", stime, "?", cputime, cmd};
}

struct Sample {
    uint64_t cpu_ns = 0, mem = 0, limit = 0, pids = 0;
};

Sample sample(const LiteContext& c, const std::string& id) {
    json data = json::parse(runtime::stats_event_json(c.runtime, id)).at("data");
    Sample s;
    s.cpu_ns = data["cpu"]["usage"].value("total", uint64_t{0});
    s.mem = data["memory"]["usage"].value("usage", uint64_t{0});
    s.limit = data["memory"]["usage"].value("limit", uint64_t{0});
    s.pids = data["pids"].value("current", uint64_t{0});
    return s;
}

uint64_t host_memory() {
    for (const auto& line : lines_of(fs::read_file("/proc/meminfo")))
        if (line.rfind("MemTotal:", 0) == 0) return std::stoull(line.substr(9)) * 1024;
    return 0;
}

// docker's binary units for memory: "1.23MiB".
std::string binary_size(uint64_t bytes) {
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int i = 0;
    while (v >= 1024 && i < 4) {
        v /= 1024;
        ++i;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g%s", v, units[i]);
    return buf;
}

uint64_t monotonic_ns() {
    struct timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

int cmd_top(const LiteContext& c, const std::string& ref) {
    ContainerRecord r = running_container(c, ref);
    std::vector<std::vector<std::string>> rows{{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}};
    for (pid_t pid : runtime::pids(c.runtime, r.id)) {
        try {
            rows.push_back(ps_row(pid));
        } catch (const std::exception&) {
            // gone meanwhile
        }
    }
    std::cout << format_table(rows);
    return 0;
}

namespace {

// The containers `stats` shows: the named ones that still exist, else the running ones
// (every one with -a).
std::vector<ContainerRecord> stats_targets(const LiteContext& c, const std::vector<std::string>& refs, bool all,
                                           bool first) {
    ContainerStore store(c.layout);
    std::vector<ContainerRecord> list;
    if (refs.empty()) {
        for (const auto& r : store.list())
            if (all || container_running(c, r)) list.push_back(r);
        return list;
    }
    for (const auto& ref : refs) {
        if (first) {
            list.push_back(store.resolve(ref));  // an unknown name is an error at first
            continue;
        }
        try {
            list.push_back(store.resolve(ref));
        } catch (const Error&) {
        }
    }
    return list;
}

std::optional<Sample> try_sample(const LiteContext& c, const ContainerRecord& r) {
    try {
        if (container_running(c, r)) return sample(c, r.id);
    } catch (const Error&) {
    }
    return std::nullopt;
}

// One row: CPU % from the CPU time used since `before`, elapsed_ns ago.
json stats_object(const ContainerRecord& r, const std::optional<Sample>& before, const std::optional<Sample>& s,
                  uint64_t elapsed_ns) {
    json o = {{"ID", r.id.substr(0, 12)}, {"Container", r.id.substr(0, 12)}, {"Name", r.name},
              {"CPUPerc", "--"},          {"MemUsage", "-- / --"},          {"MemPerc", "--"},
              {"PIDs", "--"}};
    if (!s) return o;
    uint64_t limit = s->limit;
    if (limit == 0 || limit > (1ULL << 60)) limit = host_memory();
    char cpu[32], mem[32];
    double cpu_delta = before ? static_cast<double>(s->cpu_ns - std::min(s->cpu_ns, before->cpu_ns)) : 0.0;
    std::snprintf(cpu, sizeof cpu, "%.2f%%", elapsed_ns ? cpu_delta * 100.0 / static_cast<double>(elapsed_ns) : 0.0);
    std::snprintf(mem, sizeof mem, "%.2f%%", limit ? static_cast<double>(s->mem) * 100.0 / static_cast<double>(limit) : 0.0);
    o["CPUPerc"] = cpu;
    o["MemUsage"] = binary_size(s->mem) + " / " + binary_size(limit);
    o["MemPerc"] = mem;
    o["PIDs"] = std::to_string(s->pids);
    return o;
}

std::string stats_table(const std::vector<json>& objects, const std::string& format) {
    std::string f = format.empty()
                        ? "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.PIDs}}"
                        : format;
    return format_list(f, objects,
                       {{"ID", "CONTAINER ID"}, {"CPUPerc", "CPU %"}, {"MemUsage", "MEM USAGE / LIMIT"},
                        {"MemPerc", "MEM %"}, {"PIDs", "PIDS"}, {"Container", "CONTAINER"}},
                       "");
}

}  // namespace

int cmd_stats(const LiteContext& c, const std::vector<std::string>& refs, bool all, bool no_stream,
              const std::string& format) {
    std::vector<ContainerRecord> list = stats_targets(c, refs, all, true);
    std::map<std::string, Sample> previous;
    for (const auto& r : list)
        if (auto s = try_sample(c, r)) previous[r.id] = *s;
    uint64_t then = monotonic_ns();
    // The first CPU % over half a second, as docker's first sample; then one a second.
    if (!list.empty()) ::usleep(500000);
    const bool terminal = ::isatty(STDOUT_FILENO);
    for (bool first = true;; first = false) {
        if (!first) list = stats_targets(c, refs, all, false);
        uint64_t now = monotonic_ns();
        std::vector<json> objects;
        std::map<std::string, Sample> current;
        bool any_running = false;
        for (const auto& r : list) {
            std::optional<Sample> s = try_sample(c, r);
            std::optional<Sample> before;
            if (auto it = previous.find(r.id); it != previous.end()) before = it->second;
            if (s) {
                current[r.id] = *s;
                any_running = true;
            }
            objects.push_back(stats_object(r, before, s, now - then));
        }
        // docker stats NAME... ends when the containers it shows are gone.
        if (!first && !refs.empty() && !any_running) return 0;
        std::string table = stats_table(objects, format);
        if (!no_stream && terminal) table = "\033[2J\033[H" + table;  // redraw in place
        std::cout << table << std::flush;
        if (no_stream || !std::cout) return 0;
        previous = std::move(current);
        then = now;
        ::usleep(1000000);
    }
}

int cmd_pause(const LiteContext& c, const std::vector<std::string>& refs, bool pause) {
    ContainerStore store(c.layout);
    int rc = 0;
    for (const auto& ref : refs) {
        try {
            ContainerRecord r = store.resolve(ref);
            if (!container_running(c, r)) throw Error("Container " + r.id + " is not running");
            if (pause) {
                if (runtime::state(c.runtime, r.id).status == state::Status::paused)
                    throw Error("Container " + r.id + " is already paused");
                runtime::pause(c.runtime, r.id);
            } else {
                if (runtime::state(c.runtime, r.id).status != state::Status::paused)
                    throw Error("Container " + r.id + " is not paused");
                runtime::resume(c.runtime, r.id);
            }
            std::cout << ref << std::endl;
        } catch (const Error& e) {
            std::cerr << "Error: " << e.what() << "\n";
            rc = 1;
        }
    }
    return rc;
}

}  // namespace wb::lite
