// Every config document of the runtime-spec's schema test suite (copied into
// tests/oci/data/spec-documents): good ones are accepted by parse_spec + validate, bad ones
// refused (by the parser or by validate, never by name).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace {

namespace stdfs = std::filesystem;

std::vector<stdfs::path> documents(const std::string& kind) {
    std::vector<stdfs::path> out;
    stdfs::path dir = stdfs::path(WHALEBOX_SPEC_DIR) / kind;
    for (const auto& entry : stdfs::directory_iterator(dir))
        if (entry.path().extension() == ".json") out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

void parse_and_validate(const stdfs::path& file) {
    wb::oci::Spec spec = wb::oci::parse_spec(wb::fs::read_file(file.string()));
    wb::oci::validate(spec);
}

TEST(OciSpecDocuments, GoodDocumentsAreAccepted) {
    auto docs = documents("good");
    ASSERT_FALSE(docs.empty());
    for (const auto& doc : docs) {
        SCOPED_TRACE(doc.filename().string());
        EXPECT_NO_THROW(parse_and_validate(doc));
    }
}

TEST(OciSpecDocuments, BadDocumentsAreRefused) {
    auto docs = documents("bad");
    ASSERT_FALSE(docs.empty());
    for (const auto& doc : docs) {
        SCOPED_TRACE(doc.filename().string());
        try {
            parse_and_validate(doc);
            ADD_FAILURE() << "accepted";
        } catch (const wb::Error& e) {
            std::string msg = e.what();
            EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
            std::cout << "    " << doc.filename().string() << ": " << msg << "\n";
        }
    }
}

}  // namespace
