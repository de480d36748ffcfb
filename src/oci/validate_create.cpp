// What `create` and `run` check before they make anything: the document (validate()), then
// what the document must have to become a container on this host with these options.
// runtime/create.cpp makes one call; the messages are runc's where runc has one.
#include <sys/stat.h>

#include <algorithm>

#include "oci/json_path.hpp"
#include "oci/validate.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::oci {
namespace {

[[noreturn]] void fail(const JsonPath& path, const std::string& problem) {
    throw Error(path.str() + ": " + problem);
}

// sethostname(2) and setdomainname(2) take at most HOST_NAME_MAX (64) bytes.
constexpr std::size_t kMaxHostNameBytes = 64;

void check_uts_name(const JsonPath& path, const std::string& name, bool has_uts) {
    if (name.empty()) return;
    if (!has_uts) fail(path, "cannot be set without a uts namespace in linux.namespaces");
    if (name.size() > kMaxHostNameBytes)
        fail(path, quoted_value(name) + " is longer than " + std::to_string(kMaxHostNameBytes) + " bytes");
}

// Only sysctls of a namespace the container has of its own may be set (as runc checks).
void check_sysctls(const Linux& lx) {
    auto has_own = [&](const char* type) { return lx.find_namespace(type) != nullptr; };
    static const char* const ipc_keys[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                           "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
                                           "kernel.shm_rmid_forced"};
    for (const auto& [raw_key, value] : lx.sysctl) {
        // sysctl(8) takes "kernel/hostname" as well as "kernel.hostname" (and so does runc).
        std::string key = raw_key;
        std::replace(key.begin(), key.end(), '/', '.');
        std::string name = quoted_value(key);
        bool ipc = key.rfind("fs.mqueue.", 0) == 0;
        for (const char* k : ipc_keys) ipc |= key == k;
        if (ipc) {
            if (!has_own("ipc")) throw Error("sysctl " + name + " is not allowed as it conflicts with the OCI \"ipc\" namespace");
            continue;
        }
        if (key.rfind("net.", 0) == 0) {
            if (!has_own("network")) throw Error("sysctl " + name + " not allowed in host network namespace");
            continue;
        }
        if (key == "kernel.domainname" || key == "kernel.hostname") {
            if (!has_own("uts")) throw Error("sysctl " + name + " is not allowed in the host's UTS namespace");
            // The hostname has its own field, which the init sets (and this would undo);
            // runc 1.1.5 still takes kernel.domainname.
            if (key == "kernel.hostname")
                throw Error("sysctl " + name + " is not allowed as it conflicts with the OCI \"hostname\" field");
            continue;
        }
        throw Error("sysctl " + name + " is not in a separate kernel namespace");
    }
}

}  // namespace

void validate_for_create(const Spec& spec) {
    JsonPath root("config.json");
    if (!spec.process) fail(JsonPath(root, "process"), "required to create a container");
    if (spec.process->args.empty()) fail(JsonPath(JsonPath(root, "process"), "args"), "must not be empty");
    bool has_uts = spec.linux && spec.linux->find_namespace("uts");
    check_uts_name(JsonPath(root, "hostname"), spec.hostname, has_uts);
    check_uts_name(JsonPath(root, "domainname"), spec.domainname, has_uts);
}

std::string validate_for_create(const Spec& spec, const std::string& bundle_dir, const TerminalOptions& terminal) {
    validate(spec);
    validate_for_create(spec);
    // Without a mount namespace the container is set up in the caller's (as runc), but
    // nothing there can be masked or made read-only for the container alone.
    bool has_mount_ns = spec.linux && spec.linux->find_namespace("mount");
    if (!has_mount_ns && spec.linux && (!spec.linux->masked_paths.empty() || !spec.linux->readonly_paths.empty()))
        throw Error("unable to restrict sys entries without a private MNT namespace");
    if (spec.linux) check_sysctls(*spec.linux);

    const std::string& path = spec.root->path;
    std::string rootfs = path.front() == '/' ? path : fs::join(bundle_dir, path);
    struct stat st {};
    if (::stat(rootfs.c_str(), &st) < 0 || !S_ISDIR(st.st_mode))
        throw Error(std::string("rootfs (").append(printable(rootfs)).append(") does not exist"));

    if (spec.process->terminal && !terminal.console_socket && !terminal.proxy_tty)
        throw Error("cannot allocate tty if whalebox will detach without setting console socket");
    if (!spec.process->terminal && terminal.console_socket)
        throw Error("cannot use console socket if whalebox will not detach or allocate tty");
    return rootfs;
}

}  // namespace wb::oci
