#include "cgroups/systemd/libsystemd.hpp"

#include <dlfcn.h>

#include <string>

#include "util/error.hpp"

namespace wb::cgroups::systemd {
namespace {

constexpr const char* kLibrary = "libsystemd.so.0";

[[noreturn]] void unavailable(const std::string& why) {
    throw Error("systemd cgroup flag passed, but systemd support for managing cgroups is not available: " + why);
}

template <class Function>
void resolve(void* library, const char* name, Function*& out) {
    void* symbol = ::dlsym(library, name);
    if (!symbol) unavailable(std::string(kLibrary) + " has no " + name);
    out = reinterpret_cast<Function*>(symbol);
}

Libsystemd load() {
    // Never closed: the driver may call into it until the command exits.
    void* library = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char* why = ::dlerror();
        unavailable(why ? why : kLibrary);
    }
    Libsystemd l{};
    resolve(library, "sd_bus_new", l.sd_bus_new);
    resolve(library, "sd_bus_set_address", l.sd_bus_set_address);
    resolve(library, "sd_bus_start", l.sd_bus_start);
    resolve(library, "sd_bus_open_system", l.sd_bus_open_system);
    resolve(library, "sd_bus_unref", l.sd_bus_unref);
    resolve(library, "sd_bus_flush_close_unref", l.sd_bus_flush_close_unref);
    resolve(library, "sd_bus_process", l.sd_bus_process);
    resolve(library, "sd_bus_wait", l.sd_bus_wait);
    resolve(library, "sd_bus_call", l.sd_bus_call);
    resolve(library, "sd_bus_call_method", l.sd_bus_call_method);
    resolve(library, "sd_bus_get_property_string", l.sd_bus_get_property_string);
    resolve(library, "sd_bus_match_signal", l.sd_bus_match_signal);
    resolve(library, "sd_bus_slot_unref", l.sd_bus_slot_unref);
    resolve(library, "sd_bus_error_free", l.sd_bus_error_free);
    resolve(library, "sd_bus_error_has_name", l.sd_bus_error_has_name);
    resolve(library, "sd_bus_message_new_method_call", l.sd_bus_message_new_method_call);
    resolve(library, "sd_bus_message_unref", l.sd_bus_message_unref);
    resolve(library, "sd_bus_message_append", l.sd_bus_message_append);
    resolve(library, "sd_bus_message_append_array", l.sd_bus_message_append_array);
    resolve(library, "sd_bus_message_open_container", l.sd_bus_message_open_container);
    resolve(library, "sd_bus_message_close_container", l.sd_bus_message_close_container);
    resolve(library, "sd_bus_message_read", l.sd_bus_message_read);
    return l;
}

}  // namespace

const Libsystemd& libsystemd() {
    static const Libsystemd loaded = load();  // a throw leaves it unloaded: the next call retries
    return loaded;
}

}  // namespace wb::cgroups::systemd
