// libsystemd (sd-bus), opened with dlopen the first time the systemd cgroup driver talks
// to systemd, so a whalebox command without --systemd-cgroup never loads it (nor the
// libraries it pulls in: liblzma, libzstd, liblz4, libgcrypt, ...). Only the header is
// needed at build time; the calls go through the pointers below.
#pragma once
#include <systemd/sd-bus.h>

namespace wb::cgroups::systemd {

// The sd-bus functions sd_bus.cpp calls, each under its own name.
struct Libsystemd {
    decltype(&::sd_bus_new) sd_bus_new;
    decltype(&::sd_bus_set_address) sd_bus_set_address;
    decltype(&::sd_bus_start) sd_bus_start;
    decltype(&::sd_bus_open_system) sd_bus_open_system;
    decltype(&::sd_bus_unref) sd_bus_unref;
    decltype(&::sd_bus_flush_close_unref) sd_bus_flush_close_unref;
    decltype(&::sd_bus_process) sd_bus_process;
    decltype(&::sd_bus_wait) sd_bus_wait;
    decltype(&::sd_bus_call) sd_bus_call;
    decltype(&::sd_bus_call_method) sd_bus_call_method;
    decltype(&::sd_bus_get_property_string) sd_bus_get_property_string;
    decltype(&::sd_bus_match_signal) sd_bus_match_signal;
    decltype(&::sd_bus_slot_unref) sd_bus_slot_unref;
    decltype(&::sd_bus_error_free) sd_bus_error_free;
    decltype(&::sd_bus_error_has_name) sd_bus_error_has_name;
    decltype(&::sd_bus_message_new_method_call) sd_bus_message_new_method_call;
    decltype(&::sd_bus_message_unref) sd_bus_message_unref;
    decltype(&::sd_bus_message_append) sd_bus_message_append;
    decltype(&::sd_bus_message_append_array) sd_bus_message_append_array;
    decltype(&::sd_bus_message_open_container) sd_bus_message_open_container;
    decltype(&::sd_bus_message_close_container) sd_bus_message_close_container;
    decltype(&::sd_bus_message_read) sd_bus_message_read;
};

// Opens libsystemd.so.0 once and resolves every function. Throws wb::Error
// ("systemd cgroup flag passed, but systemd support for managing cgroups is not
// available: ...") when the library or one of its functions is missing.
const Libsystemd& libsystemd();

}  // namespace wb::cgroups::systemd
