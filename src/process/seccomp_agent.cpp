#include "process/seccomp_agent.hpp"

#include <nlohmann/json.hpp>

#include "linux/seccomp.hpp"
#include "util/error.hpp"

namespace wb::process {

std::string seccomp_agent_message(const state::OciState& state, pid_t pid, const std::string& metadata) {
    nlohmann::json message = {
        {"ociVersion", state.oci_version},
        {"fds", {"seccompFd"}},
        {"pid", pid},
        {"state", state},
    };
    if (!metadata.empty()) message["metadata"] = metadata;
    return message.dump();
}

NotifyFdHandler notify_fd_to_parent(const oci::Spec& spec, const SyncChannel& sync) {
    if (!spec.linux || !spec.linux->seccomp || spec.linux->seccomp->listener_path.empty()) return {};
    return [&sync](int fd) {
        sync.send_fd(SyncType::seccomp_fd, fd);
        sync.expect(SyncType::seccomp_done);
    };
}

void forward_to_seccomp_agent(const oci::Spec& spec, const SyncMessage& m, const state::OciState& state,
                              pid_t pid, const SyncChannel& sync) {
    if (!m.fd) throw Error("sync: seccomp notify fd missing from the message");
    if (!spec.linux || !spec.linux->seccomp || spec.linux->seccomp->listener_path.empty())
        throw Error("sync: seccomp notify fd without a listenerPath");
    const oci::Seccomp& sc = *spec.linux->seccomp;
    linux::send_seccomp_notify_fd(sc.listener_path, m.fd.get(), seccomp_agent_message(state, pid, sc.listener_metadata));
    sync.send(SyncType::seccomp_done);
}

}  // namespace wb::process
