#include "util/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "util/error.hpp"

namespace wb::fs {

bool try_read_file(const std::string& path, std::string& out) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return false;
    std::string data;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (n == 0) break;
        data.append(buf, static_cast<size_t>(n));
    }
    out = std::move(data);
    return true;
}

std::string read_file(const std::string& path) {
    std::string out;
    if (!try_read_file(path, out)) throw_errno("read " + path);
    return out;
}

int write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return EIO;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return 0;
}

void write_file(const std::string& path, std::string_view data) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    if (int err = write_all(fd.get(), data)) throw_errno("write " + path, err);
}

int write_file_at(int dirfd, const std::string& name, std::string_view data) {
    UniqueFd fd(::openat(dirfd, name.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (!fd) return errno;
    return write_all(fd.get(), data);
}

void write_file_atomic(const std::string& path, std::string_view data, unsigned mode, Sync sync) {
    std::string tmp = path + ".tmp";
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd) throw_errno("create " + tmp);
    if (int err = write_all(fd.get(), data)) {
        ::unlink(tmp.c_str());
        throw_errno("write " + tmp, err);
    }
    if (sync == Sync::durable && ::fsync(fd.get()) < 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw_errno("fsync " + tmp, err);
    }
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) < 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw_errno("rename " + tmp + " to " + path, err);
    }
}

void mkdir_all(const std::string& path, unsigned mode) {
    if (path.empty()) return;
    std::string cur;
    size_t pos = 0;
    while (pos != std::string::npos) {
        size_t next = path.find('/', pos + 1);
        cur = path.substr(0, next);
        pos = next;
        if (cur.empty() || cur == "/") continue;
        if (::mkdir(cur.c_str(), mode) < 0 && errno != EEXIST) throw_errno("mkdir " + cur);
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) throw_errno("stat " + path);
    if (!S_ISDIR(st.st_mode)) throw Error("mkdir " + path + ": not a directory", ENOTDIR);
}

static int remove_at(int dirfd, const char* name) {
    if (::unlinkat(dirfd, name, 0) == 0 || errno == ENOENT) return 0;
    if (errno != EISDIR && errno != EPERM) return errno;
    int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return errno;
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        int err = errno;
        ::close(fd);
        return err;
    }
    int first = 0;
    while (struct dirent* e = ::readdir(dir)) {
        std::string_view n = e->d_name;
        if (n == "." || n == "..") continue;
        int err = remove_at(::dirfd(dir), e->d_name);
        if (err && !first) first = err;
    }
    ::closedir(dir);
    if (::unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && !first) first = errno;
    return first;
}

int remove_all(const std::string& path) { return remove_at(AT_FDCWD, path.c_str()); }

// Copies the entry NAME of directory FROM into directory TO; REL names it in errors.
static void copy_entry(int from, int to, const std::string& name, const std::string& rel);

// Copies every entry of directory FROM into directory TO.
static void copy_contents(int from, int to, const std::string& rel) {
    int list_fd = ::openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (list_fd < 0) throw_errno("copy " + rel + "/");
    DIR* dir = ::fdopendir(list_fd);
    if (!dir) {
        int err = errno;
        ::close(list_fd);
        throw_errno("copy " + rel + "/", err);
    }
    std::unique_ptr<DIR, int (*)(DIR*)> close_dir(dir, ::closedir);
    for (;;) {
        errno = 0;
        struct dirent* e = ::readdir(dir);
        if (!e) break;
        std::string name = e->d_name;
        if (name != "." && name != "..") copy_entry(from, to, name, rel + "/" + name);
    }
    if (errno) throw_errno("copy " + rel + "/");
}

static void copy_data(int from, int to, const std::string& rel) {
    for (;;) {
        ssize_t n = ::sendfile(to, from, nullptr, 1 << 20);
        if (n == 0) return;
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("copy " + rel);
        }
    }
}

static void copy_entry(int from, int to, const std::string& name, const std::string& rel) {
    struct stat st {};
    if (::fstatat(from, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) throw_errno("copy " + rel);
    mode_t perm = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
        if (::mkdirat(to, name.c_str(), 0700) < 0 && errno != EEXIST) throw_errno("copy " + rel);
        UniqueFd src(::openat(from, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!src) throw_errno("copy " + rel);
        UniqueFd dst(::openat(to, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dst) throw_errno("copy " + rel);
        copy_contents(src.get(), dst.get(), rel);
        if (::fchown(dst.get(), st.st_uid, st.st_gid) < 0 || ::fchmod(dst.get(), perm) < 0)
            throw_errno("copy " + rel);
    } else if (S_ISREG(st.st_mode)) {
        UniqueFd src(::openat(from, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!src) throw_errno("copy " + rel);
        UniqueFd dst(::openat(to, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!dst) throw_errno("copy " + rel);
        copy_data(src.get(), dst.get(), rel);
        // chown first: it clears the setuid and setgid bits that fchmod then sets.
        if (::fchown(dst.get(), st.st_uid, st.st_gid) < 0 || ::fchmod(dst.get(), perm) < 0)
            throw_errno("copy " + rel);
    } else if (S_ISLNK(st.st_mode)) {
        std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
        ssize_t n = ::readlinkat(from, name.c_str(), target.data(), target.size());
        if (n < 0) throw_errno("copy " + rel);
        target.resize(static_cast<size_t>(n));
        if (::symlinkat(target.c_str(), to, name.c_str()) < 0 ||
            ::fchownat(to, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
            throw_errno("copy " + rel);
    } else {
        // Device nodes, fifos and sockets: a node of the same kind.
        if (::mknodat(to, name.c_str(), (st.st_mode & S_IFMT) | perm, st.st_rdev) < 0 ||
            ::fchownat(to, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
            ::fchmodat(to, name.c_str(), perm, 0) < 0)
            throw_errno("copy " + rel);
    }
}

void copy_tree(int from_dir, int to_dir) { copy_contents(from_dir, to_dir, ""); }

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

std::string join(std::string_view a, std::string_view b) {
    std::string out(a);
    while (!out.empty() && out.back() == '/') out.pop_back();
    while (!b.empty() && b.front() == '/') b.remove_prefix(1);
    out += '/';
    out += b;
    return out;
}

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return out;
        out.append(buf, static_cast<size_t>(n));
    }
}

std::string parent_of(const std::string& path) {
    auto pos = path.rfind('/');
    return pos == std::string::npos || pos == 0 ? "/" : path.substr(0, pos);
}

std::string base_of(const std::string& path) {
    auto pos = path.rfind('/');
    return pos == std::string::npos ? path : path.substr(pos + 1);
}

}  // namespace wb::fs
