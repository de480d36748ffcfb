// io: io.bfq.weight or io.weight (from the blkio weight), io.max throttles, io.stat.
#include <algorithm>

#include "cgroups/v2/controllers.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::cgroups::v2 {

static std::string dev(int64_t major, int64_t minor) {
    return std::to_string(major) + ":" + std::to_string(minor);
}

void apply_io(const Files& f, const std::string& dir, const oci::BlockIo& b) {
    if (b.leaf_weight) wb::log::warn("blockIO.leafWeight is not supported on cgroup v2; ignored");
    bool bfq = has_file(dir, "io.bfq.weight");
    if (b.weight && *b.weight != 0) {
        // BFQ takes the v1 range (1..1000) as is; without it, io.weight (1..10000).
        if (bfq) f.write(dir, "io.bfq.weight", std::to_string(*b.weight));
        else f.write(dir, "io.weight", std::to_string(blkio_weight_to_io_weight(*b.weight)));
    }
    for (const auto& wd : b.weight_device) {
        if (!wd.weight || *wd.weight == 0) continue;
        if (!bfq) {
            wb::log::warn("blockIO.weightDevice needs the BFQ scheduler (io.bfq.weight); ignored");
            break;
        }
        f.write(dir, "io.bfq.weight", dev(wd.major, wd.minor) + " " + std::to_string(*wd.weight));
    }
    // One io.max line per device with every key that device has, in first-seen order.
    std::vector<std::pair<std::string, std::string>> lines;
    auto add = [&](const std::vector<oci::ThrottleDevice>& list, const char* key) {
        for (const auto& t : list) {
            std::string d = dev(t.major, t.minor);
            auto it = std::find_if(lines.begin(), lines.end(), [&](auto& l) { return l.first == d; });
            if (it == lines.end()) it = lines.insert(lines.end(), {d, d});
            // v1 used 0 to remove a limit; v2 spells that "max".
            it->second += std::string(" ") + key + "=" + (t.rate ? std::to_string(t.rate) : "max");
        }
    };
    add(b.throttle_read_bps_device, "rbps");
    add(b.throttle_write_bps_device, "wbps");
    add(b.throttle_read_iops_device, "riops");
    add(b.throttle_write_iops_device, "wiops");
    for (const auto& [d, line] : lines) f.write(dir, "io.max", line);
}

void stat_io(const std::string& dir, Stats& s) {
    auto text = read_opt(dir, "io.stat");
    if (!text) return;
    for (const auto& line : split(*text, "\n")) {
        auto fields = split(line, " ");
        if (fields.empty()) continue;
        auto mm = split(fields[0], ":");
        if (mm.size() != 2) continue;
        BlkioEntry e;
        try {
            e.major = std::stoull(mm[0]);
            e.minor = std::stoull(mm[1]);
        } catch (const std::exception&) {
            continue;
        }
        for (size_t i = 1; i < fields.size(); ++i) {
            auto eq = fields[i].find('=');
            if (eq == std::string::npos) continue;
            std::string key = fields[i].substr(0, eq);
            uint64_t v = 0;
            try {
                v = std::stoull(fields[i].substr(eq + 1));
            } catch (const std::exception&) {
                continue;
            }
            BlkioEntry x = e;
            x.value = v;
            if (key == "rbytes") x.op = "Read", s.io_service_bytes.push_back(x);
            else if (key == "wbytes") x.op = "Write", s.io_service_bytes.push_back(x);
            else if (key == "rios") x.op = "Read", s.io_serviced.push_back(x);
            else if (key == "wios") x.op = "Write", s.io_serviced.push_back(x);
        }
    }
}

}  // namespace wb::cgroups::v2
