#include "lite/image_ops.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "lite/layer_pack.hpp"
#include "lite/layer_unpack.hpp"
#include "lite/sha256.hpp"
#include "linux/path_in_root.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

using nlohmann::json;

namespace {

// Unpacks into a scratch dir, then renames it into place under the digest.
std::string unpack_into_store(const Layout& layout, int fd, const std::string& key, const std::string& label,
                              uint64_t* size) {
    ScratchDir scratch(layout, "layer");
    std::string dir = scratch.path + "/rootfs";
    fs::mkdir_all(dir, 0755);
    UnpackOptions o;
    o.progress_label = label;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) o.input_size = static_cast<uint64_t>(st.st_size);
    UnpackResult r = unpack_layer(fd, dir, o);
    if (size) *size = r.bytes_read;
    std::string digest = key.empty() ? r.digest : key;
    ImageStore(layout).set_layer_size(digest, r.bytes_read);
    std::string dest = layout.layer_dir(digest);
    if (fs::exists(dest)) return digest;  // the same content is there already
    if (::rename(dir.c_str(), dest.c_str()) < 0 && errno != EEXIST && errno != ENOTEMPTY)
        throw_errno("store layer " + digest);
    return digest;
}

ImageRecord finish_record(ImageRecord r) {
    r.id = sha256_digest(image_config_document(r));
    return r;
}

// Opens rel inside root without leaving it (symlinks resolved as if root were /).
UniqueFd open_in(const std::string& root, const std::string& rel) {
    UniqueFd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw_errno("open " + root);
    UniqueFd fd(linux::openat2_in_root(dir.get(), rel, O_RDONLY));
    if (!fd) throw_errno("open " + rel + " in the archive");
    return fd;
}

std::string read_in(const std::string& root, const std::string& rel) {
    UniqueFd fd = open_in(root, rel);
    std::string out;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    if (n < 0) throw_errno("read " + rel + " in the archive");
    return out;
}

// The run config of a docker/OCI image config document.
ImageConfig parse_image_config(const json& doc) {
    ImageConfig c;
    auto it = doc.find("config");
    if (it == doc.end() || !it->is_object()) return c;
    return image_config_from_json(*it);
}

std::string blob_path(const std::string& digest) { return "blobs/sha256/" + digest_hex(digest); }

// One image of an archive: its config file and layer files (bottom first), relative to
// the unpacked archive.
struct ArchiveImage {
    std::string config_path;
    std::vector<std::string> layer_paths;
    std::vector<std::string> tags;
};

std::vector<ArchiveImage> docker_save_images(const std::string& root) {
    std::vector<ArchiveImage> out;
    json manifest = json::parse(read_in(root, "manifest.json"));
    for (const auto& m : manifest) {
        ArchiveImage a;
        a.config_path = m.at("Config").get<std::string>();
        a.layer_paths = json_strings(m, "Layers");
        a.tags = json_strings(m, "RepoTags");
        out.push_back(std::move(a));
    }
    return out;
}

void add_oci_manifest(const std::string& root, const json& desc, std::vector<ArchiveImage>& out, int depth) {
    std::string media = desc.value("mediaType", "");
    json doc = json::parse(read_in(root, blob_path(desc.at("digest").get<std::string>())));
    std::string tag;
    if (auto ann = desc.find("annotations"); ann != desc.end()) {
        tag = ann->value("io.containerd.image.name", "");
        if (tag.empty()) tag = ann->value("org.opencontainers.image.ref.name", "");
    }
    if (doc.contains("manifests")) {
        if (depth > 2) throw Error("image index nested too deeply");
        // An index: the linux/amd64 manifest, else the first one.
        const json* pick = nullptr;
        for (const auto& m : doc.at("manifests")) {
            auto p = m.find("platform");
            if (p != m.end() && p->value("os", "") == "linux" && p->value("architecture", "") == "amd64") {
                pick = &m;
                break;
            }
        }
        if (!pick && !doc.at("manifests").empty()) pick = &doc.at("manifests")[0];
        if (!pick) return;
        size_t before = out.size();
        add_oci_manifest(root, *pick, out, depth + 1);
        if (!tag.empty())
            for (size_t i = before; i < out.size(); ++i) out[i].tags = {tag};
        return;
    }
    (void)media;
    ArchiveImage a;
    a.config_path = blob_path(doc.at("config").at("digest").get<std::string>());
    for (const auto& l : doc.at("layers")) a.layer_paths.push_back(blob_path(l.at("digest").get<std::string>()));
    if (!tag.empty()) a.tags = {tag};
    out.push_back(std::move(a));
}

std::vector<ArchiveImage> oci_layout_images(const std::string& root) {
    std::vector<ArchiveImage> out;
    json index = json::parse(read_in(root, "index.json"));
    for (const auto& desc : index.at("manifests")) add_oci_manifest(root, desc, out, 0);
    return out;
}

}  // namespace

ScratchDir::ScratchDir(const Layout& layout, const char* prefix) {
    layout.ensure();
    std::string tmpl = layout.tmp_dir() + "/" + prefix + "-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw_errno("mkdtemp " + tmpl);
    path = buf.data();
}

ScratchDir::~ScratchDir() {
    try {
        remove_tree_same_fs(path);
    } catch (const std::exception&) {
    }
}

std::string store_layer(const Layout& layout, const std::string& tar_path, const std::string& key,
                        const std::string& label, uint64_t* size) {
    UniqueFd fd(::open(tar_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("open " + tar_path);
    return unpack_into_store(layout, fd.get(), key, label, size);
}

ImageRecord import_image(const Layout& layout, const std::string& tarball, const std::string& name) {
    layout.ensure();
    UniqueFd fd;
    int in = STDIN_FILENO;
    if (tarball != "-") {
        fd.reset(::open(tarball.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw_errno("open " + tarball);
        in = fd.get();
    }
    ImageRecord r;
    uint64_t size = 0;
    r.layers = {unpack_into_store(layout, in, "", "Importing", &size)};
    r.tags = {normalize_tag(name)};
    r.config.cmd = {"sh"};
    r.created = now_rfc3339();
    r.source = "import";
    r.size = size;
    r.history = json::array({{{"created", r.created}, {"created_by", ""},
                              {"comment", "Imported from " + tarball}}});
    r = finish_record(r);
    ImageStore(layout).save(r);
    return r;
}

std::vector<ImageRecord> load_images(const Layout& layout, const std::string& archive, const std::string& tag) {
    layout.ensure();
    ScratchDir scratch(layout, "load");
    UniqueFd fd;
    int in = STDIN_FILENO;
    if (archive != "-") {
        fd.reset(::open(archive.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw_errno("open " + archive);
        in = fd.get();
    }
    UnpackOptions o;
    o.convert_whiteouts = false;
    o.progress_label = "Reading archive";
    struct stat st {};
    if (::fstat(in, &st) == 0 && S_ISREG(st.st_mode)) o.input_size = static_cast<uint64_t>(st.st_size);
    unpack_layer(in, scratch.path, o);

    std::vector<ArchiveImage> found;
    try {
        if (fs::exists(scratch.path + "/manifest.json")) found = docker_save_images(scratch.path);
        else if (fs::exists(scratch.path + "/index.json")) found = oci_layout_images(scratch.path);
        else throw Error("not an image archive: no manifest.json or index.json");
    } catch (const json::exception& e) {
        throw Error(std::string("invalid image archive: ") + e.what());
    }
    if (found.empty()) throw Error("no images in " + archive);
    if (!tag.empty() && found.size() != 1) throw Error("--tag needs an archive with one image");

    ImageStore store(layout);
    std::vector<ImageRecord> loaded;
    for (const auto& a : found) {
        std::string config_text = read_in(scratch.path, a.config_path);
        json config;
        try {
            config = json::parse(config_text);
        } catch (const json::exception& e) {
            throw Error("invalid image config " + a.config_path + ": " + e.what());
        }
        std::vector<std::string> diff_ids;
        if (auto rf = config.find("rootfs"); rf != config.end()) diff_ids = json_strings(*rf, "diff_ids");
        ImageRecord r;
        for (size_t i = 0; i < a.layer_paths.size(); ++i) {
            std::string key = i < diff_ids.size() ? diff_ids[i] : "";
            if (!key.empty()) digest_hex(key);  // validates
            uint64_t size = 0;
            if (!key.empty() && store.has_layer(key)) {
                r.layers.push_back(key);
                r.size += store.layer_size(key);
                continue;
            }
            UniqueFd layer = open_in(scratch.path, a.layer_paths[i]);
            std::string label = "Loading layer " + std::to_string(i + 1) + "/" + std::to_string(a.layer_paths.size());
            r.layers.push_back(unpack_into_store(layout, layer.get(), key, label, &size));
            r.size += size;
        }
        r.config = parse_image_config(config);
        r.created = config.value("created", now_rfc3339());
        r.source = "load";
        if (auto h = config.find("history"); h != config.end() && h->is_array()) r.history = *h;
        r.id = sha256_digest(config_text);
        for (const auto& t : tag.empty() ? a.tags : std::vector<std::string>{tag}) r.tags.push_back(normalize_tag(t));
        ImageRecord shown = r;
        if (auto old = store.find(r.id)) {
            for (const auto& t : old->tags)
                if (std::find(r.tags.begin(), r.tags.end(), t) == r.tags.end()) r.tags.push_back(t);
            if (!r.size) r.size = old->size;
        }
        store.save(r);
        shown.id = r.id;
        loaded.push_back(shown);  // with the tags this archive gave it
    }
    return loaded;
}

ImageRecord commit_container(const Layout& layout, const ContainerRecord& c, const std::string& name) {
    ImageStore store(layout);
    ImageRecord base = store.resolve(c.image_id);
    ScratchDir scratch(layout, "commit");
    std::string tar = scratch.path + "/layer.tar";
    {
        UniqueFd out(::open(tar.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (!out) throw_errno("create " + tar);
        PackOptions po;
        po.whiteouts_to_tar = true;
        po.progress_label = "Committing the write layer";
        pack_tree(layout.container_dir(c.id) + "/upper", out.get(), po);
        if (::fsync(out.get()) < 0) throw_errno("fsync " + tar);
    }
    uint64_t size = 0;
    std::string digest = store_layer(layout, tar, "", "", &size);
    ImageRecord r;
    r.layers = base.layers;
    r.layers.push_back(digest);
    r.config = c.config;
    r.created = now_rfc3339();
    r.source = "commit";
    r.size = base.size + size;
    r.history = base.history;
    std::string by;
    for (const auto& a : c.command) by += (by.empty() ? "" : " ") + a;
    r.history.push_back({{"created", r.created}, {"created_by", by}});
    if (!name.empty()) r.tags = {normalize_tag(name)};
    r = finish_record(r);
    store.save(r);
    return r;
}

void export_rootfs(const std::string& rootfs, const std::string& path) {
    UniqueFd fd;
    int out = STDOUT_FILENO;
    if (path != "-") {
        fd.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!fd) throw_errno("create " + path);
        out = fd.get();
    }
    PackOptions po;
    po.progress_label = "Exporting";
    pack_tree(rootfs, out, po);
}

}  // namespace wb::lite
