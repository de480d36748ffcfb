#include "lite/background_removal.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <vector>

#include "lite/network_attach.hpp"
#include "lite/network_spares.hpp"
#include "lite/overlay.hpp"
#include "runtime/runtime.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::lite {

namespace {

constexpr const char* kRemovingSuffix = ".removing";

void finish_removal(const LiteContext& c, const std::string& id, const std::string& dir) noexcept {
    try {
        runtime::remove(c.runtime, id, true);  // a foreground run --rm leaves it to us
    } catch (const std::exception& e) {
        log::debug("remove {}: {}", id, e.what());
    }
    release_network_at(c, id, dir);
    try {
        unmount_if_mounted(dir + "/merged");
        remove_tree_same_fs(dir);
    } catch (const std::exception& e) {
        log::warn("remove {}: {}", dir, e.what());
    }
}

// Opens dir and locks it (flock), waiting for its holder or not; none when it is gone or,
// without wait, locked by another.
UniqueFd lock_directory(const std::string& dir, bool wait) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd && ::flock(fd.get(), wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0) fd.reset();
    return fd;
}

}  // namespace

void remove_in_background(const LiteContext& c, const std::string& id, UniqueFd lock) {
    std::string dir = c.layout.container_dir(id), removing = dir + kRemovingSuffix;
    if (::rename(dir.c_str(), removing.c_str()) < 0) {
        finish_removal(c, id, dir);
        return;
    }
    // The directory itself is locked too, by the remover until it is done: the lock file
    // inside goes with the rest of the files, while a next command must keep its hands off.
    UniqueFd dir_lock = lock_directory(removing, true);
    // One fork, not waited for: the caller exits right after (run, the monitor), and the
    // child, reparented then, outlives it.
    pid_t child = ::fork();
    if (child < 0) {
        finish_removal(c, id, removing);
        return;
    }
    if (child == 0) {
        ::setsid();
        // Hold nothing of the caller's (a shell reading our stdout must not wait for us)
        // but the two locks, as fds 3 and 4.
        int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        for (int fd = 0; fd < 3 && null >= 0; ++fd) ::dup2(null, fd);
        int held[2] = {::fcntl(lock.get(), F_DUPFD_CLOEXEC, 10),
                       dir_lock ? ::fcntl(dir_lock.get(), F_DUPFD_CLOEXEC, 10) : -1};
        for (int i = 0; i < 2; ++i)
            if (held[i] >= 0) ::dup3(held[i], 3 + i, O_CLOEXEC);
        ::close_range(5, ~0U, 0);
        // A new spare for the next run on its network first (network_spares.hpp): its
        // DEL is in no hurry.
        try {
            NetworkRequest req = load_network_request(removing);
            if (req.mode == "cni") refill_spares(c, req.network);
        } catch (const std::exception& e) {
            log::debug("spares after {}: {}", id.substr(0, 12), e.what());
        }
        finish_removal(c, id, removing);
        _exit(0);
    }
}

void finish_interrupted_removals(const LiteContext& c, bool wait) {
    std::vector<std::string> ids;
    if (DIR* d = ::opendir(c.layout.containers_dir().c_str())) {
        std::string suffix = kRemovingSuffix;
        while (struct dirent* e = ::readdir(d)) {
            std::string n = e->d_name;
            if (n.size() == 64 + suffix.size() && n.compare(64, suffix.size(), suffix) == 0) ids.push_back(n.substr(0, 64));
        }
        ::closedir(d);
    }
    for (const auto& id : ids) {
        std::string dir = c.layout.container_dir(id) + kRemovingSuffix;
        UniqueFd dir_lock = lock_directory(dir, wait);
        if (!dir_lock) continue;  // its remover is at work, or it is gone
        UniqueFd lock(::open((dir + "/lock").c_str(), O_RDWR | O_CLOEXEC));
        if (lock && ::flock(lock.get(), wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0) continue;  // its remover is at work
        if (::access(dir.c_str(), F_OK) == 0) finish_removal(c, id, dir);
    }
}

}  // namespace wb::lite
