// linux.resources as systemd unit properties (systemd.resource-control(5)), for the
// limits systemd knows; the driver writes every limit to cgroupfs as well (the v2 writers),
// which covers the rest. The conversions are runc's (libcontainer/cgroups/systemd).
#pragma once
#include <string>
#include <vector>

#include "cgroups/systemd/bus.hpp"
#include "oci/spec.hpp"

namespace wb::cgroups::systemd {

// MemoryMax/Low/SwapMax, CPUWeight, CPUQuotaPerSecUSec, CPUQuotaPeriodUSec, AllowedCPUs,
// AllowedMemoryNodes, TasksMax, IOWeight, DevicePolicy/DeviceAllow, and the unified keys
// systemd has a property for (memory.high ...). `proc_devices` is /proc/devices' text (to
// name a device major for DeviceAllow's "char-NAME"). Throws wb::Error on a bad value.
std::vector<Property> resource_properties(const oci::Resources& r, const std::string& proc_devices);

// DevicePolicy and DeviceAllow for the device rules; empty when there are none. systemd
// can only list what is allowed, so its list is the rules' allowed set or wider (a deny
// rule inside an allowed range is left to the driver's own eBPF program, which runs too).
std::vector<Property> device_properties(const std::vector<oci::DeviceRule>& rules, const std::string& proc_devices);

// "0-3,8" -> the bitmask AllowedCPUs/AllowedMemoryNodes take: byte i holds 8i..8i+7.
std::vector<uint8_t> list_to_bits(const std::string& list);

// The properties every container's scope gets: Description, Slice, Delegate=yes, PIDs,
// accounting on for every controller, DefaultDependencies=no.
std::vector<Property> scope_properties(const std::string& name, const std::string& slice, pid_t pid);

}  // namespace wb::cgroups::systemd
