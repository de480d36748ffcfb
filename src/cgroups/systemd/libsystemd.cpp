#include "cgroups/systemd/libsystemd.hpp"

#include "util/shared_library.hpp"

namespace wb::cgroups::systemd {
namespace {

constexpr const char* kLibrary = "libsystemd.so.0";

Libsystemd load() {
    SharedLibrary library(kLibrary,
                          "systemd cgroup flag passed, but systemd support for managing cgroups is not available: ");
    Libsystemd l{};
    library.resolve("sd_bus_new", l.sd_bus_new);
    library.resolve("sd_bus_set_address", l.sd_bus_set_address);
    library.resolve("sd_bus_start", l.sd_bus_start);
    library.resolve("sd_bus_open_system", l.sd_bus_open_system);
    library.resolve("sd_bus_unref", l.sd_bus_unref);
    library.resolve("sd_bus_flush_close_unref", l.sd_bus_flush_close_unref);
    library.resolve("sd_bus_process", l.sd_bus_process);
    library.resolve("sd_bus_wait", l.sd_bus_wait);
    library.resolve("sd_bus_call", l.sd_bus_call);
    library.resolve("sd_bus_call_method", l.sd_bus_call_method);
    library.resolve("sd_bus_get_property_string", l.sd_bus_get_property_string);
    library.resolve("sd_bus_match_signal", l.sd_bus_match_signal);
    library.resolve("sd_bus_slot_unref", l.sd_bus_slot_unref);
    library.resolve("sd_bus_error_free", l.sd_bus_error_free);
    library.resolve("sd_bus_error_has_name", l.sd_bus_error_has_name);
    library.resolve("sd_bus_message_new_method_call", l.sd_bus_message_new_method_call);
    library.resolve("sd_bus_message_unref", l.sd_bus_message_unref);
    library.resolve("sd_bus_message_append", l.sd_bus_message_append);
    library.resolve("sd_bus_message_append_array", l.sd_bus_message_append_array);
    library.resolve("sd_bus_message_open_container", l.sd_bus_message_open_container);
    library.resolve("sd_bus_message_close_container", l.sd_bus_message_close_container);
    library.resolve("sd_bus_message_read", l.sd_bus_message_read);
    return l;
}

}  // namespace

const Libsystemd& libsystemd() {
    static const Libsystemd loaded = load();  // a throw leaves it unloaded: the next call retries
    return loaded;
}

}  // namespace wb::cgroups::systemd
