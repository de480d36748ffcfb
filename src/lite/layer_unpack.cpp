#include "lite/layer_unpack.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdio>
#include <memory>
#include <vector>

#include "lite/libarchive.hpp"
#include "lite/common.hpp"
#include "lite/sha256.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {
namespace {

constexpr const char* kWhiteoutPrefix = ".wh.";
constexpr const char* kOpaqueMarker = ".wh..wh..opq";

struct ReadContext {
    int fd = -1;
    Sha256 sha;
    uint64_t bytes = 0;
    std::vector<char> buf = std::vector<char>(1 << 16);
    // Progress on a terminal.
    std::string label;
    uint64_t total = 0;
    int64_t last_report_ms = 0;
    bool reported = false;
};

int64_t monotonic_ms() {
    struct timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void report_progress(ReadContext& c, bool final) {
    if (c.label.empty()) return;
    int64_t now = monotonic_ms();
    if (!final && now - c.last_report_ms < 200) return;
    if (final && !c.reported) return;
    c.last_report_ms = now;
    c.reported = true;
    char line[256];
    if (c.total)
        std::snprintf(line, sizeof line, "\r%s: %s / %s (%d%%)%s", c.label.c_str(), human_size(c.bytes).c_str(),
                      human_size(c.total).c_str(), int(c.bytes * 100 / c.total), final ? "\n" : "");
    else
        std::snprintf(line, sizeof line, "\r%s: %s%s", c.label.c_str(), human_size(c.bytes).c_str(),
                      final ? "\n" : "");
    ssize_t r = ::write(STDERR_FILENO, line, std::strlen(line));
    (void)r;
}

la_ssize_t read_callback(struct archive* a, void* data, const void** out) {
    auto* c = static_cast<ReadContext*>(data);
    for (;;) {
        ssize_t n = ::read(c->fd, c->buf.data(), c->buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            libarchive().archive_set_error(a, errno, "read: %s", std::strerror(errno));
            return -1;
        }
        c->sha.update(c->buf.data(), static_cast<size_t>(n));
        c->bytes += static_cast<uint64_t>(n);
        report_progress(*c, false);
        *out = c->buf.data();
        return n;
    }
}

struct ArchiveFree {
    void operator()(struct archive* a) const {
        if (libarchive().archive_read_free(a) != ARCHIVE_OK) {
        }
    }
};
struct DiskFree {
    void operator()(struct archive* a) const { libarchive().archive_write_free(a); }
};

// Restores the working directory when unpacking is done.
class CwdGuard {
public:
    CwdGuard() : saved_(::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
        if (!saved_) throw_errno("open current directory");
    }
    ~CwdGuard() {
        if (::fchdir(saved_.get()) < 0) {
        }
    }

private:
    UniqueFd saved_;
};

// Opens (creating as needed) the directory `rel` below dirfd without following symlinks
// or leaving the tree.
UniqueFd open_dir_beneath(int rootfd, const std::string& rel, const std::string& entry) {
    UniqueFd cur(::dup(rootfd));
    if (!cur) throw_errno("dup");
    size_t pos = 0;
    while (pos < rel.size()) {
        size_t slash = rel.find('/', pos);
        std::string part = rel.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
        pos = slash == std::string::npos ? rel.size() : slash + 1;
        if (part.empty()) continue;
        if (::mkdirat(cur.get(), part.c_str(), 0755) < 0 && errno != EEXIST)
            throw_errno("tar entry " + entry + ": mkdir " + part);
        struct open_how how {};
        how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
        int fd = static_cast<int>(::syscall(SYS_openat2, cur.get(), part.c_str(), &how, sizeof how));
        if (fd < 0) throw_errno("refusing tar entry " + entry + ": open " + part);
        cur.reset(fd);
    }
    return cur;
}

void split_path(const std::string& path, std::string& dir, std::string& base) {
    auto slash = path.rfind('/');
    dir = slash == std::string::npos ? "" : path.substr(0, slash);
    base = slash == std::string::npos ? path : path.substr(slash + 1);
}

// Handles a whiteout entry; false when the entry is not one.
bool apply_whiteout(int rootfd, const std::string& path) {
    std::string dir, base;
    split_path(path, dir, base);
    if (base.rfind(kWhiteoutPrefix, 0) != 0) return false;
    UniqueFd parent = open_dir_beneath(rootfd, dir, path);
    if (base == kOpaqueMarker) {
        if (::fsetxattr(parent.get(), "trusted.overlay.opaque", "y", 1, 0) < 0)
            throw_errno("tar entry " + path + ": set trusted.overlay.opaque");
        return true;
    }
    std::string name = base.substr(std::strlen(kWhiteoutPrefix));
    // aufs's own metadata (.wh..wh.plnk, .wh..wh.aufs) has no overlay meaning.
    if (name.rfind(".wh.", 0) == 0 || name.empty() || name == "." || name == "..") return true;
    struct stat st {};
    if (::fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(st.st_mode)) {
            // Unusual (a layer both adding and deleting NAME); the whiteout wins.
            throw Error("tar entry " + path + ": whiteout for a directory the same layer holds");
        }
        ::unlinkat(parent.get(), name.c_str(), 0);
    }
    if (::mknodat(parent.get(), name.c_str(), S_IFCHR | 0000, makedev(0, 0)) < 0)
        throw_errno("tar entry " + path + ": create whiteout");
    return true;
}

}  // namespace

std::string archive_message(struct archive* a) {
    const char* msg = libarchive().archive_error_string(a);
    return msg ? msg : "unknown archive error";
}

void drop_overlay_xattrs(struct archive_entry* e) {
    if (libarchive().archive_entry_xattr_reset(e) == 0) return;
    struct Xattr {
        std::string name;
        std::string value;
    };
    std::vector<Xattr> keep;
    bool dropped = false;
    const char* name;
    const void* value;
    size_t size;
    while (libarchive().archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
        if (std::string_view(name).rfind("trusted.overlay.", 0) == 0) {
            dropped = true;
            continue;
        }
        keep.push_back({name, std::string(static_cast<const char*>(value), size)});
    }
    if (!dropped) return;
    libarchive().archive_entry_xattr_clear(e);
    for (const auto& x : keep) libarchive().archive_entry_xattr_add_entry(e, x.name.c_str(), x.value.data(), x.value.size());
}

std::string checked_entry_path(const std::string& name) {
    if (!name.empty() && name.front() == '/') throw Error("refusing tar entry " + name + ": absolute path");
    std::string out;
    size_t pos = 0;
    while (pos <= name.size()) {
        size_t slash = name.find('/', pos);
        if (slash == std::string::npos) slash = name.size();
        std::string part = name.substr(pos, slash - pos);
        pos = slash + 1;
        if (part.empty() || part == ".") continue;
        if (part == "..") throw Error("refusing tar entry " + name + ": path escapes the layer");
        if (!out.empty()) out += '/';
        out += part;
    }
    return out;
}

UnpackResult unpack_layer(int fd, const std::string& dest, const UnpackOptions& opts) {
    ReadContext ctx;
    ctx.fd = fd;
    if (::isatty(STDERR_FILENO)) {
        ctx.label = opts.progress_label;
        ctx.total = opts.input_size;
    }

    std::unique_ptr<struct archive, ArchiveFree> in(libarchive().archive_read_new());
    libarchive().archive_read_support_filter_all(in.get());
    libarchive().archive_read_support_format_tar(in.get());
    libarchive().archive_read_support_format_gnutar(in.get());
    if (libarchive().archive_read_open(in.get(), &ctx, nullptr, read_callback, nullptr) != ARCHIVE_OK)
        throw Error(std::string("open archive: ") + archive_message(in.get()));

    std::unique_ptr<struct archive, DiskFree> out(libarchive().archive_write_disk_new());
    int flags = ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
                ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
    libarchive().archive_write_disk_set_options(out.get(), flags);
    // No name lookups: layers carry numeric ids that mean the container's users, not ours.

    UniqueFd rootfd(::open(dest.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!rootfd) throw_errno("open " + dest);
    CwdGuard cwd;
    if (::fchdir(rootfd.get()) < 0) throw_errno("chdir " + dest);

    UnpackResult result;
    for (;;) {
        struct archive_entry* e = nullptr;
        int r = libarchive().archive_read_next_header(in.get(), &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) throw Error(std::string("read archive: ") + archive_message(in.get()));
        ++result.entries;
        std::string raw = libarchive().archive_entry_pathname(e) ? libarchive().archive_entry_pathname(e) : "";
        std::string path = checked_entry_path(raw);
        if (path.empty()) continue;  // "./": the layer root itself
        if (opts.convert_whiteouts && apply_whiteout(rootfd.get(), path)) continue;
        libarchive().archive_entry_set_pathname(e, path.c_str());
        if (const char* link = libarchive().archive_entry_hardlink(e)) {
            std::string target = checked_entry_path(link);
            if (target.empty()) throw Error("refusing tar entry " + raw + ": hardlink to the layer root");
            libarchive().archive_entry_set_hardlink(e, target.c_str());
        }
        drop_overlay_xattrs(e);
        if (opts.id_count > 0) {
            if (libarchive().archive_entry_uid(e) >= opts.id_count || libarchive().archive_entry_gid(e) >= opts.id_count)
                throw Error("refusing tar entry " + raw + ": its owner cannot be mapped into the container's range");
            libarchive().archive_entry_set_uid(e, libarchive().archive_entry_uid(e) + opts.uid_shift);
            libarchive().archive_entry_set_gid(e, libarchive().archive_entry_gid(e) + opts.gid_shift);
        }
        r = libarchive().archive_write_header(out.get(), e);
        if (r < ARCHIVE_WARN)
            throw Error("refusing tar entry " + raw + ": " + archive_message(out.get()));
        if (libarchive().archive_entry_size(e) > 0 && !libarchive().archive_entry_hardlink(e)) {
            const void* buf;
            size_t size;
            la_int64_t offset;
            for (;;) {
                r = libarchive().archive_read_data_block(in.get(), &buf, &size, &offset);
                if (r == ARCHIVE_EOF) break;
                if (r < ARCHIVE_WARN)
                    throw Error("read " + raw + ": " + archive_message(in.get()));
                if (libarchive().archive_write_data_block(out.get(), buf, size, offset) < ARCHIVE_WARN)
                    throw Error("write " + raw + ": " + archive_message(out.get()));
            }
        }
        if (libarchive().archive_write_finish_entry(out.get()) < ARCHIVE_WARN)
            throw Error("write " + raw + ": " + archive_message(out.get()));
    }
    // Directory times and modes are fixed up at close.
    if (libarchive().archive_write_close(out.get()) < ARCHIVE_WARN)
        throw Error(std::string("finish unpacking: ") + archive_message(out.get()));
    // Hash whatever follows the end-of-archive blocks too: the digest is of the whole input.
    for (;;) {
        const void* unused;
        if (read_callback(in.get(), &ctx, &unused) <= 0) break;
    }
    report_progress(ctx, true);
    result.bytes_read = ctx.bytes;
    result.digest = "sha256:" + ctx.sha.hex_digest();
    return result;
}

UnpackResult unpack_layer_file(const std::string& path, const std::string& dest, const UnpackOptions& opts) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    UnpackOptions o = opts;
    struct stat st {};
    if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode)) o.input_size = static_cast<uint64_t>(st.st_size);
    return unpack_layer(fd.get(), dest, o);
}

}  // namespace wb::lite
