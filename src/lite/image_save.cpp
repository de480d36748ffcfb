// save: a `docker save` archive (manifest.json, repositories, <config hex>.json, and
// <layer hex>/layer.tar per layer) that `load` here and `docker load` read back.
// Layers are stored unpacked, so each is packed again (whiteouts back in .wh. form); the
// config's rootfs.diff_ids name the tars written, which makes the loaded image's id differ
// from the saved one's (its layers, config and tags are the same).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "lite/commands_lite.hpp"
#include "lite/image_ops.hpp"
#include "lite/image_store.hpp"
#include "lite/layer_pack.hpp"
#include "lite/sha256.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {
namespace {

using nlohmann::json;

// Packs a stored layer into DIR/<hex>/layer.tar; returns its diff id.
std::string pack_layer(const Layout& layout, const std::string& digest, const std::string& dir,
                       const std::string& label) {
    std::string tmp = dir + "/layer.tmp";
    std::string diff_id;
    {
        UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!out) throw_errno("create " + tmp);
        PackOptions po;
        po.whiteouts_to_tar = true;
        po.progress_label = label;
        diff_id = pack_tree(layout.layer_dir(digest), out.get(), po);
    }
    std::string layer_dir = dir + "/" + digest_hex(diff_id);
    if (fs::exists(layer_dir + "/layer.tar")) {
        ::unlink(tmp.c_str());
        return diff_id;
    }
    if (::mkdir(layer_dir.c_str(), 0755) < 0 && errno != EEXIST) throw_errno("mkdir " + layer_dir);
    if (::rename(tmp.c_str(), (layer_dir + "/layer.tar").c_str()) < 0) throw_errno("rename " + tmp);
    return diff_id;
}

}  // namespace

int cmd_save(const LiteContext& c, const std::vector<std::string>& refs, const std::string& output) {
    if (output.empty() && ::isatty(STDOUT_FILENO))
        throw Error("cowardly refusing to save to a terminal. Use the -o flag or redirect");
    ImageStore images(c.layout);
    std::vector<ImageRecord> list;
    for (const auto& ref : refs) list.push_back(images.resolve(ref));

    ScratchDir scratch(c.layout, "save");
    std::string dir = scratch.path + "/archive";
    fs::mkdir_all(dir, 0755);
    json manifest = json::array();
    json repositories = json::object();
    for (const auto& r : list) {
        json layers = json::array(), diff_ids = json::array();
        for (size_t i = 0; i < r.layers.size(); ++i) {
            std::string label = "Saving layer " + std::to_string(i + 1) + "/" + std::to_string(r.layers.size());
            std::string diff_id = pack_layer(c.layout, r.layers[i], dir, label);
            diff_ids.push_back(diff_id);
            layers.push_back(digest_hex(diff_id) + "/layer.tar");
        }
        json config = json::parse(image_config_document(r));
        config["rootfs"]["diff_ids"] = diff_ids;
        if (!r.history.empty()) config["history"] = r.history;
        std::string text = config.dump();
        std::string config_name = digest_hex(sha256_digest(text)) + ".json";
        fs::write_file_atomic(dir + "/" + config_name, text, 0644, fs::Sync::no_fsync);
        json tags = json::array();
        for (const auto& t : r.tags) {
            tags.push_back(t);
            auto colon = t.rfind(':');
            repositories[t.substr(0, colon)][t.substr(colon + 1)] = digest_hex(diff_ids.back().get<std::string>());
        }
        manifest.push_back({{"Config", config_name}, {"RepoTags", tags.empty() ? json(nullptr) : tags},
                            {"Layers", layers}});
    }
    fs::write_file_atomic(dir + "/manifest.json", manifest.dump(), 0644, fs::Sync::no_fsync);
    if (!repositories.empty())
        fs::write_file_atomic(dir + "/repositories", repositories.dump(), 0644, fs::Sync::no_fsync);

    UniqueFd file;
    int out = STDOUT_FILENO;
    if (!output.empty()) {
        file.reset(::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!file) throw_errno("create " + output);
        out = file.get();
    }
    PackOptions po;
    po.progress_label = "Writing archive";
    pack_tree(dir, out, po);
    return 0;
}

}  // namespace wb::lite
