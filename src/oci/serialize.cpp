// oci::Spec -> JSON, driven by the field tables of oci/spec_fields.hpp.
#include "oci/serialize.hpp"

#include <nlohmann/json.hpp>

#include <type_traits>

#include "oci/spec_fields.hpp"

namespace wb::oci {
namespace {

using ojson = nlohmann::ordered_json;

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

// An unset optional is never written.
template <class T>
bool is_unset(const T& value) {
    if constexpr (IsOptional<T>::value) return !value.has_value();
    else return false;
}

// What Go's omitempty leaves out: "", empty lists and maps, 0, false, and unset optionals.
// A struct value is never empty (only User is not optional, and it is always written).
template <class T>
bool is_empty(const T& value) {
    if constexpr (IsOptional<T>::value) return !value.has_value();
    else if constexpr (std::is_arithmetic_v<T>) return value == T{};
    else if constexpr (DescribedStruct<T>) return false;
    else return value.empty();  // string, vector, map
}

template <DescribedStruct T>
ojson to_json(const T& s);
template <class T>
ojson to_json(const std::optional<T>& v);
template <class T>
ojson to_json(const std::vector<T>& v);
template <class T>
ojson to_json(const std::map<std::string, T>& m);

ojson to_json(const std::string& v) { return v; }

template <class T>
    requires std::is_arithmetic_v<T>
ojson to_json(T v) {
    return v;
}

template <class T>
ojson to_json(const std::optional<T>& v) {
    return to_json(*v);
}

template <class T>
ojson to_json(const std::vector<T>& v) {
    ojson a = ojson::array();
    for (const auto& e : v) a.push_back(to_json(e));
    return a;
}

template <class T>
ojson to_json(const std::map<std::string, T>& m) {
    ojson o = ojson::object();
    for (const auto& [k, v] : m) o[k] = to_json(v);
    return o;
}

// Any struct of spec.hpp, by its field table, then the keys it did not know when read.
template <DescribedStruct T>
ojson to_json(const T& s) {
    ojson o = ojson::object();
    for_each_field<T>([&](const auto& field) {
        const auto& member = s.*(field.member);
        bool left_out = field.presence == Presence::optional ? is_empty(member) : is_unset(member);
        if (!left_out) o[std::string(field.key)] = to_json(member);
    });
    for (const auto& [key, text] : s.extra) {
        ojson value = ojson::parse(text, nullptr, /*allow_exceptions=*/false);
        if (!value.is_discarded()) o[key] = std::move(value);
    }
    return o;
}

std::string dump(const ojson& o) {
    // Invalid UTF-8 (possible only in a Spec built in code) is replaced, not thrown on.
    return o.dump(1, '\t', false, ojson::error_handler_t::replace);
}

}  // namespace

std::string serialize_spec(const Spec& spec) { return dump(to_json(spec)); }
std::string serialize_process(const Process& process) { return dump(to_json(process)); }
std::string serialize_resources(const Resources& resources) { return dump(to_json(resources)); }

}  // namespace wb::oci
