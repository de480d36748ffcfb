// run --expose's syntax, the container's merged ExposedPorts, and the owners cp gives.
#include <gtest/gtest.h>

#include "lite/copy_tree.hpp"
#include "lite/ports.hpp"
#include "util/error.hpp"

namespace wb::lite {
namespace {

using Ports = std::vector<std::string>;

TEST(LiteExpose, PortsProtocolsAndRanges) {
    EXPECT_EQ(parse_expose("80"), Ports{"80/tcp"});
    EXPECT_EQ(parse_expose("53/udp"), Ports{"53/udp"});
    EXPECT_EQ(parse_expose("9000-9002/tcp"), (Ports{"9000/tcp", "9001/tcp", "9002/tcp"}));
    EXPECT_EQ(parse_expose("132/sctp"), Ports{"132/sctp"});
    for (const char* bad : {"", "x", "0", "65536", "90-80", "80-", "-80", "80/bogus", "1e3"})
        EXPECT_THROW(parse_expose(bad), Error) << bad;
}

TEST(LiteExpose, MergesTheImagesTheFlagsAndThePublishedOnce) {
    PortMapping p;
    p.container_port = 80;
    PortMapping u;
    u.container_port = 53;
    u.protocol = "udp";
    EXPECT_EQ(merge_exposed_ports({"8080", "80/tcp"}, {"80/tcp", "7/udp"}, {p, u}),
              (Ports{"8080/tcp", "80/tcp", "7/udp", "53/udp"}));
    EXPECT_TRUE(merge_exposed_ports({}, {}, {}).empty());
}

TEST(LiteCpOwners, DockersDocumentedRule) {
    CopyOwners out;  // copy out: the caller's (left as written)
    EXPECT_FALSE(copied_owner(5, 6, out));
    CopyOwners in;  // copy in: the container's root
    in.uid = 0;
    in.gid = 0;
    in.into_range = true;
    EXPECT_EQ(copied_owner(5, 6, in), (std::pair<uid_t, gid_t>{0, 0}));
    in.keep_source = true;  // -a
    EXPECT_EQ(copied_owner(5, 6, in), (std::pair<uid_t, gid_t>{5, 6}));
}

TEST(LiteCpOwners, ShiftedThroughAUsernsRange) {
    IdRange range{300000, 400000, 65536};
    CopyOwners in;
    in.keep_source = true;
    in.range = range;
    in.into_range = true;
    EXPECT_EQ(copied_owner(5, 6, in), (std::pair<uid_t, gid_t>{300005, 400006}));
    EXPECT_THROW(copied_owner(70000, 6, in), Error);
    CopyOwners out;
    out.keep_source = true;
    out.range = range;
    EXPECT_EQ(copied_owner(300007, 400008, out), (std::pair<uid_t, gid_t>{7, 8}));
    EXPECT_EQ(copied_owner(65534, 400000 + 65536, out), (std::pair<uid_t, gid_t>{65534, 65534}));
}

}  // namespace
}  // namespace wb::lite
