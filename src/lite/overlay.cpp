#include "lite/overlay.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {
namespace {

// overlayfs splits lowerdir on ':' and options on ','; a backslash escapes both.
std::string escape(const std::string& path) {
    std::string out;
    for (char c : path) {
        if (c == ':' || c == ',' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

void mount_with_fsconfig(const OverlayDirs& d) {
    UniqueFd fsfd = overlay_fs_context(d);
    if (::fsconfig(fsfd.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) throw_errno("create overlay");
    UniqueFd mnt(::fsmount(fsfd.get(), FSMOUNT_CLOEXEC, 0));
    if (!mnt) throw_errno("fsmount overlay");
    if (::move_mount(mnt.get(), "", AT_FDCWD, d.merged.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
        throw_errno("mount overlay on " + d.merged);
}

}  // namespace

UniqueFd overlay_fs_context(const OverlayDirs& d) {
    UniqueFd fsfd(::fsopen("overlay", FSOPEN_CLOEXEC));
    if (!fsfd) throw_errno("fsopen overlay");
    auto set = [&](const char* key, const std::string& value) {
        if (::fsconfig(fsfd.get(), FSCONFIG_SET_STRING, key, value.c_str(), 0) < 0)
            throw_errno(std::string("overlay option ") + key + "=" + value);
    };
    for (const auto& l : d.lower) set("lowerdir+", l);
    set("upperdir", d.upper);
    set("workdir", d.work);
    return fsfd;
}

std::string overlay_mount_data(const OverlayDirs& d) {
    std::string data = "lowerdir=";
    for (size_t i = 0; i < d.lower.size(); ++i) {
        if (i) data += ':';
        data += escape(d.lower[i]);
    }
    data += ",upperdir=" + escape(d.upper) + ",workdir=" + escape(d.work);
    return data;
}

bool is_mount_point(const std::string& path) {
    struct statx sx {};
    if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0) return false;
    if (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) return (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
    struct stat self {}, parent {};
    if (::stat(path.c_str(), &self) < 0 || ::stat((path + "/..").c_str(), &parent) < 0) return false;
    return self.st_dev != parent.st_dev;
}

void mount_overlay(const OverlayDirs& d) {
    if (d.lower.empty()) throw Error("an image needs at least one layer");
    if (is_mount_point(d.merged)) return;
    std::string data = overlay_mount_data(d);
    // mount(2) copies at most one page of options.
    if (data.size() < 4000) {
        if (::mount("overlay", d.merged.c_str(), "overlay", 0, data.c_str()) < 0)
            throw_errno("mount overlay on " + d.merged);
        return;
    }
    mount_with_fsconfig(d);
}

bool unmount_if_mounted(const std::string& path) {
    if (!is_mount_point(path)) return false;
    if (::umount2(path.c_str(), UMOUNT_NOFOLLOW) == 0) return true;
    if (errno == EBUSY && ::umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) return true;
    throw_errno("unmount " + path);
}

}  // namespace wb::lite
