#include "lite/copy_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {
namespace {

constexpr uint32_t kOverflowId = 65534;

uint32_t shift_id(uint32_t id, uint32_t start, const CopyOwners& o, const char* what) {
    if (o.range.size == 0) return id;
    if (o.into_range) {
        if (id >= o.range.size)
            throw Error(std::string(what) + " " + std::to_string(id) + " cannot be mapped into the container's range");
        return start + id;
    }
    return id >= start && id - start < o.range.size ? id - start : kOverflowId;
}

void copy_file_data(int in, int out, const std::string& what) {
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("read " + what);
        if (n == 0) return;
        fs::write_all(out, std::string_view(buf, static_cast<size_t>(n)));
    }
}

// Owner, mode and times of dst (fd when open, else by path without following it).
// chown before chmod: a chown clears the set-id bits.
void finish(const std::string& dst, int fd, const struct stat& st, const CopyOwners& o) {
    if (auto owner = copied_owner(st.st_uid, st.st_gid, o)) {
        int rc = fd >= 0 ? ::fchown(fd, owner->first, owner->second)
                         : ::fchownat(AT_FDCWD, dst.c_str(), owner->first, owner->second, AT_SYMLINK_NOFOLLOW);
        if (rc < 0) throw_errno("chown " + dst);
    }
    if (!S_ISLNK(st.st_mode)) {
        int rc = fd >= 0 ? ::fchmod(fd, st.st_mode & 07777) : ::chmod(dst.c_str(), st.st_mode & 07777);
        if (rc < 0) throw_errno("chmod " + dst);
    }
    const struct timespec times[2] = {st.st_atim, st.st_mtim};
    int rc = fd >= 0 ? ::futimens(fd, times) : ::utimensat(AT_FDCWD, dst.c_str(), times, AT_SYMLINK_NOFOLLOW);
    if (rc < 0) throw_errno("set the times of " + dst);
}

void copy_entry(const std::string& src, const std::string& dst, const struct stat& st, bool top, const CopyOwners& o) {
    mode_t perm = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
        if (::mkdir(dst.c_str(), perm | 0700) < 0) {
            struct stat dt {};
            if (errno != EEXIST || ::lstat(dst.c_str(), &dt) < 0 || !S_ISDIR(dt.st_mode))
                throw Error("cannot copy directory " + src + " onto " + dst + ": not a directory");
        }
        std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(src.c_str()), ::closedir);
        if (!d) throw_errno("open " + src);
        while (struct dirent* e = ::readdir(d.get())) {
            std::string name = e->d_name;
            if (name == "." || name == "..") continue;
            struct stat child {};
            if (::lstat((src + "/" + name).c_str(), &child) < 0) throw_errno("stat " + src + "/" + name);
            copy_entry(src + "/" + name, dst + "/" + name, child, false, o);
        }
        finish(dst, -1, st, o);  // after the children: their creation changed the mtime
    } else if (S_ISREG(st.st_mode)) {
        UniqueFd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC | (top ? 0 : O_NOFOLLOW)));
        if (!in) throw_errno("open " + src);
        struct stat dt {};
        if (::lstat(dst.c_str(), &dt) == 0 && !S_ISREG(dt.st_mode)) {
            if (S_ISDIR(dt.st_mode)) throw Error("cannot overwrite directory " + dst + " with a file");
            ::unlink(dst.c_str());  // a symlink or special file there is replaced, never followed
        }
        UniqueFd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, perm));
        if (!out) throw_errno("create " + dst);
        copy_file_data(in.get(), out.get(), src);
        finish(dst, out.get(), st, o);
    } else if (S_ISLNK(st.st_mode)) {
        std::string target(4096, '\0');
        ssize_t n = ::readlink(src.c_str(), target.data(), target.size());
        if (n < 0) throw_errno("readlink " + src);
        target.resize(static_cast<size_t>(n));
        if (::unlink(dst.c_str()) < 0 && errno != ENOENT) throw_errno("replace " + dst);
        if (::symlink(target.c_str(), dst.c_str()) < 0) throw_errno("symlink " + dst);
        finish(dst, -1, st, o);
    } else {
        if (::unlink(dst.c_str()) < 0 && errno != ENOENT) throw_errno("replace " + dst);
        if (::mknod(dst.c_str(), st.st_mode, st.st_rdev) < 0) throw_errno("mknod " + dst);
        finish(dst, -1, st, o);
    }
}

}  // namespace

std::optional<std::pair<uid_t, gid_t>> copied_owner(uid_t uid, gid_t gid, const CopyOwners& o) {
    if (o.keep_source) return std::pair{shift_id(uid, o.range.uid_start, o, "uid"), shift_id(gid, o.range.gid_start, o, "gid")};
    if (!o.uid && !o.gid) return std::nullopt;
    return std::pair{o.uid.value_or(static_cast<uid_t>(-1)), o.gid.value_or(static_cast<gid_t>(-1))};
}

void copy_tree(const std::string& src, const std::string& dst, bool follow_top, const CopyOwners& owners) {
    struct stat st {};
    if ((follow_top ? ::stat(src.c_str(), &st) : ::lstat(src.c_str(), &st)) < 0) throw_errno("stat " + src);
    copy_entry(src, dst, st, follow_top, owners);
}

}  // namespace wb::lite
