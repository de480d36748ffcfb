// pause, resume, update, ps and events: the commands that act on a container's cgroup.
#include <time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "runtime/internal.hpp"
#include "runtime/rootless.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::runtime {
namespace {

// A rootless container may have no cgroup (docs/rootless.md): the command that needs one
// fails with runc's words for it (`what`).
Loaded load_with_cgroup(const Context& ctx, const std::string& id, const char* what) {
    state::Store store(ctx.root);
    Loaded c = load_container(store, id);
    if (!c.cgroup) throw Error(what);
    return c;
}

constexpr const char* no_freezer = "cannot toggle freezer: cgroups not configured for container";
constexpr const char* no_cgroup = "container could not join or create cgroup";

nlohmann::ordered_json stats_json(const cgroups::Stats& s) {
    using json = nlohmann::ordered_json;
    json blkio = json::object();
    auto entries = [](const std::vector<cgroups::BlkioEntry>& list) {
        json arr = json::array();
        for (const auto& e : list)
            arr.push_back({{"major", e.major}, {"minor", e.minor}, {"op", e.op}, {"value", e.value}});
        return arr;
    };
    if (!s.io_service_bytes.empty()) blkio["ioServiceBytesRecursive"] = entries(s.io_service_bytes);
    if (!s.io_serviced.empty()) blkio["ioServicedRecursive"] = entries(s.io_serviced);
    json hugetlb = json::object();
    for (const auto& [size, usage] : s.hugetlb_usage) hugetlb[size] = {{"usage", usage}};
    json raw = json::object();
    for (const auto& [k, v] : s.memory.raw) raw[k] = v;
    return {
        {"cpu",
         {{"usage",
           {{"total", s.cpu.total}, {"percpu", s.cpu.percpu}, {"kernel", s.cpu.kernel}, {"user", s.cpu.user}}},
          {"throttling",
           {{"periods", s.cpu.periods},
            {"throttledPeriods", s.cpu.throttled_periods},
            {"throttledTime", s.cpu.throttled_time}}}}},
        {"memory",
         {{"usage",
           {{"limit", s.memory.limit},
            {"usage", s.memory.usage},
            {"max", s.memory.max_usage},
            {"failcnt", s.memory.failcnt}}},
          {"swap", {{"limit", s.memory.swap_limit}, {"usage", s.memory.swap_usage}}},
          {"raw", raw}}},
        {"pids", {{"current", s.pids.current}, {"limit", s.pids.limit}}},
        {"blkio", blkio},
        {"hugetlb", hugetlb},
    };
}

std::string event_line(const char* type, const std::string& id, const nlohmann::ordered_json& data) {
    nlohmann::ordered_json j = {{"type", type}, {"id", id}};
    if (!data.is_null()) j["data"] = data;  // runc: `data,omitempty` ({"type":"oom","id":...})
    return j.dump();
}

}  // namespace

void pause(const Context& ctx, const std::string& id) {
    Loaded c = load_with_cgroup(ctx, id, no_freezer);
    if (c.state.status != state::Status::running && c.state.status != state::Status::created)
        throw Error("container not running");
    c.cgroup->freeze();
}

void resume(const Context& ctx, const std::string& id) {
    Loaded c = load_with_cgroup(ctx, id, no_freezer);
    if (c.state.status != state::Status::paused) throw Error("container not paused");
    c.cgroup->thaw();
}

void update(const Context& ctx, const std::string& id, const oci::Resources& resources) {
    Loaded c = load_with_cgroup(ctx, id, no_cgroup);
    if (c.state.status == state::Status::stopped) throw Error("container not running");
    c.cgroup->apply(resources);
}

std::vector<pid_t> pids(const Context& ctx, const std::string& id) {
    state::Store store(ctx.root);
    Loaded c = load_container(store, id);
    if (c.cgroup) return c.cgroup->pids();
    // A rootless container may have no cgroup: its pid namespace tells its processes.
    if (c.state.status == state::Status::stopped) return {};
    return pids_without_cgroup(c.state.pid);
}

// Without a cgroup (rootless) the stats are all zero, as runc's.
std::string stats_event_json(const Context& ctx, const std::string& id) {
    state::Store store(ctx.root);
    Loaded c = load_container(store, id);
    if (c.state.status == state::Status::stopped) throw Error("container not running");
    return event_line("stats", id, stats_json(c.cgroup ? c.cgroup->stats() : cgroups::Stats{}));
}

void watch_events(const Context& ctx, const std::string& id, int interval_ms,
                  const std::function<void(const std::string&)>& emit) {
    state::Store store(ctx.root);
    Loaded c = load_container(store, id);
    // Without a cgroup (rootless): zero stats and no oom records until the container stops.
    auto stats = [&] { return c.cgroup ? c.cgroup->stats() : cgroups::Stats{}; };
    uint64_t ooms = c.cgroup ? c.cgroup->oom_kill_count() : 0;
    long elapsed = interval_ms;  // stats right away, then every interval
    constexpr long tick = 100;
    // One "oom" record per kill the cgroup counts (memory.events oom_kill on v2,
    // memory.oom_control oom_kill on v1), as runc's notifier sends one per event. Read
    // before the status: a container whose init was the one killed still reports it.
    auto report_ooms = [&] {
        uint64_t now = 0;
        if (!c.cgroup) return;
        try {
            now = c.cgroup->oom_kill_count();
        } catch (const Error& e) {
            log::debug("oom count of {}: {}", id, e.what());  // the cgroup is going away
            return;
        }
        for (; ooms < now; ++ooms) emit(event_line("oom", id, nullptr));
    };
    for (;;) {
        report_ooms();
        if (refresh_status(store, c.state, c.cgroup.get()) == state::Status::stopped) {
            report_ooms();
            return;
        }
        if (elapsed >= interval_ms) {
            emit(event_line("stats", id, stats_json(stats())));
            elapsed = 0;
        }
        struct timespec ts {0, tick * 1000000};
        nanosleep(&ts, nullptr);
        elapsed += tick;
    }
}

}  // namespace wb::runtime
