#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

#include "lite/network_spares.hpp"
#include "util/fs.hpp"

namespace wb::lite {
namespace {

const std::string kHex(64, 'a');

TEST(LiteSpares, CountFromTheEnvironment) {
    EXPECT_EQ(spares_wanted(nullptr), 0);  // off by default
    EXPECT_EQ(spares_wanted(""), 0);
    EXPECT_EQ(spares_wanted("1"), 1);
    EXPECT_EQ(spares_wanted("0"), 0);      // off
    EXPECT_EQ(spares_wanted("3"), 3);
    EXPECT_EQ(spares_wanted("1000"), 16);  // bounded
    EXPECT_EQ(spares_wanted("-2"), 0);     // malformed: the default
    EXPECT_EQ(spares_wanted("2x"), 0);
}

TEST(LiteSpares, EntryKinds) {
    EXPECT_EQ(spare_entry_kind(kHex), SpareEntry::ready);
    EXPECT_EQ(spare_entry_kind(kHex + ".new"), SpareEntry::making);
    EXPECT_EQ(spare_entry_kind(kHex + ".releasing"), SpareEntry::releasing);
    EXPECT_EQ(spare_entry_kind("claimed-" + kHex), SpareEntry::claimed);
    EXPECT_EQ(spare_entry_kind(kHex.substr(1)), SpareEntry::other);
    EXPECT_EQ(spare_entry_kind(std::string(64, 'A')), SpareEntry::other);
    EXPECT_EQ(spare_entry_kind("claimed-x"), SpareEntry::other);
    EXPECT_EQ(spare_entry_kind(kHex + ".tmp"), SpareEntry::other);
}

struct SpareDir : ::testing::Test {
    std::string tmp;
    LiteContext c;
    void SetUp() override {
        char tmpl[] = "/tmp/wb-spares-test.XXXXXX";
        ASSERT_TRUE(::mkdtemp(tmpl));
        tmp = tmpl;
        c.layout.root = tmp + "/root";
        c.layout.state_root = tmp + "/state";
        ::setenv("WHALEBOX_LITE_NETWORK_SPARES", "1", 1);
    }
    void TearDown() override {
        ::unsetenv("WHALEBOX_LITE_NETWORK_SPARES");
        fs::remove_all(tmp);
    }
    std::string spare(const std::string& name) {
        std::string d = c.layout.state_root + "/spares/net/" + name;
        fs::mkdir_all(d, 0700);
        fs::write_file_atomic(d + "/netns", "");  // not a namespace: as after a reboot
        write_network_state(d, {{"netns", d + "/netns"},
                                {"attachments", nlohmann::json::array({{{"ip", "10.1.0.2"}, {"cniContainerId", name}}})}});
        return d;
    }
};

// A spare whose namespace is gone is never handed out: the claimer sets it aside for the
// stale release and finds none.
TEST_F(SpareDir, NoClaimOfASpareWithoutItsNamespace) {
    std::string d = spare(kHex);
    EXPECT_FALSE(claim_spare(c, "net", std::string(64, 'b'), tmp + "/netns-b").has_value());
    EXPECT_FALSE(fs::exists(d));
    EXPECT_TRUE(fs::exists(d + ".releasing/network-state.json"));
    EXPECT_FALSE(fs::exists(tmp + "/netns-b"));
}

TEST_F(SpareDir, NoClaimWhenTurnedOffOrNoneReady) {
    EXPECT_FALSE(claim_spare(c, "net", kHex, tmp + "/ns").has_value());  // no spares directory
    std::string d = spare(std::string(64, 'c') + ".new");                // still being made
    EXPECT_FALSE(claim_spare(c, "net", kHex, tmp + "/ns").has_value());
    EXPECT_TRUE(fs::exists(d));
    std::string ready = spare(std::string(64, 'd'));
    ::setenv("WHALEBOX_LITE_NETWORK_SPARES", "0", 1);
    EXPECT_FALSE(claim_spare(c, "net", kHex, tmp + "/ns").has_value());
    EXPECT_TRUE(fs::exists(ready));  // untouched
}

}  // namespace
}  // namespace wb::lite
