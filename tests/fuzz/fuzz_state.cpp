// ROOT/ID/state.json: the record as read back, what `state` prints from it, the round trip.
#include "fuzz_common.hpp"
#include "state/state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace wb;
    state::State s;
    if (!fuzz::accepted([&] { s = state::from_record_json(fuzz::as_string(data, size)); })) return 0;
    (void)state::to_oci_json(s);
    fuzz::accepted([&] { state::validate_id(s.id); });
    fuzz::check_round_trip(
        state::to_record_json(s), [](const std::string& t) { return state::from_record_json(t); },
        [](const state::State& r) { return state::to_record_json(r); });
    return 0;
}
