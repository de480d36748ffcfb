// Images in and out: import (a rootfs tarball), load (docker save / OCI layout archives),
// commit (a container's upper dir as a new layer), export (a container's merged rootfs).
#pragma once
#include <string>
#include <vector>

#include "lite/container_store.hpp"
#include "lite/image_store.hpp"

namespace wb::lite {

// A scratch directory under ROOT/tmp, removed when done.
struct ScratchDir {
    std::string path;
    ScratchDir(const Layout& layout, const char* prefix);
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
};

// TARBALL ("-" = stdin) becomes a one-layer image tagged NAME with Cmd ["sh"].
ImageRecord import_image(const Layout& layout, const std::string& tarball, const std::string& name);

// A `docker save` archive (manifest.json) or an OCI image layout archive (index.json,
// blobs/sha256). Layers already stored are not unpacked again. tag, when given, names
// the (single) image. Returns the images loaded, each with the tags the archive gave it.
std::vector<ImageRecord> load_images(const Layout& layout, const std::string& archive, const std::string& tag);

// Stores a layer from a tar file under its digest (when not stored already). Returns the
// digest (the given one, or the tar's own when key is empty) and the bytes read.
std::string store_layer(const Layout& layout, const std::string& tar_path, const std::string& key,
                        const std::string& label, uint64_t* size = nullptr);

// The container's upper dir as a new layer on top of its image; config from the container.
ImageRecord commit_container(const Layout& layout, const ContainerRecord& c, const std::string& name);

// Writes rootfs (a mounted merged dir) as a tar to path ("-" = stdout).
void export_rootfs(const std::string& rootfs, const std::string& path);

}  // namespace wb::lite
