// whalebox-lite's layer unpacking: a tar stream (any compression libarchive knows) read
// from a memfd and unpacked into a scratch directory. Nothing may land outside it.
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.hpp"
#include "fuzz_workspace.hpp"
#include "lite/layer_unpack.hpp"
#include "util/unique_fd.hpp"

namespace {
wb::fuzz::Workspace* workspace;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    workspace = new wb::fuzz::Workspace();
    std::atexit([] { delete workspace; });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace wb;
    UniqueFd fd(::memfd_create("layer.tar", MFD_CLOEXEC));
    FUZZ_CHECK(fd, "memfd_create");
    FUZZ_CHECK(::write(fd.get(), data, size) == static_cast<ssize_t>(size), "write memfd");
    FUZZ_CHECK(::lseek(fd.get(), 0, SEEK_SET) == 0, "lseek");
    std::string dest = workspace->fresh();
    lite::UnpackOptions opts;
    opts.convert_whiteouts = true;
    fuzz::accepted([&] { lite::unpack_layer(fd.get(), dest, opts); });
    workspace->check_and_clear();
    return 0;
}
