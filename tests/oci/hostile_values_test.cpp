// Values a document should never get through with: NUL bytes, numbers beyond every type,
// nesting without end, and values so long that echoing them would bury the message.
#include <gtest/gtest.h>

#include <string>

#include "oci/spec.hpp"
#include "oci/validate.hpp"
#include "util/error.hpp"

namespace {

using wb::oci::parse_spec;

// The message parse_spec throws for `text`, or "" when it parses. Any exception other
// than wb::Error fails the test.
std::string parse_error(const std::string& text) {
    try {
        parse_spec(text);
    } catch (const wb::Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not a wb::Error: " << e.what();
        return e.what();
    }
    return "";
}

std::string doc(const std::string& members) {
    return R"({"ociVersion": "1.2.0", "root": {"path": "rootfs"})" + (members.empty() ? "" : ", " + members) + "}";
}

TEST(OciHostileValues, NulBytesAreRefusedNamingTheField) {
    EXPECT_EQ(parse_error(doc(R"("mounts": [{"destination": "/mn\u0000t/../../etc", "type": "tmpfs"}])")),
              R"(mounts[0].destination: value "/mn\u0000t/../../etc" contains a NUL byte)");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "args": ["sh", "-c\u0000x"]})")),
              R"(process.args[1]: value "-c\u0000x" contains a NUL byte)");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "env": ["A=\u0000"]})")),
              R"(process.env[0]: value "A=\u0000" contains a NUL byte)");
    EXPECT_EQ(parse_error(doc(R"("hostname": "h\u0000")")), R"(hostname: value "h\u0000" contains a NUL byte)");
    EXPECT_EQ(parse_error(doc(R"("mounts": [{"destination": "/m", "options": ["size=1\u0000"]}])")),
              R"(mounts[0].options[0]: value "size=1\u0000" contains a NUL byte)");
    EXPECT_EQ(parse_error(doc(R"("root": {"path": "\u0000"})")), R"(root.path: value "\u0000" contains a NUL byte)");
    EXPECT_EQ(parse_error(doc(R"("linux": {"sysctl": {"kernel.x": "1\u0000"}})")),
              R"(linux.sysctl["kernel.x"]: value "1\u0000" contains a NUL byte)");
    // Keys of maps become paths and names too.
    EXPECT_EQ(parse_error(doc(R"("annotations": {"a\u0000b": "x"})")),
              R"(annotations["a\u0000b"]: key "a\u0000b" contains a NUL byte)");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"unified": {"memory.max\u0000": "1"}}})")),
              R"(linux.resources.unified["memory.max\u0000"]: key "memory.max\u0000" contains a NUL byte)");
    try {
        wb::oci::parse_process(R"({"cwd": "/\u0000", "args": ["ls"]})");
        ADD_FAILURE() << "accepted";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), R"(cwd: value "/\u0000" contains a NUL byte)");
    }
}

TEST(OciHostileValues, NumbersOutOfRangeNameTheField) {
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"memory": {"limit": 1e400}}})")),
              "linux.resources.memory.limit: value 1e400 out of range");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"memory": {"limit": -1e400}}})")),
              "linux.resources.memory.limit: value -1e400 out of range");
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "user": {"additionalGids": [1, 2, 1e400]}})")),
              "process.user.additionalGids[2]: value 1e400 out of range");
    EXPECT_EQ(parse_error(doc(R"("mounts": [{"destination": "/a"}, {"destination": "/b", "uidMappings":
                                 [{"containerID": 0, "hostID": 0, "size": 1}, {"containerID": 1e999}]}])")),
              "mounts[1].uidMappings[1].containerID: value 1e999 out of range");
    EXPECT_EQ(parse_error(doc(R"("futureKey": [[1], [2, 1e400]])")), "futureKey[1][1]: value 1e400 out of range");
    EXPECT_EQ(parse_error("1e400"), "config.json: value 1e400 out of range");
    // 400 digits: an integer beyond double too.
    std::string huge(401, '0');
    huge[0] = '1';
    const std::string zeros(99, '0');
    EXPECT_EQ(parse_error(doc(R"("process": {"cwd": "/", "oomScoreAdj": )" + huge + "}")),
              "process.oomScoreAdj: value 1" + zeros + "… out of range");
    // Beyond the field's type: the path and the type.
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"memory": {"limit": 18446744073709551616}}})")),
              "linux.resources.memory.limit: expected integer, got number");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"cpu": {"quota": 9223372036854775808}}})")),
              "linux.resources.cpu.quota: value 9223372036854775808 out of range for int64");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"pids": {"limit": -9223372036854775809}}})")),
              "linux.resources.pids.limit: expected integer, got number");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"cpu": {"shares": -1}}})")),
              "linux.resources.cpu.shares: value -1 out of range for uint64");
    EXPECT_EQ(parse_error(doc(R"("linux": {"resources": {"blockIO": {"weight": -1}}})")),
              "linux.resources.blockIO.weight: value -1 out of range for uint16");
}

TEST(OciHostileValues, SyntaxErrorsSayTheDocumentAndThePosition) {
    EXPECT_EQ(parse_error("{\n  \"ociVersion\": \"1.2.0\",\n  ]").rfind("config.json: invalid JSON: parse error at line 3, column 3", 0), 0u)
        << parse_error("{\n  \"ociVersion\": \"1.2.0\",\n  ]");
    // Invalid UTF-8, a lone surrogate, a control character in a string, trailing text.
    for (std::string text : {std::string("{\"a\": \"\xff\"}"), std::string(R"({"a": "\ud800"})"),
                             std::string("{\"a\": \"\x01\"}"), doc("") + " {}"}) {
        std::string msg = parse_error(text);
        EXPECT_EQ(msg.rfind("config.json: invalid JSON: parse error at line 1, column ", 0), 0u) << msg;
        EXPECT_EQ(msg.find("[json.exception"), std::string::npos) << msg;
    }
    try {
        wb::oci::parse_resources("{\"memory\": ");
        ADD_FAILURE() << "accepted";
    } catch (const wb::Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("resources: invalid JSON: parse error at line 1, column ", 0), 0u) << e.what();
    }
}

TEST(OciHostileValues, NestingHasALimit) {
    const std::string open(20000, '['), close(20000, ']');
    std::string deep = doc(R"("futureKey": )" + open + close);
    // The message names the field by the first levels of its path, not all 10000.
    std::string msg = parse_error(deep);
    EXPECT_EQ(msg.rfind("futureKey[0]", 0), 0u) << msg.substr(0, 200);
    EXPECT_NE(msg.find(": nested deeper than 10000 levels"), std::string::npos) << msg.substr(0, 200);
    EXPECT_LT(msg.size(), 100u);
    // Deep, but within the limit: kept.
    std::string ok = doc(R"("futureKey": )" + open.substr(0, 1000) + close.substr(0, 1000));
    EXPECT_EQ(parse_error(ok), "");
}

TEST(OciHostileValues, LongValuesAreCutInMessages) {
    std::string long_value(1000, 'a');
    const std::string a100(100, 'a');
    std::string shown = "\"" + a100 + "…\"";
    auto spec = parse_spec(doc(R"("linux": {"rootfsPropagation": ")" + long_value + R"("})"));
    try {
        wb::oci::validate(spec);
        ADD_FAILURE() << "accepted";
    } catch (const wb::Error& e) {
        EXPECT_EQ(std::string(e.what()), "linux.rootfsPropagation: " + shown +
                                             " is not one of private, shared, slave, unbindable, rprivate, "
                                             "rshared, rslave, runbindable");
    }
    // A 1000-byte hostname: refused before sethostname(2) would be, and not echoed whole.
    auto host = parse_spec(doc(R"("hostname": ")" + long_value + R"(", "process": {"cwd": "/", "args": ["sh"]},
                                  "linux": {"namespaces": [{"type": "uts"}]})"));
    try {
        wb::oci::validate_for_create(host);
        ADD_FAILURE() << "accepted";
    } catch (const wb::Error& e) {
        EXPECT_EQ(std::string(e.what()), "hostname: " + shown + " is longer than 64 bytes");
    }
    // Keys in paths are cut too, and a newline never splits the message.
    EXPECT_EQ(parse_error(doc(R"("annotations": {")" + long_value + R"(": 1})")),
              "annotations." + a100 + "…: expected string, got integer");
    auto newline = parse_spec(doc(R"("linux": {"rootfsPropagation": "a\nb"})"));
    try {
        wb::oci::validate(newline);
        ADD_FAILURE() << "accepted";
    } catch (const wb::Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind(R"(linux.rootfsPropagation: "a\nb" is not one of)", 0), 0u) << e.what();
    }
    // A cut never splits a UTF-8 character.
    std::string accents;
    for (int i = 0; i < 60; ++i) accents += "é";  // 2 bytes each
    auto utf8 = parse_spec(doc(R"("linux": {"rootfsPropagation": ")" + accents + R"("})"));
    try {
        wb::oci::validate(utf8);
        ADD_FAILURE() << "accepted";
    } catch (const wb::Error& e) {
        std::string expected;
        for (int i = 0; i < 50; ++i) expected += "é";
        EXPECT_EQ(std::string(e.what()).rfind("linux.rootfsPropagation: \"" + expected + "…\"", 0), 0u) << e.what();
    }
}

}  // namespace
