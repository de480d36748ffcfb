// hugetlb: hugetlb.<size>.max (and .rsvd.max when the kernel has it).
#include "cgroups/v2/controllers.hpp"

namespace wb::cgroups::v2 {

void apply_hugetlb(const Files& f, const std::string& dir,
                   const std::vector<oci::HugepageLimit>& limits) {
    for (const auto& l : limits) {
        std::string base = "hugetlb." + l.page_size;
        f.write(dir, base + ".max", std::to_string(l.limit));
        if (has_file(dir, base + ".rsvd.max")) f.write(dir, base + ".rsvd.max", std::to_string(l.limit));
    }
}

void stat_hugetlb(const std::string& dir, Stats& s) {
    // Files "hugetlb.2MB.current": list them from the directory.
    for (const auto& name : list_files(dir)) {
        const std::string pre = "hugetlb.", suf = ".current";
        if (name.size() <= pre.size() + suf.size() || name.compare(0, pre.size(), pre) != 0 ||
            name.compare(name.size() - suf.size(), suf.size(), suf) != 0)
            continue;
        std::string size = name.substr(pre.size(), name.size() - pre.size() - suf.size());
        if (size.find('.') != std::string::npos) continue;  // hugetlb.2MB.rsvd.current
        s.hugetlb_usage[size] = read_u64(dir, name);
    }
}

}  // namespace wb::cgroups::v2
