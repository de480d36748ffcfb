// The commands that look at or act on a running container's processes: top, stats,
// pause, unpause, attach.
#include <pwd.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "lite/commands_lite.hpp"
#include "lite/format.hpp"
#include "lite/log_file.hpp"
#include "lite/log_query.hpp"
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

int cmd_stats(const LiteContext& c, const std::vector<std::string>& refs, bool all, const std::string& format) {
    ContainerStore store(c.layout);
    std::vector<ContainerRecord> list;
    if (refs.empty()) {
        for (const auto& r : store.list())
            if (all || container_running(c, r)) list.push_back(r);
    } else {
        for (const auto& ref : refs) list.push_back(store.resolve(ref));
    }
    // CPU % over a short window, as docker's first --no-stream sample.
    std::vector<std::optional<Sample>> first(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
        try {
            if (container_running(c, list[i])) first[i] = sample(c, list[i].id);
        } catch (const Error&) {
        }
    }
    uint64_t t0 = monotonic_ns();
    if (!list.empty()) ::usleep(500000);
    uint64_t elapsed = monotonic_ns() - t0;
    std::vector<json> objects;
    for (size_t i = 0; i < list.size(); ++i) {
        const ContainerRecord& r = list[i];
        json o = {{"ID", r.id.substr(0, 12)}, {"Container", r.id.substr(0, 12)}, {"Name", r.name},
                  {"CPUPerc", "0.00%"}, {"MemUsage", "0B / 0B"}, {"MemPerc", "0.00%"}, {"PIDs", "0"}};
        std::optional<Sample> s;
        try {
            if (first[i]) s = sample(c, r.id);
        } catch (const Error&) {
        }
        if (s) {
            uint64_t limit = s->limit;
            if (limit == 0 || limit > (1ULL << 60)) limit = host_memory();
            char cpu[32], mem[32];
            double cpu_delta = static_cast<double>(s->cpu_ns - std::min(s->cpu_ns, first[i]->cpu_ns));
            std::snprintf(cpu, sizeof cpu, "%.2f%%", elapsed ? cpu_delta * 100.0 / static_cast<double>(elapsed) : 0.0);
            std::snprintf(mem, sizeof mem, "%.2f%%",
                          limit ? static_cast<double>(s->mem) * 100.0 / static_cast<double>(limit) : 0.0);
            o["CPUPerc"] = cpu;
            o["MemUsage"] = binary_size(s->mem) + " / " + binary_size(limit);
            o["MemPerc"] = mem;
            o["PIDs"] = std::to_string(s->pids);
        } else {
            o["ID"] = r.id.substr(0, 12);
            o["CPUPerc"] = "--";
            o["MemUsage"] = "-- / --";
            o["MemPerc"] = "--";
            o["PIDs"] = "--";
        }
        objects.push_back(o);
    }
    std::string f = format.empty()
                         ? "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.PIDs}}"
                         : format;
    std::cout << format_list(f, objects,
                             {{"ID", "CONTAINER ID"}, {"CPUPerc", "CPU %"}, {"MemUsage", "MEM USAGE / LIMIT"},
                              {"MemPerc", "MEM %"}, {"PIDs", "PIDS"}, {"Container", "CONTAINER"}},
                             "");
    return 0;
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

int cmd_attach(const LiteContext& c, const std::string& ref) {
    ContainerStore store(c.layout);
    ContainerRecord r = running_container(c, ref);
    // The output from now on (docker attach shows no history), until the container exits.
    LogQuery from_now;
    from_now.tail = 0;
    from_now.follow = true;
    print_log(store.dir(r.id) + "/container.log", from_now, [&] {
        if (!store.exists(r.id)) return false;
        return container_alive(c, store.load(r.id));
    });
    if (!store.exists(r.id)) return 0;
    return store.load(r.id).exit_code;
}

}  // namespace wb::lite
