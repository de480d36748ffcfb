#include "linux/identity.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "linux/syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {

bool setgroups_denied() {
    int fd = ::open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;  // kernel before 3.19: setgroups always allowed
    char buf[16] = {};
    ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
    ::close(fd);
    if (n <= 0) return false;
    std::string value(buf, static_cast<size_t>(n));
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    return value == "deny";
}

void give_stdio_to(uint32_t uid) {
    struct stat null_dev {};
    const bool have_null = sys().fstatat(AT_FDCWD, "/dev/null", &null_dev, 0) == 0;
    for (int fd = 0; fd <= 2; ++fd) {
        struct stat st {};
        if (sys().fstatat(fd, "", &st, AT_EMPTY_PATH) < 0) {
            if (errno == EBADF) continue;  // not open: nothing to give
            throw_errno("fstat stdio fd " + std::to_string(fd));
        }
        if (st.st_uid == uid) continue;
        if (have_null && S_ISCHR(st.st_mode) && st.st_rdev == null_dev.st_rdev) continue;
        if (sys().fchownat(fd, "", uid, st.st_gid, AT_EMPTY_PATH) < 0 && errno != EINVAL && errno != EPERM)
            throw_errno("chown stdio fd " + std::to_string(fd) + " to " + std::to_string(uid));
    }
}

void switch_user(const oci::User& user) {
    if (!setgroups_denied()) {
        std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
        if (sys().setgroups(groups.size(), groups.data()) != 0) throw_errno("setgroups");
    }

    if (sys().prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) throw_errno("prctl(PR_SET_KEEPCAPS)");

    if (sys().setresgid(user.gid, user.gid, user.gid) != 0) {
        if (errno == EINVAL)
            throw Error("cannot setgid to unmapped gid " + std::to_string(user.gid) +
                            " in user namespace",
                        EINVAL);
        throw_errno("setresgid " + std::to_string(user.gid));
    }
    if (sys().setresuid(user.uid, user.uid, user.uid) != 0) {
        if (errno == EINVAL)
            throw Error("cannot setuid to unmapped uid " + std::to_string(user.uid) +
                            " in user namespace",
                        EINVAL);
        throw_errno("setresuid " + std::to_string(user.uid));
    }

    if (sys().prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) throw_errno("prctl(PR_CLEAR_KEEPCAPS)");

    if (user.umask) sys().umask(static_cast<mode_t>(*user.umask));
}

}  // namespace wb::linux
