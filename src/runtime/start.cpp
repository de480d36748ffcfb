#include "runtime/hooks.hpp"
#include "runtime/internal.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::runtime {
namespace {

void run_poststart(const state::State& s) {
    if (s.config_path.empty()) return;
    std::string text;
    if (!fs::try_read_file(s.config_path, text)) return;
    oci::Spec spec = oci::parse_spec(text);
    if (spec.hooks && !spec.hooks->poststart.empty())
        run_hooks_warn(spec.hooks->poststart, hook_state_json(s, state::Status::running, s.pid), "poststart");
}

}  // namespace

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
    release_init(store, c.state);
    run_poststart(c.state);
}

}  // namespace wb::runtime
