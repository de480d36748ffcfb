// linux/console and linux/loopback with the recording double: the pty and tty ioctls in
// order, the master sent over the console socket, and the errors' wording.
#include "linux/console.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "error_of.hpp"
#include "linux/loopback.hpp"
#include "linux/syscalls.hpp"
#include "recording_syscalls.hpp"

namespace wb::linux {
namespace {

using wb::testing::error_of;
using wb::testing::RecordingSyscalls;
using wb::testing::with_errno;

std::string hex(unsigned long v) {
    char b[32];
    std::snprintf(b, sizeof b, "0x%lx", v);
    return b;
}

std::string ioctl_line(unsigned long request, const std::string& extra = "") {
    return "ioctl(fd, " + hex(request) + (extra.empty() ? "" : ", " + extra) + ")";
}

struct SocketPair {
    UniqueFd ours, theirs;
    SocketPair() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0) {
            ours.reset(fds[0]);
            theirs.reset(fds[1]);
        }
    }
};

TEST(LinuxConsole, PtyThenSizeThenSessionAndControllingTerminal) {
    SocketPair sock;
    ASSERT_TRUE(sock.ours);
    int pipe_fds[2];
    ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
    UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
    // In a child: setup_console makes the (fake) slave its stdio.
    int code = wb::testing::run_in_child([&] {
        RecordingSyscalls rec;
        ScopedSyscalls scoped(rec);
        setup_console(sock.theirs.get(), oci::ConsoleSize{24, 80}, false);
        std::string text;
        for (const auto& c : rec.calls) text += c + "\n";
        return ::write(write_end.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size()) ? 0 : 1;
    });
    ASSERT_EQ(code, 0);
    write_end.reset();
    std::string text;
    char buf[512];
    for (ssize_t n; (n = ::read(read_end.get(), buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
    EXPECT_EQ(text, "open(/dev/ptmx, " + hex(O_RDWR | O_NOCTTY | O_CLOEXEC) + ")\n" + ioctl_line(TIOCSPTLCK) + "\n" +
                        ioctl_line(TIOCGPTPEER) + "\n" + ioctl_line(TIOCSWINSZ, "24x80") + "\n" + "setsid()\n" +
                        ioctl_line(TIOCSCTTY) + "\n");
    // The master reached the console socket.
    UniqueFd master = receive_fd(sock.ours.get());
    EXPECT_TRUE(master);
}

TEST(LinuxConsole, EachStepsFailureIsNamed) {
    struct Case {
        const char* call;
        std::string match;
        int err;
        std::string message;
    };
    const Case cases[] = {
        {"open", "/dev/ptmx", ENOENT, with_errno("open /dev/ptmx", ENOENT)},
        {"ioctl", hex(TIOCSPTLCK), EIO, with_errno("unlockpt", EIO)},
        {"ioctl", hex(TIOCGPTPEER), ENOSPC, with_errno("open pty peer", ENOSPC)},
        {"ioctl", hex(TIOCSWINSZ), EINVAL, with_errno("set console size", EINVAL)},
        {"setsid", "", EPERM, with_errno("setsid", EPERM)},
        {"ioctl", hex(TIOCSCTTY), EPERM, with_errno("set controlling terminal", EPERM)},
    };
    for (const auto& c : cases) {
        SocketPair sock;
        RecordingSyscalls rec;
        rec.fail(c.call, c.err, c.match);
        ScopedSyscalls scoped(rec);
        // Every failure comes before the slave replaces stdio, so this runs in the runner.
        EXPECT_EQ(error_of([&] { setup_console(sock.theirs.get(), oci::ConsoleSize{24, 80}, false); }), c.message)
            << c.call << " " << c.match;
    }
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(error_of([] { setup_console(-1, std::nullopt, false); }),
              "process.terminal is set but no console socket was given");
    EXPECT_TRUE(rec.calls.empty());
}

TEST(LinuxConsole, NoSizeNoWinsizeIoctl) {
    SocketPair sock;
    RecordingSyscalls rec;
    rec.fail("ioctl", EPERM, hex(TIOCSCTTY));  // stop before stdio is replaced
    ScopedSyscalls scoped(rec);
    error_of([&] { setup_console(sock.theirs.get(), oci::ConsoleSize{0, 0}, false); });
    EXPECT_EQ(rec.index_of(hex(TIOCSWINSZ)), -1);
    EXPECT_NE(rec.index_of("setsid()"), -1);
}

TEST(LinuxLoopback, ReadsThenSetsTheFlags) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    bring_up_loopback();
    EXPECT_EQ(rec.calls, (std::vector<std::string>{ioctl_line(SIOCGIFFLAGS), ioctl_line(SIOCSIFFLAGS)}));

    RecordingSyscalls failing;
    failing.fail("ioctl", EPERM, hex(SIOCSIFFLAGS));
    ScopedSyscalls again(failing);
    EXPECT_EQ(error_of([] { bring_up_loopback(); }), with_errno("bring up lo", EPERM));
}

}  // namespace
}  // namespace wb::linux
