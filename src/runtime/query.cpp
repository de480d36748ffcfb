// state and list: read-only views of containers.
#include "runtime/internal.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

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
        } catch (const Error& e) {
            // Removed while we listed: nothing to show. A damaged record is not shown
            // either (as runc), but named: `delete --force ID` removes what it left.
            if (store.exists(id)) log::warn("{}", e.what());
        }
    }
    return out;
}

}  // namespace wb::runtime
