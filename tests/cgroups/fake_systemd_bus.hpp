// A fake systemd for the systemd cgroup driver's tests: records the D-Bus calls, and
// "starts" a scope by making its directory in a FakeCgroupfs, as systemd would.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "cgroups/systemd/bus.hpp"
#include "fake_cgroupfs.hpp"

namespace wb::cgroups::testing {

class FakeSystemdBus final : public systemd::Bus {
public:
    struct Call {
        std::string method, unit;
        std::vector<systemd::Property> properties;
    };

    explicit FakeSystemdBus(FakeCgroupfs& fs) : fs_(fs) {}

    // unit -> ActiveState; a started unit is "active".
    std::map<std::string, std::string> states;
    // unit -> its cgroup path below the fake root, made by a start.
    std::map<std::string, std::string> scope_dirs;
    std::vector<Call> calls;

    std::string active_state(const std::string& unit) override {
        calls.push_back({"GetUnit", unit, {}});
        auto it = states.find(unit);
        return it == states.end() ? "" : it->second;
    }
    bool start_transient_unit(const std::string& unit, const std::vector<systemd::Property>& props) override {
        calls.push_back({"StartTransientUnit", unit, props});
        if (states.count(unit)) return false;
        states[unit] = "active";
        if (auto it = scope_dirs.find(unit); it != scope_dirs.end())
            fs_.dir(it->second, {{"cgroup.procs", ""}, {"cgroup.freeze", "0\n"}, {"memory.max", "max\n"},
                                 {"pids.max", "max\n"}, {"cpu.max", "max 100000\n"}, {"cpu.weight", "100\n"},
                                 {"memory.low", "0\n"}, {"memory.swap.max", "max\n"}});
        return true;
    }
    void set_unit_properties(const std::string& unit, const std::vector<systemd::Property>& props) override {
        calls.push_back({"SetUnitProperties", unit, props});
    }
    void stop_unit(const std::string& unit) override {
        calls.push_back({"StopUnit", unit, {}});
        states.erase(unit);
        if (auto it = scope_dirs.find(unit); it != scope_dirs.end()) fs::remove_all(fs_.at(it->second));
    }
    void reset_failed_unit(const std::string& unit) override {
        calls.push_back({"ResetFailedUnit", unit, {}});
        if (states.count(unit) && states[unit] == "failed") states.erase(unit);
    }

    std::vector<std::string> methods() const {
        std::vector<std::string> out;
        for (const auto& c : calls) out.push_back(c.method + " " + c.unit);
        return out;
    }

private:
    FakeCgroupfs& fs_;
};

}  // namespace wb::cgroups::testing
