#include "process/sync.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "process/child_log.hpp"
#include "util/error.hpp"

namespace wb::process {
namespace {

TEST(SyncChannel, CarriesTypeAndPayload) {
    auto [parent, child] = SyncChannel::make_pair();
    child.send(SyncType::error, "boom");
    SyncMessage m = parent.receive();
    EXPECT_EQ(m.type, SyncType::error);
    EXPECT_EQ(m.payload, "boom");
    EXPECT_FALSE(m.fd);
}

TEST(SyncChannel, PassesAnFdCloseOnExec) {
    auto [parent, child] = SyncChannel::make_pair();
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    UniqueFd r(p[0]), w(p[1]);
    child.send_fd(SyncType::seccomp_fd, w.get());
    w.reset();
    SyncMessage m = parent.receive();
    EXPECT_EQ(m.type, SyncType::seccomp_fd);
    ASSERT_TRUE(m.fd);
    EXPECT_TRUE(::fcntl(m.fd.get(), F_GETFD) & FD_CLOEXEC);
    ASSERT_EQ(::write(m.fd.get(), "x", 1), 1);
    char c = 0;
    ASSERT_EQ(::read(r.get(), &c, 1), 1);
    EXPECT_EQ(c, 'x');
}

TEST(SyncChannel, ClosedPeerIsAnError) {
    auto [parent, child] = SyncChannel::make_pair();
    child.close();
    EXPECT_THROW(parent.receive(), Error);
}

// A child that failed with our `go` unread: its report still comes through, then the end.
TEST(SyncChannel, APeerGoneWithOurMessageUnreadStillGivesItsReport) {
    auto [parent, child] = SyncChannel::make_pair();
    parent.send(SyncType::go);
    child.send(SyncType::error, "mount proc on /proc: refused");
    child.close();
    SyncMessage m = parent.receive();
    EXPECT_EQ(m.type, SyncType::error);
    EXPECT_EQ(m.payload, "mount proc on /proc: refused");
    try {
        parent.receive();
        FAIL() << "no throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), EPIPE);
    }
}

TEST(SyncChannel, ExpectRethrowsThePeersError) {
    auto [parent, child] = SyncChannel::make_pair();
    child.send(SyncType::error, "agent unreachable");
    try {
        parent.expect(SyncType::seccomp_done);
        FAIL() << "no throw";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "agent unreachable");
    }
}

TEST(ChildLog, RecordsTravelToTheParentsLogger) {
    auto saved = spdlog::default_logger();
    auto [parent, child] = SyncChannel::make_pair();
    log_through_sync(child);
    spdlog::warn("ignoring unknown or unavailable capabilities: [{}]", "CAP_BOGUS");
    spdlog::set_default_logger(saved);

    auto ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(4);
    auto capture = std::make_shared<spdlog::logger>("capture", ring);
    spdlog::set_default_logger(capture);
    SyncMessage m = parent.receive();
    EXPECT_EQ(m.type, SyncType::log);
    log_child_record(m);
    spdlog::set_default_logger(saved);
    auto lines = ring->last_formatted();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("[warning] ignoring unknown or unavailable capabilities: [CAP_BOGUS]"), std::string::npos)
        << lines[0];
}

TEST(ChildLog, NothingIsSentOnceTheChannelIsClosed) {
    auto saved = spdlog::default_logger();
    auto [parent, child] = SyncChannel::make_pair();
    log_through_sync(child);
    child.close();
    spdlog::warn("dropped");  // must neither throw nor crash
    spdlog::set_default_logger(saved);
    EXPECT_THROW(parent.receive(), Error);  // peer closed, no record in between
}

}  // namespace
}  // namespace wb::process
