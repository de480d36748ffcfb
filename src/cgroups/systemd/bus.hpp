// The systemd cgroup driver's view of systemd's D-Bus API (org.freedesktop.systemd1):
// the five calls it makes. The real one (sd_bus.cpp) talks to PID 1 through sd-bus; unit
// tests hand the driver a fake through Options::systemd_bus.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace wb::cgroups::systemd {

// A unit property's value, by its D-Bus signature: b, t, s, au, ay, a(ss).
using DeviceAllowList = std::vector<std::pair<std::string, std::string>>;  // (path, "rwm")
using Value = std::variant<bool, uint64_t, std::string, std::vector<uint32_t>,
                           std::vector<uint8_t>, DeviceAllowList>;

struct Property {
    std::string name;
    Value value;
    bool operator==(const Property&) const = default;
};

// systemd's "infinity" (USEC_INFINITY, CGROUP_LIMIT_MAX): no limit.
inline constexpr uint64_t infinity = UINT64_MAX;

class Bus {
public:
    virtual ~Bus() = default;
    // The unit's ActiveState ("active", "failed", "inactive", ...), or "" when systemd
    // has no such unit loaded.
    virtual std::string active_state(const std::string& unit) = 0;
    // StartTransientUnit(unit, "replace", properties) and waits for its job. Returns false
    // when a unit of that name exists already (org.freedesktop.systemd1.UnitExists); any
    // other failure, or a job that ends other than "done", throws wb::Error.
    virtual bool start_transient_unit(const std::string& unit, const std::vector<Property>& properties) = 0;
    // SetUnitProperties(unit, runtime=true, properties).
    virtual void set_unit_properties(const std::string& unit, const std::vector<Property>& properties) = 0;
    // StopUnit(unit, "replace") and waits for its job; a unit that is not loaded is fine.
    virtual void stop_unit(const std::string& unit) = 0;
    // ResetFailedUnit(unit), so systemd forgets a failed unit; errors are ignored.
    virtual void reset_failed_unit(const std::string& unit) = 0;
};

// Connects to the host's systemd: its private socket (/run/systemd/private, as root),
// else the system bus. Throws wb::Error when neither answers.
std::shared_ptr<Bus> connect_host_bus();

}  // namespace wb::cgroups::systemd
