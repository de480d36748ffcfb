#include "criu/notify.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "util/fs.hpp"

namespace wb::criu {
namespace {

TEST(CriuNotify, ScriptForwardsOnlyTheAskedSteps) {
    std::string s = action_script({"setup-namespaces"}, "/w/n.fifo", "/w/it's.fifo");
    EXPECT_EQ(s.rfind("#!/bin/sh\n", 0), 0u);
    EXPECT_NE(s.find("'setup-namespaces') ;;"), std::string::npos);
    EXPECT_NE(s.find("*) exit 0 ;;"), std::string::npos);
    EXPECT_NE(s.find(">'/w/n.fifo'"), std::string::npos);
    // A quote in a path is quoted for sh.
    EXPECT_NE(s.find("<'/w/it'\\''s.fifo'"), std::string::npos);
}

TEST(CriuNotify, ParsesReports) {
    std::string action;
    pid_t pid = 0;
    EXPECT_TRUE(parse_report("setup-namespaces 1234", action, pid));
    EXPECT_EQ(action, "setup-namespaces");
    EXPECT_EQ(pid, 1234);
    EXPECT_FALSE(parse_report("setup-namespaces ", action, pid));
    EXPECT_FALSE(parse_report("setup-namespaces x1", action, pid));
    EXPECT_FALSE(parse_report(" 12", action, pid));
    EXPECT_FALSE(parse_report("post-restore", action, pid));
}

// The script as criu runs it (sh, with criu's environment): it reports, waits for the
// answer, and its exit status is the answer.
int run_script(const std::string& script, const char* action) {
    pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("CRTOOLS_SCRIPT_ACTION", action, 1);
        ::setenv("CRTOOLS_INIT_PID", "4321", 1);
        ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    return pid;
}

int wait_status(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(CriuNotify, TheScriptReportsAndWaitsForTheAnswer) {
    char tmpl[] = "/tmp/wb-notify-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    std::string dir = tmpl;
    {
        Notifications n(dir, {"setup-namespaces"});
        std::string action;
        pid_t task = 0;
        EXPECT_FALSE(n.next(action, task));
        // A step not asked for passes at once.
        EXPECT_EQ(wait_status(run_script(n.script(), "post-restore")), 0);
        EXPECT_FALSE(n.next(action, task));

        pid_t sh = run_script(n.script(), "setup-namespaces");
        for (int i = 0; i < 500 && !n.next(action, task); ++i) ::usleep(10000);
        EXPECT_EQ(action, "setup-namespaces");
        EXPECT_EQ(task, 4321);
        n.answer(true);
        EXPECT_EQ(wait_status(sh), 0);

        sh = run_script(n.script(), "setup-namespaces");
        for (int i = 0; i < 500 && !n.next(action, task); ++i) ::usleep(10000);
        n.answer(false);
        EXPECT_EQ(wait_status(sh), 1);
    }
    // Nothing is left behind.
    EXPECT_FALSE(fs::exists(dir + "/whalebox-action-script.sh"));
    EXPECT_FALSE(fs::exists(dir + "/whalebox-notify.fifo"));
    EXPECT_FALSE(fs::exists(dir + "/whalebox-answer.fifo"));
    ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace wb::criu
