#include "lite/layer_pack.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "lite/libarchive.hpp"
#include "lite/layer_unpack.hpp"
#include "lite/progress.hpp"
#include "lite/sha256.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {
namespace {

struct WriteContext {
    int fd = -1;
    Sha256 sha;
    ProgressLine* progress = nullptr;
};

la_ssize_t write_callback(struct archive* a, void* data, const void* buf, size_t len) {
    auto* c = static_cast<WriteContext*>(data);
    const char* p = static_cast<const char*>(buf);
    size_t left = len;
    while (left) {
        ssize_t n = ::write(c->fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            libarchive().archive_set_error(a, errno, "write: %s", std::strerror(errno));
            return -1;
        }
        c->sha.update(p, static_cast<size_t>(n));
        if (c->progress) c->progress->add(static_cast<uint64_t>(n));
        p += n;
        left -= static_cast<size_t>(n);
    }
    return static_cast<la_ssize_t>(len);
}

struct EntryFree {
    void operator()(struct archive_entry* e) const { libarchive().archive_entry_free(e); }
};
using Entry = std::unique_ptr<struct archive_entry, EntryFree>;

uint64_t mount_id_of(const std::string& path) {
    struct statx sx {};
    if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0) throw_errno("stat " + path);
    return sx.stx_mnt_id;
}

class Packer {
public:
    Packer(struct archive* out, const PackOptions& opts) : out_(out), opts_(opts) {
        disk_ = libarchive().archive_read_disk_new();
        resolver_ = libarchive().archive_entry_linkresolver_new();
        libarchive().archive_entry_linkresolver_set_strategy(resolver_, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
    }
    ~Packer() {
        libarchive().archive_entry_linkresolver_free(resolver_);
        libarchive().archive_read_free(disk_);
    }

    void pack(const std::string& root) {
        root_mnt_ = mount_id_of(root);
        walk(root, "");
    }

private:
    void write_header(struct archive_entry* e, const std::string& rel) {
        if (libarchive().archive_write_header(out_, e) < ARCHIVE_WARN)
            throw Error("write tar entry " + rel + ": " + archive_message(out_));
    }

    void write_empty_file(const std::string& rel, const struct stat& like) {
        Entry e(libarchive().archive_entry_new());
        libarchive().archive_entry_set_pathname(e.get(), rel.c_str());
        libarchive().archive_entry_set_filetype(e.get(), AE_IFREG);
        libarchive().archive_entry_set_perm(e.get(), 0);
        libarchive().archive_entry_set_size(e.get(), 0);
        libarchive().archive_entry_set_uid(e.get(), 0);
        libarchive().archive_entry_set_gid(e.get(), 0);
        libarchive().archive_entry_set_mtime(e.get(), like.st_mtim.tv_sec, like.st_mtim.tv_nsec);
        write_header(e.get(), rel);
    }

    void write_data(const std::string& abs, const std::string& rel) {
        UniqueFd fd(::open(abs.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) throw_errno("open " + abs);
        char buf[65536];
        for (;;) {
            ssize_t n = ::read(fd.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw_errno("read " + abs);
            if (n == 0) break;
            if (libarchive().archive_write_data(out_, buf, static_cast<size_t>(n)) < 0)
                throw Error("write tar entry " + rel + ": " + archive_message(out_));
        }
    }

    void walk(const std::string& abs_dir, const std::string& rel_dir) {
        DIR* d = ::opendir(abs_dir.c_str());
        if (!d) throw_errno("open " + abs_dir);
        std::vector<std::string> names;
        while (struct dirent* de = ::readdir(d)) {
            std::string n = de->d_name;
            if (n != "." && n != "..") names.push_back(n);
        }
        ::closedir(d);
        std::sort(names.begin(), names.end());
        for (const auto& n : names) {
            std::string abs = abs_dir + "/" + n;
            std::string rel = rel_dir.empty() ? n : rel_dir + "/" + n;
            struct stat st {};
            if (::lstat(abs.c_str(), &st) < 0) {
                if (errno == ENOENT) continue;
                throw_errno("stat " + abs);
            }
            if (opts_.whiteouts_to_tar && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
                std::string wh = rel_dir.empty() ? ".wh." + n : rel_dir + "/.wh." + n;
                write_empty_file(wh, st);
                continue;
            }
            bool is_dir = S_ISDIR(st.st_mode);
            if (is_dir && mount_id_of(abs) != root_mnt_) continue;  // another file system

            Entry e(libarchive().archive_entry_new());
            libarchive().archive_entry_copy_sourcepath(e.get(), abs.c_str());
            if (libarchive().archive_read_disk_entry_from_file(disk_, e.get(), -1, &st) < ARCHIVE_WARN)
                throw Error("read " + abs + ": " + archive_message(disk_));
            libarchive().archive_entry_set_pathname(e.get(), rel.c_str());
            if (opts_.id_count > 0) {
                auto unshift = [&](int64_t id, uint32_t base) -> int64_t {
                    return id >= base && id - base < opts_.id_count ? id - base : 65534;
                };
                const Libarchive& la = libarchive();
                la.archive_entry_set_uid(e.get(), unshift(la.archive_entry_uid(e.get()), opts_.uid_base));
                la.archive_entry_set_gid(e.get(), unshift(la.archive_entry_gid(e.get()), opts_.gid_base));
            }
            libarchive().archive_entry_set_uname(e.get(), nullptr);
            libarchive().archive_entry_set_gname(e.get(), nullptr);
            drop_overlay_xattrs(e.get());

            struct archive_entry* entry = e.release();
            struct archive_entry* spare = nullptr;
            libarchive().archive_entry_linkify(resolver_, &entry, &spare);
            Entry owned(entry), owned_spare(spare);
            if (entry) {
                write_header(entry, rel);
                if (S_ISREG(st.st_mode) && !libarchive().archive_entry_hardlink(entry) &&
                    libarchive().archive_entry_size(entry) > 0)
                    write_data(abs, rel);
            }
            if (is_dir) {
                char v[2] = {};
                if (opts_.whiteouts_to_tar && ::lgetxattr(abs.c_str(), "trusted.overlay.opaque", v, 1) == 1 &&
                    v[0] == 'y')
                    write_empty_file(rel + "/.wh..wh..opq", st);
                walk(abs, rel);
            }
        }
    }

    struct archive* out_;
    struct archive* disk_ = nullptr;
    struct archive_entry_linkresolver* resolver_ = nullptr;
    PackOptions opts_;
    uint64_t root_mnt_ = 0;
};

}  // namespace

std::string pack_tree(const std::string& dir, int out_fd, const PackOptions& opts) {
    ProgressLine progress(opts.progress_label);
    WriteContext ctx;
    ctx.fd = out_fd;
    ctx.progress = &progress;
    struct archive* a = libarchive().archive_write_new();
    std::unique_ptr<struct archive, int (*)(struct archive*)> guard(a, libarchive().archive_write_free);
    libarchive().archive_write_set_format_pax_restricted(a);
    libarchive().archive_write_set_bytes_in_last_block(a, 1);
    if (libarchive().archive_write_open(a, &ctx, nullptr, write_callback, nullptr) != ARCHIVE_OK)
        throw Error(std::string("open tar stream: ") + archive_message(a));
    Packer(a, opts).pack(dir);
    if (libarchive().archive_write_close(a) != ARCHIVE_OK) throw Error(std::string("finish tar stream: ") + archive_message(a));
    return "sha256:" + ctx.sha.hex_digest();
}

}  // namespace wb::lite
