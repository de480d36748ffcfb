#include "lite/bundle.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "../linux/recording_syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::lite {
namespace {

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

BundlePaths paths() { return BundlePaths{kId, "/var/lib/whalebox-lite/containers/" + kId, "/c/" + kId + "/merged"}; }

ImageConfig image() {
    ImageConfig c;
    c.cmd = {"nginx", "-g", "daemon off;"};
    c.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "NGINX_VERSION=1.25"};
    c.working_dir = "/srv";
    return c;
}

const oci::Mount* find_mount(const oci::Spec& s, const std::string& dest) {
    for (const auto& m : s.mounts)
        if (m.destination == dest) return &m;
    return nullptr;
}

bool has_namespace(const oci::Spec& s, const std::string& type) { return s.linux->find_namespace(type) != nullptr; }

TEST(LiteBundle, ImageConfigApplied) {
    RunOptions o;
    oci::Spec s = build_spec(image(), o, paths(), {});
    ASSERT_TRUE(s.process);
    EXPECT_EQ(s.process->args, (std::vector<std::string>{"nginx", "-g", "daemon off;"}));
    EXPECT_EQ(s.process->cwd, "/srv");
    EXPECT_EQ(s.process->env, (std::vector<std::string>{"PATH=/usr/local/bin:/usr/bin:/bin",
                                                         "HOSTNAME=" + kId.substr(0, 12), "NGINX_VERSION=1.25"}));
    EXPECT_FALSE(s.process->terminal);
    EXPECT_EQ(s.process->user.uid, 0u);
    EXPECT_EQ(s.root->path, paths().rootfs);
    EXPECT_FALSE(s.root->readonly);
    EXPECT_EQ(s.hostname, kId.substr(0, 12));
    EXPECT_EQ(s.linux->cgroups_path, "whalebox-lite/" + kId);
    for (const char* ns : {"pid", "ipc", "uts", "mount", "network"}) EXPECT_TRUE(has_namespace(s, ns)) << ns;
    EXPECT_FALSE(s.linux->resources->memory);
    EXPECT_FALSE(s.linux->resources->cpu);
    EXPECT_FALSE(s.linux->resources->pids);
    EXPECT_EQ(s.process->capabilities->bounding->size(), 14u);
    // docker's init layer: the three files come from the container directory.
    for (const char* f : {"/etc/hosts", "/etc/hostname", "/etc/resolv.conf"}) {
        const oci::Mount* m = find_mount(s, f);
        ASSERT_TRUE(m) << f;
        EXPECT_EQ(m->type, "bind");
        EXPECT_EQ(m->source, paths().container_dir + std::string(f).substr(4));
    }
}

TEST(LiteBundle, FlagsOverrideAndLimit) {
    RunOptions o;
    o.tty = true;
    o.command = {"sh", "-c", "echo hi"};
    o.env = {"NGINX_VERSION=2", "EXTRA=1"};
    o.workdir = "/tmp";
    o.hostname = "web";
    o.memory = 64LL << 20;
    o.cpus = 1.5;
    o.cpuset_cpus = "0-1";
    o.cpu_shares = 512;
    o.pids_limit = 100;
    o.read_only = true;
    o.volumes = {VolumeSpec{"/srv/data", "/data", false}, VolumeSpec{"/srv/conf", "/conf", true}};
    ResolvedUser u{1000, 100, {27}};
    oci::Spec s = build_spec(image(), o, paths(), u);
    EXPECT_TRUE(s.process->terminal);
    EXPECT_EQ(s.process->args, o.command);
    EXPECT_EQ(s.process->cwd, "/tmp");
    EXPECT_EQ(s.hostname, "web");
    auto& env = s.process->env;
    EXPECT_NE(std::find(env.begin(), env.end(), "NGINX_VERSION=2"), env.end());
    EXPECT_NE(std::find(env.begin(), env.end(), "EXTRA=1"), env.end());
    EXPECT_NE(std::find(env.begin(), env.end(), "TERM=xterm"), env.end());
    EXPECT_NE(std::find(env.begin(), env.end(), "HOSTNAME=web"), env.end());
    EXPECT_EQ(std::count_if(env.begin(), env.end(), [](auto& e) { return e.rfind("NGINX_VERSION=", 0) == 0; }), 1);
    EXPECT_EQ(s.process->user.uid, 1000u);
    EXPECT_EQ(s.process->user.gid, 100u);
    EXPECT_EQ(s.process->user.additional_gids, (std::vector<uint32_t>{27}));
    EXPECT_TRUE(s.root->readonly);
    const auto& r = *s.linux->resources;
    EXPECT_EQ(r.memory->limit, 64LL << 20);
    EXPECT_EQ(r.cpu->quota, 150000);
    EXPECT_EQ(r.cpu->period, 100000u);
    EXPECT_EQ(r.cpu->cpus, "0-1");
    EXPECT_EQ(r.cpu->shares, 512u);
    EXPECT_EQ(r.pids->limit, 100);
    const oci::Mount* data = find_mount(s, "/data");
    ASSERT_TRUE(data);
    EXPECT_EQ(data->source, "/srv/data");
    EXPECT_EQ(std::count(data->options.begin(), data->options.end(), "ro"), 0);
    const oci::Mount* conf = find_mount(s, "/conf");
    ASSERT_TRUE(conf);
    EXPECT_EQ(std::count(conf->options.begin(), conf->options.end(), "ro"), 1);
}

TEST(LiteBundle, EntrypointAndNetworkModes) {
    ImageConfig c;
    c.entrypoint = {"/entry.sh"};
    c.cmd = {"default"};
    RunOptions o;
    EXPECT_EQ(container_args(c, o), (std::vector<std::string>{"/entry.sh", "default"}));
    o.command = {"other", "arg"};
    EXPECT_EQ(container_args(c, o), (std::vector<std::string>{"/entry.sh", "other", "arg"}));
    EXPECT_THROW(container_args(ImageConfig{}, RunOptions{}), Error);

    o.net = "host";
    oci::Spec s = build_spec(c, o, paths(), {});
    EXPECT_FALSE(has_namespace(s, "network"));
    EXPECT_TRUE(has_namespace(s, "uts"));
}

TEST(LiteBundle, RelativeWorkdirRefused) {
    RunOptions o;
    o.workdir = "relative";
    EXPECT_THROW(build_spec(image(), o, paths(), {}), Error);
}

TEST(LiteBundle, UsersFromPasswdAndGroup) {
    const std::string passwd = "root:x:0:0:root:/root:/bin/sh\nwww:x:33:33::/var/www:/bin/false\n";
    const std::string group = "root:x:0:\nwww:x:33:\nstaff:x:50:www,bob\nadm:x:4:bob\n";
    ResolvedUser r = resolve_user_in("www", passwd, group);
    EXPECT_EQ(r.uid, 33u);
    EXPECT_EQ(r.gid, 33u);
    EXPECT_EQ(r.additional_gids, (std::vector<uint32_t>{50}));
    r = resolve_user_in("33:staff", passwd, group);
    EXPECT_EQ(r.uid, 33u);
    EXPECT_EQ(r.gid, 50u);
    r = resolve_user_in("1234:5678", passwd, group);
    EXPECT_EQ(r.uid, 1234u);
    EXPECT_EQ(r.gid, 5678u);
    r = resolve_user_in("1234", passwd, group);
    EXPECT_EQ(r.gid, 0u);
    EXPECT_THROW(resolve_user_in("nobody", passwd, group), Error);
    EXPECT_THROW(resolve_user_in("www:nogroup", passwd, group), Error);
}

// busybox's bin/sleep -> ../bin/busybox: openat2 (RESOLVE_IN_ROOT) says EAGAIN when a mount
// or rename anywhere on the machine meets that "..", as ten parallel runs' mounts do. The
// lookup is retried, not taken for "executable file not found".
TEST(LiteBundle, ExecutableLookupRetriesWhatOpenat2AsksToRetry) {
    char tmpl[] = "/tmp/whalebox-bundle-test.XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    const std::string root = tmpl;
    fs::mkdir_all(root + "/bin", 0755);
    fs::write_file_atomic(root + "/bin/busybox", "", 0755, fs::Sync::no_fsync);
    ASSERT_EQ(::symlink("../bin/busybox", (root + "/bin/sleep").c_str()), 0);
    fs::mkdir_all(root + "/etc", 0755);
    fs::write_file_atomic(root + "/etc/passwd", "www:x:33:44::/var/www:/bin/false\n", 0644, fs::Sync::no_fsync);
    {
        testing::RecordingSyscalls rec;
        rec.pass_through("openat2");
        rec.fail("openat2", EAGAIN, "", 3);
        linux::ScopedSyscalls scoped(rec);
        EXPECT_NO_THROW(check_executable(root, "sleep", {"PATH=/bin"}));
        EXPECT_EQ(std::count_if(rec.calls.begin(), rec.calls.end(),
                                [](const std::string& c) { return c.starts_with("openat2("); }),
                  4);
        rec.fail("openat2", EAGAIN, "etc/passwd", 2);
        EXPECT_EQ(resolve_user("www", root).gid, 44u);
    }
    std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace wb::lite
