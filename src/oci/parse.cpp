// config.json -> oci::Spec in one pass over the nlohmann document, driven by the field
// tables of oci/spec_fields.hpp.
//
// What is checked here is what the runtime-spec JSON schema says about each key: its
// type, the range of integers for the field they land in, and the required keys. Rules
// the schema cannot express, and enum values, are checked by validate(). JSON null is
// taken as "absent", as Go's encoding/json (and so runc) does. Unknown keys are kept in
// each struct's `extra` (config.md "Extensibility"). No string may hold a NUL byte: the
// kernel would see it end there ("/mn\0t/../../etc" is "/mn" to mount(2)). Sections for
// other platforms (windows, solaris, vm, zos, freebsd) are not modelled; they are checked
// against their schema here so that a document whalebox accepts is a valid document.
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

#include "oci/json_path.hpp"
#include "oci/json_text.hpp"
#include "oci/spec.hpp"
#include "oci/spec_fields.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::oci {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const JsonPath& path, const std::string& problem) {
    throw Error(path.str() + ": " + problem);
}

const char* type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "integer";
        case json::value_t::number_float: return "number";
        case json::value_t::string: return "string";
        case json::value_t::array: return "array";
        case json::value_t::object: return "object";
        default: return "invalid value";
    }
}

[[noreturn]] void fail_type(const JsonPath& path, const char* expected, const json& got) {
    fail(path, std::string("expected ") + expected + ", got " + type_name(got));
}

// ---- scalars and containers -------------------------------------------------------------

void check_no_nul(const JsonPath& path, std::string_view value, const char* what) {
    if (value.find('\0') != std::string_view::npos)
        fail(path, std::string(what) + " " + quoted_value(value) + " contains a NUL byte");
}

void read(const json& v, const JsonPath& path, std::string& out) {
    if (!v.is_string()) fail_type(path, "string", v);
    out = v.get_ref<const std::string&>();
    check_no_nul(path, out, "value");
}

void read(const json& v, const JsonPath& path, bool& out) {
    if (!v.is_boolean()) fail_type(path, "boolean", v);
    out = v.get<bool>();
}

template <class T>
constexpr const char* int_type_name() {
    if constexpr (std::is_same_v<T, uint8_t>) return "uint8";
    else if constexpr (std::is_same_v<T, int32_t>) return "int32";
    else if constexpr (std::is_same_v<T, int64_t>) return "int64";
    else if constexpr (std::is_same_v<T, uint16_t>) return "uint16";
    else if constexpr (std::is_same_v<T, uint32_t>) return "uint32";
    else if constexpr (std::is_same_v<T, uint64_t>) return "uint64";
    else return "integer";
}

template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
void read(const json& v, const JsonPath& path, T& out) {
    // nlohmann keeps non-negative integers as number_unsigned, negative ones as
    // number_integer, and anything beyond uint64 (or written with a fraction or an
    // exponent) as number_float, which Go refuses for integer fields too.
    auto out_of_range = [&](const std::string& value) {
        fail(path, "value " + value + " out of range for " + int_type_name<T>());
    };
    if (v.is_number_unsigned()) {
        uint64_t u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<T>::max())) out_of_range(std::to_string(u));
        out = static_cast<T>(u);
    } else if (v.is_number_integer()) {
        int64_t i = v.get<int64_t>();
        if constexpr (std::is_unsigned_v<T>) {
            if (i < 0) out_of_range(std::to_string(i));
        } else {
            if (i < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
                i > static_cast<int64_t>(std::numeric_limits<T>::max()))
                out_of_range(std::to_string(i));
        }
        out = static_cast<T>(i);
    } else {
        fail_type(path, "integer", v);
    }
}

template <DescribedStruct T>
void read(const json& v, const JsonPath& path, T& out);
template <class T>
void read(const json& v, const JsonPath& path, std::optional<T>& out);
template <class T>
void read(const json& v, const JsonPath& path, std::vector<T>& out);
template <class T>
void read(const json& v, const JsonPath& path, std::map<std::string, T>& out);

template <class T>
void read(const json& v, const JsonPath& path, std::optional<T>& out) {
    out.emplace();
    read(v, path, *out);
}

template <class T>
void read(const json& v, const JsonPath& path, std::vector<T>& out) {
    if (!v.is_array()) fail_type(path, "array", v);
    out.clear();
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) read(v[i], JsonPath(path, i), out.emplace_back());
}

template <class T>
void read(const json& v, const JsonPath& path, std::map<std::string, T>& out) {
    if (!v.is_object()) fail_type(path, "object", v);
    out.clear();
    for (const auto& [key, value] : v.items()) {
        JsonPath member_path(path, key);
        check_no_nul(member_path, key, "key");
        read(value, member_path, out[key]);
    }
}

// An object being read: members are looked up by key; absent and null are the same.
class Object {
public:
    Object(const json& v, const JsonPath& path) : v_(v), path_(path) {
        if (!v.is_object()) fail_type(path, "object", v);
    }

    template <class T>
    bool opt(std::string_view key, T& out) const {
        const json* member = find(key);
        if (!member) return false;
        read(*member, JsonPath(path_, key), out);
        return true;
    }

    template <class T>
    void req(std::string_view key, T& out) const {
        if (!opt(key, out)) fail(JsonPath(path_, key), "required");
    }

    const json* find(std::string_view key) const {
        auto it = v_.find(key);
        if (it == v_.end() || it->is_null()) return nullptr;
        return &*it;
    }

private:
    const json& v_;
    const JsonPath& path_;
};

// Any struct of spec.hpp, by its field table; the keys the table does not name go to
// `extra` as they are.
template <DescribedStruct T>
void read(const json& v, const JsonPath& path, T& out) {
    Object o(v, path);
    std::size_t members_read = 0;
    for_each_field<T>([&](const auto& field) {
        auto& member = out.*(field.member);
        if (field.presence == Presence::required) {
            o.req(field.key, member);
            ++members_read;
        } else if (o.opt(field.key, member)) {
            ++members_read;
        }
    });
    if (members_read == v.size()) return;
    for (const auto& [key, value] : v.items())
        if (!value.is_null() && !is_known_key<T>(key)) out.extra[key] = value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---- sections of other platforms: checked, kept in Spec::extra --------------------------------------

void check_enum(const JsonPath& path, const std::string& value,
                std::initializer_list<std::string_view> allowed) {
    for (auto a : allowed)
        if (value == a) return;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(path, quoted_value(value) + " is not one of " + list);
}

// config-freebsd.json
void check_freebsd(const json& v, const JsonPath& path) {
    Object o(v, path);
    if (const json* devices = o.find("devices")) {
        JsonPath devices_path(path, "devices");
        if (!devices->is_array()) fail_type(devices_path, "array", *devices);
        for (std::size_t i = 0; i < devices->size(); ++i) {
            JsonPath device_path(devices_path, i);
            Object device((*devices)[i], device_path);
            std::string dev_path;
            uint32_t mode = 0;
            device.opt("path", dev_path);
            if (device.opt("mode", mode) && mode > 0777)
                fail(JsonPath(device_path, "mode"), "value " + std::to_string(mode) + " is not a file mode (0 to 0777)");
        }
    }
    const json* jail_value = o.find("jail");
    if (!jail_value) return;
    JsonPath jail_path(path, "jail");
    Object jail(*jail_value, jail_path);
    std::string text;
    std::vector<std::string> list;
    uint8_t number = 0;
    jail.opt("parent", text);
    jail.opt("interface", text);
    for (const char* key : {"ip4Addr", "ip6Addr", "vnetInterfaces"}) jail.opt(key, list);
    jail.opt("enforceStatfs", number);
    for (const char* key : {"host", "vnet"})
        if (jail.opt(key, text)) check_enum(JsonPath(jail_path, key), text, {"new", "inherit"});
    for (const char* key : {"ip4", "ip6", "sysvmsg", "sysvsem", "sysvshm"})
        if (jail.opt(key, text)) check_enum(JsonPath(jail_path, key), text, {"disable", "new", "inherit"});
    if (const json* allow_value = jail.find("allow")) {
        JsonPath allow_path(jail_path, "allow");
        Object allow(*allow_value, allow_path);
        bool flag = false;
        for (const char* key : {"setHostname", "rawSockets", "chflags", "quotas", "socketAf", "mlock",
                                "reservedPorts", "suser"})
            allow.opt(key, flag);
        allow.opt("mount", list);
    }
}

// config-zos.json
void check_zos(const json& v, const JsonPath& path) {
    Object o(v, path);
    std::vector<Namespace> namespaces;
    o.opt("namespaces", namespaces);
    JsonPath namespaces_path(path, "namespaces");
    for (std::size_t i = 0; i < namespaces.size(); ++i) {
        JsonPath ns_path(namespaces_path, i);
        check_enum(JsonPath(ns_path, "type"), namespaces[i].type, {"mount", "pid", "uts", "ipc"});
    }
}

void check_other_platforms(const json& v, const JsonPath& path) {
    Object o(v, path);
    if (const json* section = o.find("freebsd")) check_freebsd(*section, JsonPath(path, "freebsd"));
    if (const json* section = o.find("zos")) check_zos(*section, JsonPath(path, "zos"));
    for (const char* key : {"windows", "solaris", "vm"})
        if (const json* section = o.find(key); section && !section->is_object())
            fail_type(JsonPath(path, key), "object", *section);
}

}  // namespace

Spec parse_spec(const nlohmann::json& doc) {
    Spec spec;
    JsonPath path("config.json");
    read(doc, path, spec);
    check_other_platforms(doc, path);
    return spec;
}

Spec parse_spec(const std::string& json_text) { return parse_spec(parse_json_text(json_text, "config.json")); }

Spec load_spec(const std::string& bundle_dir) {
    std::string path = fs::join(bundle_dir, "config.json");
    std::string text;
    if (!fs::try_read_file(path, text)) throw_errno("open " + path);
    return parse_spec(text);
}

Process parse_process(const std::string& json_text) {
    Process process;
    read(parse_json_text(json_text, "process.json"), JsonPath("process.json"), process);
    return process;
}

Resources parse_resources(const std::string& json_text) {
    Resources resources;
    read(parse_json_text(json_text, "resources"), JsonPath("resources"), resources);
    return resources;
}

}  // namespace wb::oci
