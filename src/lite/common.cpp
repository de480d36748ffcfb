#include "lite/common.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <vector>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

std::string Layout::layer_dir(const std::string& digest) const { return layers_dir() + "/" + digest_hex(digest); }

void Layout::ensure() const {
    fs::mkdir_all(root, 0700);
    for (const auto& d : {images_dir(), layers_dir(), containers_dir(), tmp_dir()}) fs::mkdir_all(d, 0700);
}

std::string human_duration(int64_t seconds) {
    auto plural = [](int64_t n, const char* unit) {
        return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
    };
    if (seconds < 1) return "Less than a second";
    if (seconds == 1) return "1 second";
    if (seconds < 60) return plural(seconds, "second");
    int64_t minutes = seconds / 60;
    if (minutes == 1) return "About a minute";
    if (minutes < 60) return plural(minutes, "minute");
    int64_t hours = (seconds + 1800) / 3600;
    if (hours == 1) return "About an hour";
    if (hours < 48) return plural(hours, "hour");
    if (hours < 24 * 7 * 2) return plural(hours / 24, "day");
    if (hours < 24 * 30 * 2) return plural(hours / 24 / 7, "week");
    if (hours < 24 * 365 * 2) return plural(hours / 24 / 30, "month");
    return plural(hours / 24 / 365, "year");
}

std::string human_size(uint64_t bytes) {
    static const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = static_cast<double>(bytes);
    int i = 0;
    while (v >= 1000 && i < 5) {
        v /= 1000;
        ++i;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g%s", v, units[i]);
    return buf;
}

std::string random_hex_id() {
    unsigned char raw[32];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = ::getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("getrandom");
        }
        got += static_cast<size_t>(n);
    }
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : raw) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

std::string random_name() {
    static const char* left[] = {"admiring", "brave",   "clever",  "dreamy",  "eager",  "focused",
                                 "gallant",  "happy",   "jolly",   "keen",    "loving", "modest",
                                 "nifty",    "pensive", "quirky",  "relaxed", "sharp",  "tender",
                                 "upbeat",   "vibrant", "wizardly", "youthful", "zealous"};
    static const char* right[] = {"albattani", "babbage", "curie",    "darwin",  "euler",   "fermi",
                                  "galileo",   "hopper",  "kepler",   "lovelace", "meitner", "newton",
                                  "noether",   "pascal",  "ritchie",  "shannon", "thompson", "turing",
                                  "wozniak",   "yalow",   "zhukovsky"};
    unsigned char r[2];
    if (::getrandom(r, sizeof r, 0) != 2) r[0] = r[1] = 0;
    return std::string(left[r[0] % std::size(left)]) + "_" + right[r[1] % std::size(right)];
}

std::string digest_hex(const std::string& digest) {
    const std::string prefix = "sha256:";
    if (digest.size() != prefix.size() + 64 || digest.compare(0, prefix.size(), prefix) != 0)
        throw Error("invalid digest: " + digest);
    std::string hex = digest.substr(prefix.size());
    for (char c : hex)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) throw Error("invalid digest: " + digest);
    return hex;
}

namespace {

// The mount id and type of dirfd/name (not following a final symlink).
struct Node {
    uint64_t mnt_id = 0;
    mode_t mode = 0;
    uint64_t ino = 0;
};

bool stat_node(int dirfd, const char* name, Node& out) {
    struct statx sx {};
    int flags = AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH);
    if (::statx(dirfd, name, flags, STATX_TYPE | STATX_INO | STATX_MNT_ID, &sx) < 0) return false;
    out.mnt_id = sx.stx_mnt_id;
    out.mode = sx.stx_mode;
    out.ino = sx.stx_ino;
    return true;
}

[[noreturn]] void refuse_mount_point(const std::string& path) {
    throw Error("refusing to remove " + path + ": it is a mount point", EXDEV);
}

// Empties the directory open as dirfd, which lies on mount mnt_id.
void remove_contents(int dirfd, uint64_t mnt_id, const std::string& where) {
    UniqueFd dup(::dup(dirfd));
    if (!dup) throw_errno("dup");
    DIR* d = ::fdopendir(dup.get());
    if (!d) throw_errno("opendir " + where);
    dup.release();
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    for (const auto& n : names) {
        std::string path = where + "/" + n;
        Node node;
        if (!stat_node(dirfd, n.c_str(), node)) {
            if (errno == ENOENT) continue;
            throw_errno("stat " + path);
        }
        // Bind mounts keep st_dev; the mount id tells them apart.
        if (node.mnt_id != mnt_id) refuse_mount_point(path);
        if (S_ISDIR(node.mode)) {
            UniqueFd sub(::openat(dirfd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!sub) throw_errno("open " + path);
            Node opened;
            if (!stat_node(sub.get(), "", opened) || opened.mnt_id != mnt_id || opened.ino != node.ino)
                refuse_mount_point(path);
            remove_contents(sub.get(), mnt_id, path);
            if (::unlinkat(dirfd, n.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT) throw_errno("remove " + path);
        } else if (::unlinkat(dirfd, n.c_str(), 0) < 0 && errno != ENOENT) {
            throw_errno("remove " + path);
        }
    }
}

}  // namespace

void remove_tree_same_fs(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) < 0) {
        if (errno == ENOENT) return;
        throw_errno("stat " + path);
    }
    if (!S_ISDIR(st.st_mode)) {
        if (::unlink(path.c_str()) < 0 && errno != ENOENT) throw_errno("remove " + path);
        return;
    }
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    Node top;
    if (!stat_node(fd.get(), "", top)) throw_errno("stat " + path);
    remove_contents(fd.get(), top.mnt_id, path);
    if (::rmdir(path.c_str()) < 0 && errno != ENOENT) throw_errno("remove " + path);
}

}  // namespace wb::lite

namespace wb::lite {

int exit_code_for_start_error(const std::string& msg) {
    if (msg.find("exec") == std::string::npos) return kExitLiteError;
    if (msg.find("not found") != std::string::npos || msg.find("No such file") != std::string::npos)
        return kExitNotFound;
    if (msg.find("ermission denied") != std::string::npos || msg.find("not a directory") != std::string::npos)
        return kExitCannotInvoke;
    return kExitLiteError;
}

}  // namespace wb::lite
