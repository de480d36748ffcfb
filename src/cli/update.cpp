#include <unistd.h>

#include "cli/command.hpp"
#include "cli/sizes.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::cli {
namespace {

struct UpdateOptions {
    std::string id, resources_file;
    std::string memory, memory_reservation, memory_swap, kernel_memory, kernel_memory_tcp;
    std::optional<uint64_t> cpu_shares, cpu_period, cpu_rt_period, blkio_weight;
    std::optional<int64_t> cpu_quota, cpu_rt_runtime, pids_limit;
    std::string cpuset_cpus, cpuset_mems;
    std::string l3_cache_schema, mem_bw_schema;
};

// Intel RDT is managed through resctrl; whalebox does not drive it. Like runc, a schema
// on a host without the feature is refused by name.
void check_intel_rdt(const UpdateOptions& o) {
    auto enabled = [](const char* info) { return ::access((std::string("/sys/fs/resctrl/info/") + info).c_str(), F_OK) == 0; };
    if (!o.l3_cache_schema.empty() && !enabled("L3")) throw Error("Intel RDT/CAT: l3 cache schema is not enabled");
    if (!o.mem_bw_schema.empty() && !enabled("MB")) throw Error("Intel RDT/MBA: memory bandwidth schema is not enabled");
    if (!o.l3_cache_schema.empty() || !o.mem_bw_schema.empty())
        throw Error("Intel RDT: whalebox does not manage resctrl groups");
}

oci::Resources build_resources(const UpdateOptions& o) {
    oci::Resources r;
    if (!o.resources_file.empty()) {
        std::string text = o.resources_file == "-" ? fs::read_all(STDIN_FILENO) : fs::read_file(o.resources_file);
        // As runc: with -r, the other resource flags are ignored.
        return oci::parse_resources(text);
    }
    auto mem = [&]() -> oci::Memory& {
        if (!r.memory) r.memory.emplace();
        return *r.memory;
    };
    auto cpu = [&]() -> oci::Cpu& {
        if (!r.cpu) r.cpu.emplace();
        return *r.cpu;
    };
    if (!o.memory.empty()) mem().limit = parse_memory_size(o.memory, "memory");
    if (!o.memory_reservation.empty()) mem().reservation = parse_memory_size(o.memory_reservation, "memory-reservation");
    if (!o.memory_swap.empty()) mem().swap = parse_memory_size(o.memory_swap, "memory-swap");
    if (!o.kernel_memory.empty()) mem().kernel = parse_memory_size(o.kernel_memory, "kernel-memory");
    if (!o.kernel_memory_tcp.empty()) mem().kernel_tcp = parse_memory_size(o.kernel_memory_tcp, "kernel-memory-tcp");
    if (o.cpu_shares) cpu().shares = o.cpu_shares;
    if (o.cpu_quota) cpu().quota = o.cpu_quota;
    if (o.cpu_period) cpu().period = o.cpu_period;
    if (o.cpu_rt_runtime) cpu().realtime_runtime = o.cpu_rt_runtime;
    if (o.cpu_rt_period) cpu().realtime_period = o.cpu_rt_period;
    if (!o.cpuset_cpus.empty()) cpu().cpus = o.cpuset_cpus;
    if (!o.cpuset_mems.empty()) cpu().mems = o.cpuset_mems;
    if (o.pids_limit) {
        if (!r.pids) r.pids.emplace();
        r.pids->limit = o.pids_limit;
    }
    if (o.blkio_weight) {
        if (!r.block_io) r.block_io.emplace();
        r.block_io->weight = static_cast<uint16_t>(*o.blkio_weight);
    }
    return r;
}

void add_update_command(Command& app, Globals& g) {
    auto o = std::make_shared<UpdateOptions>();
    Command sub = app.add_subcommand("update", "update a container's resource limits");
    sub.add_option("container-id", o->id, "the container's id").required();
    sub.add_option("-r,--resources", o->resources_file, "linux.resources JSON file, or - for stdin");
    sub.add_option("--memory", o->memory, "memory limit (bytes, or 64m, 1g; -1 = unlimited)");
    sub.add_option("--memory-reservation", o->memory_reservation, "memory soft limit");
    sub.add_option("--memory-swap", o->memory_swap, "memory plus swap limit");
    sub.add_option("--kernel-memory", o->kernel_memory, "kernel memory limit (deprecated)");
    sub.add_option("--kernel-memory-tcp", o->kernel_memory_tcp, "kernel TCP memory limit (deprecated)");
    sub.add_option("--cpu-share,--cpu-shares", o->cpu_shares, "CPU shares (relative weight)");
    sub.add_option("--cpu-quota", o->cpu_quota, "CPU CFS quota in microseconds");
    sub.add_option("--cpu-period", o->cpu_period, "CPU CFS period in microseconds");
    sub.add_option("--cpu-rt-runtime", o->cpu_rt_runtime, "CPU realtime runtime in microseconds");
    sub.add_option("--cpu-rt-period", o->cpu_rt_period, "CPU realtime period in microseconds");
    sub.add_option("--cpuset-cpus", o->cpuset_cpus, "CPUs to use (0-3, 0,1)");
    sub.add_option("--cpuset-mems", o->cpuset_mems, "memory nodes to use");
    sub.add_option("--pids-limit", o->pids_limit, "maximum number of pids (-1 = unlimited)");
    sub.add_option("--blkio-weight", o->blkio_weight, "block IO weight, 10 to 1000");
    sub.add_option("--l3-cache-schema", o->l3_cache_schema, "Intel RDT/CAT L3 cache schema");
    sub.add_option("--mem-bw-schema", o->mem_bw_schema, "Intel RDT/MBA memory bandwidth schema");
    sub.callback([&g, o] {
        oci::Resources resources = build_resources(*o);
        runtime::state(g.runtime, o->id);  // "container does not exist" comes first
        check_intel_rdt(*o);
        runtime::update(g.runtime, o->id, resources);
    });
}

}  // namespace

WHALEBOX_COMMAND("update", add_update_command);

}  // namespace wb::cli
