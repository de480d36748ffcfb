#include "lite/libarchive.hpp"

#include "util/shared_library.hpp"

namespace wb::lite {
namespace {

Libarchive load() {
    SharedLibrary library("libarchive.so.13", "whalebox-lite needs libarchive (apt-get install libarchive13): ");
    Libarchive l{};
    library.resolve("archive_entry_copy_sourcepath", l.archive_entry_copy_sourcepath);
    library.resolve("archive_entry_free", l.archive_entry_free);
    library.resolve("archive_entry_gid", l.archive_entry_gid);
    library.resolve("archive_entry_hardlink", l.archive_entry_hardlink);
    library.resolve("archive_entry_linkify", l.archive_entry_linkify);
    library.resolve("archive_entry_linkresolver_free", l.archive_entry_linkresolver_free);
    library.resolve("archive_entry_linkresolver_new", l.archive_entry_linkresolver_new);
    library.resolve("archive_entry_linkresolver_set_strategy", l.archive_entry_linkresolver_set_strategy);
    library.resolve("archive_entry_new", l.archive_entry_new);
    library.resolve("archive_entry_pathname", l.archive_entry_pathname);
    library.resolve("archive_entry_set_filetype", l.archive_entry_set_filetype);
    library.resolve("archive_entry_set_gid", l.archive_entry_set_gid);
    library.resolve("archive_entry_set_gname", l.archive_entry_set_gname);
    library.resolve("archive_entry_set_hardlink", l.archive_entry_set_hardlink);
    library.resolve("archive_entry_set_mtime", l.archive_entry_set_mtime);
    library.resolve("archive_entry_set_pathname", l.archive_entry_set_pathname);
    library.resolve("archive_entry_set_perm", l.archive_entry_set_perm);
    library.resolve("archive_entry_set_size", l.archive_entry_set_size);
    library.resolve("archive_entry_set_uid", l.archive_entry_set_uid);
    library.resolve("archive_entry_set_uname", l.archive_entry_set_uname);
    library.resolve("archive_entry_size", l.archive_entry_size);
    library.resolve("archive_entry_uid", l.archive_entry_uid);
    library.resolve("archive_entry_xattr_add_entry", l.archive_entry_xattr_add_entry);
    library.resolve("archive_entry_xattr_clear", l.archive_entry_xattr_clear);
    library.resolve("archive_entry_xattr_next", l.archive_entry_xattr_next);
    library.resolve("archive_entry_xattr_reset", l.archive_entry_xattr_reset);
    library.resolve("archive_error_string", l.archive_error_string);
    library.resolve("archive_read_data_block", l.archive_read_data_block);
    library.resolve("archive_read_disk_entry_from_file", l.archive_read_disk_entry_from_file);
    library.resolve("archive_read_disk_new", l.archive_read_disk_new);
    library.resolve("archive_read_free", l.archive_read_free);
    library.resolve("archive_read_new", l.archive_read_new);
    library.resolve("archive_read_next_header", l.archive_read_next_header);
    library.resolve("archive_read_open", l.archive_read_open);
    library.resolve("archive_read_support_filter_all", l.archive_read_support_filter_all);
    library.resolve("archive_read_support_format_gnutar", l.archive_read_support_format_gnutar);
    library.resolve("archive_read_support_format_tar", l.archive_read_support_format_tar);
    library.resolve("archive_set_error", l.archive_set_error);
    library.resolve("archive_write_close", l.archive_write_close);
    library.resolve("archive_write_data", l.archive_write_data);
    library.resolve("archive_write_data_block", l.archive_write_data_block);
    library.resolve("archive_write_disk_new", l.archive_write_disk_new);
    library.resolve("archive_write_disk_set_options", l.archive_write_disk_set_options);
    library.resolve("archive_write_finish_entry", l.archive_write_finish_entry);
    library.resolve("archive_write_free", l.archive_write_free);
    library.resolve("archive_write_header", l.archive_write_header);
    library.resolve("archive_write_new", l.archive_write_new);
    library.resolve("archive_write_open", l.archive_write_open);
    library.resolve("archive_write_set_bytes_in_last_block", l.archive_write_set_bytes_in_last_block);
    library.resolve("archive_write_set_format_pax_restricted", l.archive_write_set_format_pax_restricted);
    return l;
}

}  // namespace

const Libarchive& libarchive() {
    static const Libarchive loaded = load();  // a throw leaves it unloaded: the next call retries
    return loaded;
}

}  // namespace wb::lite
