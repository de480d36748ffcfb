// state and list: read-only views of containers.
#include "runtime/internal.hpp"
#include "util/error.hpp"

namespace wb::runtime {

state::State state(const Context& ctx, const std::string& id) {
    state::Store store(ctx.root);
    return load_container(store, id).state;
}

std::vector<state::State> list(const Context& ctx) {
    state::Store store(ctx.root);
    std::vector<state::State> out;
    for (const auto& id : store.ids()) {
        try {
            out.push_back(load_container(store, id).state);
        } catch (const Error&) {
            // Removed while we listed, or a half-written record: not a container to show.
        }
    }
    return out;
}

}  // namespace wb::runtime
