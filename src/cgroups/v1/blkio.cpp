// blkio: weights (CFQ names, or the BFQ ones when only those exist) and throttles.
#include "cgroups/v1/controllers.hpp"

namespace wb::cgroups::v1 {

static std::string dev(int64_t major, int64_t minor) {
    return std::to_string(major) + ":" + std::to_string(minor);
}

void apply_blkio(const Files& f, const std::string& dir, const oci::BlockIo& b) {
    bool bfq_only = !has_file(dir, "blkio.weight") && has_file(dir, "blkio.bfq.weight");
    std::string weight = bfq_only ? "blkio.bfq.weight" : "blkio.weight";
    std::string weight_device = bfq_only ? "blkio.bfq.weight_device" : "blkio.weight_device";
    if (b.weight && *b.weight != 0) f.write(dir, weight, std::to_string(*b.weight));
    if (b.leaf_weight && *b.leaf_weight != 0)
        f.write(dir, "blkio.leaf_weight", std::to_string(*b.leaf_weight));
    for (const auto& wd : b.weight_device) {
        if (wd.weight) f.write(dir, weight_device, dev(wd.major, wd.minor) + " " + std::to_string(*wd.weight));
        if (wd.leaf_weight)
            f.write(dir, "blkio.leaf_weight_device",
                    dev(wd.major, wd.minor) + " " + std::to_string(*wd.leaf_weight));
    }
    auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* file) {
        for (const auto& t : list) f.write(dir, file, dev(t.major, t.minor) + " " + std::to_string(t.rate));
    };
    throttle(b.throttle_read_bps_device, "blkio.throttle.read_bps_device");
    throttle(b.throttle_write_bps_device, "blkio.throttle.write_bps_device");
    throttle(b.throttle_read_iops_device, "blkio.throttle.read_iops_device");
    throttle(b.throttle_write_iops_device, "blkio.throttle.write_iops_device");
}

// "8:0 Read 4096" lines (and a "Total N" line, skipped).
static std::vector<BlkioEntry> read_entries(const std::string& dir, const std::string& name) {
    std::vector<BlkioEntry> out;
    for (const auto& line : split(read_opt(dir, name).value_or(""), "\n")) {
        auto f = split(line, " ");
        if (f.size() != 3) continue;
        auto mm = split(f[0], ":");
        if (mm.size() != 2) continue;
        try {
            out.push_back({std::stoull(mm[0]), std::stoull(mm[1]), f[1], std::stoull(f[2])});
        } catch (const std::exception&) {
        }
    }
    return out;
}

void stat_blkio(const std::string& dir, Stats& s) {
    s.io_service_bytes = read_entries(dir, "blkio.throttle.io_service_bytes");
    s.io_serviced = read_entries(dir, "blkio.throttle.io_serviced");
}

}  // namespace wb::cgroups::v1
