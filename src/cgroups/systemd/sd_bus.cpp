// The real Bus: sd-bus (libsystemd, opened on first use: libsystemd.hpp) to systemd's
// manager object.
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "cgroups/systemd/bus.hpp"
#include "cgroups/systemd/libsystemd.hpp"
#include "util/error.hpp"

namespace wb::cgroups::systemd {
namespace {

const Libsystemd& sd() { return libsystemd(); }

constexpr const char* destination = "org.freedesktop.systemd1";
constexpr const char* manager_path = "/org/freedesktop/systemd1";
constexpr const char* manager_iface = "org.freedesktop.systemd1.Manager";
constexpr uint64_t job_timeout_usec = 30ULL * 1000 * 1000;  // as runc

// RAII for the sd-bus objects.
struct ErrorHolder {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    ~ErrorHolder() { sd().sd_bus_error_free(&e); }
    bool is(const char* name) const { return sd().sd_bus_error_has_name(&e, name); }
    std::string text(int r) const {
        if (e.message) return e.message;
        return std::strerror(r < 0 ? -r : r);
    }
};
struct MessagePtr {
    sd_bus_message* m = nullptr;
    ~MessagePtr() { sd().sd_bus_message_unref(m); }
};
struct SlotPtr {
    sd_bus_slot* s = nullptr;
    ~SlotPtr() { sd().sd_bus_slot_unref(s); }
};

uint64_t now_usec() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

void check(int r, const std::string& what) {
    if (r < 0) throw Error("systemd: " + what + ": " + std::strerror(-r));
}

void append_value(sd_bus_message* m, const Value& v) {
    auto variant = [&](const char* sig) { check(sd().sd_bus_message_open_container(m, 'v', sig), "build message"); };
    if (auto* b = std::get_if<bool>(&v)) {
        variant("b");
        check(sd().sd_bus_message_append(m, "b", static_cast<int>(*b)), "build message");
    } else if (auto* t = std::get_if<uint64_t>(&v)) {
        variant("t");
        check(sd().sd_bus_message_append(m, "t", *t), "build message");
    } else if (auto* s = std::get_if<std::string>(&v)) {
        variant("s");
        check(sd().sd_bus_message_append(m, "s", s->c_str()), "build message");
    } else if (auto* au = std::get_if<std::vector<uint32_t>>(&v)) {
        variant("au");
        check(sd().sd_bus_message_append_array(m, 'u', au->data(), au->size() * sizeof(uint32_t)), "build message");
    } else if (auto* ay = std::get_if<std::vector<uint8_t>>(&v)) {
        variant("ay");
        check(sd().sd_bus_message_append_array(m, 'y', ay->data(), ay->size()), "build message");
    } else if (auto* devices = std::get_if<DeviceAllowList>(&v)) {
        variant("a(ss)");
        check(sd().sd_bus_message_open_container(m, 'a', "(ss)"), "build message");
        for (const auto& [path, access] : *devices)
            check(sd().sd_bus_message_append(m, "(ss)", path.c_str(), access.c_str()), "build message");
        check(sd().sd_bus_message_close_container(m), "build message");
    }
    check(sd().sd_bus_message_close_container(m), "build message");
}

void append_properties(sd_bus_message* m, const std::vector<Property>& properties) {
    check(sd().sd_bus_message_open_container(m, 'a', "(sv)"), "build message");
    for (const auto& p : properties) {
        check(sd().sd_bus_message_open_container(m, 'r', "sv"), "build message");
        check(sd().sd_bus_message_append(m, "s", p.name.c_str()), "build message");
        append_value(m, p.value);
        check(sd().sd_bus_message_close_container(m), "build message");
    }
    check(sd().sd_bus_message_close_container(m), "build message");
}

class SdBus final : public Bus {
public:
    explicit SdBus(sd_bus* bus) : bus_(bus) {
        // JobRemoved tells when a job we queued is over; matched before any job exists.
        // No sender: on systemd's private socket (a direct connection) messages carry none.
        check(sd().sd_bus_match_signal(bus_, &match_.s, nullptr, manager_path, manager_iface, "JobRemoved",
                                  &SdBus::on_job_removed, this),
              "watch JobRemoved");
        // Signals reach subscribed clients (and the job's own client); subscribing is
        // harmless when it is not needed.
        ErrorHolder err;
        sd().sd_bus_call_method(bus_, destination, manager_path, manager_iface, "Subscribe", &err.e, nullptr, "");
    }
    ~SdBus() override {
        sd().sd_bus_slot_unref(match_.s);
        match_.s = nullptr;
        sd().sd_bus_flush_close_unref(bus_);
    }
    SdBus(const SdBus&) = delete;
    SdBus& operator=(const SdBus&) = delete;

    std::string active_state(const std::string& unit) override {
        ErrorHolder err;
        MessagePtr reply;
        int r = sd().sd_bus_call_method(bus_, destination, manager_path, manager_iface, "GetUnit", &err.e, &reply.m, "s",
                                   unit.c_str());
        if (r < 0) {
            if (err.is("org.freedesktop.systemd1.NoSuchUnit")) return "";
            throw Error("systemd: GetUnit " + unit + ": " + err.text(r));
        }
        const char* path = nullptr;
        check(sd().sd_bus_message_read(reply.m, "o", &path), "GetUnit reply");
        ErrorHolder perr;
        char* state = nullptr;
        r = sd().sd_bus_get_property_string(bus_, destination, path, "org.freedesktop.systemd1.Unit", "ActiveState",
                                       &perr.e, &state);
        if (r < 0) throw Error("systemd: ActiveState of " + unit + ": " + perr.text(r));
        std::string out = state;
        ::free(state);
        return out;
    }

    bool start_transient_unit(const std::string& unit, const std::vector<Property>& properties) override {
        MessagePtr call;
        check(sd().sd_bus_message_new_method_call(bus_, &call.m, destination, manager_path, manager_iface,
                                             "StartTransientUnit"),
              "StartTransientUnit");
        check(sd().sd_bus_message_append(call.m, "ss", unit.c_str(), "replace"), "build message");
        append_properties(call.m, properties);
        check(sd().sd_bus_message_append(call.m, "a(sa(sv))", 0), "build message");
        ErrorHolder err;
        MessagePtr reply;
        int r = sd().sd_bus_call(bus_, call.m, 0, &err.e, &reply.m);
        if (r < 0) {
            if (err.is("org.freedesktop.systemd1.UnitExists")) return false;
            throw Error("systemd: start unit " + unit + ": " + err.text(r));
        }
        std::string result = wait_for_job(reply.m, "start unit " + unit);
        if (result != "done") {
            reset_failed_unit(unit);
            throw Error("systemd: start unit " + unit + ": job " + result);
        }
        return true;
    }

    void set_unit_properties(const std::string& unit, const std::vector<Property>& properties) override {
        MessagePtr call;
        check(sd().sd_bus_message_new_method_call(bus_, &call.m, destination, manager_path, manager_iface,
                                             "SetUnitProperties"),
              "SetUnitProperties");
        check(sd().sd_bus_message_append(call.m, "sb", unit.c_str(), 1), "build message");
        append_properties(call.m, properties);
        ErrorHolder err;
        int r = sd().sd_bus_call(bus_, call.m, 0, &err.e, nullptr);
        if (r < 0) throw Error("systemd: set properties of unit " + unit + ": " + err.text(r));
    }

    void stop_unit(const std::string& unit) override {
        ErrorHolder err;
        MessagePtr reply;
        int r = sd().sd_bus_call_method(bus_, destination, manager_path, manager_iface, "StopUnit", &err.e, &reply.m,
                                   "ss", unit.c_str(), "replace");
        if (r < 0) {
            if (err.is("org.freedesktop.systemd1.NoSuchUnit")) return;
            throw Error("systemd: stop unit " + unit + ": " + err.text(r));
        }
        std::string result = wait_for_job(reply.m, "stop unit " + unit);
        if (result != "done") throw Error("systemd: stop unit " + unit + ": job " + result);
    }

    void reset_failed_unit(const std::string& unit) override {
        ErrorHolder err;
        sd().sd_bus_call_method(bus_, destination, manager_path, manager_iface, "ResetFailedUnit", &err.e, nullptr, "s",
                           unit.c_str());
    }

private:
    static int on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<SdBus*>(userdata);
        uint32_t id = 0;
        const char *path = nullptr, *unit = nullptr, *result = nullptr;
        if (sd().sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) >= 0 && path && result)
            self->finished_[path] = result;
        return 0;
    }

    // The job object path is in `reply`; its JobRemoved signal carries the result.
    std::string wait_for_job(sd_bus_message* reply, const std::string& what) {
        const char* job = nullptr;
        check(sd().sd_bus_message_read(reply, "o", &job), what);
        std::string path = job;
        uint64_t deadline = now_usec() + job_timeout_usec;
        for (;;) {
            if (auto it = finished_.find(path); it != finished_.end()) {
                std::string result = it->second;
                finished_.erase(it);
                return result;
            }
            int r = sd().sd_bus_process(bus_, nullptr);
            check(r, what);
            if (r > 0) continue;
            uint64_t now = now_usec();
            if (now >= deadline) throw Error("systemd: " + what + ": timed out waiting for the job");
            r = sd().sd_bus_wait(bus_, deadline - now);
            if (r < 0 && r != -EINTR) check(r, what);
        }
    }

    sd_bus* bus_;
    SlotPtr match_;
    std::map<std::string, std::string> finished_;
};

sd_bus* connect_private() {
    if (::geteuid() != 0) return nullptr;
    sd_bus* bus = nullptr;
    if (sd().sd_bus_new(&bus) < 0) return nullptr;
    if (sd().sd_bus_set_address(bus, "unix:path=/run/systemd/private") < 0 || sd().sd_bus_start(bus) < 0) {
        sd().sd_bus_unref(bus);
        return nullptr;
    }
    return bus;
}

}  // namespace

std::shared_ptr<Bus> connect_host_bus() {
    sd_bus* bus = connect_private();
    if (!bus) {
        int r = sd().sd_bus_open_system(&bus);
        if (r < 0) throw Error(std::string("systemd: connect to the system bus: ") + std::strerror(-r));
    }
    return std::make_shared<SdBus>(bus);
}

}  // namespace wb::cgroups::systemd
