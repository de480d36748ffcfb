#include "process/hooks.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::process {
namespace {

oci::Hook sh(const std::string& script, std::optional<int32_t> timeout = std::nullopt) {
    return oci::Hook{"/bin/sh", {"sh", "-c", script}, {"HOOK_ENV=set"}, timeout};
}

state::OciState creating() {
    state::OciState s;
    s.oci_version = "1.2.0";
    s.id = "c1";
    s.status = state::Status::creating;
    s.pid = 4242;
    s.bundle = "/bundles/c1";
    return s;
}

class Hooks : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/wb-hooks-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string path(const std::string& name) const { return dir_ + "/" + name; }
    std::string dir_;
};

std::string error_of(const std::vector<oci::Hook>& hooks, const char* stage) {
    try {
        run_hooks(hooks, creating(), stage);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST_F(Hooks, StateOnStdinArgsAndEnv) {
    run_hooks({sh("cat > " + path("state") + "; echo \"$0 $HOOK_ENV\" > " + path("env"))}, creating(), "prestart");
    EXPECT_EQ(fs::read_file(path("state")), creating().to_json());
    EXPECT_EQ(fs::read_file(path("env")), "sh set\n");
}

TEST_F(Hooks, RunInOrder) {
    run_hooks({sh("echo one >> " + path("log")), sh("echo two >> " + path("log"))}, creating(), "poststart");
    EXPECT_EQ(fs::read_file(path("log")), "one\ntwo\n");
}

TEST_F(Hooks, ExitStatusAndOutputNameTheHook) {
    EXPECT_EQ(error_of({sh("echo oops; exit 3")}, "prestart"),
              "error running prestart hook #0: exit status 3, output: oops");
    EXPECT_EQ(error_of({sh("true"), sh("exit 1")}, "createRuntime"),
              "error running createRuntime hook #1: exit status 1");
}

TEST_F(Hooks, TheFirstFailureStopsTheRest) {
    EXPECT_NE(error_of({sh("exit 2"), sh("touch " + path("ran"))}, "prestart"), "(no error)");
    EXPECT_FALSE(fs::exists(path("ran")));
}

TEST_F(Hooks, KilledBySignal) {
    EXPECT_EQ(error_of({sh("kill -9 $$")}, "prestart"), "error running prestart hook #0: signal: KILL");
}

TEST_F(Hooks, Timeout) {
    EXPECT_EQ(error_of({sh("echo started; exec sleep 10", 1)}, "prestart"),
              "error running prestart hook #0: timeout after 1s, output: started");
}

TEST_F(Hooks, MissingExecutable) {
    oci::Hook missing{"/nonexistent/hook", {}, {}, std::nullopt};
    EXPECT_EQ(error_of({missing}, "prestart"),
              "error running prestart hook #0: exit status 127, output: exec /nonexistent/hook: No such file or "
              "directory");
}

TEST_F(Hooks, WarnKeepsGoing) {
    run_hooks_warn({sh("exit 1"), sh("cat > " + path("state"))}, creating(), "poststop");
    EXPECT_EQ(fs::read_file(path("state")), creating().to_json());
}

TEST_F(Hooks, NoHooksNothingRuns) {
    EXPECT_NO_THROW(run_hooks({}, creating(), "prestart"));
    EXPECT_NO_THROW(run_hooks_warn({}, creating(), "poststop"));
}

}  // namespace
}  // namespace wb::process
