#include "runtime/internal.hpp"
#include "util/error.hpp"

namespace wb::runtime {
void start(const Context& ctx, const std::string& id) {
    state::Store store(ctx.root);
    state::validate_id(id);
    if (!store.exists(id)) throw Error("container does not exist");
    state::Lock lock = state::Lock::acquire(store.dir(id));
    Loaded c = load_container(store, id);
    switch (c.state.status) {
    case state::Status::created: break;
    case state::Status::stopped: throw Error("cannot start a container that has stopped");
    case state::Status::running: throw Error("cannot start an already running container");
    default: throw Error(std::string("cannot start a container in the ") + state::to_string(c.state.status) + " state");
    }
    start_created(store, c.state);
}

}  // namespace wb::runtime
