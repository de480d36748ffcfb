// The systemd cgroup driver (--systemd-cgroup), cgroup v2: the container's init goes into
// a transient scope unit that systemd creates with Delegate=yes (StartTransientUnit, as
// runc does). Limits systemd knows are set as unit properties, and every limit is also
// written to the scope's cgroup by the v2 driver, which does everything else too
// (freezer, pids, stats, kill, eBPF device program): see docs/cgroups.md "systemd".
//
// The scope can only start with a process in it, so create() only checks that no unit of
// that name is running, apply() before the start keeps the resources, and add_process()
// (the launcher's, while the init waits) starts the unit with the init's pid and those
// resources as properties, then writes the files.
#include <optional>

#include "cgroups/files.hpp"
#include "cgroups/internal.hpp"
#include "cgroups/systemd/bus.hpp"
#include "cgroups/systemd/properties.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace wb::cgroups {
namespace {

class SystemdManager final : public Manager {
public:
    // `started`: the unit exists and is this container's (a manager re-opened from state).
    SystemdManager(std::string unit, std::string slice, std::string path, Options options, bool started)
        : unit_(std::move(unit)),
          slice_(std::move(slice)),
          path_(std::move(path)),
          options_(std::move(options)),
          started_(started),
          v2_(make_v2_manager(path_, options_)) {}

    void create() override {
        if (started_) return;
        std::string state = bus().active_state(unit_);
        if (state == "failed") {  // a leftover of an earlier container: let systemd forget it
            bus().reset_failed_unit(unit_);
            state = bus().active_state(unit_);
        }
        if (!state.empty() && state != "inactive") throw exists_error(state);
    }

    // The scope (and its directory) is made by add_process's StartTransientUnit.
    bool dirs_exist_before_join() const override { return false; }

    void add_process(pid_t pid) override {
        if (started_) return v2_->add_process(pid);
        std::vector<Property> props = systemd::scope_properties(unit_, slice_, pid);
        if (pending_) {
            auto more = systemd::resource_properties(*pending_, proc_devices());
            props.insert(props.end(), more.begin(), more.end());
        }
        if (!bus().start_transient_unit(unit_, props)) {
            // Maybe a failed leftover that appeared since create(): reset it and retry once.
            bus().reset_failed_unit(unit_);
            if (!bus().start_transient_unit(unit_, props)) throw exists_error("");
        }
        started_ = true;
        v2_ = make_v2_manager(path_, options_);  // the directory exists now: its fd too
        if (!fs::exists(dir())) throw Error("systemd started " + unit_ + " but " + dir() + " does not exist");
        if (pending_) {
            v2_->apply(*pending_);
            pending_.reset();
        }
    }

    void apply(const oci::Resources& r) override {
        if (!started_) {
            pending_ = r;
            return;
        }
        auto props = systemd::resource_properties(r, proc_devices());
        if (!props.empty()) bus().set_unit_properties(unit_, props);
        v2_->apply(r);
    }

    void freeze() override { v2_->freeze(); }
    void thaw() override { v2_->thaw(); }
    bool frozen() const override { return v2_->frozen(); }
    std::vector<pid_t> pids() const override { return started_ ? v2_->pids() : std::vector<pid_t>{}; }
    Stats stats() const override { return v2_->stats(); }
    uint64_t oom_kill_count() const override { return v2_->oom_kill_count(); }
    void kill_all(int signal) override { v2_->kill_all(signal); }

    // Stops the unit (systemd removes its cgroup) and makes it forget a failed one; a
    // scope this manager did not start (create() refused it) is left alone.
    void destroy() override {
        if (!started_) return;
        bus().stop_unit(unit_);
        bus().reset_failed_unit(unit_);
        if (fs::exists(dir())) v2_->destroy();  // what systemd left (sub-cgroups it did not know)
        started_ = false;
    }

    int clone_into_fd() const override { return started_ ? v2_->clone_into_fd() : -1; }
    std::string path() const override { return path_; }
    std::map<std::string, std::string> controller_paths() const override { return {{"", dir()}}; }
    Mode mode() const override { return Mode::unified; }
    // systemd makes and removes the directories: none are this manager's.
    std::vector<std::string> created_dirs() const override { return {}; }
    void set_created_dirs(std::vector<std::string>) override {}

private:
    systemd::Bus& bus() {
        if (!options_.systemd_bus) options_.systemd_bus = systemd::connect_host_bus();
        return *options_.systemd_bus;
    }
    std::string dir() const { return fs::join(clean_path(options_.mountpoint), path_); }
    std::string proc_devices() const {
        try {
            return fs::read_file(options_.proc_devices);
        } catch (const Error& e) {
            wb::log::debug("{}", e.what());
            return "";
        }
    }
    Error exists_error(const std::string& state) const {
        return Error("systemd unit " + unit_ + " already exists" + (state.empty() ? "" : " (" + state + ")") +
                     ": another container or program uses that scope");
    }
    using Property = systemd::Property;

    std::string unit_, slice_, path_;
    Options options_;
    bool started_;
    std::unique_ptr<Manager> v2_;
    std::optional<oci::Resources> pending_;
};

void require_unified(const Options& options) {
    Mode mode = options.mode ? *options.mode : detect_mode(options.mountpoint);
    if (mode != Mode::unified)
        throw Error("the systemd cgroup driver (--systemd-cgroup) needs a cgroup v2 host (a unified hierarchy)");
}

}  // namespace

std::unique_ptr<Manager> make_systemd_manager(const SystemdUnit& unit, const Options& options) {
    require_unified(options);
    if (unit.unit.size() > 6 && unit.unit.compare(unit.unit.size() - 6, 6, ".slice") == 0)
        throw Error("systemd unit \"" + unit.unit + "\": a container's unit is a scope, not a slice");
    return std::make_unique<SystemdManager>(unit.unit, unit.slice, unit.path, options, false);
}

std::unique_ptr<Manager> open_systemd_manager_at(const std::string& path, const Options& options) {
    require_unified(options);
    std::string unit = path.substr(path.rfind('/') + 1);
    if (unit.empty() || path == "/") throw Error("cgroup path \"" + path + "\" names no systemd unit");
    return std::make_unique<SystemdManager>(unit, "", path, options, true);
}

}  // namespace wb::cgroups
