// The runtime's side of the init's setup (process::set_up_init) with the recording double
// and a fake init at the other end of the sync channel: what happens in which order, and
// that a failure kills and reaps the init.
#include "process/launcher.hpp"

#include <gtest/gtest.h>
#include <linux/magic.h>
#include <poll.h>
#include <stdlib.h>

#include "../linux/recording_syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::process {
namespace {

using linux::ScopedSyscalls;
using testing::RecordingSyscalls;

bool readable(const SyncChannel& end) {
    struct pollfd p {end.fd(), POLLIN, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

// A cgroup that writes down when the init joins it, and whether `go` was sent by then.
class FakeCgroup final : public cgroups::Manager {
public:
    explicit FakeCgroup(std::vector<std::string>& events, const SyncChannel& init_end)
        : events_(events), init_end_(init_end) {}
    uint64_t ooms = 0;
    std::string fail_with;  // add_process throws this when set

    void add_process(pid_t pid) override {
        if (!fail_with.empty()) throw Error(fail_with, ESRCH);
        events_.push_back("add_process(" + std::to_string(pid) + ")" + (readable(init_end_) ? " after go" : ""));
    }
    uint64_t oom_kill_count() const override { return ooms; }
    void create() override {}
    void apply(const oci::Resources&) override {}
    void freeze() override {}
    void thaw() override {}
    bool frozen() const override { return false; }
    std::vector<pid_t> pids() const override { return {}; }
    cgroups::Stats stats() const override { return {}; }
    void kill_all(int) override {}
    void destroy() override {}
    int clone_into_fd() const override { return -1; }
    std::string path() const override { return "/whalebox-test"; }

private:
    std::vector<std::string>& events_;
    const SyncChannel& init_end_;
};

// The double, but hooks fork and exec for real.
class RealHookForks final : public RecordingSyscalls {
public:
    long clone_fork(unsigned long flags, int* pidfd) override {
        calls.push_back("clone(hook)");
        return linux::real_syscalls().clone_fork(flags, pidfd);
    }
    int execve(const char* path, char* const argv[], char* const envp[]) override {
        return linux::real_syscalls().execve(path, argv, envp);
    }
    pid_t waitpid(pid_t pid, int* status, int options) override {
        if (pid == next_pid) return RecordingSyscalls::waitpid(pid, status, options);
        return linux::real_syscalls().waitpid(pid, status, options);
    }
};

class SetUpInit : public ::testing::Test {
protected:
    SetUpInit() : cgroup(events, init_end) {
        spec.process.emplace();
        spec.linux.emplace();
        req.spec = &spec;
        req.id = "c1";
        req.cgroup = &cgroup;
        req.state.oci_version = "1.2.0";
        req.state.id = "c1";
        req.state.status = state::Status::creating;
        req.state.bundle = "/bundles/c1";
        auto pair = SyncChannel::make_pair();
        runtime_end = std::move(pair.first);
        init_end = std::move(pair.second);
    }
    Child fake_init(pid_t pid = 4242) { return Child(pid, UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC))); }
    std::string run_expecting_error(Child& init, uint64_t ooms_before = 0) {
        try {
            set_up_init(req, plan, init, {}, ooms_before, runtime_end);
        } catch (const Error& e) {
            return e.what();
        }
        return "(no error)";
    }

    RealHookForks rec;
    ScopedSyscalls scoped{rec};
    std::vector<std::string> events;
    SyncChannel runtime_end, init_end;
    FakeCgroup cgroup;
    oci::Spec spec;
    linux::NamespacePlan plan;
    LaunchRequest req;
};

TEST_F(SetUpInit, JoinsTheCgroupBeforeGoThenServesUntilReady) {
    init_end.send(SyncType::log, std::string(1, '\2') + "hello from the init");
    init_end.send(SyncType::ready);
    Child init = fake_init();
    set_up_init(req, plan, init, {}, 0, runtime_end);
    EXPECT_EQ(events, std::vector<std::string>{"add_process(4242)"});  // and `go` not sent yet
    SyncMessage go = init_end.receive();
    EXPECT_EQ(go.type, SyncType::go);
    EXPECT_FALSE(readable(init_end));
    EXPECT_TRUE(init);  // alive, still owned
    EXPECT_TRUE(rec.named("pidfd_send_signal").empty());
    init.release();
}

TEST_F(SetUpInit, NoJoinByPidWhenTheCloneJoined) {
    init_end.send(SyncType::ready);
    Child init = fake_init();
    set_up_init(req, plan, init, {.cloned_into = true}, 0, runtime_end);
    EXPECT_TRUE(events.empty());
    init.release();
}

TEST_F(SetUpInit, TheInitsErrorKillsAndReapsIt) {
    init_end.send(SyncType::error, "unable to start container process: exec: \"nope\": executable file not found");
    Child init = fake_init();
    EXPECT_EQ(run_expecting_error(init), "unable to start container process: exec: \"nope\": executable file not found");
    EXPECT_FALSE(init);
    ASSERT_EQ(rec.calls.size(), 2u);
    EXPECT_EQ(rec.calls[0], "pidfd_send_signal(fd, 9)");
    EXPECT_EQ(rec.calls[1], "waitpid(4242, 0x0)");
}

// An init that sets up before `go` (InitConfig::setup_before_go) can fail and exit while
// it is moved: the move then fails too, and the init's own report is the error.
TEST_F(SetUpInit, AMoveThatFailsAfterTheInitReportedGivesTheInitsReport) {
    init_end.send(SyncType::log, std::string(1, '\2') + "mounting");
    init_end.send(SyncType::error, "unable to start container process: mount proc: Permission denied");
    init_end.close();
    cgroup.fail_with = "write cgroup.procs \"4242\": No such process";
    Child init = fake_init();
    EXPECT_EQ(run_expecting_error(init), "unable to start container process: mount proc: Permission denied");
    EXPECT_FALSE(init);
}

TEST_F(SetUpInit, AMoveThatFailsWithoutAReportIsTheError) {
    cgroup.fail_with = "write cgroup.procs \"4242\": No space left on device";
    Child init = fake_init();
    EXPECT_EQ(run_expecting_error(init), "write cgroup.procs \"4242\": No space left on device");
    EXPECT_FALSE(init);
    EXPECT_EQ(rec.named("waitpid").size(), 1u);
}

TEST_F(SetUpInit, AnUnexpectedMessageKillsTheInit) {
    init_end.send(SyncType::go);
    Child init = fake_init();
    EXPECT_EQ(run_expecting_error(init), "sync: unexpected message from init");
    EXPECT_FALSE(init);
    EXPECT_EQ(rec.named("waitpid").size(), 1u);
}

TEST_F(SetUpInit, AnInitGoneWithMoreOomKillsIsReportedAsOom) {
    init_end.close();
    cgroup.ooms = 1;
    Child init = fake_init();
    EXPECT_TRUE(run_expecting_error(init, 0).starts_with("container init was OOM-killed (memory limit too low?): "));
    EXPECT_FALSE(init);
}

TEST_F(SetUpInit, AnInitGoneWithoutOomKillsIsJustGone) {
    init_end.close();
    cgroup.ooms = 3;
    Child init = fake_init();
    EXPECT_EQ(run_expecting_error(init, 3), "sync send: Broken pipe");  // `go` finds nobody
}

TEST_F(SetUpInit, AFailingIdMapStopsBeforeTheCgroupAndGo) {
    plan.new_user = true;
    spec.linux->uid_mappings = {{0, 100000, 65536}};
    // No such pid can exist (above PID_MAX_LIMIT): the map cannot be written.
    rec.next_pid = 99999999;
    // The write goes through linux/procfs (a verified procfs): the double's /proc is one,
    // and opening the map fails as it would for that pid.
    rec.statfs_type = PROC_SUPER_MAGIC;
    rec.fail("openat2", ENOENT, "uid_map");
    Child init = fake_init(99999999);
    std::string error = run_expecting_error(init);
    EXPECT_NE(error.find("open /proc/99999999/uid_map"), std::string::npos) << error;
    EXPECT_TRUE(events.empty());
    EXPECT_FALSE(readable(init_end));  // no `go`
    EXPECT_EQ(rec.calls.back(), "waitpid(99999999, 0x0)");
}

TEST_F(SetUpInit, CreateHooksRunWithTheInitsHostPid) {
    char tmpl[] = "/tmp/wb-launcher-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::string dir = tmpl;
    spec.hooks.emplace();
    spec.hooks->prestart = {{"/bin/sh", {"sh", "-c", "cat > " + dir + "/prestart"}, {}, std::nullopt}};
    spec.hooks->create_runtime = {{"/bin/sh", {"sh", "-c", "cat > " + dir + "/createRuntime"}, {}, std::nullopt}};
    init_end.send(SyncType::run_hooks);
    init_end.send(SyncType::ready);
    Child init = fake_init();
    set_up_init(req, plan, init, {.cloned_into = true}, 0, runtime_end);
    state::OciState expected = req.state;
    expected.pid = 4242;
    EXPECT_EQ(fs::read_file(dir + "/prestart"), expected.to_json());
    EXPECT_EQ(fs::read_file(dir + "/createRuntime"), expected.to_json());
    EXPECT_EQ(rec.named("clone").size(), 2u);
    EXPECT_EQ(init_end.receive().type, SyncType::go);
    EXPECT_EQ(init_end.receive().type, SyncType::hooks_done);
    init.release();
    fs::remove_all(dir);
}

TEST_F(SetUpInit, AFailingCreateHookKillsTheInit) {
    spec.hooks.emplace();
    spec.hooks->prestart = {{"/bin/sh", {"sh", "-c", "echo no; exit 1"}, {}, std::nullopt}};
    init_end.send(SyncType::run_hooks);
    Child init = fake_init();
    EXPECT_EQ(run_expecting_error(init), "error running prestart hook #0: exit status 1, output: no");
    EXPECT_FALSE(init);
    EXPECT_EQ(rec.calls.back(), "waitpid(4242, 0x0)");
}

// create's record is written while the init finishes: after `go`, with `ready` still unread.
TEST_F(SetUpInit, TheRecordIsWrittenRightAfterGo) {
    init_end.send(SyncType::ready);
    req.record = [&](pid_t pid) {
        events.push_back("record(" + std::to_string(pid) + ")" + (readable(init_end) ? " after go" : "") +
                         (readable(runtime_end) ? ", ready unread" : ""));
    };
    Child init = fake_init();
    set_up_init(req, plan, init, {}, 0, runtime_end);
    EXPECT_EQ(events, (std::vector<std::string>{"add_process(4242)", "record(4242) after go, ready unread"}));
    init.release();
}

// With create hooks the container must look "creating" to them: the record waits for ready.
TEST_F(SetUpInit, WithCreateHooksTheRecordWaitsForReady) {
    spec.hooks.emplace();
    spec.hooks->prestart = {{"/bin/true", {"true"}, {}, std::nullopt}};
    init_end.send(SyncType::run_hooks);
    init_end.send(SyncType::ready);
    req.record = [&](pid_t) { events.push_back(readable(runtime_end) ? "record, messages unread" : "record"); };
    Child init = fake_init();
    set_up_init(req, plan, init, {.cloned_into = true}, 0, runtime_end);
    EXPECT_EQ(events, std::vector<std::string>{"record"});
    EXPECT_EQ(init_end.receive().type, SyncType::go);
    EXPECT_EQ(init_end.receive().type, SyncType::hooks_done);
    init.release();
}

TEST_F(SetUpInit, ARecordThatCannotBeWrittenKillsTheInit) {
    req.record = [](pid_t) { throw Error("write state.json: No space left on device", ENOSPC); };
    Child init = fake_init();
    EXPECT_EQ(run_expecting_error(init), "write state.json: No space left on device");
    EXPECT_FALSE(init);
    EXPECT_EQ(rec.calls.back(), "waitpid(4242, 0x0)");
}

}  // namespace
}  // namespace wb::process
