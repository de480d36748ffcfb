#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "oci/default_spec.hpp"
#include "oci/serialize.hpp"
#include "oci/validate.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace {

// `runc spec` and `runc spec --rootless` (runc 1.1.5, run as root) write these files.
std::string runc_fixture(const char* name) {
    return wb::fs::read_file(std::string(WHALEBOX_SOURCE_DIR "/tests/oci/data/") + name);
}

// Our document with runc 1.1.5's ociVersion, to compare byte for byte.
std::string as_runc_1_1_5(wb::oci::Spec spec) {
    spec.oci_version = "1.0.2-dev";
    return wb::oci::serialize_spec(spec);
}

TEST(OciDefaultSpec, SameAsRuncSpec) {
    auto spec = wb::oci::default_spec();
    EXPECT_EQ(spec.oci_version, "1.2.0");
    EXPECT_EQ(as_runc_1_1_5(spec), runc_fixture("runc-1.1.5-spec.json"));
}

TEST(OciDefaultSpec, RootlessSameAsRuncSpecRootless) {
    auto spec = wb::oci::default_spec();
    wb::oci::make_rootless(spec, 0, 0);
    EXPECT_EQ(as_runc_1_1_5(spec), runc_fixture("runc-1.1.5-spec-rootless.json"));

    auto mine = wb::oci::default_spec();
    wb::oci::make_rootless(mine, 1000, 1001);
    EXPECT_EQ(mine.linux->uid_mappings[0].host_id, 1000u);
    EXPECT_EQ(mine.linux->gid_mappings[0].host_id, 1001u);
}

TEST(OciDefaultSpec, IsValidAndCreatable) {
    auto spec = wb::oci::default_spec();
    EXPECT_NO_THROW(wb::oci::validate(spec));
    EXPECT_NO_THROW(wb::oci::validate_for_create(spec));
    wb::oci::make_rootless(spec, 1000, 1000);
    EXPECT_NO_THROW(wb::oci::validate(spec));
    EXPECT_NO_THROW(wb::oci::validate_for_create(spec));
}

TEST(OciDefaultSpec, WriteRefusesToOverwrite) {
    auto dir = std::filesystem::temp_directory_path() / ("wb-oci-spec-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    wb::oci::write_default_spec(dir.string(), false);
    auto loaded = wb::oci::load_spec(dir.string());
    EXPECT_EQ(wb::oci::serialize_spec(loaded), wb::oci::serialize_spec(wb::oci::default_spec()));
    try {
        wb::oci::write_default_spec(dir.string(), true);
        ADD_FAILURE() << "overwrote config.json";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "File config.json exists. Remove it first");
    }
    // The first file is untouched.
    EXPECT_EQ(wb::oci::load_spec(dir.string()).linux->find_namespace("user"), nullptr);
    std::filesystem::remove(dir / "config.json");
    wb::oci::write_default_spec(dir.string(), true);
    EXPECT_NE(wb::oci::load_spec(dir.string()).linux->find_namespace("user"), nullptr);
    std::filesystem::remove_all(dir);

    EXPECT_THROW(wb::oci::write_default_spec((dir / "missing").string(), false), wb::Error);
}

}  // namespace
