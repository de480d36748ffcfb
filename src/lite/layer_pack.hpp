// Writes a directory tree as a tar stream with libarchive (pax): for `commit` the upper
// dir, overlayfs whiteouts turned back into .wh. entries; for `export` the merged rootfs.
#pragma once
#include <string>

namespace wb::lite {

struct PackOptions {
    // char 0:0 NAME -> empty .wh.NAME; trusted.overlay.opaque=y dir -> dir/.wh..wh..opq.
    bool whiteouts_to_tar = false;
    // Shown with the bytes written on a terminal (stderr, progress.hpp); empty: quiet.
    std::string progress_label;
    // cp - out of a --userns container: ids in [uid_base, uid_base + id_count) are written
    // as id - uid_base (gids likewise), any other as 65534; id_count 0 keeps them.
    uint32_t uid_base = 0, gid_base = 0, id_count = 0;
};

// Writes the tree below dir to out_fd; never descends into another mount. Returns
// "sha256:<hex>" of the bytes written.
std::string pack_tree(const std::string& dir, int out_fd, const PackOptions& opts);

}  // namespace wb::lite
