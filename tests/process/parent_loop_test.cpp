#include "process/parent_loop.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace wb::process {
namespace {

TEST(ServeChildMessages, LogsAndRequestsUntilReady) {
    auto [parent, child] = SyncChannel::make_pair();
    child.send(SyncType::log, std::string(1, '\2') + "from the child");
    child.send(SyncType::run_hooks);
    child.send(SyncType::ready);
    int hooks = 0;
    ChildRequests requests;
    requests.run_hooks = [&] { ++hooks; };
    serve_child_messages(parent, SetupEnd::ready, requests, "unexpected");
    EXPECT_EQ(hooks, 1);
}

TEST(ServeChildMessages, TheChildsErrorIsThrown) {
    auto [parent, child] = SyncChannel::make_pair();
    child.send(SyncType::error, "unable to start container process: boom");
    try {
        serve_child_messages(parent, SetupEnd::ready, {}, "unexpected");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "unable to start container process: boom");
    }
}

TEST(ServeChildMessages, ARequestWithoutAHandlerIsUnexpected) {
    auto [parent, child] = SyncChannel::make_pair();
    child.send(SyncType::run_hooks);
    try {
        serve_child_messages(parent, SetupEnd::ready, {}, "sync: unexpected message from init");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "sync: unexpected message from init");
    }
}

TEST(ServeChildMessages, InitClosingTheChannelIsAnError) {
    auto [parent, child] = SyncChannel::make_pair();
    child.close();
    EXPECT_THROW(serve_child_messages(parent, SetupEnd::ready, {}, "unexpected"), Error);
}

TEST(ServeChildMessages, ExecEndsWhenExecveClosesTheChannel) {
    auto [parent, child] = SyncChannel::make_pair();
    child.send(SyncType::log, std::string(1, '\2') + "still setting up");
    child.close();
    EXPECT_NO_THROW(serve_child_messages(parent, SetupEnd::execve, {}, "unexpected"));
}

TEST(ServeChildMessages, ExecHasNoReadyMessage) {
    auto [parent, child] = SyncChannel::make_pair();
    child.send(SyncType::ready);
    EXPECT_THROW(serve_child_messages(parent, SetupEnd::execve, {}, "exec: unexpected message from child"), Error);
}

TEST(ServeChildMessages, SeccompFdGoesToItsHandler) {
    auto [parent, child] = SyncChannel::make_pair();
    child.send_fd(SyncType::seccomp_fd, 0);
    child.close();
    bool got_fd = false;
    ChildRequests requests;
    requests.seccomp_fd = [&](const SyncMessage& m) { got_fd = static_cast<bool>(m.fd); };
    serve_child_messages(parent, SetupEnd::execve, requests, "unexpected");
    EXPECT_TRUE(got_fd);
}

}  // namespace
}  // namespace wb::process
