#include "cgroups/v2/device_filter.hpp"

#include <unistd.h>

#include <cstdint>

#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

namespace wb::cgroups::v2 {

namespace {

// Registers: r1 = ctx (struct bpf_cgroup_dev_ctx), r2 = device type, r3 = requested access,
// r4 = major, r5 = minor, r0 = verdict.
bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}
constexpr uint8_t kLdxW = BPF_LDX | BPF_MEM | BPF_W;
constexpr uint8_t kAndK = BPF_ALU | BPF_AND | BPF_K;
constexpr uint8_t kRshK = BPF_ALU | BPF_RSH | BPF_K;
constexpr uint8_t kMovK = BPF_ALU | BPF_MOV | BPF_K;
constexpr uint8_t kMovX = BPF_ALU | BPF_MOV | BPF_X;
constexpr uint8_t kJneK = BPF_JMP | BPF_JNE | BPF_K;
constexpr uint8_t kJneX = BPF_JMP | BPF_JNE | BPF_X;
constexpr uint8_t kJeqK = BPF_JMP | BPF_JEQ | BPF_K;
constexpr uint8_t kExit = BPF_JMP | BPF_EXIT;
constexpr int32_t kAllAccess = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;

int32_t access_mask(const std::string& access) {
    if (access.empty()) return kAllAccess;
    int32_t mask = 0;
    for (char c : access) {
        switch (c) {
            case 'r': mask |= BPF_DEVCG_ACC_READ; break;
            case 'w': mask |= BPF_DEVCG_ACC_WRITE; break;
            case 'm': mask |= BPF_DEVCG_ACC_MKNOD; break;
            default: throw Error("invalid device access \"" + access + "\"");
        }
    }
    return mask;
}

// 0 = any type.
int32_t device_type(const std::string& type) {
    if (type.empty() || type == "a") return 0;
    if (type == "c") return BPF_DEVCG_DEV_CHAR;
    if (type == "b") return BPF_DEVCG_DEV_BLOCK;
    throw Error("invalid cgroup device type \"" + type + "\"");
}

bool is_all_devices(const oci::DeviceRule& r) {
    return device_type(r.type) == 0 && !r.major && !r.minor && access_mask(r.access) == kAllAccess;
}

// One rule: checks that jump to the next block when they fail, then the verdict.
std::vector<bpf_insn> rule_block(const oci::DeviceRule& r) {
    std::vector<bpf_insn> b;
    std::vector<size_t> jumps;  // indexes whose off must reach the end of the block
    if (int32_t t = device_type(r.type)) {
        jumps.push_back(b.size());
        b.push_back(insn(kJneK, 2, 0, 0, t));
    }
    if (int32_t mask = access_mask(r.access); mask != kAllAccess) {
        b.push_back(insn(kMovX, 1, 3, 0, 0));
        b.push_back(insn(kAndK, 1, 0, 0, mask));
        jumps.push_back(b.size());
        if (r.allow) b.push_back(insn(kJneX, 1, 3, 0, 0));  // requested ⊄ allowed
        else b.push_back(insn(kJeqK, 1, 0, 0, 0));          // requested ∩ denied = ∅
    }
    if (r.major && *r.major >= 0) {
        jumps.push_back(b.size());
        b.push_back(insn(kJneK, 4, 0, 0, static_cast<int32_t>(*r.major)));
    }
    if (r.minor && *r.minor >= 0) {
        jumps.push_back(b.size());
        b.push_back(insn(kJneK, 5, 0, 0, static_cast<int32_t>(*r.minor)));
    }
    b.push_back(insn(kMovK, 0, 0, 0, r.allow ? 1 : 0));
    b.push_back(insn(kExit, 0, 0, 0, 0));
    for (size_t j : jumps) b[j].off = static_cast<int16_t>(b.size() - (j + 1));
    return b;
}

}  // namespace

std::vector<bpf_insn> build_device_filter(const std::vector<oci::DeviceRule>& rules) {
    std::vector<bpf_insn> p = {
        insn(kLdxW, 2, 1, 0, 0),  // r2 = ctx->access_type
        insn(kAndK, 2, 0, 0, 0xffff),  // r2 &= 0xffff: the device type
        insn(kLdxW, 3, 1, 0, 0),  // r3 = ctx->access_type
        insn(kRshK, 3, 0, 0, 16),  // r3 >>= 16: the access
        insn(kLdxW, 4, 1, 4, 0),  // r4 = ctx->major
        insn(kLdxW, 5, 1, 8, 0),  // r5 = ctx->minor
    };
    size_t first = 0;
    bool default_allow = false;
    for (size_t i = 0; i < rules.size(); ++i) {
        access_mask(rules[i].access);  // validate every rule, even the ones reset away
        device_type(rules[i].type);
        if (is_all_devices(rules[i])) {
            first = i + 1;
            default_allow = rules[i].allow;
        }
    }
    for (size_t i = rules.size(); i-- > first;) {
        auto b = rule_block(rules[i]);
        p.insert(p.end(), b.begin(), b.end());
    }
    p.push_back(insn(kMovK, 0, 0, 0, default_allow ? 1 : 0));
    p.push_back(insn(kExit, 0, 0, 0, 0));
    return p;
}

std::string disassemble(const std::vector<bpf_insn>& program) {
    std::string out;
    // (Appending, not "r" + to_string: GCC 12 reports a false -Wrestrict on that, PR105329.)
    auto reg = [](unsigned r) {
        std::string name = "r";
        name += std::to_string(r);
        return name;
    };
    for (size_t i = 0; i < program.size(); ++i) {
        const bpf_insn& in = program[i];
        std::string d = reg(in.dst_reg), s = reg(in.src_reg), imm = std::to_string(in.imm);
        std::string off = (in.off >= 0 ? "+" : "") + std::to_string(in.off);
        std::string text;
        switch (in.code) {
            case kLdxW: text = "ldxw " + d + ", [" + s + "+" + std::to_string(in.off) + "]"; break;
            case kAndK: text = "and32 " + d + ", " + imm; break;
            case kRshK: text = "rsh32 " + d + ", " + imm; break;
            case kMovK: text = "mov32 " + d + ", " + imm; break;
            case kMovX: text = "mov32 " + d + ", " + s; break;
            case kJneK: text = "jne " + d + ", " + imm + ", " + off; break;
            case kJneX: text = "jne " + d + ", " + s + ", " + off; break;
            case kJeqK: text = "jeq " + d + ", " + imm + ", " + off; break;
            case kExit: text = "exit"; break;
            default: text = "op " + std::to_string(in.code); break;
        }
        out += std::to_string(i) + ": " + text + "\n";
    }
    return out;
}

namespace {

uint64_t ptr(const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }

long bpf(int cmd, bpf_attr& attr) { return linux::sys().bpf(cmd, &attr, sizeof attr); }

}  // namespace

void attach_device_filter(int cgroup_dirfd, const std::vector<bpf_insn>& program) {
    // The programs attached now; they are detached once the new one is in place, so the
    // cgroup is never without a filter.
    uint32_t old_ids[64] = {};
    bpf_attr q{};
    q.query.target_fd = static_cast<uint32_t>(cgroup_dirfd);
    q.query.attach_type = BPF_CGROUP_DEVICE;
    q.query.prog_ids = ptr(old_ids);
    q.query.prog_cnt = 64;
    uint32_t old_count = bpf(BPF_PROG_QUERY, q) == 0 ? q.query.prog_cnt : 0;

    static const char license[] = "Apache";
    bpf_attr load{};
    load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    load.insns = ptr(program.data());
    load.insn_cnt = static_cast<uint32_t>(program.size());
    load.license = ptr(license);
    UniqueFd prog(static_cast<int>(bpf(BPF_PROG_LOAD, load)));
    if (!prog) throw_errno("load the cgroup device program (bpf BPF_PROG_LOAD)");

    bpf_attr at{};
    at.target_fd = static_cast<uint32_t>(cgroup_dirfd);
    at.attach_bpf_fd = static_cast<uint32_t>(prog.get());
    at.attach_type = BPF_CGROUP_DEVICE;
    at.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, at) < 0)
        throw_errno("attach the cgroup device program (bpf BPF_PROG_ATTACH)");

    for (uint32_t i = 0; i < old_count && i < 64; ++i) {
        bpf_attr g{};
        g.prog_id = old_ids[i];
        UniqueFd old(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, g)));
        if (!old) continue;  // gone already
        bpf_attr de{};
        de.target_fd = static_cast<uint32_t>(cgroup_dirfd);
        de.attach_bpf_fd = static_cast<uint32_t>(old.get());
        de.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, de) < 0)
            wb::log::warn("detach old cgroup device program {}: {}", old_ids[i], errno);
    }
}

}  // namespace wb::cgroups::v2
