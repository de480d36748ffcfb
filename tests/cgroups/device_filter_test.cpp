#include "cgroups/v2/device_filter.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

using wb::cgroups::v2::build_device_filter;
using wb::cgroups::v2::disassemble;
using wb::oci::DeviceRule;

namespace {

const char* kPrologue =
    "0: ldxw r2, [r1+0]\n"
    "1: and32 r2, 65535\n"
    "2: ldxw r3, [r1+0]\n"
    "3: rsh32 r3, 16\n"
    "4: ldxw r4, [r1+4]\n"
    "5: ldxw r5, [r1+8]\n";

// Runs the program the way the kernel would for one device access, over the few
// instructions the emitter uses. type: 'c' or 'b'; access: BPF_DEVCG_ACC_* bits.
int run(const std::vector<bpf_insn>& p, char type, uint32_t major, uint32_t minor, uint32_t access) {
    uint32_t ctx[3] = {(access << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
                       major, minor};
    uint64_t r[11] = {};
    for (size_t pc = 0; pc < p.size(); ++pc) {
        const bpf_insn& in = p[pc];
        uint32_t k = static_cast<uint32_t>(in.imm);
        switch (in.code) {
            case BPF_LDX | BPF_MEM | BPF_W: r[in.dst_reg] = ctx[in.off / 4]; break;
            case BPF_ALU | BPF_AND | BPF_K: r[in.dst_reg] = static_cast<uint32_t>(r[in.dst_reg]) & k; break;
            case BPF_ALU | BPF_RSH | BPF_K: r[in.dst_reg] = static_cast<uint32_t>(r[in.dst_reg]) >> k; break;
            case BPF_ALU | BPF_MOV | BPF_K: r[in.dst_reg] = k; break;
            case BPF_ALU | BPF_MOV | BPF_X: r[in.dst_reg] = static_cast<uint32_t>(r[in.src_reg]); break;
            case BPF_JMP | BPF_JNE | BPF_K: if (r[in.dst_reg] != k) pc += in.off; break;
            case BPF_JMP | BPF_JNE | BPF_X: if (r[in.dst_reg] != r[in.src_reg]) pc += in.off; break;
            case BPF_JMP | BPF_JEQ | BPF_K: if (r[in.dst_reg] == k) pc += in.off; break;
            case BPF_JMP | BPF_EXIT: return static_cast<int>(r[0]);
            default: ADD_FAILURE() << "unexpected opcode " << int(in.code); return -1;
        }
    }
    ADD_FAILURE() << "fell off the end";
    return -1;
}

constexpr uint32_t R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD;

}  // namespace

TEST(CgroupDeviceFilter, NoRulesDeniesEverything) {
    auto p = build_device_filter({});
    EXPECT_EQ(disassemble(p), std::string(kPrologue) + "6: mov32 r0, 0\n7: exit\n");
    EXPECT_EQ(run(p, 'c', 1, 3, R), 0);
}

TEST(CgroupDeviceFilter, AllowAllIsJustAccept) {
    auto p = build_device_filter({{true, "a", {}, {}, "rwm"}});
    EXPECT_EQ(disassemble(p), std::string(kPrologue) + "6: mov32 r0, 1\n7: exit\n");
}

TEST(CgroupDeviceFilter, LastRuleIsCheckedFirst) {
    std::vector<DeviceRule> rules = {
        {false, "a", {}, {}, "rwm"},    // default deny
        {true, "c", 1, 3, "rwm"},       // /dev/null
        {true, "c", {}, {}, "m"},       // mknod any char device
        {false, "c", 1, 3, "w"},        // but no writing /dev/null
    };
    auto p = build_device_filter(rules);
    EXPECT_EQ(disassemble(p), std::string(kPrologue) +
                                  // deny c 1:3 w: any requested bit in "w" matches
                                  "6: jne r2, 2, +7\n"
                                  "7: mov32 r1, r3\n"
                                  "8: and32 r1, 4\n"
                                  "9: jeq r1, 0, +4\n"
                                  "10: jne r4, 1, +3\n"
                                  "11: jne r5, 3, +2\n"
                                  "12: mov32 r0, 0\n"
                                  "13: exit\n"
                                  // allow c *:* m: every requested bit must be in "m"
                                  "14: jne r2, 2, +5\n"
                                  "15: mov32 r1, r3\n"
                                  "16: and32 r1, 1\n"
                                  "17: jne r1, r3, +2\n"
                                  "18: mov32 r0, 1\n"
                                  "19: exit\n"
                                  // allow c 1:3 rwm
                                  "20: jne r2, 2, +4\n"
                                  "21: jne r4, 1, +3\n"
                                  "22: jne r5, 3, +2\n"
                                  "23: mov32 r0, 1\n"
                                  "24: exit\n"
                                  "25: mov32 r0, 0\n"
                                  "26: exit\n");
    EXPECT_EQ(run(p, 'c', 1, 3, R), 1);
    EXPECT_EQ(run(p, 'c', 1, 3, R | W), 0);
    EXPECT_EQ(run(p, 'c', 1, 3, W), 0);
    EXPECT_EQ(run(p, 'c', 4, 1, M), 1);
    EXPECT_EQ(run(p, 'c', 4, 1, R), 0);
    EXPECT_EQ(run(p, 'b', 8, 0, M), 0);
}

TEST(CgroupDeviceFilter, AnAllDevicesRuleResetsWhatCameBefore) {
    // As runc (v1 semantics): 8:1 denied before "allow all" is allowed again; 8:2 after is denied.
    auto p = build_device_filter({{false, "b", 8, 1, "rwm"},
                                  {true, "", {}, {}, ""},
                                  {false, "b", 8, 2, "rwm"}});
    EXPECT_EQ(disassemble(p), std::string(kPrologue) +
                                  "6: jne r2, 1, +4\n"
                                  "7: jne r4, 8, +3\n"
                                  "8: jne r5, 2, +2\n"
                                  "9: mov32 r0, 0\n"
                                  "10: exit\n"
                                  "11: mov32 r0, 1\n"
                                  "12: exit\n");
    EXPECT_EQ(run(p, 'b', 8, 1, R), 1);
    EXPECT_EQ(run(p, 'b', 8, 2, R), 0);
    EXPECT_EQ(run(p, 'c', 8, 2, R), 1);
}

TEST(CgroupDeviceFilter, RuncDefaultAllowListBehaves) {
    std::vector<DeviceRule> rules = {{false, "a", {}, {}, "rwm"},
                                     {true, "c", {}, {}, "m"},  {true, "b", {}, {}, "m"},
                                     {true, "c", 1, 3, "rwm"},  {true, "c", 1, 8, "rwm"},
                                     {true, "c", 1, 7, "rwm"},  {true, "c", 5, 0, "rwm"},
                                     {true, "c", 1, 5, "rwm"},  {true, "c", 1, 9, "rwm"},
                                     {true, "c", 136, {}, "rwm"}, {true, "c", 5, 2, "rwm"}};
    auto p = build_device_filter(rules);
    EXPECT_EQ(run(p, 'c', 136, 7, R | W), 1);  // a pty
    EXPECT_EQ(run(p, 'c', 1, 9, R), 1);        // urandom
    EXPECT_EQ(run(p, 'b', 8, 0, M), 1);        // mknod only
    EXPECT_EQ(run(p, 'b', 8, 0, R), 0);
    EXPECT_EQ(run(p, 'c', 10, 200, R | W), 0);  // tun is not in the list
}

TEST(CgroupDeviceFilter, RejectsBadTypeOrAccess) {
    EXPECT_THROW(build_device_filter({{true, "x", {}, {}, "rwm"}}), wb::Error);
    EXPECT_THROW(build_device_filter({{true, "c", 1, 3, "rwx"}}), wb::Error);
}
