// validate_for_create(spec, bundle, terminal): every check create makes before it makes
// anything, with the messages create gave when it made them itself.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "oci/default_spec.hpp"
#include "oci/validate.hpp"
#include "util/error.hpp"

namespace {

namespace stdfs = std::filesystem;
using wb::oci::TerminalOptions;

class OciValidateCreate : public ::testing::Test {
protected:
    void SetUp() override {
        bundle_ = stdfs::temp_directory_path() / ("wb-oci-create-" + std::to_string(::getpid()));
        stdfs::create_directories(bundle_ / "rootfs");
        spec_ = wb::oci::default_spec();
        spec_.process->terminal = false;
    }
    void TearDown() override { stdfs::remove_all(bundle_); }

    std::string error(const TerminalOptions& terminal = {}) {
        try {
            wb::oci::validate_for_create(spec_, bundle_.string(), terminal);
        } catch (const wb::Error& e) {
            return e.what();
        }
        return "";
    }

    stdfs::path bundle_;
    wb::oci::Spec spec_;
};

TEST_F(OciValidateCreate, ReturnsTheRootfsPath) {
    EXPECT_EQ(wb::oci::validate_for_create(spec_, bundle_.string(), {}), (bundle_ / "rootfs").string());
    spec_.root->path = (bundle_ / "rootfs").string();
    EXPECT_EQ(wb::oci::validate_for_create(spec_, "/elsewhere", {}), (bundle_ / "rootfs").string());
}

TEST_F(OciValidateCreate, TheDocumentFirst) {
    spec_.process->cwd = "relative";
    EXPECT_EQ(error(), "process.cwd: must be an absolute path, got \"relative\"");
    spec_.process->cwd = "/";
    spec_.process->args.clear();
    EXPECT_EQ(error(), "process.args: must not be empty");
}

TEST_F(OciValidateCreate, NoMountNamespaceRunsInTheCallersButMasksNothing) {
    std::erase_if(spec_.linux->namespaces, [](const auto& ns) { return ns.type == "mount"; });
    spec_.linux->masked_paths = {"/proc/kcore"};
    EXPECT_EQ(error(), "unable to restrict sys entries without a private MNT namespace");
    spec_.linux->masked_paths.clear();
    spec_.linux->readonly_paths = {"/proc/sys"};
    EXPECT_EQ(error(), "unable to restrict sys entries without a private MNT namespace");
    spec_.linux->readonly_paths.clear();
    EXPECT_EQ(error(), "");
    spec_.hostname.clear();  // needs a uts namespace, checked first
    spec_.linux.reset();
    EXPECT_EQ(error(), "");
}

TEST_F(OciValidateCreate, SysctlsOfTheContainersOwnNamespaces) {
    spec_.linux->sysctl["net.ipv4.ip_forward"] = "1";
    EXPECT_EQ(error(), "");
    std::erase_if(spec_.linux->namespaces, [](const auto& ns) { return ns.type == "network"; });
    EXPECT_EQ(error(), "sysctl \"net.ipv4.ip_forward\" not allowed in host network namespace");
    spec_.linux->sysctl = {{"kernel.shmmax", "1"}};
    std::erase_if(spec_.linux->namespaces, [](const auto& ns) { return ns.type == "ipc"; });
    EXPECT_EQ(error(), "sysctl \"kernel.shmmax\" is not allowed as it conflicts with the OCI \"ipc\" namespace");
    spec_.linux->sysctl = {{"vm.swappiness", "1"}};
    EXPECT_EQ(error(), "sysctl \"vm.swappiness\" is not in a separate kernel namespace");
}

TEST_F(OciValidateCreate, AnExistingRootfsDirectory) {
    spec_.root->path = "nosuchdir";
    EXPECT_EQ(error(), "rootfs (" + (bundle_ / "nosuchdir").string() + ") does not exist");
}

TEST_F(OciValidateCreate, TerminalAndConsoleSocketGoTogether) {
    spec_.process->terminal = true;
    EXPECT_EQ(error(), "cannot allocate tty if whalebox will detach without setting console socket");
    EXPECT_EQ(error({.console_socket = true}), "");
    EXPECT_EQ(error({.proxy_tty = true}), "");
    spec_.process->terminal = false;
    EXPECT_EQ(error({.console_socket = true}), "cannot use console socket if whalebox will not detach or allocate tty");
}

}  // namespace
