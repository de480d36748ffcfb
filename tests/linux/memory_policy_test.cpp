#include "linux/memory_policy.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "linux/syscalls.hpp"
#include "recording_syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

using wb::testing::RecordingSyscalls;

oci::MemoryPolicy policy(std::string mode, std::string nodes, std::vector<std::string> flags = {}) {
    oci::MemoryPolicy p;
    p.mode = std::move(mode);
    p.nodes = std::move(nodes);
    p.flags = std::move(flags);
    return p;
}

TEST(MemoryPolicy, NodeListsBecomeMasks) {
    EXPECT_EQ(parse_node_list("0-3,7"), (std::vector<unsigned long>{0x8f}));
    EXPECT_EQ(parse_node_list("64"), (std::vector<unsigned long>{0, 1}));
    EXPECT_TRUE(parse_node_list("").empty());
    for (const char* bad : {"a", "3-1", "1,", ",1", "1-", "-1", "5000", "1 "})
        EXPECT_THROW(parse_node_list(bad), Error) << bad;
}

TEST(MemoryPolicy, ModeAndFlagsAreOred) {
    EXPECT_EQ(memory_policy_mode(policy("MPOL_BIND", "0")), 2);
    EXPECT_EQ(memory_policy_mode(policy("MPOL_INTERLEAVE", "0", {"MPOL_F_STATIC_NODES"})), 3 | (1 << 15));
    EXPECT_THROW(memory_policy_mode(policy("MPOL_NOPE", "0")), Error);
    EXPECT_THROW(memory_policy_mode(policy("MPOL_BIND", "0", {"MPOL_F_NOPE"})), Error);
}

TEST(MemoryPolicy, SetMempolicyGetsTheMaskAndItsBitsPlusOne) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    apply_memory_policy(policy("MPOL_BIND", "0-1"));
    apply_memory_policy(policy("MPOL_LOCAL", ""));
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"set_mempolicy(2, 0x3, 65)", "set_mempolicy(4, null, 0)"}));
}

TEST(MemoryPolicy, NodesWhereTheModeTakesNoneOrNoneWhereItNeedsSome) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    EXPECT_THROW(apply_memory_policy(policy("MPOL_DEFAULT", "0")), Error);
    EXPECT_THROW(apply_memory_policy(policy("MPOL_BIND", "")), Error);
    EXPECT_TRUE(rec.calls.empty());
}

TEST(MemoryPolicy, TheKernelsRefusalNamesTheCall) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    rec.fail("set_mempolicy", EINVAL);
    try {
        apply_memory_policy(policy("MPOL_BIND", "3"));
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "set_mempolicy MPOL_BIND 3: Invalid argument");
    }
}

}  // namespace
}  // namespace wb::linux
