// whalebox-lite's `load`: image manifests (docker save's manifest.json, an OCI layout's
// index.json and manifests), image configs and their layers. The input is a list of
// files, each "--- NAME\n" then its content up to the next "\n--- "; the target packs
// them into a tar and loads it into a store in a scratch directory.
#include <archive.h>
#include <archive_entry.h>
#include <sys/mman.h>
#include <unistd.h>

#include <memory>
#include <string_view>

#include "fuzz_common.hpp"
#include "fuzz_workspace.hpp"
#include "lite/image_ops.hpp"
#include "util/unique_fd.hpp"

namespace {
wb::fuzz::Workspace* workspace;

struct File {
    std::string name;
    std::string_view content;
};

std::vector<File> split_files(std::string_view in) {
    std::vector<File> out;
    constexpr std::string_view kSep = "\n--- ";
    if (in.substr(0, 4) == "--- ") in.remove_prefix(4);
    while (!in.empty()) {
        size_t end = in.find(kSep);
        std::string_view rec = in.substr(0, end);
        in = end == std::string_view::npos ? std::string_view{} : in.substr(end + kSep.size());
        size_t nl = rec.find('\n');
        if (nl == std::string_view::npos || nl == 0) continue;
        out.push_back({std::string(rec.substr(0, nl)), rec.substr(nl + 1)});
    }
    return out;
}

void write_tar(int fd, const std::vector<File>& files) {
    std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_write_new(), archive_write_free);
    archive_write_set_format_pax_restricted(a.get());
    FUZZ_CHECK(archive_write_open_fd(a.get(), fd) == ARCHIVE_OK, "archive_write_open_fd");
    for (const auto& f : files) {
        std::unique_ptr<struct archive_entry, void (*)(struct archive_entry*)> e(archive_entry_new(),
                                                                                 archive_entry_free);
        archive_entry_set_pathname(e.get(), f.name.c_str());
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), 0644);
        archive_entry_set_size(e.get(), static_cast<la_int64_t>(f.content.size()));
        if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) continue;
        archive_write_data(a.get(), f.content.data(), f.content.size());
    }
    archive_write_close(a.get());
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    workspace = new wb::fuzz::Workspace();
    std::atexit([] { delete workspace; });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace wb;
    UniqueFd fd(::memfd_create("image.tar", MFD_CLOEXEC));
    FUZZ_CHECK(fd, "memfd_create");
    write_tar(fd.get(), split_files(std::string_view(reinterpret_cast<const char*>(data), size)));
    FUZZ_CHECK(::lseek(fd.get(), 0, SEEK_SET) == 0, "lseek");
    lite::Layout layout;
    layout.root = workspace->fresh() + "/store";
    layout.state_root = workspace->work() + "/state";
    std::string archive = "/proc/self/fd/" + std::to_string(fd.get());
    fuzz::accepted([&] { lite::load_images(layout, archive, ""); });
    workspace->check_and_clear();
    return 0;
}
