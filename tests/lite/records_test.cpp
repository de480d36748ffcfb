#include <gtest/gtest.h>

#include "lite/table.hpp"
#include "lite/common.hpp"
#include "lite/container_store.hpp"
#include "lite/image_store.hpp"
#include "lite/log_file.hpp"
#include "lite/overlay.hpp"
#include "lite/sha256.hpp"
#include "util/error.hpp"

namespace wb::lite {
namespace {

TEST(LiteRecords, ContainerRoundTrip) {
    ContainerRecord r;
    r.id = std::string(64, 'a');
    r.name = "web";
    r.image = "busybox";
    r.image_id = "sha256:" + std::string(64, 'b');
    r.command = {"sh", "-c", "echo \"quoted\" \u00e9"};
    r.config.cmd = {"sh"};
    r.config.env = {"A=1"};
    r.config.working_dir = "/w";
    r.config.user = "1:2";
    r.state = "exited";
    r.exit_code = 137;
    r.created = "2024-01-02T03:04:05.000000001Z";
    r.started_at = r.created;
    r.finished_at = "2024-01-02T03:04:09.5Z";
    r.monitor_pid = 42;
    r.monitor_start_time = 99;
    r.auto_remove = true;
    r.tty = true;
    r.volumes = {"/a:/b:ro"};
    r.error = "boom";
    ContainerRecord back = container_from_json(container_to_json(r));
    EXPECT_EQ(container_to_json(back), container_to_json(r));
    EXPECT_EQ(back.command, r.command);
    EXPECT_EQ(back.exit_code, 137);
    EXPECT_TRUE(back.auto_remove);
    EXPECT_THROW(container_from_json("{"), Error);
    EXPECT_THROW(container_from_json("{}"), Error);
}

TEST(LiteRecords, ImageRoundTripAndId) {
    ImageRecord r;
    r.tags = {"busybox:latest"};
    r.layers = {"sha256:" + std::string(64, 'c')};
    r.config.cmd = {"sh"};
    r.created = "2024-01-02T03:04:05Z";
    r.source = "import";
    r.size = 12345;
    r.id = sha256_digest(image_config_document(r));
    ImageRecord back = image_from_json(image_to_json(r));
    EXPECT_EQ(image_to_json(back), image_to_json(r));
    // The id is the digest of the config document: stable, and it changes with the config.
    EXPECT_EQ(sha256_digest(image_config_document(back)), r.id);
    back.config.cmd = {"true"};
    EXPECT_NE(sha256_digest(image_config_document(back)), r.id);
}

TEST(LiteRecords, ExposedPortsKeptInDockersForm) {
    using nlohmann::json;
    json j = json::parse(R"({"Cmd": ["sh"], "ExposedPorts": {"80/tcp": {}, "53/udp": {}}})");
    ImageConfig c = image_config_from_json(j);
    EXPECT_EQ(c.exposed_ports, (std::vector<std::string>{"53/udp", "80/tcp"}));
    EXPECT_EQ(image_config_to_json(c)["ExposedPorts"], j["ExposedPorts"]);
    // None: no key at all (records and image ids stay as they were).
    EXPECT_FALSE(image_config_to_json(ImageConfig{}).contains("ExposedPorts"));
}

TEST(LiteRecords, Tags) {
    EXPECT_EQ(normalize_tag("busybox"), "busybox:latest");
    EXPECT_EQ(normalize_tag("busybox:1.36"), "busybox:1.36");
    EXPECT_EQ(normalize_tag("reg:5000/a/b"), "reg:5000/a/b:latest");
    EXPECT_EQ(normalize_tag("reg:5000/a/b:v1"), "reg:5000/a/b:v1");
}

TEST(LiteResolve, IdNamePrefix) {
    std::vector<std::pair<std::string, std::string>> c = {
        {"abc123" + std::string(58, '0'), "web"},
        {"abd456" + std::string(58, '0'), "db"},
        {"fff000" + std::string(58, '0'), "abc"},
    };
    EXPECT_EQ(resolve_reference(c, c[1].first), 1u);
    EXPECT_EQ(resolve_reference(c, "web"), 0u);
    EXPECT_EQ(resolve_reference(c, "/db"), 1u);
    EXPECT_EQ(resolve_reference(c, "abd"), 1u);
    EXPECT_EQ(resolve_reference(c, "fff"), 2u);
    // A name wins over an id prefix, as in docker.
    EXPECT_EQ(resolve_reference(c, "abc"), 2u);
    EXPECT_THROW(resolve_reference(c, "ab"), Error);
    EXPECT_EQ(resolve_reference(c, "zzz"), std::nullopt);
    EXPECT_EQ(resolve_reference(c, ""), std::nullopt);
}

TEST(LiteStatus, DockerWords) {
    ContainerRecord r;
    r.started_at = "2024-01-01T00:00:00Z";
    r.finished_at = "2024-01-01T00:00:10Z";
    int64_t t0 = parse_rfc3339(r.started_at);
    EXPECT_EQ(status_text(r, true, t0 + 5), "Up 5 seconds");
    r.state = "created";
    EXPECT_EQ(status_text(r, false, t0), "Created");
    r.state = "exited";
    r.exit_code = 3;
    EXPECT_EQ(status_text(r, false, t0 + 15), "Exited (3) 5 seconds ago");
    r.state = "running";  // nobody recorded the end
    EXPECT_EQ(status_text(r, false, t0 + 120), "Exited (255) 2 minutes ago");
    EXPECT_EQ(human_duration(0), "Less than a second");
    EXPECT_EQ(human_duration(1), "1 second");
    EXPECT_EQ(human_duration(75), "About a minute");
    EXPECT_EQ(human_duration(3 * 3600), "3 hours");
    EXPECT_EQ(human_size(2140000), "2.14MB");
    EXPECT_EQ(human_size(999), "999B");
}

TEST(LiteTable, PaddedColumnsAndCommand) {
    EXPECT_EQ(format_table({{"A", "BB", "C"}, {"long", "x", "y"}}), "A      BB   C\nlong   x    y\n");
    EXPECT_EQ(command_cell({"sh", "-c", "echo hello; sleep 100"}, false), "\"sh -c echo hello; s\u2026\"");
    EXPECT_EQ(command_cell({"top"}, false), "\"top\"");
    EXPECT_EQ(command_cell({"sh", "-c", "echo hello; sleep 100"}, true), "\"sh -c echo hello; sleep 100\"");
}

TEST(LiteSha256, KnownVectors) {
    EXPECT_EQ(sha256_digest(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_digest("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    Sha256 h;
    std::string million(1000000, 'a');
    h.update(million.data(), 1);
    h.update(million.data() + 1, million.size() - 1);
    EXPECT_EQ(h.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    EXPECT_THROW(digest_hex("sha256:xyz"), Error);
}

TEST(LiteLogs, JsonLinesRoundTrip) {
    LogEntry e{"stderr", "line with \"quotes\"\n", "2024-01-01T00:00:00.000000000Z"};
    auto back = parse_log_entry(format_log_entry(e));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->stream, "stderr");
    EXPECT_EQ(back->text, e.text);
    EXPECT_FALSE(parse_log_entry("not json"));
}

TEST(LiteOverlay, MountDataEscapes) {
    OverlayDirs d{{"/l/top", "/l/a:b"}, "/c/upper", "/c/work", "/c/merged"};
    EXPECT_EQ(overlay_mount_data(d), "lowerdir=/l/top:/l/a\\:b,upperdir=/c/upper,workdir=/c/work");
}

TEST(LiteStartErrors, ExitCodes) {
    EXPECT_EQ(exit_code_for_start_error("exec: \"x\": executable file not found in $PATH"), 127);
    EXPECT_EQ(exit_code_for_start_error("exec /bin/x: permission denied"), 126);
    EXPECT_EQ(exit_code_for_start_error("mount proc: EPERM"), 125);
}

}  // namespace
}  // namespace wb::lite
