// Unpacks a layer tarball into a directory with libarchive: owners, modes, times, xattrs,
// device nodes, hardlinks and symlinks kept; entries that would land outside the directory
// refused; whiteouts converted to overlayfs form.
#pragma once
#include <cstdint>
#include <string>

struct archive;
struct archive_entry;

namespace wb::lite {

struct UnpackOptions {
    // .wh.NAME -> char device 0:0 NAME; .wh..wh..opq -> trusted.overlay.opaque=y on the dir.
    bool convert_whiteouts = true;
    // Shown with the byte count on a terminal (stderr) while unpacking; empty: quiet.
    std::string progress_label;
    // Size of the input when known (for a percentage), else 0.
    uint64_t input_size = 0;
    // cp - into a --userns container: every entry's uid/gid (below id_count) moves up by
    // uid_shift/gid_shift; an id the range cannot map is refused. id_count 0 keeps them.
    uint32_t uid_shift = 0, gid_shift = 0, id_count = 0;
};

struct UnpackResult {
    std::string digest;  // "sha256:<hex>" of the bytes read (the tar stream as given)
    uint64_t bytes_read = 0;
    uint64_t entries = 0;
};

// Reads a tar stream (any compression libarchive knows) from fd into dest, an existing
// directory. Throws wb::Error naming the entry on the first refused or failed entry.
UnpackResult unpack_layer(int fd, const std::string& dest, const UnpackOptions& opts);
UnpackResult unpack_layer_file(const std::string& path, const std::string& dest, const UnpackOptions& opts);

// The relative, cleaned form of a tar entry name ("./a//b/" -> "a/b"; "." -> ""). Throws
// wb::Error for absolute names and names with a ".." component.
std::string checked_entry_path(const std::string& name);

// libarchive's error message for a, or "unknown archive error" when it set none (it may
// return NULL, e.g. for an empty input).
std::string archive_message(struct archive* a);

// Removes trusted.overlay.* xattrs from an entry: in a layer they would change what the
// merged view shows, and in an exported tar they mean nothing.
void drop_overlay_xattrs(struct archive_entry* e);

}  // namespace wb::lite
