// config.json: parse, validate, the checks of create, and the serialize round trip.
#include "fuzz_common.hpp"
#include "oci/serialize.hpp"
#include "oci/spec.hpp"
#include "oci/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace wb;
    oci::Spec spec;
    if (!fuzz::accepted([&] { spec = oci::parse_spec(fuzz::as_string(data, size)); })) return 0;
    fuzz::check_round_trip(
        oci::serialize_spec(spec), [](const std::string& t) { return oci::parse_spec(t); },
        [](const oci::Spec& s) { return oci::serialize_spec(s); });
    fuzz::accepted([&] {
        oci::validate(spec);
        oci::validate_for_create(spec);
    });
    return 0;
}
