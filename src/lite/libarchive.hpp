// libarchive, opened with dlopen the first time whalebox-lite reads or writes a tarball
// (import, load, save, commit, export, cp), so that every other command (run, exec, ps, ...)
// starts without mapping it and the dozen libraries it pulls in (libxml2, ICU, the
// compressors). Only the headers are needed at build time; the calls go through the table
// below, whose members carry the functions' own names.
#pragma once
#include <archive.h>
#include <archive_entry.h>

namespace wb::lite {

struct Libarchive {
    decltype(&::archive_entry_copy_sourcepath) archive_entry_copy_sourcepath;
    decltype(&::archive_entry_free) archive_entry_free;
    decltype(&::archive_entry_gid) archive_entry_gid;
    decltype(&::archive_entry_hardlink) archive_entry_hardlink;
    decltype(&::archive_entry_linkify) archive_entry_linkify;
    decltype(&::archive_entry_linkresolver_free) archive_entry_linkresolver_free;
    decltype(&::archive_entry_linkresolver_new) archive_entry_linkresolver_new;
    decltype(&::archive_entry_linkresolver_set_strategy) archive_entry_linkresolver_set_strategy;
    decltype(&::archive_entry_new) archive_entry_new;
    decltype(&::archive_entry_pathname) archive_entry_pathname;
    decltype(&::archive_entry_set_filetype) archive_entry_set_filetype;
    decltype(&::archive_entry_set_gid) archive_entry_set_gid;
    decltype(&::archive_entry_set_gname) archive_entry_set_gname;
    decltype(&::archive_entry_set_hardlink) archive_entry_set_hardlink;
    decltype(&::archive_entry_set_mtime) archive_entry_set_mtime;
    decltype(&::archive_entry_set_pathname) archive_entry_set_pathname;
    decltype(&::archive_entry_set_perm) archive_entry_set_perm;
    decltype(&::archive_entry_set_size) archive_entry_set_size;
    decltype(&::archive_entry_set_uid) archive_entry_set_uid;
    decltype(&::archive_entry_set_uname) archive_entry_set_uname;
    decltype(&::archive_entry_size) archive_entry_size;
    decltype(&::archive_entry_uid) archive_entry_uid;
    decltype(&::archive_entry_xattr_add_entry) archive_entry_xattr_add_entry;
    decltype(&::archive_entry_xattr_clear) archive_entry_xattr_clear;
    decltype(&::archive_entry_xattr_next) archive_entry_xattr_next;
    decltype(&::archive_entry_xattr_reset) archive_entry_xattr_reset;
    decltype(&::archive_error_string) archive_error_string;
    decltype(&::archive_read_data_block) archive_read_data_block;
    decltype(&::archive_read_disk_entry_from_file) archive_read_disk_entry_from_file;
    decltype(&::archive_read_disk_new) archive_read_disk_new;
    decltype(&::archive_read_free) archive_read_free;
    decltype(&::archive_read_new) archive_read_new;
    decltype(&::archive_read_next_header) archive_read_next_header;
    decltype(&::archive_read_open) archive_read_open;
    decltype(&::archive_read_support_filter_all) archive_read_support_filter_all;
    decltype(&::archive_read_support_format_gnutar) archive_read_support_format_gnutar;
    decltype(&::archive_read_support_format_tar) archive_read_support_format_tar;
    decltype(&::archive_set_error) archive_set_error;
    decltype(&::archive_write_close) archive_write_close;
    decltype(&::archive_write_data) archive_write_data;
    decltype(&::archive_write_data_block) archive_write_data_block;
    decltype(&::archive_write_disk_new) archive_write_disk_new;
    decltype(&::archive_write_disk_set_options) archive_write_disk_set_options;
    decltype(&::archive_write_finish_entry) archive_write_finish_entry;
    decltype(&::archive_write_free) archive_write_free;
    decltype(&::archive_write_header) archive_write_header;
    decltype(&::archive_write_new) archive_write_new;
    decltype(&::archive_write_open) archive_write_open;
    decltype(&::archive_write_set_bytes_in_last_block) archive_write_set_bytes_in_last_block;
    decltype(&::archive_write_set_format_pax_restricted) archive_write_set_format_pax_restricted;
};

// Opens libarchive.so.13 once and resolves every function. Throws wb::Error when the
// library or one of its functions is missing.
const Libarchive& libarchive();

}  // namespace wb::lite
