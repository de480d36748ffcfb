#include "process/seccomp_agent.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace wb::process {
namespace {

state::OciState creating() {
    state::OciState s;
    s.oci_version = "1.0.2";
    s.id = "x";
    s.status = state::Status::creating;
    s.pid = 42;
    s.bundle = "/b";
    return s;
}

TEST(SeccompAgentMessage, Shape) {
    auto message = nlohmann::json::parse(seccomp_agent_message(creating(), 43, ""));
    EXPECT_EQ(message["ociVersion"], "1.0.2");
    EXPECT_EQ(message["fds"], nlohmann::json::array({"seccompFd"}));
    EXPECT_EQ(message["pid"], 43);  // the process that loaded the filter
    EXPECT_FALSE(message.contains("metadata"));
    EXPECT_EQ(message["state"]["status"], "creating");
    EXPECT_EQ(message["state"]["pid"], 42);  // the init's
    EXPECT_EQ(message["state"]["id"], "x");
    EXPECT_EQ(state::OciState::from_json(message["state"].dump()), creating());
}

TEST(SeccompAgentMessage, MetadataWhenGiven) {
    auto message = nlohmann::json::parse(seccomp_agent_message(creating(), 42, "meta-1"));
    EXPECT_EQ(message["metadata"], "meta-1");
}

TEST(ForwardToSeccompAgent, NeedsTheFdAndAListenerPath) {
    auto [parent, child] = SyncChannel::make_pair();
    oci::Spec spec;
    SyncMessage without_fd;
    without_fd.type = SyncType::seccomp_fd;
    EXPECT_THROW(forward_to_seccomp_agent(spec, without_fd, creating(), 42, parent), Error);
    SyncMessage with_fd;
    with_fd.type = SyncType::seccomp_fd;
    with_fd.fd.reset(::dup(0));
    try {
        forward_to_seccomp_agent(spec, with_fd, creating(), 42, parent);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "sync: seccomp notify fd without a listenerPath");
    }
}

TEST(ForwardToSeccompAgent, UnreachableAgentIsRuncsError) {
    auto [parent, child] = SyncChannel::make_pair();
    oci::Spec spec;
    spec.linux.emplace();
    spec.linux->seccomp.emplace();
    spec.linux->seccomp->listener_path = "/nonexistent/wb-agent.sock";
    SyncMessage m;
    m.type = SyncType::seccomp_fd;
    m.fd.reset(::dup(0));
    try {
        forward_to_seccomp_agent(spec, m, creating(), 42, parent);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_TRUE(std::string(e.what()).starts_with(
            "failed to connect with seccomp agent specified in the seccomp profile"))
            << e.what();
    }
}

}  // namespace
}  // namespace wb::process
