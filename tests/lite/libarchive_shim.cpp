// The unit tests compile src/lite/*.cpp (see src_*.cpp), which call libarchive, but the
// whalebox-tests target links only libwhalebox and GoogleTest. Until CMake links
// PkgConfig::LIBARCHIVE into whalebox-tests, these trampolines stand in for the libarchive
// functions the lite sources and tests use: each jumps to the real function, found with
// dlopen/dlsym before main(). Varargs (archive_set_error) pass through untouched.
// When libarchive is linked for real, delete this file.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#define WB_LIBARCHIVE_FUNCTIONS(X) \
    X(archive_entry_copy_sourcepath) \
    X(archive_entry_free) \
    X(archive_entry_hardlink) \
    X(archive_entry_linkify) \
    X(archive_entry_linkresolver_free) \
    X(archive_entry_linkresolver_new) \
    X(archive_entry_linkresolver_set_strategy) \
    X(archive_entry_new) \
    X(archive_entry_pathname) \
    X(archive_entry_set_filetype) \
    X(archive_entry_set_gid) \
    X(archive_entry_set_gname) \
    X(archive_entry_set_hardlink) \
    X(archive_entry_set_mtime) \
    X(archive_entry_set_pathname) \
    X(archive_entry_set_perm) \
    X(archive_entry_set_rdevmajor) \
    X(archive_entry_set_rdevminor) \
    X(archive_entry_set_size) \
    X(archive_entry_set_symlink) \
    X(archive_entry_set_uid) \
    X(archive_entry_set_uname) \
    X(archive_entry_size) \
    X(archive_entry_xattr_add_entry) \
    X(archive_entry_xattr_clear) \
    X(archive_entry_xattr_next) \
    X(archive_entry_xattr_reset) \
    X(archive_error_string) \
    X(archive_read_data_block) \
    X(archive_read_disk_entry_from_file) \
    X(archive_read_disk_new) \
    X(archive_read_free) \
    X(archive_read_new) \
    X(archive_read_next_header) \
    X(archive_read_open) \
    X(archive_read_open_filename) \
    X(archive_read_support_filter_all) \
    X(archive_read_support_format_gnutar) \
    X(archive_read_support_format_tar) \
    X(archive_set_error) \
    X(archive_write_close) \
    X(archive_write_data) \
    X(archive_write_data_block) \
    X(archive_write_disk_new) \
    X(archive_write_disk_set_options) \
    X(archive_write_finish_entry) \
    X(archive_write_free) \
    X(archive_write_header) \
    X(archive_write_new) \
    X(archive_write_open) \
    X(archive_write_open_filename) \
    X(archive_write_set_bytes_in_last_block) \
    X(archive_write_set_format_pax_restricted)

#define WB_SHIM_POINTER(name) __attribute__((visibility("hidden"))) void* wb_shim_##name = nullptr;
extern "C" {
WB_LIBARCHIVE_FUNCTIONS(WB_SHIM_POINTER)
}

#if defined(__x86_64__)
#define WB_TRAMPOLINE(name) \
    ".globl " #name "\n.type " #name ",@function\n" #name ":\n\tjmp *wb_shim_" #name "(%rip)\n"
#elif defined(__aarch64__)
#define WB_TRAMPOLINE(name)                                                                    \
    ".globl " #name "\n.type " #name ",%function\n" #name ":\n\tadrp x16, wb_shim_" #name \
    "\n\tldr x16, [x16, :lo12:wb_shim_" #name "]\n\tbr x16\n"
#else
#error "libarchive_shim.cpp: add a trampoline for this architecture (or link libarchive)"
#endif

asm(".text\n" WB_LIBARCHIVE_FUNCTIONS(WB_TRAMPOLINE));

namespace {

__attribute__((constructor)) void load_libarchive() {
    void* lib = ::dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        std::fprintf(stderr, "libarchive_shim: %s\n", ::dlerror());
        std::abort();
    }
#define WB_SHIM_RESOLVE(name)                                                      \
    wb_shim_##name = ::dlsym(lib, #name);                                          \
    if (!wb_shim_##name) {                                                         \
        std::fprintf(stderr, "libarchive_shim: %s missing\n", #name);             \
        std::abort();                                                              \
    }
    WB_LIBARCHIVE_FUNCTIONS(WB_SHIM_RESOLVE)
}

}  // namespace
