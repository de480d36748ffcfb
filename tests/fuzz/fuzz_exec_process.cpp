// `exec --process FILE`: the process document, its checks, and the serialize round trip.
#include "fuzz_common.hpp"
#include "oci/serialize.hpp"
#include "oci/spec.hpp"
#include "oci/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace wb;
    oci::Process process;
    if (!fuzz::accepted([&] { process = oci::parse_process(fuzz::as_string(data, size)); })) return 0;
    fuzz::check_round_trip(
        oci::serialize_process(process), [](const std::string& t) { return oci::parse_process(t); },
        [](const oci::Process& p) { return oci::serialize_process(p); });
    fuzz::accepted([&] { oci::validate_process(process); });
    return 0;
}
