// `update --resources FILE`: linux.resources, its checks, and the serialize round trip.
#include "fuzz_common.hpp"
#include "oci/serialize.hpp"
#include "oci/spec.hpp"
#include "oci/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace wb;
    oci::Resources resources;
    if (!fuzz::accepted([&] { resources = oci::parse_resources(fuzz::as_string(data, size)); })) return 0;
    fuzz::check_round_trip(
        oci::serialize_resources(resources), [](const std::string& t) { return oci::parse_resources(t); },
        [](const oci::Resources& r) { return oci::serialize_resources(r); });
    fuzz::accepted([&] { oci::validate_resources(resources); });
    return 0;
}
